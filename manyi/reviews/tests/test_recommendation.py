"""Recommendation (推荐), the formal check (形式审查), returns for correction, 不予受理."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from manyi.accounts.models import Role
from manyi.nominations import services as filing
from manyi.nominations.models import NominationState, Transition
from manyi.reviews import services
from manyi.reviews.models import Endorsement, FormalCheck, Quota
from manyi.testing import UserFactory, attach_requirements, png_upload, valid_form

pytestmark = pytest.mark.django_db
ALL_ITEMS = dict.fromkeys(services.CHECK_ITEMS, True)


def filed(campaign, people, kind="individual", by=None, **changes):
    by = by or (people.committee if kind == "unit" else people.applicant)
    category = campaign.categories.get(kind=kind)
    nomination = filing.start_nomination(category, by=by)
    filing.save_draft(nomination, valid_form(kind, category) | changes, by=by)
    attach_requirements(nomination, by)
    return filing.file_nomination(nomination, by=by)


def endorse(nomination, by):
    return services.endorse(
        nomination,
        by=by,
        opinion="同意推荐。",
        signer="李局长",
        seal=png_upload("盖章页.png"),
        attested=services.attestable(nomination),
    )


def test_recommender_endorses_attesting_every_declared_condition(open_campaign, people):
    nomination = filed(open_campaign, people)
    assert services.attestable(nomination) == [2, 3, 4, 5, 6]
    endorsement = endorse(nomination, people.recommender)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.ENDORSED
    assert (endorsement.rank, endorsement.attested, endorsement.seal.original_name) == (
        1,
        [2, 3, 4, 5, 6],
        "盖章页.png",
    )
    assert list(
        Transition.objects.filter(nomination=nomination).values_list(
            "action", "source", "target", "by"
        )
    ) == [
        ("file", "draft", "filed", people.applicant.pk),
        ("endorse", "filed", "endorsed", people.recommender.pk),
    ]


def test_endorsing_without_opinion_seal_or_attestation_lists_everything(open_campaign, people):
    nomination = filed(open_campaign, people)
    with pytest.raises(ValidationError) as error:
        services.endorse(
            nomination, by=people.recommender, opinion="", signer="", seal=None, attested=[2]
        )
    assert error.value.messages == [
        "请填写推荐意见。",
        "请填写单位负责人姓名（签字）。",
        "请上传签字并加盖公章的推荐表页面（图片或PDF）。",
        "请逐条确认申报人声明的推荐条件（第3、4、5、6条）；不能确认的，请退回申报人。",
    ]
    nomination.refresh_from_db()
    assert nomination.state == NominationState.FILED


@pytest.mark.parametrize(
    "persona", ["applicant", "other_applicant", "judge", "committee", "secretariat"]
)
def test_only_the_organizations_recommender_endorses(open_campaign, people, persona):
    nomination = filed(open_campaign, people)
    with pytest.raises(PermissionDenied):
        endorse(nomination, getattr(people, persona))


def test_recommender_of_another_organization_cannot_endorse(open_campaign, people):
    outsider = UserFactory(role=Role.RECOMMENDER, organization=people.other_employer)
    with pytest.raises(PermissionDenied):
        endorse(filed(open_campaign, people), outsider)


def test_committee_endorses_the_units_it_filed(open_campaign, people):
    nomination = filed(open_campaign, people, "unit")
    endorse(nomination, people.committee)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.ENDORSED


def test_quota_refuses_endorsing_beyond_it_and_ranks_in_order(open_campaign, people):
    category = open_campaign.categories.get(kind="individual")
    Quota.objects.create(
        campaign=open_campaign, organization=people.employer, category=category, places=2
    )
    first, second, third = (
        filed(open_campaign, people, name=f"候选{i}", signer=f"候选{i}") for i in range(3)
    )
    assert [endorse(n, people.recommender).rank for n in (first, second)] == [1, 2]
    with pytest.raises(ValidationError) as error:
        endorse(third, people.recommender)
    assert error.value.messages == [
        "“用户满意服务先进个人”的推荐名额为 2 名，已全部使用，不能再推荐。"
    ]
    third.refresh_from_db()
    assert third.state == NominationState.FILED
    services.move_rank(Endorsement.objects.get(nomination=second), by=people.recommender, up=True)
    assert list(
        Endorsement.objects.order_by("rank").values_list("nomination__title", flat=True)
    ) == ["候选1", "候选0"]


def test_a_returned_nomination_frees_its_place(open_campaign, people):
    category = open_campaign.categories.get(kind="individual")
    Quota.objects.create(
        campaign=open_campaign, organization=people.employer, category=category, places=1
    )
    first = filed(open_campaign, people, name="甲", signer="甲")
    second = filed(open_campaign, people, name="乙", signer="乙")
    endorse(first, people.recommender)
    services.formal_check(
        first,
        by=people.secretariat,
        items=ALL_ITEMS | {"seal_present": False},
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    endorse(second, people.recommender)  # the place is free again
    second.refresh_from_db()
    assert second.state == NominationState.ENDORSED


def test_recommender_returns_to_the_applicant_who_corrects_and_resubmits(open_campaign, people):
    nomination = filed(open_campaign, people)
    services.return_to_applicant(nomination, by=people.recommender, reasons="请补充工作经历。")
    nomination.refresh_from_db()
    assert nomination.state == NominationState.RETURNED
    data = nomination.data | {"work_history": "2010年至今在营业厅工作，2015年起任班长。"}
    filing.save_draft(nomination, data, by=people.applicant)
    resubmitted = filing.file_nomination(nomination, by=people.applicant)
    assert resubmitted.state == NominationState.FILED
    assert list(resubmitted.transitions.values_list("action", flat=True)) == [
        "file",
        "return_to_applicant",
        "resubmit",
    ]
    assert resubmitted.transitions.get(action="return_to_applicant").comment == "请补充工作经历。"


def test_return_needs_a_reason(open_campaign, people):
    with pytest.raises(ValidationError) as error:
        services.return_to_applicant(
            filed(open_campaign, people), by=people.recommender, reasons="  "
        )
    assert error.value.messages == ["“退回申报人修改”须写明理由。"]


def test_formal_check_accepts_when_every_item_is_met(open_campaign, people):
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    assert services.suggested_checklist(nomination) == ALL_ITEMS
    check = services.formal_check(nomination, by=people.secretariat, items=ALL_ITEMS)
    nomination.refresh_from_db()
    assert (nomination.state, check.outcome) == (NominationState.CHECKED, "accepted")


def test_formal_check_returns_listing_everything_at_once_with_a_deadline(open_campaign, people):
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    services.formal_check(
        nomination,
        by=people.secretariat,
        items=ALL_ITEMS | {"seal_present": False, "attachments_present": False},
        notes="盖章页不清晰。",
        deadline=deadline,
    )
    nomination.refresh_from_db()
    assert nomination.state == NominationState.RETURNED
    assert nomination.correction_deadline == deadline
    comment = nomination.transitions.get(action="return_for_correction").comment
    assert comment == (
        f"请于{deadline.year}年{deadline.month}月{deadline.day}日前补正："
        "推荐意见已签字并加盖公章（已上传盖章页）；要求的附件齐全。盖章页不清晰。"
    )
    assert not Endorsement.objects.filter(nomination=nomination, withdrawn=False).exists()


def test_formal_check_return_needs_a_deadline(open_campaign, people):
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    with pytest.raises(ValidationError) as error:
        services.formal_check(
            nomination, by=people.secretariat, items=ALL_ITEMS | {"form_complete": False}
        )
    assert error.value.messages == ["退回补正须规定补正期限（不早于今天）。"]
    assert FormalCheck.objects.count() == 0


def test_overdue_corrections_are_not_accepted_with_the_reason(open_campaign, people):
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    deadline = timezone.localdate()
    services.formal_check(
        nomination,
        by=people.secretariat,
        items=ALL_ITEMS | {"form_complete": False},
        deadline=deadline,
    )
    assert services.refuse_overdue(by=people.secretariat, today=deadline) == []
    refused = services.refuse_overdue(
        by=people.secretariat, today=deadline + datetime.timedelta(days=1)
    )
    assert [n.pk for n in refused] == [nomination.pk]
    nomination.refresh_from_db()
    assert nomination.state == NominationState.NOT_ACCEPTED
    assert nomination.transitions.get(action="refuse").comment == (
        f"补正期限{deadline.year}年{deadline.month}月{deadline.day}日已过，未补正，不予受理。"
    )


def test_resubmitting_after_the_deadline_is_refused(open_campaign, people):
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    services.formal_check(
        nomination,
        by=people.secretariat,
        items=ALL_ITEMS | {"form_complete": False},
        deadline=timezone.localdate(),
    )
    nomination.refresh_from_db()
    nomination.correction_deadline = timezone.localdate() - datetime.timedelta(days=1)
    nomination.save()
    with pytest.raises(ValidationError) as error:
        filing.file_nomination(nomination, by=people.applicant)
    assert "已过期限，不予受理" in error.value.messages[0]


def test_locked_fields_stay_as_filed_through_a_correction(open_campaign, people):
    nomination = filed(open_campaign, people, "achievement")
    services.return_to_applicant(nomination, by=people.recommender, reasons="请修改成果内容。")
    nomination.refresh_from_db()
    filing.save_draft(
        nomination,
        nomination.data | {"achievement_name": "改过的名称", "outline": "新提纲"},
        by=people.applicant,
    )
    nomination.refresh_from_db()
    assert nomination.data["achievement_name"] == "“一次都不跑”办电服务"
    assert nomination.data["outline"] == "新提纲"


@pytest.mark.parametrize(
    ("action", "state"),
    [("accept", NominationState.FILED), ("endorse", NominationState.CHECKED)],
)
def test_moves_from_the_wrong_state_are_refused(open_campaign, people, action, state):
    nomination = filed(open_campaign, people)
    nomination.state = state
    nomination.save()
    by = people.secretariat if action == "accept" else people.recommender
    with pytest.raises(ValidationError) as error:
        filing.transition(nomination, action, by=by)
    assert "不能进行" in error.value.messages[0]


def test_the_applicant_withdraws_before_the_review(open_campaign, people):
    nomination = filed(open_campaign, people)
    filing.transition(nomination, "withdraw", by=people.applicant)
    assert nomination.state == NominationState.WITHDRAWN
