"""The API's nominations: list, read, create and update drafts, file, and the moves of the
workflow the caller may make — through the services and rules the pages use."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from manyi.accounts.models import User
from manyi.api.access import ID, deny_unless, user_of
from manyi.api.errors import ERRORS, Refused
from manyi.api.schemas import (
    DraftIn,
    DraftUpdate,
    NominationDetail,
    NominationFilter,
    NominationPage,
    TransitionIn,
    TransitionOut,
)
from manyi.campaigns.models import Campaign, Category
from manyi.nominations import services as filing
from manyi.nominations.forms import form_keys
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination, Transition
from manyi.nominations.permissions import actors, get_nomination_for_user
from manyi.nominations.queries import criteria_of, rubric_for
from manyi.nominations.workflow import STEPS, steps_from
from manyi.privacy.masking import visible_data
from manyi.reviews import judging
from manyi.reviews import services as reviewing

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
