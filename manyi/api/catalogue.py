"""The API's published rules and directory: campaigns, categories, rubrics (public), and
organizations (the secretariat, by the admin's rule)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from manyi.accounts.models import Organization
from manyi.api.access import ID, deny_unless, user_of
from manyi.api.errors import ERRORS, PUBLIC_ERRORS
from manyi.api.schemas import (
    CampaignOut,
    CategoryOut,
    OrganizationOut,
    RubricOut,
)
from manyi.campaigns.models import Campaign, Category, Rubric
from manyi.campaigns.queries import rubric_tree

catalogue = Router(tags=["campaigns"])


@catalogue.get(
    "/campaigns",
    response={200: list[CampaignOut], **PUBLIC_ERRORS},
    auth=None,
    summary="评选活动列表",
)
def list_campaigns(request: HttpRequest):
    return Campaign.objects.order_by("-year")


@catalogue.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignOut, **PUBLIC_ERRORS},
    auth=None,
    summary="评选活动",
)
def get_campaign(request: HttpRequest, campaign_id: int = ID):
    return get_object_or_404(Campaign, pk=campaign_id)


@catalogue.get(
    "/campaigns/{campaign_id}/categories",
    response={200: list[CategoryOut], **PUBLIC_ERRORS},
    auth=None,
    summary="活动的奖项类别",
)
def list_categories(request: HttpRequest, campaign_id: int = ID):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return campaign.categories.order_by("position", "pk")


@catalogue.get(
    "/categories/{category_id}",
    response={200: CategoryOut, **PUBLIC_ERRORS},
    auth=None,
    summary="奖项类别",
)
def get_category(request: HttpRequest, category_id: int = ID):
    return get_object_or_404(Category, pk=category_id)


@catalogue.get(
    "/rubrics/{rubric_id}",
    response={200: RubricOut, **PUBLIC_ERRORS},
    auth=None,
    summary="评分标准（项目、细项、评分档）",
)
def get_rubric(request: HttpRequest, rubric_id: int = ID):
    get_object_or_404(Rubric.objects.only("pk"), pk=rubric_id)
    rubric = rubric_tree(rubric_id)
    return {
        "id": rubric.pk,
        "campaign_id": rubric.campaign_id,
        "code": rubric.code,
        "title": rubric.title,
        "edition": rubric.edition,
        "total_points": rubric.total_points,
        "items": [
            {
                "id": item.pk,
                "name": item.name,
                "max_points": item.max_points,
                "criteria": [
                    {
                        "id": c.pk,
                        "name": c.name,
                        "max_points": c.max_points,
                        "description": c.description,
                        "bands": [
                            {"id": b.pk, "text": b.text, "low": b.low, "high": b.high}
                            for b in c.bands.all()
                        ],
                    }
                    for c in item.criteria.all()
                ],
            }
            for item in rubric.items.all()
        ],
    }


# --- organizations: who may see them is the admin's rule (accounts.view_organization) ---------

organizations = Router(tags=["organizations"])
NO_ORGANIZATIONS = "只有秘书处可以查看组织名录。"


@organizations.get(
    "/organizations", response={200: list[OrganizationOut], **ERRORS}, summary="组织名录（秘书处）"
)
def list_organizations(request: HttpRequest):
    deny_unless(user_of(request).has_perm("accounts.view_organization"), NO_ORGANIZATIONS)
    return Organization.objects.order_by("name", "pk")


@organizations.get(
    "/organizations/{organization_id}",
    response={200: OrganizationOut, **ERRORS},
    summary="组织（秘书处）",
)
def get_organization(request: HttpRequest, organization_id: int = ID):
    deny_unless(user_of(request).has_perm("accounts.view_organization"), NO_ORGANIZATIONS)
    return get_object_or_404(Organization, pk=organization_id)
