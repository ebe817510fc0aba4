"""The API's judging: a judge's own tasks and reviews (save, submit), never a nomination they
must step aside from."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from manyi.accounts.models import User
from manyi.accounts.permissions import is_judge
from manyi.api.access import ID, deny_unless, user_of
from manyi.api.errors import ERRORS
from manyi.api.schemas import (
    AssignmentOut,
    ReviewOut,
    SheetIn,
)
from manyi.nominations.models import Nomination
from manyi.reviews import judging
from manyi.reviews.judging_views import get_task_for_judge
from manyi.reviews.models import Review

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
