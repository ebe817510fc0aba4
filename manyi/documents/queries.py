"""Reads for the documents: what a nomination's bundle prints, and the blank templates."""

from decimal import Decimal

from django.db.models import Avg
from django.utils import timezone

from manyi.campaigns.models import Campaign, Rubric
from manyi.documents.layout import (
    SELF_ASSESSMENT_HEADER,
    Content,
    Sheet,
    form_sheet,
    self_assessment_sheet,
)
from manyi.nominations import validation
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination
from manyi.nominations.queries import criteria_of, rubric_for
from manyi.reviews.models import ReviewState, Score

SELF_ASSESSMENT_PREFIX = "self_assessment_"
BLANK_KINDS = (*FORMS, *(f"{SELF_ASSESSMENT_PREFIX}{kind}" for kind in SELF_ASSESSMENT_HEADER))


def judges_means(nomination: Nomination) -> dict[int, Decimal]:
    """The mean of the submitted judges' scores of each criterion, by the database."""
    rows = (
        Score.objects.filter(review__nomination=nomination, review__state=ReviewState.SUBMITTED)
        .values("criterion_id")
        .annotate(mean=Avg("points"))
        .order_by()
    )
    return {row["criterion_id"]: Decimal(str(row["mean"])) for row in rows}


def content_of(nomination: Nomination, rubric: Rubric | None, *, judges: bool) -> Content:
    """What a nomination prints: as filed (the self-scores filing wrote), or as typed so far."""
    data = nomination.data
    criteria = criteria_of(rubric)
    filed = not nomination.is_editable
    if filed:
        stored = {s.criterion_id: s.points for s in nomination.self_scores.all()}
        scores = {pk: str(points) for pk, points in stored.items()}
        total: int | None = sum(stored.values()) if rubric else None
    else:
        scores = {pk: data.get(f"score_{pk}", "").strip() for pk, _name, _max in criteria}
        total = validation.self_total(criteria, data) if rubric else None
    filed_on = timezone.localdate(nomination.filed_at) if filed and nomination.filed_at else None
    return Content(
        data=data,
        honours=tuple(nomination.honours.all()),
        filed_on=filed_on,
        scores=scores,
        self_total=total,
        judges=judges_means(nomination) if judges and rubric else {},
    )


def nomination_sheets(
    nomination: Nomination, *, judges: bool = False, rubrics: dict[int, Rubric | None] | None = None
) -> list[Sheet]:
    """The bundle to print, sign and seal: the form, then its self-assessment (附件2 + 附件1-1).
    `rubrics` (category id → rubric tree) keeps the trees between calls, for a bulk export."""
    kind = nomination.category.kind
    if rubrics is None:
        rubric = rubric_for(nomination.category)
    else:
        if nomination.category_id not in rubrics:
            rubrics[nomination.category_id] = rubric_for(nomination.category)
        rubric = rubrics[nomination.category_id]
    content = content_of(nomination, rubric, judges=judges)
    sheets = [form_sheet(FORMS[kind], content, nomination.campaign)]
    if rubric is not None and kind in SELF_ASSESSMENT_HEADER:
        sheets.append(self_assessment_sheet(kind, rubric, content))
    return sheets


def blank_sheets(kind: str, campaign: Campaign) -> list[Sheet]:
    """A blank template to fill offline: a form with its self-assessment, or the
    self-assessment alone (`self_assessment_individual`, …)."""
    alone = kind.startswith(SELF_ASSESSMENT_PREFIX)
    form_kind = kind.removeprefix(SELF_ASSESSMENT_PREFIX)
    category = campaign.categories.select_related("rubric").get(kind=form_kind)
    rubric = rubric_for(category)
    content = Content()
    sheets = [] if alone else [form_sheet(FORMS[form_kind], content, campaign)]
    if rubric is not None and form_kind in SELF_ASSESSMENT_HEADER:
        sheets.append(self_assessment_sheet(form_kind, rubric, content))
    return sheets
