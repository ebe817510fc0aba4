"""Consent at filing: one separate checkbox per purpose, each recorded with its date; refusal in
Chinese without losing what was typed; withdrawal of the consent to publication."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from manyi.nominations import services as filing
from manyi.nominations.models import NominationState
from manyi.privacy import services
from manyi.privacy.consents import FILING_TEXTS, NOTICE_VERSION, Purpose, key_of
from manyi.privacy.models import Consent
from manyi.reviews import results
from manyi.reviews.models import Award

pytestmark = pytest.mark.django_db


def purposes(nomination) -> list[str]:
    return list(Consent.objects.filter(nomination=nomination).values_list("purpose", flat=True))


def test_filing_an_individual_records_three_consents_each_with_its_text(filed_of, people):
    nomination = filed_of("individual")
    consents = list(Consent.objects.filter(nomination=nomination).order_by("pk"))
    assert [c.purpose for c in consents] == ["processing", "transfer", "publication"]
    assert {c.user_id for c in consents} == {people.applicant.pk}
    assert [c.text for c in consents] == [
        FILING_TEXTS[Purpose.PROCESSING],
        FILING_TEXTS[Purpose.TRANSFER],
        FILING_TEXTS[Purpose.PUBLICATION],
    ]
    assert {(c.text_version, c.ip, c.person_name) for c in consents} == {
        (NOTICE_VERSION, "10.0.0.7", "王小满")
    }
    assert all(c.given_at == consents[0].given_at and c.given_at is not None for c in consents)


def test_a_team_also_needs_the_members_attestation(filed_of):
    nomination = filed_of("team")
    assert purposes(nomination) == ["processing", "transfer", "publication", "members"]


def test_a_unit_needs_only_the_consent_to_processing(filed_of):
    assert purposes(filed_of("unit")) == ["processing"]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        (Purpose.PROCESSING, "请勾选同意为本次评选处理申报表中的个人信息。"),
        (Purpose.TRANSFER, "请单独勾选同意所在单位向质量协会提供被推荐人的个人信息。"),
        (Purpose.PUBLICATION, "请单独勾选同意在公示和结果中公开名称。"),
    ],
)
def test_each_missing_consent_refuses_filing_with_its_own_message(
    draft_of, people, missing, message
):
    nomination = draft_of("individual", **{key_of(missing): None})
    with pytest.raises(filing.FilingRefused) as refused:
        filing.file_nomination(nomination, by=people.applicant)
    assert refused.value.messages == [message]
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT
    assert Consent.objects.count() == 0


def test_team_without_members_attestation_is_refused(draft_of, people):
    nomination = draft_of("team", consent_members=None)
    with pytest.raises(filing.FilingRefused) as refused:
        filing.file_nomination(nomination, by=people.applicant)
    assert refused.value.messages == ["请勾选确认已取得全体成员对处理和公开其个人信息的同意。"]


def test_the_form_shows_each_consent_as_its_own_checkbox(client, people, open_campaign):
    client.force_login(people.applicant)
    page = client.get(reverse("nominations:new", args=["team"])).content.decode()
    for purpose in (Purpose.PROCESSING, Purpose.TRANSFER, Purpose.PUBLICATION, Purpose.MEMBERS):
        assert page.count(f'name="{key_of(purpose)}"') == 1
        assert FILING_TEXTS[purpose] in page


def test_filing_page_refuses_without_consent_and_keeps_what_was_typed(client, draft_of, people):
    nomination = draft_of("individual", consent_publication=None, deeds_summary="我的事迹原文")
    client.force_login(people.applicant)
    response = client.post(reverse("nominations:file", args=[nomination.pk]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请单独勾选同意在公示和结果中公开名称。" in page
    assert "我的事迹原文" in page
    assert 'name="consent_processing" value="1" id="id_consent_processing" checked' in page
    assert 'name="consent_publication" value="1" id="id_consent_publication" >' in page


def test_ticking_in_the_form_is_kept_with_the_draft(client, draft_of, people):
    nomination = draft_of("individual", consent_transfer=None)
    client.force_login(people.applicant)
    data = dict(nomination.data) | {"consent_transfer": "1", "version": str(nomination.version)}
    client.post(reverse("nominations:edit", args=[nomination.pk]), data)
    nomination.refresh_from_db()
    assert nomination.data["consent_transfer"] == "1"


def test_resubmission_does_not_record_consents_twice(filed_of, people):
    nomination = filed_of("individual")
    nomination.state = NominationState.RETURNED
    nomination.save(update_fields=["state"])
    filing.file_nomination(nomination, by=people.applicant)
    assert purposes(nomination) == ["processing", "transfer", "publication"]


# --- withdrawal of the consent to publication ----------------------------------------------


def publication(nomination) -> Consent:
    return Consent.objects.get(nomination=nomination, purpose=Purpose.PUBLICATION)


def test_withdrawal_before_the_notice_is_recorded_and_the_secretariat_told(filed_of, people):
    consent = services.withdraw_consent(publication(filed_of("individual")), by=people.applicant)
    assert consent.withdrawn_at is not None
    assert people.secretariat.notifications.filter(message__contains="撤回公开姓名").exists()


def test_withdrawal_after_the_notice_is_refused(filed_of, people):
    nomination = filed_of("individual")
    nomination.state = NominationState.ON_NOTICE
    nomination.save(update_fields=["state"])
    with pytest.raises(ValidationError) as refused:
        services.withdraw_consent(publication(nomination), by=people.applicant)
    assert refused.value.messages == [
        "公示已发布，撤回不影响撤回前已进行的公开；如需处理，请联系秘书处。"
    ]
    assert publication(nomination).withdrawn_at is None


def test_only_the_consent_to_publication_can_be_withdrawn_here(filed_of, people):
    nomination = filed_of("individual")
    processing = Consent.objects.get(nomination=nomination, purpose=Purpose.PROCESSING)
    with pytest.raises(ValidationError):
        services.withdraw_consent(processing, by=people.applicant)


def test_another_person_cannot_withdraw(filed_of, people):
    consent = publication(filed_of("individual"))
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(consent, by=people.other_applicant)


def test_withdrawn_name_is_masked_on_the_notice(filed_of, people):
    withdrawn = filed_of("individual")
    kept = filed_of("manager")
    services.withdraw_consent(publication(withdrawn), by=people.applicant)
    for nomination in (withdrawn, kept):
        nomination.state = NominationState.ON_NOTICE
        nomination.save(update_fields=["state"])
    notice = type("Notice", (), {"campaign_id": withdrawn.campaign_id})()
    names = {row["pk"]: row["name"] for row in results.noticed(notice)}
    assert names == {withdrawn.pk: "王**", kept.pk: kept.title}


def test_withdraw_page_by_its_owner(client, filed_of, people):
    consent = publication(filed_of("individual"))
    client.force_login(people.applicant)
    page = client.get(reverse("privacy:mine")).content.decode()
    assert reverse("privacy:withdraw", args=[consent.pk]) in page
    response = client.post(reverse("privacy:withdraw", args=[consent.pk]), follow=True)
    assert "已撤回公开姓名的同意" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_withdraw_page_refuses_another_person(client, filed_of, people):
    consent = publication(filed_of("individual"))
    client.force_login(people.other_applicant)
    assert client.post(reverse("privacy:withdraw", args=[consent.pk])).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_withdrawn_name_is_masked_in_the_results(filed_of, people):
    withdrawn = filed_of("individual")
    services.withdraw_consent(publication(withdrawn), by=people.applicant)
    team = filed_of("team")
    for n, nomination in enumerate((withdrawn, team), start=1):
        Award.objects.create(
            nomination=nomination,
            number=f"2018-YH-{n:03}",
            sequence=n,
            name=nomination.locked_name or nomination.title,
            published_at=timezone.now(),
        )
    names = [row["name"] for row in results.winners(withdrawn.campaign)]
    assert sorted(names) == sorted(["王**", "示范营业厅服务班"])
