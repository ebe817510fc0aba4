"""The audit trail: every kind of change leaves an event with who, when, what, before and
after; the event rolls back with a failed change; the database refuses to change or delete it
early; prune_audit deletes only what is old enough; logins are recorded."""

import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from manyi.accounts.models import User
from manyi.audit import services as audit
from manyi.audit.models import AuditEvent
from manyi.demo.services import load_demo
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination, NominationState
from manyi.reviews import assignments, judging, objections, results
from manyi.reviews import services as reviewing
from manyi.reviews.models import Objection, PublicNotice, Review, ReviewState
from manyi.testing import PASSWORD, png_upload

pytestmark = pytest.mark.django_db

# What the demo and the steps below do, by action code (transitions are nomination.<step>).
EXPECTED = {
    "campaign.load",
    "rubric.install",
    "nomination.start",
    "nomination.save_draft",
    "attachment.add",
    "attachment.remove",
    "honour.add",
    "honour.remove",
    "nomination.file",
    "nomination.file_record",
    "nomination.endorse",
    "endorsement.create",
    "nomination.return_to_applicant",
    "nomination.accept",
    "formal_check.create",
    "panel.set",
    "assignment.create",
    "nomination.start_review",
    "assignment.release",
    "review.save",
    "review.submit",
    "review.reopen",
    "mystery_visit.create",
    "nomination.finish_review",
    "nomination.propose",
    "decision.record",
    "notice.open",
    "nomination.open_notice",
    "objection.lodge",
    "objection.decide",
    "results.publish",
    "nomination.award",
    "nomination.not_award",
    "login.success",
    "login.failure",
    "login.logout",
}


def test_every_kind_of_change_leaves_an_event(client):
    load_demo()
    users = {u.username: u for u in User.objects.all()}
    applicant, secretariat = users["applicant"], users["secretariat"]
    mine = Nomination.objects.filter(applicant=applicant)
    draft = mine.get(state=NominationState.DRAFT)
    attachment = filing.add_attachment(draft, "evidence", png_upload("证明.png"), by=applicant)
    filing.remove_attachment(attachment, by=applicant)
    honour = filing.add_honour(
        draft,
        awarded_on=draft.campaign.filing_opens,
        issuer="示范单位",
        name="优质服务奖",
        level="unit",
        scan=png_upload(),
        by=applicant,
    )
    filing.remove_honour(honour, by=applicant)
    reviewing.return_to_applicant(
        mine.get(category__kind="team"), by=users["recommender"], reasons="请补充材料。"
    )
    achievement = mine.get(category__kind="achievement")
    judging.record_mystery_visit(
        achievement,
        by=secretariat,
        visited_on=timezone.localdate(),
        place="营业厅",
        finding="服务规范。",
        evidence=[png_upload("暗访.png")],
    )
    draft_review = Review.objects.get(nomination=achievement, state=ReviewState.DRAFT)
    assignments.unassign(
        achievement.assignments.get(judge=draft_review.judge, released_at__isnull=True),
        by=secretariat,
        reason="调整评审专家。",
    )
    second = achievement.assignments.filter(released_at__isnull=True).order_by("pk").first().judge
    rubric = judging.judging_rubric(achievement.category)
    points = {
        criterion.pk: 0 if item.name == judging.PRESENTATION_ITEM else criterion.max_points
        for item, criterion in judging.criteria_with_items(rubric)
    }
    sheet = judging.Sheet(points=points, comment="成果显著。")
    submitted = judging.submit_review(achievement, judge=second, sheet=sheet)
    judging.reopen_review(submitted, by=secretariat, reason="请复核评分。")
    objections.decide_objection(
        Objection.objects.get(), by=secretariat, upheld=False, investigation="经核实不成立。"
    )
    notice = PublicNotice.objects.get()
    results.publish_results(
        notice.campaign, by=secretariat, today=notice.ends_on + datetime.timedelta(days=1)
    )
    client.post("/accounts/login/", {"username": "applicant", "password": "wrong"})
    client.post("/accounts/login/", {"username": "applicant", "password": "manyi-demo"})
    client.post("/accounts/logout/")

    actions = Counter(AuditEvent.objects.values_list("action", flat=True))

    assert sorted(EXPECTED - set(actions)) == []
    # Changes made by a person name them; only the loaders (commands) and the public
    # objection and failed logins are anonymous.
    anonymous = set(AuditEvent.objects.filter(actor__isnull=True).values_list("action", flat=True))
    assert anonymous == {"campaign.load", "rubric.install", "objection.lodge", "login.failure"}
    assert actions["nomination.file"] == Nomination.objects.filter(filed_at__isnull=False).count()


def test_a_draft_save_keeps_only_what_changed_and_an_unchanged_save_keeps_nothing(
    open_campaign, people
):
    category = open_campaign.categories.get(kind="individual")
    nomination = filing.start_nomination(category, by=people.applicant)
    filing.save_draft(nomination, {"name": "王小满", "gender": "男"}, by=people.applicant)
    filing.save_draft(nomination, {"name": "王小满", "gender": "女"}, by=people.applicant)
    filing.save_draft(nomination, {"name": "王小满", "gender": "女"}, by=people.applicant)

    saves = AuditEvent.objects.filter(action="nomination.save_draft").order_by("pk")

    assert [(e.before, e.after) for e in saves] == [
        ({}, {"name": "王小满", "gender": "男"}),
        ({"gender": "男"}, {"gender": "女"}),
    ]
    assert {e.nomination_id for e in saves} == {nomination.pk}
    assert {e.actor_name for e in saves} == {"wang"}


def test_a_change_that_fails_midway_leaves_no_event(monkeypatch):
    load_demo()
    team = Nomination.objects.get(category__kind="team", state=NominationState.FILED)
    recommender = User.objects.get(username="recommender")
    events = AuditEvent.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("notification service down")

    monkeypatch.setattr("manyi.nominations.services.announce", broken)
    with pytest.raises(RuntimeError):
        reviewing.return_to_applicant(team, by=recommender, reasons="请补充材料。")

    team.refresh_from_db()
    assert team.state == NominationState.FILED
    assert AuditEvent.objects.count() == events


def _event(days_old: int = 0) -> AuditEvent:
    if days_old:  # an old row, as if written then (inserting is allowed; updating is not)
        return AuditEvent.objects.create(
            action="test.old", at=timezone.now() - datetime.timedelta(days=days_old)
        )
    return audit.record(None, "test.event", note="x")


def test_the_database_refuses_to_change_an_event():
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.note = "edited"
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == "x"


def test_the_database_refuses_to_delete_an_event_younger_than_six_months():
    young, old = _event(days_old=182), _event(days_old=190)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=young.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])

    AuditEvent.objects.filter(pk=old.pk).delete()

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]


def test_prune_audit_deletes_only_events_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 730
    ancient, older, recent = _event(days_old=800), _event(days_old=400), _event(days_old=10)

    call_command("prune_audit", stdout=_Sink())
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {older.pk, recent.pk}

    call_command("prune_audit", days=300, stdout=_Sink())
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {recent.pk}
    assert ancient.pk not in AuditEvent.objects.values_list("pk", flat=True)


def test_prune_audit_refuses_a_retention_under_183_days(settings):
    _event(days_old=190)
    with pytest.raises(CommandError, match="至少保存 183 天"):
        call_command("prune_audit", days=182)
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(CommandError, match="至少保存 183 天"):
        call_command("prune_audit")
    assert AuditEvent.objects.count() == 1


def test_logins_are_recorded_with_the_address(client, people):
    client.post("/accounts/login/", {"username": "wang", "password": "wrong"})
    client.post("/accounts/login/", {"username": "wang", "password": PASSWORD})
    client.post("/accounts/logout/")

    rows = list(AuditEvent.objects.order_by("pk").values_list("action", "actor_name", "ip_address"))

    assert rows == [
        ("login.failure", "", "127.0.0.1"),
        ("login.success", "wang", "127.0.0.1"),
        ("login.logout", "wang", "127.0.0.1"),
    ]
    assert AuditEvent.objects.get(action="login.failure").after == {"username": "wang"}


def test_a_lockout_is_recorded(client, people):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "wang", "password": "wrong"})
    assert AuditEvent.objects.filter(action="login.failure").count() == 5
    assert AuditEvent.objects.filter(action="login.lockout").count() == 1


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_a_long_text_is_kept_by_its_start_length_and_digest(people):
    report = "服务" * 3000

    event = audit.record(people.applicant, "test.long", before={}, after={"report": report})

    assert event.after["report"].startswith("服务" * 150 + "…（共 6000 字符，摘要 ")
    assert len(event.after["report"]) < 400
