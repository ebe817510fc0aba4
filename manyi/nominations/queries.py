"""Reads of nominations: lists with what they show, and the facts a filing is judged on."""

from dataclasses import dataclass

from django.db.models import QuerySet

from manyi.campaigns.models import Category, Rubric
from manyi.campaigns.queries import rubric_tree_of
from manyi.nominations import eligibility
from manyi.nominations.formspecs import FORMS, FormSpec
from manyi.nominations.models import Attachment, Nomination
from manyi.nominations.validation import (
    Problem,
    coaching_problems,
    field_problems,
    score_problems,
    self_total,
    signature_problems,
    survey_problems,
    team_composition_problems,
)


def nominations_of(user) -> QuerySet[Nomination]:
    """The filings a user made, newest first, with what their list shows."""
    return (
        Nomination.objects.filter(applicant=user)
        .select_related("category", "campaign")
        .order_by("-created_at")
    )


def rubric_for(category: Category) -> Rubric | None:
    """The self-assessment rubric of a category, with items, criteria and bands (4 queries)."""
    if not category.rubric_id or category.kind not in {"individual", "team", "manager"}:
        return None
    return rubric_tree_of(category.rubric)


def criteria_of(rubric: Rubric | None) -> list[tuple[int, str, int]]:
    """(id, name, maximum) of every criterion of a prefetched rubric tree."""
    if rubric is None:
        return []
    return [
        (criterion.pk, criterion.name, criterion.max_points)
        for item in rubric.items.all()
        for criterion in item.criteria.all()
    ]


@dataclass(frozen=True)
class Assessment:
    """Everything wrong with a nomination, and its eligibility, as it stands."""

    problems: list[Problem]
    eligibility: list[eligibility.Result]
    self_total: int

    @property
    def can_file(self) -> bool:
        return not self.problems and not any(r.blocks_filing for r in self.eligibility)

    def problems_of(self, field: str) -> list[str]:
        return [p.message for p in self.problems if p.field == field]


def assess(
    nomination: Nomination,
    *,
    data: dict[str, str] | None = None,
    rubric: Rubric | None = None,
    attachments: list[Attachment] | None = None,
    honours: int | None = None,
    filing: bool = False,
) -> Assessment:
    """Judge a nomination (or the `data` about to be saved into it) by every rule of its form.
    Pass what the caller already loaded to save queries."""
    spec: FormSpec = FORMS[nomination.category.kind]
    data = nomination.data if data is None else data
    criteria = criteria_of(rubric if rubric is not None else rubric_for(nomination.category))
    if attachments is None:
        attachments = list(nomination.attachments.all()) if nomination.pk else []
    if honours is None:
        honours = nomination.honours.count() if nomination.pk else 0
    problems = [
        *field_problems(spec, data, filing=filing),
        *score_problems(criteria, data, filing=filing),
        *team_composition_problems(data),
        *survey_problems(data),
        *coaching_problems(spec, data, filing=filing),
        *signature_problems(spec, data, filing=filing),
    ]
    if filing:
        present = {a.slot for a in attachments}
        problems += [
            Problem(slot.code, f"请上传“{slot.label}”。")
            for slot in spec.attachments
            if slot.required and slot.code not in present
        ]
    for slot in spec.attachments:
        for attachment in (a for a in attachments if a.slot == slot.code):
            if attachment.characters is None:
                continue
            if slot.max_chars is not None and attachment.characters > slot.max_chars:
                problems.append(
                    Problem(
                        slot.code,
                        f"“{attachment.original_name}”共 {attachment.characters} 字，"
                        f"超过 {slot.max_chars} 字。",
                    )
                )
            if slot.min_chars is not None and attachment.characters < slot.min_chars:
                problems.append(
                    Problem(
                        slot.code,
                        f"“{attachment.original_name}”共 {attachment.characters} 字，"
                        f"少于 {slot.min_chars} 字。",
                    )
                )
    total = self_total(criteria, data)
    facts = eligibility.Facts(
        campaign=nomination.campaign,
        threshold=nomination.category.self_score_threshold,
        data=data,
        self_total=total,
        honours=honours,
        document_characters={a.slot: a.characters for a in attachments if a.characters is not None},
    )
    return Assessment(problems, eligibility.evaluate(spec, facts), total)
