"""Deadline reminders: an e-mail (and a notification in the application) some days before each
deadline, to those who still have something to do by it. Run daily by `send_reminders`.

The days come from the setting REMINDER_DAYS (default 7, 3, 1). On a given day the reminder due
is the one of the smallest number of days not below the days left: with 7, 3, 1 and five days
left, the 7-day reminder. Each (person, deadline, day of the deadline, number of days) is sent
once (SentReminder), so running twice a day sends once, and a day the task did not run is caught
up by the next run without sending twice. A deadline moved later gives new reminders.

Who is reminded, by deadline:
- filing (filing_closes; the coaching request: coaching_request_deadline): applicants and
  committees with a draft not yet filed;
- recommendation (recommendation_deadline): the recommending body (the committee for a unit)
  with filings awaiting its recommendation;
- review (review_ends): judges with assigned nominations whose review is not submitted.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from manyi.accounts.models import Role, User
from manyi.campaigns.models import Campaign, CategoryKind
from manyi.campaigns.phases import chinese_date
from manyi.core.notify import tell
from manyi.dashboard.models import SentReminder
from manyi.nominations.models import Nomination, NominationState
from manyi.reviews.models import Assignment, Review, ReviewState

DEFAULT_DAYS = (7, 3, 1)


@dataclass(frozen=True)
class Reminder:
    """One reminder to send (or sent): to whom, of which deadline, and what it says."""

    user: User
    campaign: Campaign
    deadline: str
    due_on: datetime.date
    days_before: int
    count: int
    message: str
    link: str


def reminder_days() -> tuple[int, ...]:
    days = getattr(settings, "REMINDER_DAYS", DEFAULT_DAYS)
    return tuple(sorted({int(d) for d in days if int(d) >= 0}))


def due_stage(due_on: datetime.date, today: datetime.date, days: Sequence[int]) -> int | None:
    """The reminder due today for a deadline on `due_on`: the smallest of `days` not below the
    days left; None when the deadline has passed or is further away than every reminder."""
    left = (due_on - today).days
    if left < 0:
        return None
    return min((d for d in days if d >= left), default=None)


def _drafts(campaign: Campaign, *, coaching: bool) -> dict[int, int]:
    """Per applicant, their unfiled drafts of the campaign (coaching requests or the rest)."""
    kind = Q(category__kind=CategoryKind.COACHING_REQUEST)
    rows = (
        Nomination.objects.filter(campaign=campaign, state=NominationState.DRAFT)
        .filter(kind if coaching else ~kind)
        .order_by()
        .values_list("applicant_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def _to_recommend(campaign: Campaign) -> dict[int, int]:
    """Per recommender (a committee for a unit), the filings awaiting their recommendation."""
    unit = Q(category__kind=CategoryKind.UNIT)
    waiting = Nomination.objects.filter(campaign=campaign, state=NominationState.FILED)
    rows = (
        User.objects.filter(is_active=True)
        .filter(
            Q(role=Role.RECOMMENDER, organization__nominations__in=waiting.exclude(unit))
            | Q(role=Role.COMMITTEE, organization__nominations__in=waiting.filter(unit))
        )
        .order_by()
        .values_list("pk")
        .annotate(n=Count("organization__nominations", distinct=True))
    )
    return dict(rows)


def _to_review(campaign: Campaign) -> dict[int, int]:
    """Per judge, the nominations assigned whose review they have not submitted."""
    submitted = Review.objects.filter(
        nomination=OuterRef("nomination"), judge=OuterRef("judge"), state=ReviewState.SUBMITTED
    )
    rows = (
        Assignment.objects.filter(nomination__campaign=campaign, released_at__isnull=True)
        .filter(~Exists(submitted))
        .order_by()
        .values_list("judge_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


# (deadline, campaign date field, who and how many, message, link)
DEADLINES = (
    (
        "filing",
        "filing_closes",
        lambda c: _drafts(c, coaching=False),
        "您有 {count} 份申报尚未提交，申报截止日期为{due}（还有 {left} 天），请及时完成并提交。",
        "nominations:list",
    ),
    (
        "coaching_request",
        "coaching_request_deadline",
        lambda c: _drafts(c, coaching=True),
        "您有 {count} 份辅导申请回执尚未提交，截止日期为{due}（还有 {left} 天），请及时提交。",
        "nominations:list",
    ),
    (
        "recommendation",
        "recommendation_deadline",
        _to_recommend,
        "有 {count} 份申报等待贵单位推荐，推荐截止日期为{due}（还有 {left} 天），请及时处理。",
        "reviews:recommend_list",
    ),
    (
        "review",
        "review_ends",
        _to_review,
        "您有 {count} 份评审尚未提交，评审截止日期为{due}（还有 {left} 天），请及时完成评分。",
        "reviews:judge_tasks",
    ),
)


def due_reminders(
    today: datetime.date, campaigns: Iterable[Campaign] | None = None
) -> list[Reminder]:
    """Every reminder due on `today` and not sent yet, for every campaign."""
    days = reminder_days()
    campaigns = list(Campaign.objects.all() if campaigns is None else campaigns)
    found: list[tuple[int, Campaign, str, datetime.date, int, int, str, str]] = []
    for campaign in campaigns:
        for deadline, field, who, text, url_name in DEADLINES:
            due_on = getattr(campaign, field)
            stage = due_stage(due_on, today, days)
            if stage is None:
                continue
            left = (due_on - today).days
            for user_id, count in who(campaign).items():
                message = text.format(count=count, due=chinese_date(due_on), left=left)
                message = f"{campaign.year}年评选：{message}"
                found.append((user_id, campaign, deadline, due_on, stage, count, message, url_name))
    if not found:
        return []
    sent = set(
        SentReminder.objects.filter(
            user_id__in={f[0] for f in found}, due_on__gte=today
        ).values_list("user_id", "campaign_id", "deadline", "due_on", "days_before")
    )
    users = User.objects.in_bulk({f[0] for f in found})
    return [
        Reminder(users[u], c, d, due, stage, count, message, reverse(url_name))
        for u, c, d, due, stage, count, message, url_name in found
        if (u, c.pk, d, due, stage) not in sent
    ]


def _all(items: Iterable[Reminder]) -> Iterable[Reminder]:
    return items


@transaction.atomic
def send_reminders(
    today: datetime.date,
    *,
    dry_run: bool = False,
    progress: Callable[[Iterable[Reminder]], Iterable[Reminder]] = _all,
) -> list[Reminder]:
    """Send the reminders due on `today` (notification and e-mail, through core.notify) and
    record them so that none is sent twice; with `dry_run`, only return them. The e-mails leave
    once the transaction commits."""
    reminders = due_reminders(today)
    if dry_run:
        return reminders
    for reminder in progress(reminders):
        tell([reminder.user], reminder.message, link=reminder.link)
    SentReminder.objects.bulk_create(
        [
            SentReminder(
                user=r.user,
                campaign=r.campaign,
                deadline=r.deadline,
                due_on=r.due_on,
                days_before=r.days_before,
                sent_on=today,
            )
            for r in reminders
        ]
    )
    return reminders
