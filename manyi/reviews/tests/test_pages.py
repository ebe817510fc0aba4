"""The recommender's and the secretariat's pages."""

import datetime
import re

import pytest
from django.utils import timezone

from manyi.accounts.models import Role
from manyi.nominations.models import NominationState
from manyi.reviews.models import Endorsement
from manyi.reviews.tests.test_recommendation import ALL_ITEMS, endorse, filed
from manyi.testing import UserFactory, png_upload

pytestmark = pytest.mark.django_db


def test_recommender_sees_only_the_filed_nominations_of_its_organization(
    client, open_campaign, people
):
    mine = filed(open_campaign, people, name="本单位候选", signer="本单位候选")
    other_applicant_filing = filed(
        open_campaign, people, by=people.other_applicant, name="外单位候选", signer="外单位候选"
    )
    client.force_login(people.recommender)
    page = client.get("/reviews/recommend/").content.decode()
    assert "本单位候选" in page
    assert "外单位候选" not in page
    assert client.get(f"/reviews/recommend/{mine.pk}/").status_code == 200
    assert client.get(f"/reviews/recommend/{other_applicant_filing.pk}/").status_code == 404


def test_recommender_cannot_see_drafts(client, open_campaign, people):
    from manyi.nominations import services as filing

    draft = filing.start_nomination(
        open_campaign.categories.get(kind="individual"), by=people.applicant
    )
    client.force_login(people.recommender)
    assert client.get(f"/reviews/recommend/{draft.pk}/").status_code == 404
    assert client.get(f"/nominations/{draft.pk}/view/").status_code == 404


def test_endorse_through_the_page(client, open_campaign, people):
    nomination = filed(open_campaign, people)
    client.force_login(people.recommender)
    data = {
        "opinion": "同意推荐。",
        "signer": "李局长",
        "seal": png_upload("盖章页.png"),
        "endorse": "1",
    }
    data |= {f"attest_{n}": "on" for n in (2, 3, 4, 5, 6)}
    response = client.post(f"/reviews/recommend/{nomination.pk}/", data)
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == NominationState.ENDORSED


def test_endorse_page_keeps_the_opinion_when_refused(client, open_campaign, people):
    nomination = filed(open_campaign, people)
    client.force_login(people.recommender)
    response = client.post(
        f"/reviews/recommend/{nomination.pk}/", {"opinion": "同意推荐，事迹突出。", "endorse": "1"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "请上传签字并加盖公章的推荐表页面（图片或PDF）。" in content
    assert "同意推荐，事迹突出。" in content


def test_return_through_the_page(client, open_campaign, people):
    nomination = filed(open_campaign, people)
    client.force_login(people.recommender)
    client.post(
        f"/reviews/recommend/{nomination.pk}/", {"reasons": "请补充奖励证书。", "return": "1"}
    )
    nomination.refresh_from_db()
    assert nomination.state == NominationState.RETURNED
    client.force_login(people.applicant)
    page = client.get(f"/nominations/{nomination.pk}/").content.decode()
    assert "请补充奖励证书。" in page


@pytest.mark.parametrize("persona", ["applicant", "judge", "secretariat"])
def test_recommend_pages_are_for_recommenders(client, open_campaign, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get("/reviews/recommend/").status_code == 403


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee", "judge"])
def test_check_pages_are_for_the_secretariat(client, open_campaign, people, persona):
    nomination = filed(open_campaign, people)
    client.force_login(getattr(people, persona))
    assert client.get("/reviews/check/").status_code == 403
    assert client.get(f"/reviews/check/{nomination.pk}/").status_code == 403


def test_formal_check_through_the_page_with_the_suggested_checklist(client, open_campaign, people):
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    client.force_login(people.secretariat)
    page = client.get(f"/reviews/check/{nomination.pk}/").content.decode()
    for key in ALL_ITEMS:  # every item of the checklist comes ticked from the record
        assert re.search(rf'name="{key}"[^>]*checked', page), key
    response = client.post(f"/reviews/check/{nomination.pk}/", dict.fromkeys(ALL_ITEMS, "on"))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == NominationState.CHECKED


def test_formal_check_return_without_deadline_keeps_the_notes(client, open_campaign, people):
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    client.force_login(people.secretariat)
    response = client.post(f"/reviews/check/{nomination.pk}/", {"notes": "请补充盖章页。"})
    content = response.content.decode()
    assert "退回补正须规定补正期限（不早于今天）。" in content
    assert "请补充盖章页。" in content
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    client.post(
        f"/reviews/check/{nomination.pk}/",
        {"notes": "请补充盖章页。", "deadline": deadline.isoformat()},
    )
    nomination.refresh_from_db()
    assert nomination.state == NominationState.RETURNED


def test_recommender_list_queries_do_not_grow(
    client, open_campaign, people, django_assert_num_queries
):
    for i in range(3):
        endorse(
            filed(open_campaign, people, name=f"候选{i}", signer=f"候选{i}"), people.recommender
        )
    client.force_login(people.recommender)
    with django_assert_num_queries(5):
        client.get("/reviews/recommend/")
    for i in range(3, 9):
        endorse(
            filed(open_campaign, people, name=f"候选{i}", signer=f"候选{i}"), people.recommender
        )
    with django_assert_num_queries(5):
        response = client.get("/reviews/recommend/")
    assert response.content.decode().count("第 ") == 9
    assert Endorsement.objects.count() == 9


def test_a_recommender_of_another_organization_sees_nothing(client, open_campaign, people):
    filed(open_campaign, people, name="本单位候选", signer="本单位候选")
    outsider = UserFactory(role=Role.RECOMMENDER, organization=people.other_employer)
    client.force_login(outsider)
    assert "本单位候选" not in client.get("/reviews/recommend/").content.decode()


def test_bulk_accept_takes_only_those_fully_met_each_recorded(client, open_campaign, people):
    good = filed(open_campaign, people, name="甲", signer="甲")
    endorse(good, people.recommender)
    waiting = filed(open_campaign, people, name="乙", signer="乙")  # filed, not yet endorsed
    client.force_login(people.secretariat)
    response = client.post(
        "/reviews/check/accept/", {"nomination": [good.pk, waiting.pk]}, follow=True
    )
    content = response.content.decode()
    assert "已受理 1 件。" in content
    assert "以下申报审查清单未全部符合，请逐件审查：乙" in content
    good.refresh_from_db()
    waiting.refresh_from_db()
    assert (good.state, waiting.state) == (NominationState.CHECKED, NominationState.FILED)
    assert good.formal_checks.get().outcome == "accepted"
    assert (
        client.post("/reviews/check/accept/", {}, follow=True)
        .content.decode()
        .count("请选择要批量受理的申报。")
        == 1
    )
