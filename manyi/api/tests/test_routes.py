"""Every route of /api/v1/ on the demo review: what it answers, and that it changes state only
through the services the pages use (the refusals per persona: test_api_matrix.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from manyi.accounts.models import User
from manyi.api.tests.conftest import Multipart
from manyi.api.tests.test_api_matrix import HONOUR
from manyi.campaigns.models import Category
from manyi.demo.samples import valid_form
from manyi.nominations.models import Attachment, Honour, Nomination, NominationState, Transition
from manyi.reviews.models import Review, ReviewState
from manyi.testing import docx_upload, png_upload

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


# --- campaigns, categories, rubrics, organizations ------------------------------------------


def test_campaigns_list_the_demo_year_to_anyone(world):
    response = world.client("anonymous").get(f"{V1}/campaigns")

    assert response.status_code == 200
    assert [c["year"] for c in response.json()] == [2018]


def test_categories_of_a_campaign_in_their_order(world):
    campaign_id = world.s.individual.campaign_id

    response = world.client("anonymous").get(f"{V1}/campaigns/{campaign_id}/categories")

    expected = list(
        Category.objects.filter(campaign_id=campaign_id)
        .order_by("position", "pk")
        .values_list("kind", flat=True)
    )
    assert [c["kind"] for c in response.json()] == expected


def test_rubric_tree_has_items_criteria_and_bands(world):
    rubric_id = world.s.individual.category.rubric_id

    body = world.client("applicant").get(f"{V1}/rubrics/{rubric_id}").json()

    assert sum(item["max_points"] for item in body["items"]) == body["total_points"] == 100
    criterion = body["items"][0]["criteria"][0]
    assert criterion["bands"] and {"low", "high", "text"} <= set(criterion["bands"][0])


def test_unknown_campaign_is_a_json_404(world):
    response = world.client("anonymous").get(f"{V1}/campaigns/999999")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_organizations_for_the_secretariat_only(world):
    allowed = world.client("secretariat").get(f"{V1}/organizations")
    refused = world.client("applicant").get(f"{V1}/organizations")

    assert allowed.status_code == 200
    assert world.s.individual.organization.name in [o["name"] for o in allowed.json()]
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert refused.json()["message"] == "只有秘书处可以查看组织名录。"


# --- nominations: lists -------------------------------------------------------------------------


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["items"]}


def test_applicant_lists_exactly_their_own_nominations(world):
    applicant = world.s.users["applicant"]

    response = world.client("applicant").get(f"{V1}/nominations?page_size=200")

    assert ids(response) == set(
        Nomination.objects.filter(applicant=applicant).values_list("pk", flat=True)
    )


def test_other_applicant_sees_none_of_the_applicants_nominations(world):
    theirs = set(
        Nomination.objects.filter(applicant=world.s.users["applicant"]).values_list("pk", flat=True)
    )

    response = world.client("other_applicant").get(f"{V1}/nominations?page_size=200")

    assert ids(response) & theirs == set()


def test_recommender_never_lists_a_draft(world):
    response = world.client("recommender").get(f"{V1}/nominations?page_size=200")

    listed = Nomination.objects.filter(pk__in=ids(response))
    assert world.s.team.pk in ids(response)
    assert not listed.filter(state=NominationState.DRAFT).exists()


def test_judge_lists_no_nominations_but_their_assignments(world):
    nominations = world.client("judge").get(f"{V1}/nominations")
    tasks = world.client("judge").get(f"{V1}/assignments")

    assert nominations.json()["count"] == 0
    assert world.s.achievement.pk in [t["nomination_id"] for t in tasks.json()]


def test_list_filters_by_state_category_organization_and_campaign(world):
    s = world.s
    client = world.client("secretariat")

    by_state = client.get(f"{V1}/nominations?state=scored&page_size=200").json()["items"]
    by_category = client.get(f"{V1}/nominations?category={s.individual_category}").json()
    by_org = client.get(f"{V1}/nominations?organization={s.unit.organization_id}").json()
    by_campaign = client.get(f"{V1}/nominations?campaign=999").json()

    assert by_state and {row["state"] for row in by_state} == {"scored"}
    assert {row["category_id"] for row in by_category["items"]} == {s.individual_category}
    assert {row["organization_id"] for row in by_org["items"]} == {s.unit.organization_id}
    assert by_campaign["count"] == 0


def test_list_is_paginated_newest_first(world):
    client = world.client("secretariat")
    total = Nomination.objects.count()

    first = client.get(f"{V1}/nominations?page=1&page_size=2").json()
    second = client.get(f"{V1}/nominations?page=2&page_size=2").json()
    beyond = client.get(f"{V1}/nominations?page=500&page_size=2").json()

    expected = list(Nomination.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert first["count"] == total
    assert [r["id"] for r in first["items"] + second["items"]] == expected[:4]
    assert beyond["items"] == []


def test_list_queries_do_not_grow_with_the_page(world, django_assert_num_queries):
    client = world.client("secretariat")
    client.get(f"{V1}/nominations?page_size=1")  # the token's last use is written once a minute

    with django_assert_num_queries(3):  # token and user, the visible ids, the page's rows
        client.get(f"{V1}/nominations?page_size=1")
    with django_assert_num_queries(3):
        client.get(f"{V1}/nominations?page_size=200")


# --- nominations: one, drafts, filing -------------------------------------------------------


def test_detail_shows_the_form_data_and_the_moves_the_caller_may_make(world):
    team = world.s.team

    as_owner = world.client("applicant").get(f"{V1}/nominations/{team.pk}").json()
    as_recommender = world.client("recommender").get(f"{V1}/nominations/{team.pk}").json()

    assert as_owner["data"] == team.data
    assert [a["action"] for a in as_owner["actions"]] == ["withdraw"]
    assert [a["action"] for a in as_recommender["actions"]] == ["endorse", "return_to_applicant"]


def test_create_update_and_file_a_draft(world):
    s = world.s
    applicant = s.users["applicant"]
    category = Category.objects.get(pk=s.individual_category)
    client = world.client("applicant")
    data = valid_form("individual", category)

    created = client.post(f"{V1}/nominations", {"category": category.pk, "data": {"name": "王"}})
    pk = created.json()["id"]
    version = created.json()["version"]
    updated = client.put(f"{V1}/nominations/{pk}", {"version": version, "data": data})
    honour = client.post(
        f"{V1}/nominations/{pk}/honours",
        Multipart(HONOUR, scan=png_upload("荣誉证书.png")),
    )
    evidence = client.post(
        f"{V1}/nominations/{pk}/attachments/evidence", Multipart(file=docx_upload(120))
    )
    filed = client.post(f"{V1}/nominations/{pk}/file")

    assert honour.status_code == 201, honour.json()
    assert honour.json()["scan"]["name"] == "荣誉证书.png"
    assert (evidence.status_code, evidence.json()["characters"]) == (201, 120), evidence.json()
    listed = client.get(f"{V1}/nominations/{pk}/attachments").json()
    assert {a["slot"] for a in listed} == {"honour_scan", "evidence"}

    assert (created.status_code, created.json()["state"]) == (201, "draft")
    assert created.json()["data"] == {"name": "王"}
    assert (updated.status_code, updated.json()["version"]) == (200, version + 1)
    assert (filed.status_code, filed.json()["state"]) == (200, "filed"), filed.json()
    assert Transition.objects.filter(nomination_id=pk, action="file", by=applicant).exists()


def test_a_file_refused_by_its_content_or_slot_says_why_and_keeps_nothing(world):
    client = world.client("applicant")
    pk = world.s.draft.pk
    before = Attachment.objects.count()
    fake = client.post(
        f"{V1}/nominations/{pk}/attachments/evidence",
        Multipart(file=SimpleUploadedFile("scan.png", b"MZ\x90\x00 not an image", "image/png")),
    )
    assert fake.status_code == 422
    assert fake.json()["code"] != "invalid_input" and "文件" in fake.json()["message"]
    slot = client.post(f"{V1}/nominations/{pk}/attachments/nope", Multipart(file=png_upload()))
    assert (slot.status_code, slot.json()["code"]) == (404, "no_slot")
    assert slot.json()["details"]["slots"] == ["evidence"]
    missing = client.post(f"{V1}/nominations/{pk}/attachments/evidence", Multipart())
    assert missing.status_code == 422 and missing.json()["code"] == "invalid_input"
    date = client.post(
        f"{V1}/nominations/{pk}/honours",
        Multipart(HONOUR | {"awarded_on": "2017年13月"}, scan=png_upload()),
    )
    assert date.status_code == 422 and date.json()["code"] == "invalid_input"
    assert Attachment.objects.count() == before


def test_the_owner_deletes_a_file_and_an_honour_of_a_draft(world):
    client = world.client("applicant")
    pk = world.s.draft.pk
    added = client.post(f"{V1}/nominations/{pk}/attachments/evidence", Multipart(file=png_upload()))
    honour = client.post(f"{V1}/nominations/{pk}/honours", Multipart(HONOUR, scan=png_upload()))
    assert client.request("DELETE", f"{V1}/attachments/{added.json()['id']}").status_code == 204
    scan = honour.json()["scan"]["id"]
    refused = client.request("DELETE", f"{V1}/attachments/{scan}")
    assert refused.status_code == 422  # a certificate scan goes with its honour
    assert client.request("DELETE", f"{V1}/honours/{honour.json()['id']}").status_code == 204
    assert not Attachment.objects.filter(pk__in=[added.json()["id"], scan]).exists()
    assert not Honour.objects.filter(pk=honour.json()["id"]).exists()


def test_update_with_an_old_version_is_a_conflict_and_saves_nothing(world):
    draft = world.s.draft
    before = Nomination.objects.get(pk=draft.pk)

    response = world.client("applicant").put(
        f"{V1}/nominations/{draft.pk}", {"version": draft.version - 1, "data": {"name": "新"}}
    )

    after = Nomination.objects.get(pk=draft.pk)
    assert (response.status_code, response.json()["code"]) == (409, "stale")
    assert "其他窗口" in response.json()["message"]
    assert (after.data, after.version) == (before.data, before.version)


def test_unknown_form_fields_are_refused_with_their_names(world):
    draft = world.s.draft

    response = world.client("applicant").put(
        f"{V1}/nominations/{draft.pk}", {"version": draft.version, "data": {"salary": "1"}}
    )

    assert (response.status_code, response.json()["code"]) == (422, "unknown_fields")
    assert response.json()["details"]["unknown"] == ["salary"]


def test_filing_an_incomplete_draft_lists_every_problem(world):
    client = world.client("applicant")
    category = world.s.individual_category
    pk = client.post(f"{V1}/nominations", {"category": category, "data": {"name": "王"}}).json()[
        "id"
    ]

    response = client.post(f"{V1}/nominations/{pk}/file")

    body = response.json()
    assert (response.status_code, body["code"]) == (422, "filing_refused")
    assert len(body["details"]["messages"]) > 1
    assert Nomination.objects.get(pk=pk).state == NominationState.DRAFT


def test_filed_nomination_cannot_be_updated(world):
    team = world.s.team

    response = world.client("applicant").put(
        f"{V1}/nominations/{team.pk}", {"version": team.version, "data": {}}
    )

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_committee_cannot_start_an_individual_form(world):
    response = world.client("committee").post(
        f"{V1}/nominations", {"category": world.s.individual_category, "data": {}}
    )

    assert response.status_code == 403
    assert not Nomination.objects.filter(applicant=world.s.users["committee"], state="draft")


# --- transitions ------------------------------------------------------------------------------


def test_transitions_list_the_history(world):
    response = world.client("applicant").get(
        f"{V1}/nominations/{world.s.individual.pk}/transitions"
    )

    actions = [t["action"] for t in response.json()]
    assert actions[:2] == ["file", "endorse"]
    assert actions[-1] == "finish_review"


def test_applicant_withdraws_a_filing(world):
    team = world.s.team

    response = world.client("applicant").post(
        f"{V1}/nominations/{team.pk}/transitions", {"action": "withdraw", "comment": "不再申报"}
    )

    assert (response.status_code, response.json()["state"]) == (200, "withdrawn")
    last = Transition.objects.filter(nomination=team).last()
    assert (last.action, last.comment, last.by) == (
        "withdraw",
        "不再申报",
        world.s.users["applicant"],
    )


def test_recommender_returns_a_filing_with_reasons(world):
    team = world.s.team
    client = world.client("recommender")

    without = client.post(
        f"{V1}/nominations/{team.pk}/transitions", {"action": "return_to_applicant"}
    )
    returned = client.post(
        f"{V1}/nominations/{team.pk}/transitions",
        {"action": "return_to_applicant", "comment": "请补充班组成员。"},
    )

    assert (without.status_code, without.json()["code"]) == (422, "comment_required")
    assert (returned.status_code, returned.json()["state"]) == (200, "returned")


def test_a_move_of_another_role_is_forbidden(world):
    team = world.s.team

    response = world.client("secretariat").post(
        f"{V1}/nominations/{team.pk}/transitions", {"action": "withdraw"}
    )

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert Nomination.objects.get(pk=team.pk).state == NominationState.FILED


def test_a_move_from_the_wrong_state_is_a_conflict(world):
    response = world.client("applicant").post(
        f"{V1}/nominations/{world.s.individual.pk}/transitions", {"action": "withdraw"}
    )

    assert (response.status_code, response.json()["code"]) == (409, "wrong_state")


def test_moves_that_need_their_page_are_refused_by_name(world):
    response = world.client("secretariat").post(
        f"{V1}/nominations/{world.s.unit.pk}/transitions", {"action": "accept"}
    )
    unknown = world.client("secretariat").post(
        f"{V1}/nominations/{world.s.unit.pk}/transitions", {"action": "teleport"}
    )

    assert (response.status_code, response.json()["code"]) == (422, "use_the_pages")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_action")


def test_secretariat_cannot_finish_a_review_with_judges_pending(world):
    achievement = world.s.achievement

    response = world.client("secretariat").post(
        f"{V1}/nominations/{achievement.pk}/transitions", {"action": "finish_review"}
    )

    assert (response.status_code, response.json()["code"]) == (422, "pending")
    assert Nomination.objects.get(pk=achievement.pk).state == NominationState.IN_REVIEW


# --- judging ----------------------------------------------------------------------------------


def criteria_of_achievement(world) -> list[int]:
    from manyi.reviews.judging import criteria_with_items, judging_rubric

    rubric = judging_rubric(world.s.achievement.category)
    return [criterion.pk for _item, criterion in criteria_with_items(rubric)]


def test_judge_saves_a_draft_review_and_reads_it_back(world):
    pk = world.s.achievement.pk
    first = criteria_of_achievement(world)[0]
    client = world.client("judge")

    saved = client.put(
        f"{V1}/assignments/{pk}/review", {"points": {str(first): 5}, "comment": "服务设计好"}
    )
    read = client.get(f"{V1}/assignments/{pk}/review")

    assert saved.status_code == 200, saved.json()
    assert read.json()["scores"] == [{"criterion_id": first, "points": 5}]
    assert read.json()["comment"] == "服务设计好"


def test_a_score_above_its_maximum_is_refused_by_the_score_rule(world):
    pk = world.s.achievement.pk
    first = criteria_of_achievement(world)[0]

    response = world.client("judge").put(f"{V1}/assignments/{pk}/review", {"points": {first: 999}})

    assert (response.status_code, response.json()["code"]) == (422, "rule_violated")


def test_submitting_an_incomplete_review_lists_what_is_missing(world):
    pk = world.s.achievement.pk

    response = world.client("judge").post(f"{V1}/assignments/{pk}/review/submit", {})

    assert (response.status_code, response.json()["code"]) == (422, "rule_violated")
    assert any("尚未评分" in m for m in response.json()["details"]["messages"])
    judge = world.s.users["judge"]
    assert not Review.objects.filter(
        nomination_id=pk, judge=judge, state=ReviewState.SUBMITTED
    ).exists()


def test_conflicted_judge_does_not_see_the_nomination(world):
    response = world.client("conflicted_judge").get(
        f"{V1}/assignments/{world.s.achievement.pk}/review"
    )

    assert response.status_code == 404
    tasks = world.client("conflicted_judge").get(f"{V1}/assignments").json()
    assert world.s.achievement.pk not in [t["nomination_id"] for t in tasks]


# --- rankings and public --------------------------------------------------------------------------


def test_ranking_of_a_category_best_first(world):
    response = world.client("secretariat").get(f"{V1}/rankings/{world.s.individual_category}")

    rows = response.json()
    ranks = [row["rank"] for row in rows if row["rank"] is not None]
    assert rows and ranks == sorted(ranks)
    assert all(row["aggregate"] is None or "." in row["aggregate"] for row in rows)


def test_public_notice_lists_the_proposed_winners(world):
    response = world.client("anonymous").get(f"{V1}/public/notice")

    body = response.json()
    on_notice = set(
        Nomination.objects.filter(state=NominationState.ON_NOTICE).values_list("pk", flat=True)
    )
    assert body["state"] == "open"
    assert {row["nomination_id"] for row in body["listed"]} == on_notice
    assert set(body["listed"][0]) == {"nomination_id", "name", "organization", "category"}


def test_public_results_are_empty_until_published(world):
    response = world.client("anonymous").get(f"{V1}/public/results")

    assert response.json() == {"campaign_year": None, "years": [], "winners": []}


def test_inactive_users_token_no_longer_works(world):
    User.objects.filter(pk=world.s.users["applicant"].pk).update(is_active=False)

    response = world.client("applicant").get(f"{V1}/nominations")

    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


def test_a_draft_of_an_older_campaign_is_refused(world):
    from manyi.campaigns.services import copy_campaign

    newer = copy_campaign(world.s.individual.campaign, year=2019)
    old_category = world.s.individual_category

    response = world.client("applicant").post(
        f"{V1}/nominations", {"category": old_category, "data": {}}
    )

    assert (response.status_code, response.json()["code"]) == (422, "not_current_campaign")
    assert newer.categories.exists()


def test_the_mystery_visits_evidence_is_listed_to_the_secretariat_only(world):
    """Review material (nominations.models.CONFIDENTIAL_SLOTS): the applicant and the
    recommender do not learn from the API that a mystery visit filed evidence."""
    achievement = world.s.achievement
    confidential = Attachment.objects.create(
        nomination=achievement,
        slot="mystery_visit",
        token="api-confidential-test",
        file="nominations/x/mystery_visit/api-confidential-test",
        original_name="暗访录音.png",
        file_kind="png",
        size=1,
        uploaded_by=world.s.users["secretariat"],
    )
    url = f"{V1}/nominations/{achievement.pk}/attachments"
    listed = {
        persona: {a["id"] for a in world.client(persona).get(url).json()}
        for persona in ("applicant", "secretariat")
    }
    assert confidential.pk in listed["secretariat"]
    assert confidential.pk not in listed["applicant"]
    assert listed["applicant"] == listed["secretariat"] - {confidential.pk}
