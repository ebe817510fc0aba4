"""Rows for the dashboard's tests, written with the ORM: nominations in a given state, judges'
reviews with a given total, assignments and objections. No workflow rules are exercised here;
the dashboard only counts what is stored."""

import datetime

from django.utils import timezone

from manyi.accounts.models import Organization, Role
from manyi.campaigns.models import Category
from manyi.nominations.models import Nomination, NominationState
from manyi.reviews.models import Assignment, Objection, PublicNotice, Review, ReviewState, Score
from manyi.reviews.ranking import criteria_of
from manyi.testing import OrganizationFactory, UserFactory


def nominate(
    category: Category,
    applicant,
    *,
    title: str = "",
    state: str = NominationState.IN_REVIEW,
    organization: Organization | None = None,
    filed_at: datetime.datetime | None = None,
) -> Nomination:
    filed = state != NominationState.DRAFT
    return Nomination.objects.create(
        campaign=category.campaign,
        category=category,
        applicant=applicant,
        organization=organization or applicant.organization,
        state=state,
        title=title,
        filed_at=(filed_at or timezone.now()) if filed else None,
    )


def points_for(category: Category, total: int) -> list[tuple[int, int]]:
    """(criterion id, points) adding up to `total`, each criterion filled in order."""
    found, left = [], total
    for criterion in criteria_of(category):
        given = min(criterion.max_points, left)
        found.append((criterion.pk, given))
        left -= given
    assert left == 0, f"{total} is more than the rubric's full marks"
    return found


def judge(name: str = ""):
    return UserFactory(role=Role.JUDGE, display_name=name or "评审专家")


def assign(
    nomination: Nomination, judge_user, secretariat, *, released: bool = False
) -> Assignment:
    now = timezone.now()
    return Assignment.objects.create(
        nomination=nomination,
        judge=judge_user,
        assigned_by=secretariat,
        assigned_at=now,
        released_at=now if released else None,
        released_reason="回避" if released else "",
    )


def scored(
    nomination: Nomination, judge_user, total: int | None, *, submitted: bool = True
) -> Review:
    """A judge's review with the given total (None: a review without points, as for a unit)."""
    review = Review.objects.create(
        nomination=nomination,
        judge=judge_user,
        state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
        submitted_at=timezone.now() if submitted else None,
    )
    if total is not None:
        Score.objects.bulk_create(
            Score(review=review, criterion_id=pk, points=p)
            for pk, p in points_for(nomination.category, total)
        )
    return review


def notice(campaign, secretariat) -> PublicNotice:
    return PublicNotice.objects.create(
        campaign=campaign,
        starts_on=campaign.notice_starts,
        ends_on=campaign.notice_ends,
        working_days=5,
        published_by=secretariat,
        published_at=timezone.now(),
    )


def object_to(public_notice: PublicNotice, nomination: Nomination, status: str) -> Objection:
    return Objection.objects.create(
        notice=public_notice,
        nomination=nomination,
        name="张群众",
        contact="13912345678",
        grounds="请核实。",
        lodged_at=timezone.now(),
        status=status,
    )


def organization(region: str, sector: str) -> Organization:
    return OrganizationFactory(region=region, sector=sector)
