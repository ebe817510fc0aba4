"""The conflict-of-interest rule (回避): own organization, recommending organization, coached unit,
declared conflict — and that a judge is never shown what they must stand aside from."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from manyi.accounts.models import OrganizationKind, Role, User
from manyi.nominations.models import Nomination, NominationState
from manyi.reviews import assignments, services
from manyi.reviews.conflicts import (
    conflict_filter,
    conflict_reasons,
    is_conflicted,
    reasons,
    ties_of,
    visible_to_judge,
)
from manyi.reviews.models import Assignment, Coaching
from manyi.reviews.tests.test_recommendation import ALL_ITEMS, endorse, filed
from manyi.testing import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def checked(campaign, people, kind="individual", **changes):
    """A nomination filed, recommended and accepted by the formal check (state "checked")."""
    nomination = filed(campaign, people, kind, **changes)
    if kind == "unit":
        recommender = people.committee
    elif nomination.organization_id == people.employer.pk:
        recommender = people.recommender
    else:
        recommender = User.objects.filter(
            role=Role.RECOMMENDER, organization_id=nomination.organization_id
        ).first() or UserFactory(role=Role.RECOMMENDER, organization=nomination.organization)
    endorse(nomination, recommender)
    services.formal_check(nomination, by=people.secretariat, items=ALL_ITEMS)
    return Nomination.objects.select_related("category", "organization").get(pk=nomination.pk)


def judge_of(organization, name):
    return UserFactory(role=Role.JUDGE, organization=organization, display_name=name)


def test_a_judge_of_the_candidates_organization_is_conflicted_as_same_and_recommending(
    open_campaign, people
):
    nomination = checked(open_campaign, people)
    assert conflict_reasons(people.conflicted_judge, nomination) == ["同单位", "推荐单位"]
    assert conflict_reasons(people.judge, nomination) == []
    assert is_conflicted(people.conflicted_judge, nomination)
    assert not is_conflicted(people.judge, nomination)


def test_for_a_unit_the_filing_committee_recommends_and_the_named_unit_is_the_candidate(
    open_campaign, people
):
    unit = checked(open_campaign, people, "unit")  # 被推荐单位: 自治区示范水务公司
    of_committee = judge_of(people.committee_org, "委专家")
    of_the_unit = judge_of(OrganizationFactory(name="自治区示范水务公司"), "水专家")
    assert conflict_reasons(of_committee, unit) == ["推荐单位"]
    assert conflict_reasons(of_the_unit, unit) == ["同单位"]
    # The applicant's organization has nothing to do with this unit.
    assert conflict_reasons(people.conflicted_judge, unit) == []


def test_a_judge_who_coached_the_unit_is_conflicted(open_campaign, people):
    request = filed(open_campaign, people, "coaching_request")  # of 示范供电公司
    Coaching.objects.create(coach=people.judge, request=request)
    nomination = checked(open_campaign, people)
    assert conflict_reasons(people.judge, nomination) == ["辅导过该单位"]


def test_coaching_a_unit_counts_for_its_unit_nomination_by_name(open_campaign, people):
    water = OrganizationFactory(name="自治区示范水务公司")
    water_applicant = UserFactory(organization=water)
    request = filed(open_campaign, people, "coaching_request", by=water_applicant)
    Coaching.objects.create(coach=people.judge, request=request)
    unit = checked(open_campaign, people, "unit")
    assert conflict_reasons(people.judge, unit) == ["辅导过该单位"]


def test_a_declared_conflict_is_remembered(open_campaign, people):
    nomination = checked(open_campaign, people)
    assignments.set_panel(nomination.category, judges=[people.judge], by=people.secretariat)
    assignments.assign(nomination, judge=people.judge, by=people.secretariat)
    assignments.declare_conflict(nomination, judge=people.judge, reason="曾在该单位兼职。")
    assert conflict_reasons(people.judge, nomination) == ["本人声明回避"]
    with pytest.raises(ValidationError) as error:
        assignments.assign(nomination, judge=people.judge, by=people.secretariat)
    assert error.value.messages == ["陈专家应当回避“王小满”：本人声明回避。"]


def test_a_judge_without_organization_has_no_organizational_conflict(open_campaign, people):
    loner = UserFactory(role=Role.JUDGE, organization=None, display_name="独立专家")
    assert conflict_reasons(loner, checked(open_campaign, people)) == []


def test_the_rule_and_the_filter_agree_on_every_pair(open_campaign, people):
    water = OrganizationFactory(name="自治区示范水务公司")
    Coaching.objects.create(
        coach=people.judge, request=filed(open_campaign, people, "coaching_request")
    )
    nominations = [
        checked(open_campaign, people),
        checked(open_campaign, people, "unit"),
        checked(open_campaign, people, "achievement"),
        checked(open_campaign, people, by=people.other_applicant, name="孙候选", signer="孙候选"),
    ]
    judges = [
        people.judge,
        people.conflicted_judge,
        judge_of(people.committee_org, "委专家"),
        judge_of(water, "水专家"),
        judge_of(OrganizationFactory(kind=OrganizationKind.EMPLOYER), "外专家"),
        UserFactory(role=Role.JUDGE, organization=None),
    ]
    ties = ties_of(judges)
    found = {(j.pk, n.pk): bool(reasons(ties[j.pk], n)) for j in judges for n in nominations}
    filtered = {
        (j.pk, n.pk): Nomination.objects.filter(pk=n.pk)
        .filter(conflict_filter(ties[j.pk]))
        .exists()
        for j in judges
        for n in nominations
    }
    assert found == filtered
    assert sum(found.values()) == 7  # 2 + 1 (committee) + 1 (water) + 2 (coached, own org) + 1


def test_a_judge_is_shown_only_active_assignments_without_conflict(open_campaign, people):
    third = UserFactory(organization=OrganizationFactory(name="示范燃气公司"))
    mine = checked(open_campaign, people, by=third, name="甲", signer="甲")
    released = checked(open_campaign, people, by=third, name="乙", signer="乙")
    unassigned = checked(open_campaign, people, by=third, name="丙", signer="丙")
    conflicted = checked(open_campaign, people, name="丁", signer="丁")
    now = timezone.now()
    for nomination in (mine, released, conflicted):
        # Made directly, as a stale assignment would stand after a conflict came to light.
        Assignment.objects.create(
            nomination=nomination,
            judge=people.judge,
            assigned_by=people.secretariat,
            assigned_at=now,
        )
    Assignment.objects.filter(nomination=released).update(released_at=now, released_reason="x")
    Coaching.objects.create(
        coach=people.judge, request=filed(open_campaign, people, "coaching_request")
    )
    visible = visible_to_judge(Nomination.objects.all(), people.judge)
    assert list(visible.values_list("title", flat=True)) == ["甲"]
    assert unassigned.state == NominationState.CHECKED
    assert list(visible_to_judge(Nomination.objects.all(), people.secretariat)) == []
