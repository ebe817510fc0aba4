"""The REST API, version 1 (/api/v1/): django-ninja over the same services and permission rules
as the pages. Nothing here decides who may do what: each route asks the rule the page asks
(`user.has_perm`, the predicates of accounts/nominations permissions, the access helpers), and
every change goes through the service the page calls.

Authentication: a personal token (`Authorization: Bearer manyi_…`, see services.py) or the
browser's session (for /api/v1/docs; unsafe methods then need the CSRF token). A token that is
presented and not usable is refused with 401 even if a session is also present.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Query, Router, Status
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from manyi.accounts.models import Organization, User
from manyi.accounts.permissions import is_judge, is_secretariat
from manyi.api import errors
from manyi.api.access import ID, deny_unless, user_of
from manyi.api.errors import ERRORS, PUBLIC_ERRORS, Refused, TokenRefused
from manyi.api.files import files
from manyi.api.schemas import (
    AssignmentOut,
    CampaignOut,
    CategoryOut,
    DraftIn,
    DraftUpdate,
    NominationDetail,
    NominationFilter,
    NominationPage,
    NoticeOut,
    OrganizationOut,
    RankingRowOut,
    ResultsFilter,
    ResultsOut,
    ReviewOut,
    RubricOut,
    SheetIn,
    TransitionIn,
    TransitionOut,
)
from manyi.api.services import user_for_token
from manyi.campaigns.models import Campaign, Category, CategoryKind, Rubric
from manyi.campaigns.queries import rubric_tree
from manyi.nominations import services as filing
from manyi.nominations.forms import form_keys
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination, Transition
from manyi.nominations.permissions import actors, get_nomination_for_user
from manyi.nominations.queries import criteria_of, rubric_for
from manyi.nominations.workflow import STEPS, steps_from
from manyi.privacy.masking import visible_data
from manyi.reviews import judging, ranking, results
from manyi.reviews import services as reviewing
from manyi.reviews.judging_views import get_task_for_judge
from manyi.reviews.models import Review
from manyi.reviews.ranking import display


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token)
        if user is None:
            raise TokenRefused
        return user


class ReadableJSON(JSONRenderer):
    """Chinese as characters, not \\u escapes (JSON is UTF-8)."""

    json_dumps_params = {"ensure_ascii": False}


class BrowserSession(SessionAuth):
    """The signed-in browser (the docs page); CSRF is checked on unsafe methods."""


api = NinjaAPI(
    title="满意 · 用户满意服务评选 API",
    version="1",
    description=(
        "评选活动、类别、评分标准、组织、申报、状态流转、评审任务、评分、排名、公示与结果。"
        "认证：请求头 `Authorization: Bearer <个人令牌>`（在“API 令牌”页面创建），"
        "或浏览器登录会话（修改类请求须带 X-CSRFToken）。"
        "错误统一为 JSON：{code, message, details}。"
    ),
    urls_namespace="api-v1",
    auth=[BearerToken(), BrowserSession()],
    renderer=ReadableJSON(),
)
errors.install(api)

# --- campaigns, categories, rubrics: public, as the published rules of the selection ----------

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


# --- nominations -------------------------------------------------------------------------------

nominations = Router(tags=["nominations"])


def _row(nomination: Nomination) -> dict[str, Any]:
    """A list row: no field of the form's data, so nothing the privacy rules mask."""
    return {
        "id": nomination.pk,
        "campaign_id": nomination.campaign_id,
        "category_id": nomination.category_id,
        "kind": nomination.category.kind,
        "organization_id": nomination.organization_id,
        "organization": nomination.organization.name,
        "applicant": str(nomination.applicant),
        "state": nomination.state,
        "state_label": str(nomination.get_state_display()),
        "title": nomination.title,
        "version": nomination.version,
        "filed_at": nomination.filed_at,
        "created_at": nomination.created_at,
        "updated_at": nomination.updated_at,
    }


def _detail(nomination: Nomination, user: User) -> dict[str, Any]:
    roles = actors(user, nomination)
    steps = [s for actor in roles for s in steps_from(nomination.state, actor)]
    return {
        **_row(nomination),
        "locked_name": nomination.locked_name,
        "locked_members": nomination.locked_members,
        "correction_deadline": nomination.correction_deadline,
        # Sensitive personal fields as the privacy rules show them to this user (one place).
        "data": visible_data(
            user, nomination, FORMS[nomination.category.kind].fields, nomination.data
        ),
        "actions": [
            {"action": s.action, "label": s.label, "needs_comment": s.needs_comment} for s in steps
        ],
    }


def visible_ids(user: User, nominations: QuerySet[Nomination]) -> list[int]:
    """The ids of `nominations` that `user` may see, newest first, by the one rule of the pages
    (`nominations.view_nomination`) asked of each: no second copy of the rule as a query. One
    query of four columns; only the page's rows are then read in full."""
    candidates = (
        nominations.select_related("category")
        .only("pk", "state", "applicant_id", "organization_id", "category__kind")
        .order_by("-created_at", "-pk")
    )
    return [n.pk for n in candidates if user.has_perm("nominations.view_nomination", n)]


@nominations.get(
    "/nominations",
    response={200: NominationPage, **ERRORS},
    summary="申报列表（可按活动、类别、状态、组织筛选，分页）",
)
def list_nominations(request: HttpRequest, filters: Query[NominationFilter]):
    user = user_of(request)
    queryset = Nomination.objects.all()
    for field in ("campaign", "category", "state", "organization"):
        value = getattr(filters, field)
        if value is not None:
            queryset = queryset.filter(**{f"{field}_id" if field != "state" else field: value})
    ids = visible_ids(user, queryset)
    start = (filters.page - 1) * filters.page_size
    page = (
        Nomination.objects.filter(pk__in=ids[start : start + filters.page_size])
        .select_related("category", "organization", "applicant")
        .order_by("-created_at", "-pk")
    )
    return {
        "count": len(ids),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_row(n) for n in page],
    }


@nominations.get(
    "/nominations/{nomination_id}", response={200: NominationDetail, **ERRORS}, summary="申报详情"
)
def get_nomination(request: HttpRequest, nomination_id: int = ID):
    user = user_of(request)
    return _detail(get_nomination_for_user(user, nomination_id), user)


def _checked_data(nomination: Nomination, data: dict[str, str]) -> dict[str, str]:
    """The inputs of the form, as typed; a name the form does not have is refused (422)."""
    ids = [pk for pk, _name, _max in criteria_of(rubric_for(nomination.category))]
    known = set(form_keys(FORMS[nomination.category.kind], ids))
    unknown = sorted(set(data) - known)
    if unknown:
        raise Refused(
            422,
            "unknown_fields",
            f"表单中没有这些栏目：{'、'.join(unknown[:20])}。",
            {"unknown": unknown, "known": sorted(known)},
        )
    return {key: value for key, value in data.items() if value != ""}


@nominations.post(
    "/nominations", response={201: NominationDetail, **ERRORS}, summary="新建申报草稿"
)
def create_draft(request: HttpRequest, payload: DraftIn):
    """Start a draft of a category (by someone who may file it) with the inputs given."""
    user = user_of(request)
    category = get_object_or_404(Category.objects.select_related("campaign"), pk=payload.category)
    newest = Campaign.objects.order_by("-year").values_list("pk", flat=True).first()
    if category.campaign_id != newest:  # as the page: new forms belong to the newest campaign
        raise Refused(422, "not_current_campaign", "只能为当前评选活动新建申报。")
    probe = Nomination(campaign=category.campaign, category=category, applicant=user)
    data = _checked_data(probe, payload.data)
    with transaction.atomic():
        nomination = filing.start_nomination(category, by=user)
        nomination = filing.save_draft(nomination, data, by=user)
    return Status(201, _detail(get_nomination_for_user(user, nomination.pk), user))


@nominations.put(
    "/nominations/{nomination_id}",
    response={200: NominationDetail, **ERRORS},
    summary="修改草稿（须带读取时的 version）",
)
def update_draft(request: HttpRequest, payload: DraftUpdate, nomination_id: int = ID):
    """Replace the inputs of a draft (or of a filing returned for correction). `version` is the
    version read: if the draft changed since, 409 `stale` and nothing is saved."""
    user = user_of(request)
    nomination = get_nomination_for_user(user, nomination_id, edit=True)
    data = _checked_data(nomination, payload.data)
    filing.save_draft(nomination, data, by=user, version=payload.version)
    return _detail(get_nomination_for_user(user, nomination_id), user)


@nominations.post(
    "/nominations/{nomination_id}/file",
    response={200: NominationDetail, **ERRORS},
    summary="提交申报",
)
def file_nomination(request: HttpRequest, nomination_id: int = ID):
    """File (提交申报) — or resubmit after a correction. Every problem comes back at once in
    `details.messages` (422 `filing_refused`)."""
    user = user_of(request)
    nomination = get_nomination_for_user(user, nomination_id)
    filing.file_nomination(nomination, by=user)
    return _detail(get_nomination_for_user(user, nomination_id), user)


@nominations.get(
    "/nominations/{nomination_id}/transitions",
    response={200: list[TransitionOut], **ERRORS},
    summary="申报的状态变更记录",
)
def list_transitions(request: HttpRequest, nomination_id: int = ID):
    nomination = get_nomination_for_user(user_of(request), nomination_id)
    return [
        {
            "id": t.pk,
            "action": t.action,
            "source": t.source,
            "target": t.target,
            "by": str(t.by) if t.by else None,
            "at": t.at,
            "comment": t.comment,
        }
        for t in Transition.objects.filter(nomination=nomination).select_related("by")
    ]


def _withdraw(nomination: Nomination, user: User, comment: str) -> Nomination:
    with transaction.atomic():
        return filing.transition(
            filing.locked_for_update(nomination), "withdraw", by=user, comment=comment
        )


# The moves offered here, each by the service its page calls. The others need what only their
# page gathers (the recommender's opinion and sealed page, the formal-check list, the notice).
MOVES = {
    "file": lambda n, user, comment: filing.file_nomination(n, by=user),
    "resubmit": lambda n, user, comment: filing.file_nomination(n, by=user),
    "withdraw": _withdraw,
    "return_to_applicant": lambda n, user, comment: reviewing.return_to_applicant(
        n, by=user, reasons=comment
    ),
    "finish_review": lambda n, user, comment: judging.finish_review(n, by=user),
}


@nominations.post(
    "/nominations/{nomination_id}/transitions",
    response={200: NominationDetail, **ERRORS},
    summary="进行状态流转",
)
def perform_transition(request: HttpRequest, payload: TransitionIn, nomination_id: int = ID):
    """Make one move of the workflow the caller may make (see `actions` of the nomination):
    file, resubmit, withdraw, return_to_applicant, finish_review."""
    user = user_of(request)
    nomination = get_nomination_for_user(user, nomination_id)
    step = STEPS.get(payload.action)
    if step is None:
        raise Refused(422, "unknown_action", "没有这一操作。", {"actions": sorted(STEPS)})
    if step.actor not in actors(user, nomination):
        deny_unless(False, f"您不能对此申报进行“{step.label}”操作。")
    move = MOVES.get(step.action)
    if move is None:
        raise Refused(
            422,
            "use_the_pages",
            f"“{step.label}”须在网页上办理（需要填写的内容接口不提供）。",
            {"offered": sorted(MOVES)},
        )
    if nomination.state not in step.sources:
        raise Refused(
            409,
            "wrong_state",
            f"申报当前状态为“{nomination.get_state_display()}”，不能进行“{step.label}”操作。",
        )
    move(nomination, user, payload.comment)
    return _detail(get_nomination_for_user(user, nomination_id), user)


# --- judging: a judge's own tasks and reviews --------------------------------------------------

judging_router = Router(tags=["judging"])
JUDGES_ONLY = "只有评审专家可以评审。"


def _task(request: HttpRequest, nomination_id: int) -> tuple[User, Nomination]:
    user = user_of(request)
    deny_unless(is_judge(user), JUDGES_ONLY)
    return user, get_task_for_judge(user, nomination_id)


def _review(nomination: Nomination, judge: User) -> dict[str, Any]:
    review = (
        Review.objects.filter(nomination=nomination, judge=judge).prefetch_related("scores").first()
    )
    if review is None:
        return {
            "nomination_id": nomination.pk,
            "state": "",
            "comment": "",
            "recommends": None,
            "version": 0,
            "submitted_at": None,
            "scores": [],
        }
    return {
        "nomination_id": nomination.pk,
        "state": review.state,
        "comment": review.comment,
        "recommends": review.recommends,
        "version": review.version,
        "submitted_at": review.submitted_at,
        "scores": [
            {"criterion_id": s.criterion_id, "points": s.points}
            for s in sorted(review.scores.all(), key=lambda s: s.criterion_id)
        ],
    }


@judging_router.get(
    "/assignments",
    response={200: list[AssignmentOut], **ERRORS},
    summary="我的评审任务（评审专家）",
)
def list_assignments(request: HttpRequest):
    """The judge's own tasks (their active assignments, minus any conflict of interest)."""
    user = user_of(request)
    deny_unless(is_judge(user), JUDGES_ONLY)
    return [
        {
            "nomination_id": n.pk,
            "category_id": n.category_id,
            "kind": n.category.kind,
            "title": n.locked_name or n.title,
            "state": n.state,
            "review_state": n.review_state or "",
        }
        for n in judging.tasks_of(user)
    ]


@judging_router.get(
    "/assignments/{nomination_id}/review",
    response={200: ReviewOut, **ERRORS},
    summary="我的评审意见",
)
def get_review(request: HttpRequest, nomination_id: int = ID):
    user, nomination = _task(request, nomination_id)
    return _review(nomination, user)


def _sheet(payload: SheetIn) -> judging.Sheet:
    return judging.Sheet(
        points={pk: ("" if p is None else p) for pk, p in payload.points.items()},
        comment=payload.comment,
        recommends=payload.recommends,
    )


@judging_router.put(
    "/assignments/{nomination_id}/review",
    response={200: ReviewOut, **ERRORS},
    summary="保存评审意见草稿",
)
def save_review(request: HttpRequest, payload: SheetIn, nomination_id: int = ID):
    """Keep a draft of the judge's review (blank criteria stay unscored)."""
    user, nomination = _task(request, nomination_id)
    judging.save_scores(nomination, judge=user, sheet=_sheet(payload))
    return _review(nomination, user)


@judging_router.post(
    "/assignments/{nomination_id}/review/submit",
    response={200: ReviewOut, **ERRORS},
    summary="提交评审意见",
)
def submit_review(request: HttpRequest, payload: SheetIn, nomination_id: int = ID):
    """Submit the review: then locked unless the secretariat reopens it."""
    user, nomination = _task(request, nomination_id)
    judging.submit_review(nomination, judge=user, sheet=_sheet(payload))
    return _review(nomination, user)


# --- rankings: the secretariat -----------------------------------------------------------------

rankings = Router(tags=["rankings"])


def _shown(value) -> str | None:
    return None if value is None else display(value)


@rankings.get(
    "/rankings/{category_id}",
    response={200: list[RankingRowOut], **ERRORS},
    summary="类别排名（秘书处）",
)
def get_ranking(request: HttpRequest, category_id: int = ID):
    """A category's ranking, best first, with exact aggregates shown to 2 decimal places."""
    deny_unless(is_secretariat(user_of(request)), results.SECRETARIAT_ONLY)
    category = get_object_or_404(
        Category.objects.select_related("campaign").exclude(kind=CategoryKind.COACHING_REQUEST),
        pk=category_id,
    )
    return [
        {
            "nomination_id": row.nomination.pk,
            "name": row.name,
            "organization": row.nomination.organization.name,
            "state": row.nomination.state,
            "rank": row.rank,
            "judges": row.judges,
            "aggregate": _shown(row.aggregate),
            "tie_break": _shown(row.tie_break),
            "spread": row.spread,
            "flagged": row.flagged,
            "self_score": row.self_score,
        }
        for row in ranking.ranking(category)
    ]


# --- public: the notice and the results, for anyone ---------------------------------------------

public = Router(tags=["public"])


@public.get(
    "/public/notice",
    response={200: NoticeOut, **PUBLIC_ERRORS},
    auth=None,
    summary="公示名单（公开）",
)
def public_notice(request: HttpRequest):
    """公示: the proposed winners while the notice is up (the fields the public page shows)."""
    notice = results.newest_notice()
    today = timezone.localdate()
    state = "none"
    if notice is not None and results.is_open(notice, today):
        state = "open"
    elif notice is not None and today > notice.ends_on:
        state = "ended"
    listed = results.noticed(notice) if notice is not None and state == "open" else []
    return {
        "state": state,
        "campaign_year": notice.campaign.year if notice else None,
        "starts_on": notice.starts_on if notice else None,
        "ends_on": notice.ends_on if notice else None,
        "listed": [
            {
                "nomination_id": row["pk"],
                "name": row["name"],
                "organization": row["organization"],
                "category": row["category"],
            }
            for row in listed
        ],
    }


@public.get(
    "/public/results",
    response={200: ResultsOut, **PUBLIC_ERRORS},
    auth=None,
    summary="表彰结果（公开）",
)
def public_results(request: HttpRequest, filters: Query[ResultsFilter]):
    """表彰结果: the winners of the newest published campaign, or of `year`."""
    campaigns = list(results.published_campaigns())
    campaign = next((c for c in campaigns if c.year == filters.year), None) or (
        campaigns[0] if campaigns and filters.year is None else None
    )
    return {
        "campaign_year": campaign.year if campaign else None,
        "years": [c.year for c in campaigns],
        "winners": results.winners(campaign) if campaign else [],
    }


for router in (catalogue, organizations, nominations, files, judging_router, rankings, public):
    api.add_router("", router)
