"""The end of the review: proposals (拟表彰), the evaluation committee's decision, the public
notice (公示), and the published results (表彰) with their certificates. Objections (异议) to
the notice: objections.py.

Every change is one function here, atomic, moving nominations only through
`manyi.nominations.services.transition` (one recorded step each). The reads the public pages
need are at the end: they return plain values, never a nomination, so a template cannot show a
field it was not given.
"""

import datetime
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone

from manyi.accounts.models import User
from manyi.accounts.permissions import is_secretariat
from manyi.audit import services as audit
from manyi.campaigns.models import Campaign, Category, CategoryKind
from manyi.campaigns.phases import chinese_date
from manyi.core.uploads import FileKind, check_upload
from manyi.nominations.models import Nomination, NominationState, Transition
from manyi.nominations.services import transition
from manyi.privacy.masking import public_name
from manyi.privacy.queries import withheld
from manyi.reviews import workdays
from manyi.reviews.aggregation import display
from manyi.reviews.models import (
    Award,
    CalendarDay,
    Decision,
    Objection,
    PublicNotice,
)
from manyi.reviews.ranking import Row, ranking

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MINUTES = (FileKind.PDF, FileKind.PNG, FileKind.JPEG, FileKind.DOCX)
MINUTES_MAX_BYTES = 20 * MB
NOT_CHOSEN = "未列入拟表彰名单，不予表彰。"
SECRETARIAT_ONLY = "只有秘书处可以管理评审结果、公示和异议。"


def check_secretariat(user: User) -> None:
    if not is_secretariat(user):
        raise PermissionDenied(SECRETARIAT_ONLY)


def _lock(campaign_id: int) -> Campaign:
    """The campaign's row, locked: proposals, the notice and the results of one campaign are
    made one at a time (a double click waits, then finds the work done)."""
    return Campaign.objects.select_for_update().get(pk=campaign_id)


# --- the holiday calendar --------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarImport:
    year: int
    holidays: int
    workdays: int
    created: int
    updated: int


@transaction.atomic
def import_calendar(path: str | Path) -> CalendarImport:
    """Fill CalendarDay from a data/calendar/<year>.yaml file (国务院办公厅节假日安排).

    The file is checked by `workdays.load_calendar` first (every date in its year, 调休 only on
    weekends, no date twice); nothing is written if it fails (ValueError, in Chinese). A day
    already stored is updated to the file's kind and name; days stored by hand and absent from
    the file are kept.
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    workdays.load_calendar(data)  # raises ValueError on a faulty file
    days: dict[datetime.date, tuple[str, str]] = {}
    for key, kind in (
        ("holidays", CalendarDay.Kind.HOLIDAY),
        ("workdays", CalendarDay.Kind.WORKDAY),
    ):
        for entry in data.get(key) or []:
            for day in entry["days"]:
                days[day] = (kind, str(entry["name"])[:50])
    existing = {row.day: row for row in CalendarDay.objects.filter(day__in=days)}
    created = updated = 0
    for day, (kind, name) in sorted(days.items()):
        row = existing.get(day)
        if row is None:
            CalendarDay.objects.create(day=day, kind=kind, name=name)
            created += 1
        elif (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            row.save(update_fields=["kind", "name"])
            updated += 1
    kinds = [kind for kind, _name in days.values()]
    return CalendarImport(
        year=data["year"],
        holidays=kinds.count(CalendarDay.Kind.HOLIDAY),
        workdays=kinds.count(CalendarDay.Kind.WORKDAY),
        created=created,
        updated=updated,
    )


def work_calendar(since: datetime.date) -> workdays.WorkCalendar:
    """The secretariat's calendar (CalendarDay) from `since` on, for `workdays`."""
    holidays, extra = set(), set()
    for day, kind in CalendarDay.objects.filter(day__gte=since).values_list("day", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else extra).add(day)
    return workdays.WorkCalendar(frozenset(holidays), frozenset(extra))


def notice_period(
    starts_on: datetime.date, working_days: int
) -> tuple[datetime.date, datetime.date]:
    """公示期 N 个工作日 from `starts_on`: its first and last working day, both included,
    counted with the CalendarDay rows. Refused (in Chinese) when the calendar of a year the
    period touches has not been loaded, since holidays would silently count as working days."""
    try:
        first, last = workdays.notice_period(starts_on, working_days, work_calendar(starts_on))
    except ValueError as error:
        raise ValidationError(str(error), code="working_days") from error
    loaded = set(
        CalendarDay.objects.filter(day__year__in={first.year, last.year}).dates("day", "year")
    )
    missing = sorted({first.year, last.year} - {day.year for day in loaded})
    if missing:
        raise ValidationError(
            f"尚未载入{missing[0]}年的节假日安排，无法计算公示期；请在管理后台维护节假日，"
            f"或运行 manage.py load_calendar data/calendar/{missing[0]}.yaml。",
            code="no_calendar",
        )
    return first, last


# --- proposals and the committee's decision --------------------------------------------------


def candidates(category: Category) -> list[Row]:
    """The rows that may be proposed: scored (or already proposed) and scored by a judge, in
    rank order."""
    return [
        row
        for row in ranking(category)
        if row.nomination.state in (NominationState.SCORED, NominationState.PROPOSED)
        and row.aggregate is not None
    ]


@transaction.atomic
def propose(
    category: Category,
    *,
    by: User,
    quota: int | None = None,
    threshold: Decimal | None = None,
) -> list[Nomination]:
    """拟表彰: the secretariat proposes the winners of a category, by quota (the best `quota`
    in rank order) or by threshold (aggregate ≥ `threshold`, compared exactly). Each chosen
    scored nomination moves to proposed by its own recorded step; those proposed already stay.

    Refused while a nomination of the category is still in review, once the notice is out,
    when a tie straddles the quota (the committee decides, not the order of the list), and for
    units by threshold (they are not scored).
    """
    check_secretariat(by)
    _lock(category.campaign_id)
    if (quota is None) == (threshold is None):
        raise ValidationError("请选择按名额或按分数线提出（二者选一）。", code="mode")
    if quota is not None and quota < 1:
        raise ValidationError("名额应为不小于 1 的整数。", code="quota")
    if threshold is not None and category.kind == CategoryKind.UNIT:
        raise ValidationError("先进单位不评分，只能按名额提出。", code="unit_threshold")
    if PublicNotice.objects.filter(campaign_id=category.campaign_id).exists():
        raise ValidationError("本年度公示已经发布，不能再提出拟表彰对象。", code="notice_out")
    in_review = category.nominations.filter(state=NominationState.IN_REVIEW).count()
    if in_review:
        raise ValidationError(
            f"本类别还有 {in_review} 件申报在评审中，评审全部完成后才能提出拟表彰对象。",
            code="in_review",
        )
    rows = candidates(category)
    if quota is not None:
        chosen = rows[:quota]
        if len(rows) > quota and rows[quota].rank == rows[quota - 1].rank:
            raise ValidationError(
                f"按名额 {quota} 名提出时，“{rows[quota - 1].name}”与“{rows[quota].name}”"
                f"并列第 {rows[quota].rank} 名，无法确定拟表彰对象；请调整名额或按分数线提出。",
                code="tie_at_quota",
            )
        reason = f"按名额 {quota} 名提出"
    else:
        chosen = [row for row in rows if row.aggregate >= threshold]  # type: ignore[operator]
        reason = f"按分数线 {threshold} 分提出"
    fresh = [row for row in chosen if row.nomination.state == NominationState.SCORED]
    if not fresh:
        raise ValidationError("没有符合条件、尚未提出的申报。", code="nothing")
    proposed = []
    for row in fresh:
        score = (
            f"评审推荐 {row.recommends} 票"
            if category.kind == CategoryKind.UNIT
            else f"综合得分 {display(row.aggregate)}"
        )
        nomination = Nomination.objects.select_for_update().get(pk=row.nomination.pk)
        if nomination.state != NominationState.SCORED:  # moved meanwhile (not awarded)
            continue
        comment = f"{reason}：排名第 {row.rank} 名，{score}。"
        proposed.append(transition(nomination, "propose", by=by, comment=comment))
    return proposed


def passes(decision: Decision) -> bool:
    """The committee adopts the list when the votes for are more than half of all votes cast
    (for, against and abstentions)."""
    return decision.votes_for * 2 > (
        decision.votes_for + decision.votes_against + decision.abstentions
    )


@transaction.atomic
def record_decision(
    category: Category,
    *,
    by: User,
    decided_on: datetime.date,
    votes_for: int,
    votes_against: int = 0,
    abstentions: int = 0,
    minutes: UploadedFile | None,
) -> Decision:
    """评审委员会的决定 on a category's proposed list: its date, the votes and the minutes (a
    PDF, an image or a .docx, checked by content). Recorded whatever the vote; the notice opens
    only on a decision that `passes`."""
    check_secretariat(by)
    problems = []
    if not Nomination.objects.filter(category=category, state=NominationState.PROPOSED).exists():
        problems.append("本类别没有拟表彰的申报，无需记录评审委员会的决定。")
    if decided_on > timezone.localdate():
        problems.append("决定日期不能晚于今天。")
    if (
        min(votes_for, votes_against, abstentions) < 0
        or votes_for + votes_against + abstentions == 0
    ):
        problems.append("请填写表决票数（赞成、反对、弃权，均为不小于 0 的整数）。")
    if minutes is None:
        problems.append("请上传评审委员会会议纪要（PDF、图片或 Word 文件）。")
    if problems:
        raise ValidationError(problems, code="decision_incomplete")
    kind = check_upload(minutes, accept=MINUTES, max_bytes=MINUTES_MAX_BYTES)  # type: ignore[arg-type]
    decision = Decision(
        campaign_id=category.campaign_id,
        category=category,
        decided_on=decided_on,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    decision.minutes.save(stored_name(kind), minutes, save=False)  # type: ignore[arg-type]
    decision.save()
    audit.record(by, "decision.record", decision, after=audit.snapshot(decision))
    return decision


# --- the public notice -----------------------------------------------------------------------


@transaction.atomic
def open_notice(
    campaign: Campaign,
    *,
    by: User,
    starts_on: datetime.date,
    working_days: int | None = None,
) -> PublicNotice:
    """公示: publish the proposed winners for `working_days` working days (default: the
    campaign's notice_working_days, 5) from `starts_on` (or the next working day), the end
    counted with the CalendarDay rows. Every proposed nomination moves to on_notice, each step
    recorded. Refused when the notice is out already, when nothing is proposed, and for a
    category whose committee has not adopted the list after its last proposal."""
    check_secretariat(by)
    campaign = _lock(campaign.pk)
    working_days = campaign.notice_working_days if working_days is None else working_days
    existing = PublicNotice.objects.filter(campaign=campaign).first()
    if existing is not None:
        raise ValidationError(
            f"本年度公示已经发布（{chinese_date(existing.starts_on)}至"
            f"{chinese_date(existing.ends_on)}）。",
            code="notice_exists",
        )
    proposed = list(
        Nomination.objects.select_for_update()
        .filter(campaign=campaign, state=NominationState.PROPOSED)
        .select_related("category")
        .order_by("category__position", "pk")
    )
    if not proposed:
        raise ValidationError("没有拟表彰的申报，不能发布公示。", code="nothing_proposed")
    undecided = _categories_without_decision(campaign, proposed)
    if undecided:
        titles = "、".join(f"“{category.title}”" for category in undecided)
        raise ValidationError(
            f"{titles}尚未记录评审委员会通过拟表彰名单的决定，不能发布公示。",
            code="no_decision",
        )
    first, last = notice_period(starts_on, working_days)
    notice = PublicNotice.objects.create(
        campaign=campaign,
        starts_on=first,
        ends_on=last,
        working_days=working_days,
        published_by=by,
        published_at=timezone.now(),
    )
    audit.record(by, "notice.open", notice, after=audit.snapshot(notice))
    comment = f"公示期{chinese_date(first)}至{chinese_date(last)}（{working_days}个工作日）。"
    for nomination in proposed:
        transition(nomination, "open_notice", by=by, comment=comment)
    return notice


def _categories_without_decision(
    campaign: Campaign, proposed: Sequence[Nomination]
) -> list[Category]:
    """The categories of `proposed` whose latest decision, recorded after their last
    proposal, does not pass (or that have none)."""
    categories = {n.category_id: n.category for n in proposed}
    last_proposal = dict(
        Transition.objects.filter(nomination__in=proposed, action="propose")
        .values_list("nomination__category_id")
        .annotate(at=Max("at"))
        .order_by()
    )
    latest: dict[int, Decision] = {}
    for decision in Decision.objects.filter(campaign=campaign, category_id__in=categories).order_by(
        "recorded_at", "pk"
    ):
        latest[decision.category_id] = decision
    missing = []
    for category_id, category in categories.items():
        decision = latest.get(category_id)
        proposal = last_proposal.get(category_id)
        if (
            decision is None
            or not passes(decision)
            or (proposal is not None and decision.recorded_at < proposal)
        ):
            missing.append(category)
    return missing


def is_open(notice: PublicNotice, today: datetime.date) -> bool:
    """The notice is up from its first to its last day, both included (Asia/Shanghai)."""
    return notice.starts_on <= today <= notice.ends_on


# --- results ---------------------------------------------------------------------------------


def certificate_number(year: int, code: str, sequence: int) -> str:
    """证书编号: {year}-YH-{certificate_code}-{sequence:03d}, e.g. 2018-YH-GR-001."""
    return f"{year}-YH-{code}-{sequence:03d}"


@transaction.atomic
def publish_results(
    campaign: Campaign, *, by: User, today: datetime.date | None = None
) -> list[Award]:
    """表彰: after the notice period, every nomination still on the notice (no objection
    upheld) is awarded, with a certificate numbered per category in rank order
    (`certificate_number`) and the name exactly as filed (the locked name, else the title).
    Scored nominations that were not proposed end not awarded (NOT_CHOSEN). Refused before the
    period ends, while an objection is open, and a second time."""
    check_secretariat(by)
    campaign = _lock(campaign.pk)
    today = today or timezone.localdate()
    notice = PublicNotice.objects.select_for_update().filter(campaign=campaign).first()
    if notice is None:
        raise ValidationError("本年度尚未发布公示，不能发布结果。", code="no_notice")
    if today <= notice.ends_on:
        raise ValidationError(
            f"公示期至{chinese_date(notice.ends_on)}结束，公示期满后才能发布结果。",
            code="notice_running",
        )
    if Award.objects.filter(nomination__campaign=campaign).exists():
        raise ValidationError("本年度评选结果已经发布。", code="published")
    still_open = notice.objections.filter(status=Objection.Status.OPEN).count()
    if still_open:
        raise ValidationError(
            f"还有 {still_open} 件异议尚未处理，处理完毕后才能发布结果。", code="objections_open"
        )
    winners = Nomination.objects.filter(campaign=campaign, state=NominationState.ON_NOTICE)
    categories = list(
        Category.objects.filter(pk__in=winners.values("category_id")).select_related("campaign")
    )
    for category in categories:
        if not category.certificate_code:
            raise ValidationError(
                f"“{category.title}”没有设置证书代码，不能编制证书编号。", code="no_code"
            )
    now = timezone.now()
    awards = []
    for category in sorted(categories, key=lambda c: c.position):
        rows = [r for r in ranking(category) if r.nomination.state == NominationState.ON_NOTICE]
        for sequence, row in enumerate(rows, start=1):
            number = certificate_number(campaign.year, category.certificate_code, sequence)
            nomination = Nomination.objects.select_for_update().get(pk=row.nomination.pk)
            transition(nomination, "award", by=by, comment=f"证书编号 {number}。")
            awards.append(
                Award.objects.create(
                    nomination=nomination,
                    number=number,
                    sequence=sequence,
                    name=nomination.locked_name or nomination.title,
                    published_at=now,
                )
            )
    audit.record(by, "results.publish", campaign, after={"awards": [a.number for a in awards]})
    for nomination in Nomination.objects.select_for_update().filter(
        campaign=campaign, state=NominationState.SCORED
    ):
        transition(nomination, "not_award", by=by, comment=NOT_CHOSEN)
    return awards


# --- reads for the public pages: plain values only -------------------------------------------

NOTICE_FIELDS = (
    "pk",
    "title",
    "locked_name",
    "organization__name",
    "category__title",
    "category__kind",
)


def newest_notice() -> PublicNotice | None:
    """The notice of the newest campaign that has one."""
    return PublicNotice.objects.select_related("campaign").order_by("-campaign__year").first()


def noticed(notice: PublicNotice) -> list[dict[str, Any]]:
    """The nominations on a notice, with the fewest fields that identify them: the name (as
    filed), the organization and the category. Nothing else leaves the database. A person who
    withdrew consent to publication is shown by the first character only (privacy.masking)."""
    rows = list(
        Nomination.objects.filter(campaign_id=notice.campaign_id, state=NominationState.ON_NOTICE)
        .order_by("category__position", "organization__name", "title", "pk")
        .values(*NOTICE_FIELDS)
    )
    hidden = withheld(row["pk"] for row in rows)
    return [
        {
            "pk": row["pk"],
            "name": public_name(
                row["locked_name"] or row["title"],
                kind=row["category__kind"],
                withheld=row["pk"] in hidden,
            ),
            "organization": row["organization__name"],
            "category": row["category__title"],
        }
        for row in rows
    ]


def published_campaigns() -> QuerySet[Campaign]:
    """Campaigns whose results are published, newest first."""
    return (
        Campaign.objects.annotate(awards=Count("nominations__award"))
        .filter(awards__gt=0)
        .order_by("-year")
    )


def winners(campaign: Campaign) -> list[dict[str, Any]]:
    """The published winners of a campaign by category, in certificate order: name as filed,
    organization, category (a withheld name masked: privacy.masking.public_name)."""
    rows = list(
        Award.objects.filter(nomination__campaign=campaign)
        .order_by("nomination__category__position", "sequence")
        .values(
            "name",
            "nomination_id",
            organization=F("nomination__organization__name"),
            category=F("nomination__category__title"),
            kind=F("nomination__category__kind"),
        )
    )
    hidden = withheld(row["nomination_id"] for row in rows)
    return [
        {
            "name": public_name(
                row["name"], kind=row["kind"], withheld=row["nomination_id"] in hidden
            ),
            "organization": row["organization"],
            "category": row["category"],
        }
        for row in rows
    ]


def verify_certificate(number: str) -> dict[str, Any] | None:
    """What the verification page says about certificate `number`: the name, organization,
    title (category) and year; None when no such certificate was issued. A name withheld from
    publication is masked as on the results page: certificate numbers follow a pattern, and
    anyone may ask."""
    found = (
        Award.objects.filter(number=number.strip().upper())
        .values(
            "number",
            "name",
            "nomination_id",
            organization=F("nomination__organization__name"),
            category=F("nomination__category__title"),
            kind=F("nomination__category__kind"),
            year=F("nomination__campaign__year"),
        )
        .first()
    )
    if found is None:
        return None
    pk, kind = found.pop("nomination_id"), found.pop("kind")
    found["name"] = public_name(found["name"], kind=kind, withheld=pk in withheld([pk]))
    return found


def stored_name(kind: FileKind) -> str:
    """A random name with the extension of what the file turned out to be, never the sender's."""
    return f"{secrets.token_hex(16)}.{kind}"
