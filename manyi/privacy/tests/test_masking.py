"""One function decides who sees the sensitive fields (民族, 政治面貌, 年龄, 手机, 电子邮箱,
通信地址): tested per role, and through the pages and the export that ask it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from manyi.demo.services import load_demo
from manyi.documents import exports
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination
from manyi.privacy import masking
from manyi.privacy.masking import Audience, audience, masked, shown, visible_data

pytestmark = pytest.mark.django_db

MANAGER = {f.code: f for f in FORMS["manager"].fields}
SAMPLE = {
    "name": "王小满",
    "ethnicity": "汉族",
    "political_status": "中共党员",
    "age": "35",
    "mobile": "13912345678",
    "email": "wang@example.com",
    "address": "首府市友好路1号",
    "education": "本科",
}


@pytest.fixture
def nomination(people, campaign):
    category = campaign.categories.get(kind="manager")
    return Nomination.objects.create(
        campaign=campaign,
        category=category,
        applicant=people.applicant,
        organization=people.employer,
        data=SAMPLE,
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("applicant", Audience.FULL),  # the owner
        ("recommender", Audience.FULL),  # its employer, which checks and seals the form
        ("secretariat", Audience.FULL),  # checks it
        ("judge", Audience.HIDDEN),  # judging needs none of it
        ("conflicted_judge", Audience.HIDDEN),
        ("other_applicant", Audience.MASKED),
        ("committee", Audience.MASKED),  # a committee of another organization
    ],
)
def test_audience_per_role(people, nomination, persona, expected):
    assert audience(getattr(people, persona), nomination) == expected


def test_anonymous_and_inactive_users_see_masked(people, nomination):
    assert audience(AnonymousUser(), nomination) == Audience.MASKED
    people.applicant.is_active = False
    assert audience(people.applicant, nomination) == Audience.MASKED


def test_in_a_list_only_the_secretariat_sees_in_full(people):
    assert audience(people.secretariat) == Audience.FULL
    assert audience(people.applicant) == Audience.MASKED
    assert audience(people.recommender) == Audience.MASKED
    assert audience(people.judge) == Audience.HIDDEN


def test_how_each_sensitive_field_is_masked():
    shown_masked = {code: shown(MANAGER[code], v, Audience.MASKED) for code, v in SAMPLE.items()}
    assert shown_masked == {
        "name": "王小满",
        "ethnicity": "***",
        "political_status": "***",
        "age": "***",
        "mobile": "139****5678",
        "email": "***",
        "address": "***",
        "education": "本科",
    }


def test_judges_get_nothing_of_the_sensitive_fields(people, nomination):
    data = visible_data(people.judge, nomination, FORMS["manager"].fields, SAMPLE)
    assert {k: v for k, v in data.items() if v} == {"name": "王小满", "education": "本科"}


def test_a_mobile_in_a_phone_field_is_masked_a_landline_is_not():
    phone = next(f for f in FORMS["individual"].fields if f.type == "phone")
    assert masked(phone, "13800001234") == "138****1234"
    assert masked(phone, "0991-1234567") == "0991-1234567"


def test_the_export_asks_the_same_function():
    assert exports.masked is masking.masked


def test_the_owner_sees_the_detail_in_full(client, people, nomination):
    nomination.state = "filed"
    nomination.filed_at = nomination.created_at
    nomination.save()
    client.force_login(people.applicant)
    page = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()
    assert "汉族" in page and "13912345678" in page


def test_the_judge_scoring_page_leaves_the_sensitive_fields_out(client):
    load_demo()
    nomination = Nomination.objects.get(category__kind="achievement")
    nomination.data = nomination.data | {"address": "保密路8号", "mobile": "13711112222"}
    nomination.save(update_fields=["data"])
    judge = nomination.assignments.filter(released_at__isnull=True).first().judge
    client.force_login(judge)
    page = client.get(reverse("reviews:score", args=[nomination.pk])).content.decode()
    assert nomination.data["achievement_name"] in page
    assert "保密路8号" not in page
    assert "13711112222" not in page and "137****2222" not in page


def test_the_audit_trail_keeps_no_sensitive_value_of_a_draft(people, open_campaign):
    """Autosaves are recorded with what changed; a sensitive value only as a keyed digest, so
    a change still shows and the value does not (the trail outlives erasure)."""
    from manyi.audit.models import AuditEvent
    from manyi.nominations import services

    category = open_campaign.categories.get(kind="manager")
    draft = services.start_nomination(category, by=people.applicant)
    draft = services.save_draft(draft, SAMPLE, by=people.applicant)
    services.save_draft(
        draft, {**SAMPLE, "mobile": "13800001111", "education": "硕士"}, by=people.applicant
    )
    first, second = AuditEvent.objects.filter(action="nomination.save_draft").order_by("pk")
    recorded = str(first.after) + str(second.before) + str(second.after)
    for value in ("汉族", "中共党员", "13912345678", "13800001111", "wang@example.com", "友好路"):
        assert value not in recorded
    assert first.after["name"] == "王小满"  # not sensitive: kept as typed
    assert first.after["mobile"].startswith("***#")
    assert set(second.after) == {"mobile", "education"}  # what changed, and only that
    assert second.before["mobile"] != second.after["mobile"]
    assert second.after["education"] == "硕士"
