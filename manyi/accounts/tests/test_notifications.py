"""Everyone is told what changed; decision e-mails wait for the secretariat's release."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from manyi.core.models import Notification, OutboxMessage
from manyi.reviews import services
from manyi.reviews.tests.test_recommendation import ALL_ITEMS, endorse, filed

pytestmark = pytest.mark.django_db


def test_filing_tells_the_applicant_and_the_recommender(
    open_campaign, people, django_capture_on_commit_callbacks
):
    people.recommender.email = "li@example.com"
    people.recommender.save()
    with django_capture_on_commit_callbacks(execute=True):
        nomination = filed(open_campaign, people)
    assert list(
        Notification.objects.filter(user=people.recommender).values_list("message", flat=True)
    ) == ["“王小满”（用户满意服务先进个人）已提交，等待推荐。"]
    assert Notification.objects.filter(user=people.applicant).count() == 1
    assert [m.to for m in mail.outbox] == [["li@example.com"]]
    assert nomination.pk


def test_decisions_wait_in_the_outbox_until_released(
    client, open_campaign, people, django_capture_on_commit_callbacks
):
    people.applicant.email = "wang@example.com"
    people.applicant.save()
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.formal_check(
            nomination,
            by=people.secretariat,
            items=ALL_ITEMS | {"form_complete": False},
            deadline=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert mail.outbox == []
    held = OutboxMessage.objects.get()
    assert held.subject.startswith("【用户满意服务评选】您的申报“王小满”")
    assert "退回补正" in held.body
    client.force_login(people.secretariat)
    page = client.get("/accounts/outbox/").content.decode()
    assert "wang@example.com" in page
    assert client.post("/accounts/outbox/release/", {}).status_code == 302
    assert OutboxMessage.objects.get().released_at is None  # nothing chosen, nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/outbox/release/", {"message": [str(held.pk)]})
    held.refresh_from_db()
    assert held.released_by == people.secretariat
    assert [m.to for m in mail.outbox] == [["wang@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/outbox/release/", {"all": "1"})
    assert len(mail.outbox) == 1  # released once, sent once


@pytest.mark.parametrize("persona", ["applicant", "recommender", "judge"])
def test_the_outbox_is_the_secretariats(client, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get("/accounts/outbox/").status_code == 403
    assert client.post("/accounts/outbox/release/", {"all": "1"}).status_code == 403


def test_notifications_page_lists_and_marks_read(client, open_campaign, people):
    filed(open_campaign, people)
    client.force_login(people.recommender)
    page = client.get("/accounts/notifications/").content.decode()
    assert "等待推荐" in page
    assert Notification.objects.filter(user=people.recommender, read_at__isnull=True).count() == 0
