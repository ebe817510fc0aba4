"""The secretariat reads the audit trail at /audit/: filters, pages of a constant number of
queries, values escaped; nobody else reads it; the admin shows it read-only to everyone; a
rubric edit in the admin is recorded with its before and after."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from manyi.audit import services as audit
from manyi.audit.models import AuditEvent
from manyi.campaigns.models import Criterion
from manyi.campaigns.tests.test_admin import criterion_form
from manyi.nominations.models import Nomination

pytestmark = pytest.mark.django_db
URL = "/audit/"


def events(n: int, **fields) -> None:
    for i in range(n):
        AuditEvent.objects.create(action=f"test.{i % 3}", **fields)


def test_the_secretariat_reads_the_trail_with_before_and_after(client, people):
    audit.record(
        people.applicant,
        "nomination.save_draft",
        people.applicant,
        before={"name": "王小满"},
        after={"name": "王大满"},
        nomination=7,
    )
    client.force_login(people.secretariat)

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "nomination.save_draft" in content
    assert "<td>name</td><td>王小满</td><td>王大满</td>" in content
    assert "wang" in content


def test_values_are_escaped(client, people):
    audit.record(
        None, "test.hostile", note="<script>alert(1)</script>", after={"<b>": "<img src=x>"}
    )
    client.force_login(people.secretariat)

    content = client.get(URL).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<img src=x>" not in content
    assert "&lt;img src=x&gt;" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("who=wang", {"by.wang"}),
        ("action=nomination.", {"nomination.file"}),
        ("nomination=42", {"nomination.file"}),
        ("object_type=accounts.user", {"by.wang"}),
        ("since=2020-01-01&until=2020-01-31", {"old.event"}),
    ],
)
def test_the_filters(client, people, query, expected):
    audit.record(people.applicant, "by.wang", people.applicant)
    audit.record(people.secretariat, "nomination.file", nomination=42)
    AuditEvent.objects.create(
        action="old.event", at=timezone.make_aware(datetime.datetime(2020, 1, 15, 12))
    )
    client.force_login(people.secretariat)

    response = client.get(f"{URL}?{query}")

    shown = {a for a in ("by.wang", "nomination.file", "old.event") if a in response.text}
    assert response.status_code == 200
    assert shown == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=yesterday", "请填写正确的日期"),
        ("nomination=abc", "申报编号应为正整数"),
        ("since=2020-02-01&until=2020-01-01", "结束日期不能早于开始日期"),
        ("page=999999", ""),
        ("object_type=nonsense", ""),
    ],
)
def test_bad_filters_get_a_chinese_message_not_a_500(client, people, query, message):
    client.force_login(people.secretariat)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert message in response.text


def test_a_page_costs_the_same_queries_for_few_or_many_events(client, people):
    client.force_login(people.secretariat)
    events(3, before={"a": 1}, after={"a": 2})
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    events(120, before={"a": 1}, after={"a": 2})
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(many) == len(few)
    assert response.text.count("<td>a</td>") == 50  # one page


@pytest.mark.parametrize(
    "persona", ["applicant", "other_applicant", "recommender", "committee", "judge"]
)
def test_nobody_else_reads_the_trail(client, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_no_method_but_reading(client, people):
    client.force_login(people.secretariat)
    assert client.post(URL, {}).status_code == 405


def test_the_admin_shows_the_trail_read_only_even_to_a_superuser(client, people):
    event = audit.record(people.applicant, "test.event", note="original")
    people.secretariat.is_superuser = True
    people.secretariat.save()
    client.force_login(people.secretariat)
    changelist = reverse("admin:audit_auditevent_changelist")
    change = reverse("admin:audit_auditevent_change", args=[event.pk])

    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.post(change, {"note": "edited"}).status_code == 403
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": event.pk})
    assert AuditEvent.objects.get(pk=event.pk).note == "original"
    assert response.status_code in (200, 302)


def test_a_rubric_edit_in_the_admin_is_recorded(client, people, campaign):
    criterion = Criterion.objects.get(
        item__rubric__campaign=campaign,
        item__rubric__code="self_assessment_individual",
        item__position=1,
    )
    client.force_login(people.secretariat)
    url = reverse("admin:campaigns_criterion_change", args=[criterion.pk])

    response = client.post(url, criterion_form(criterion, band1=(1, 5), band2=(6, 8)))

    assert response.status_code == 302
    changed = AuditEvent.objects.filter(action="band.admin_change").order_by("pk")
    assert [(e.before, e.after) for e in changed] == [
        ({"high": 6}, {"high": 5}),
        ({"low": 7}, {"low": 6}),
    ]
    assert {e.actor_id for e in changed} == {people.secretariat.pk}


def test_account_edits_in_the_admin_are_recorded_without_the_password(client, people):
    client.force_login(people.secretariat)
    response = client.post(
        reverse("admin:accounts_organization_add"),
        {"name": "新建供电公司", "kind": people.employer.kind, "committee_scope": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = AuditEvent.objects.get(action="organization.admin_add")
    assert added.after["name"] == "新建供电公司"
    url = reverse("admin:auth_user_password_change", args=[people.applicant.pk])
    response = client.post(
        url, {"password1": "Qz8!long-pass-2018", "password2": "Qz8!long-pass-2018"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.admin_set_password")
    assert event.object_id == str(people.applicant.pk)
    assert "Qz8" not in str(event.before) + str(event.after)
    assert "pbkdf2" not in str(event.after) and "md5" not in str(event.after)


def test_a_coaching_tie_added_in_the_admin_is_recorded(client, people, campaign):
    """A coaching tie makes a judge step aside: who added it is on the trail."""
    request = Nomination.objects.create(
        campaign=campaign,
        category=campaign.categories.get(kind="coaching_request"),
        applicant=people.applicant,
        organization=people.employer,
    )
    client.force_login(people.secretariat)
    response = client.post(
        reverse("admin:reviews_coaching_add"), {"coach": people.judge.pk, "request": request.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = AuditEvent.objects.get(action="coaching.admin_add")
    assert added.actor_id == people.secretariat.pk
    assert added.after["coach_id"] == people.judge.pk
