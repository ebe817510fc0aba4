"""Deadline reminders: who gets what, when, and once."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from manyi.campaigns.models import CategoryKind
from manyi.core.models import Notification
from manyi.dashboard import reminders
from manyi.dashboard.models import SentReminder
from manyi.dashboard.tests import builders as b
from manyi.nominations.models import NominationState
from manyi.testing import UserFactory

pytestmark = pytest.mark.django_db

CLOSES = datetime.date(2018, 5, 31)  # filing_closes of the 2018 campaign
COACHING = datetime.date(2018, 5, 15)
RECOMMENDATION = datetime.date(2018, 6, 15)
REVIEW_ENDS = datetime.date(2018, 7, 13)


def days_before(deadline: datetime.date, days: int) -> datetime.date:
    return deadline - datetime.timedelta(days=days)


def send(today: datetime.date, capture) -> list[reminders.Reminder]:
    with capture(execute=True):
        return reminders.send_reminders(today)


def sent_to(found) -> list[tuple[str, str, int, int]]:
    return sorted((r.user.username, r.deadline, r.days_before, r.count) for r in found)


@pytest.fixture(autouse=True)
def _days(settings):
    settings.REMINDER_DAYS = [7, 3, 1]


@pytest.fixture
def draft(campaign, people):
    people.applicant.email = "wang@example.com"
    people.applicant.save()
    individual = campaign.categories.get(kind=CategoryKind.INDIVIDUAL)
    return b.nominate(individual, people.applicant, state=NominationState.DRAFT)


@pytest.mark.parametrize(
    ("days", "stage"), [(8, None), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, 1), (-1, None)]
)
def test_the_reminder_due_is_the_smallest_stage_not_below_the_days_left(days, stage):
    assert reminders.due_stage(CLOSES, days_before(CLOSES, days), (1, 3, 7)) == stage


def test_an_applicant_with_a_draft_is_reminded_seven_days_before_by_mail_and_in_the_app(
    draft, people, django_capture_on_commit_callbacks
):
    found = send(days_before(CLOSES, 7), django_capture_on_commit_callbacks)

    assert sent_to(found) == [("wang", "filing", 7, 1)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@example.com"]
    assert "1 份申报尚未提交" in message.body and "2018年5月31日" in message.body
    assert "还有 7 天" in message.body
    notification = Notification.objects.get(user=people.applicant)
    assert notification.link == "/nominations/"


def test_nothing_is_sent_eight_days_before_nor_after_the_deadline(
    draft, django_capture_on_commit_callbacks
):
    assert send(days_before(CLOSES, 8), django_capture_on_commit_callbacks) == []
    assert send(days_before(CLOSES, -1), django_capture_on_commit_callbacks) == []
    assert mail.outbox == []


def test_running_twice_a_day_sends_once(draft, django_capture_on_commit_callbacks):
    today = days_before(CLOSES, 3)

    first = send(today, django_capture_on_commit_callbacks)
    second = send(today, django_capture_on_commit_callbacks)

    assert len(first) == 1 and second == []
    assert len(mail.outbox) == 1
    assert SentReminder.objects.count() == 1


def test_each_stage_is_sent_once_and_a_missed_day_is_caught_up(
    draft, django_capture_on_commit_callbacks
):
    stages = []
    for left in (9, 6, 5, 4, 2, 1, 0):  # the task did not run on day 7 nor on day 3
        stages += [
            r.days_before
            for r in send(days_before(CLOSES, left), django_capture_on_commit_callbacks)
        ]

    assert stages == [7, 3, 1]
    assert len(mail.outbox) == 3


def test_a_filed_nomination_needs_no_filing_reminder(
    campaign, people, django_capture_on_commit_callbacks
):
    individual = campaign.categories.get(kind=CategoryKind.INDIVIDUAL)
    b.nominate(individual, people.applicant, state=NominationState.FILED)

    found = send(days_before(CLOSES, 1), django_capture_on_commit_callbacks)

    assert [r for r in found if r.deadline == "filing"] == []


def test_a_coaching_request_draft_is_reminded_before_its_own_deadline(
    campaign, people, django_capture_on_commit_callbacks
):
    coaching = campaign.categories.get(kind=CategoryKind.COACHING_REQUEST)
    b.nominate(coaching, people.applicant, state=NominationState.DRAFT)

    found = send(days_before(COACHING, 3), django_capture_on_commit_callbacks)

    assert sent_to(found) == [("wang", "coaching_request", 3, 1)]
    assert "辅导申请回执" in found[0].message


def test_the_recommender_of_the_filings_organization_is_reminded(
    campaign, people, django_capture_on_commit_callbacks
):
    individual = campaign.categories.get(kind=CategoryKind.INDIVIDUAL)
    unit = campaign.categories.get(kind=CategoryKind.UNIT)
    for _ in range(2):
        b.nominate(individual, people.applicant, state=NominationState.FILED)
    b.nominate(individual, people.applicant, state=NominationState.ENDORSED)  # done already
    b.nominate(individual, people.other_applicant, state=NominationState.ENDORSED)
    b.nominate(unit, people.committee, state=NominationState.FILED)
    UserFactory(role="recommender", organization=people.other_employer, username="qian")

    found = send(days_before(RECOMMENDATION, 7), django_capture_on_commit_callbacks)

    assert sent_to(found) == [("li", "recommendation", 7, 2), ("zhao", "recommendation", 7, 1)]
    assert found[0].link == "/reviews/recommend/"


def test_judges_with_reviews_not_submitted_are_reminded(
    campaign, people, django_capture_on_commit_callbacks
):
    individual = campaign.categories.get(kind=CategoryKind.INDIVIDUAL)
    first, second = (b.nominate(individual, people.applicant) for _ in range(2))
    for nomination in (first, second):
        b.assign(nomination, people.judge, people.secretariat)
    b.scored(first, people.judge, 80)  # submitted: one left
    b.scored(second, people.judge, 80, submitted=False)
    b.assign(first, people.conflicted_judge, people.secretariat, released=True)
    done = UserFactory(role="judge", username="done")
    b.assign(first, done, people.secretariat)
    b.scored(first, done, 90)

    found = send(days_before(REVIEW_ENDS, 1), django_capture_on_commit_callbacks)

    assert sent_to(found) == [("chen", "review", 1, 1)]
    assert "1 份评审尚未提交" in found[0].message


def test_a_deadline_moved_later_gives_new_reminders(
    campaign, draft, django_capture_on_commit_callbacks
):
    send(days_before(CLOSES, 1), django_capture_on_commit_callbacks)
    campaign.filing_closes = datetime.date(2018, 6, 10)
    campaign.save()

    found = send(datetime.date(2018, 6, 9), django_capture_on_commit_callbacks)

    assert sent_to(found) == [("wang", "filing", 1, 1)]


def test_the_days_come_from_the_setting(settings, draft, django_capture_on_commit_callbacks):
    settings.REMINDER_DAYS = [14]

    assert send(days_before(CLOSES, 7), django_capture_on_commit_callbacks)[0].days_before == 14


@pytest.mark.parametrize("size", [1, 10])
def test_finding_the_reminders_takes_the_same_queries_whatever_the_size(
    campaign, size, django_assert_num_queries
):
    individual = campaign.categories.get(kind=CategoryKind.INDIVIDUAL)
    for _ in range(size):
        b.nominate(individual, UserFactory(), state=NominationState.DRAFT)

    # the campaigns, the drafts (only the filing deadline is near), those sent, the users
    with django_assert_num_queries(4):
        found = reminders.due_reminders(days_before(CLOSES, 6))

    assert len(found) == size


# --- the command ---------------------------------------------------------------------------


def test_the_command_sends_and_a_second_run_sends_nothing(
    draft, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", "2018-05-28", stdout=out, stderr=io.StringIO())
        call_command("send_reminders", "--today", "2018-05-28", stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    assert lines == [
        "wang\tfiling\t2018-05-31\t提前3天\t1",
        "2018-05-28：已发送 1 条提醒。",
        "2018-05-28：已发送 0 条提醒。",
    ]
    assert len(mail.outbox) == 1


def test_the_dry_run_lists_and_sends_nothing(draft, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--dry-run", "--today", "2018-05-28", stdout=out)

    assert "演练，未发送" in out.getvalue() and "wang\tfiling" in out.getvalue()
    assert mail.outbox == [] and SentReminder.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_bad_date_is_refused_in_plain_words(db):
    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("send_reminders", "--today", "2018-13-01")
