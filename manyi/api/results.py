"""The API's rankings (the secretariat) and the public notice and results (anyone)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router

from manyi.accounts.permissions import is_secretariat
from manyi.api.access import ID, deny_unless, user_of
from manyi.api.errors import ERRORS, PUBLIC_ERRORS
from manyi.api.schemas import (
    NoticeOut,
    RankingRowOut,
    ResultsFilter,
    ResultsOut,
)
from manyi.campaigns.models import Category, CategoryKind
from manyi.reviews import ranking, results
from manyi.reviews.ranking import display

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
