"""Scores (评分): the judges' reviews, the secretariat reopening and finishing them, mystery
visits, and a judge's task list — every change one function, atomic. Panels and assignments
(评审组、分配、回避): assignments.py.

The workflow move made here, by the secretariat through `nominations.services.transition`: it
finishes the review (finish_review → scored) once every active assignment's review is
submitted. Finishing is never automatic: the table has
no way back from "scored", so the secretariat keeps the chance to reopen a review until it
finishes, and the step is recorded under the person who took it.

Records that have no model of their own (a panel's membership, who released an assignment, a
review reopened and why) are written to Django's admin log (LogEntry), shown in the admin's
history of the object.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from manyi.accounts.models import User
from manyi.accounts.permissions import is_secretariat
from manyi.audit import services as audit
from manyi.campaigns.models import Category, CategoryKind, Criterion, Rubric, RubricItem
from manyi.campaigns.queries import rubric_tree_of
from manyi.campaigns.scoring import check_score
from manyi.core.text import check_length
from manyi.core.uploads import FileKind, check_uploads
from manyi.nominations.models import Nomination, NominationState
from manyi.nominations.services import locked_for_update, store_file, transition
from manyi.reviews import ranking
from manyi.reviews.conflicts import (
    visible_to_judge,
)
from manyi.reviews.models import MysteryVisit, Review, ReviewState, Score

ASSIGNABLE = (NominationState.CHECKED, NominationState.IN_REVIEW)

# 附件6-1: the items whose scores carry a rule of their own.
VERIFICATION_ITEM = "服务验证"  # 神秘客暗访/其他方式核实: needs a recorded mystery visit
PRESENTATION_ITEM = "发表效果"  # given at the release contest (发布赛): 0 if not presented

MYSTERY_VISIT_SLOT = "mystery_visit"  # in nominations.models.CONFIDENTIAL_SLOTS
EVIDENCE = (FileKind.PNG, FileKind.JPEG, FileKind.PDF, FileKind.DOCX)
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
COMMENT_MAX_CHARACTERS = 2000

NO_TASK = "您没有评审该申报的任务。"
LOCKED = "评审意见已提交，不能修改；如需更正，请联系秘书处重新开放。"
STALE_REVIEW = (
    "这份评审意见已在其他页面保存过，本页内容已过期；您刚填写的内容保留在下方，"
    "请核对后再次保存或提交。"
)
NOT_PRESENTED = "该成果未与会发表，“发表效果”只能为 0 分。"
VISIT_REQUIRED = "“服务验证”评分须附神秘客暗访记录：请先记录暗访的日期、地点、发现和证据。"
REOPENED_PREFIX = "重新开放评审意见："


def ensure_secretariat(user: User, message: str) -> None:
    if not is_secretariat(user):
        raise PermissionDenied(message)


def state_refusal(nomination: Nomination, what: str) -> ValidationError:
    return ValidationError(
        f"“{nomination}”当前状态为“{nomination.get_state_display()}”，不能{what}。",
        code="wrong_state",
    )


def log_change(by: User, obj: models.Model, message: str) -> None:
    LogEntry.objects.create(
        user_id=by.pk,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message=message,
    )


def names_of(users: Iterable[User]) -> str:
    return "、".join(str(user) for user in users)


def presenting(nomination: Nomination) -> bool:
    """是否与会发表: the achievement is presented at the release contest."""
    return nomination.data.get("presenting", "").strip() == "是"


# --- scores ---------------------------------------------------------------------------------------


def judging_rubric(category: Category) -> Rubric | None:
    """The rubric judges score on, with items, criteria and bands: individuals, teams and
    managers on their self-assessment rubric (附件1-1/1-2/1-3), achievements on 附件6-1. A unit
    has none: the judge gives an opinion and a recommendation."""
    if category.kind in {CategoryKind.UNIT, CategoryKind.COACHING_REQUEST}:
        return None
    if not category.rubric_id:
        return None
    return rubric_tree_of(category.rubric)


def criteria_with_items(rubric: Rubric | None) -> list[tuple[RubricItem, Criterion]]:
    if rubric is None:
        return []
    return [(item, criterion) for item in rubric.items.all() for criterion in item.criteria.all()]


@dataclass(frozen=True)
class Sheet:
    """What a judge typed: points by criterion id, as typed ("" or None: not scored yet), the
    opinion (评审意见), and for a unit whether they recommend it."""

    points: Mapping[int, object] = field(default_factory=dict)
    comment: str = ""
    recommends: bool | None = None
    version: int | None = None  # the review's version the page was loaded with (None: unchecked)


def _clean(
    nomination: Nomination, rubric: Rubric | None, sheet: Sheet, *, submitting: bool
) -> dict[int, int]:
    """The points of the sheet, each checked by the score rule (campaigns.scoring.check_score),
    with every problem listed at once. Submitting also needs every criterion scored, the
    opinion, a unit's recommendation and, for 服务验证, a recorded mystery visit."""
    criteria = criteria_with_items(rubric)
    known = {criterion.pk for _item, criterion in criteria}
    problems: list[str] = []
    if set(sheet.points) - known:
        problems.append("评分细项不属于该申报的评分标准。")
    cleaned: dict[int, int] = {}
    missing = []
    for item, criterion in criteria:
        raw = sheet.points.get(criterion.pk)
        if raw is None or str(raw).strip() == "":
            missing.append(criterion.name)
            continue
        try:
            points = check_score(raw, maximum=criterion.max_points, criterion=criterion.name)
        except ValidationError as error:
            problems += error.messages
            continue
        if item.name == PRESENTATION_ITEM and points and not presenting(nomination):
            problems.append(NOT_PRESENTED)
        cleaned[criterion.pk] = points
    try:
        check_length(sheet.comment, at_most=COMMENT_MAX_CHARACTERS, label="评审意见")
    except ValidationError as error:
        problems += error.messages
    if submitting:
        if missing:
            problems.append(f"以下细项尚未评分：{'、'.join(missing)}。")
        if not sheet.comment.strip():
            problems.append("请填写评审意见。")
        if nomination.category.kind == CategoryKind.UNIT and sheet.recommends is None:
            problems.append("请选择是否推荐。")
        verified = any(
            item.name == VERIFICATION_ITEM and criterion.pk in cleaned
            for item, criterion in criteria
        )
        if verified and not nomination.mystery_visits.exists():
            problems.append(VISIT_REQUIRED)
    if problems:
        raise ValidationError(problems, code="sheet")
    return cleaned


def _open_for_scoring(
    nomination: Nomination, judge: User, version: int | None = None
) -> tuple[Nomination, Review]:
    nomination = locked_for_update(nomination)
    if not visible_to_judge(Nomination.objects.filter(pk=nomination.pk), judge).exists():
        raise PermissionDenied(NO_TASK)
    if nomination.state != NominationState.IN_REVIEW:
        raise state_refusal(nomination, "评分")
    review, _created = Review.objects.select_for_update().get_or_create(
        nomination=nomination, judge=judge
    )
    if review.state == ReviewState.SUBMITTED:
        raise ValidationError(LOCKED, code="locked")
    if version is not None and version != review.version:  # saved meanwhile from another page
        raise ValidationError(STALE_REVIEW, code="stale")
    return nomination, review


def _audited(review: Review) -> dict:
    """What the audit trail keeps of a review: its scores by criterion id, opinion, state."""
    scores = dict(review.scores.order_by("criterion_id").values_list("criterion_id", "points"))
    return {
        "scores": scores,
        "comment": review.comment,
        "recommends": review.recommends,
        "state": review.state,
    }


def _write(review: Review, nomination: Nomination, cleaned: dict[int, int], sheet: Sheet) -> None:
    review.comment = sheet.comment.strip()
    unit = nomination.category.kind == CategoryKind.UNIT
    review.recommends = sheet.recommends if unit else None
    review.version += 1
    review.scores.all().delete()
    Score.objects.bulk_create(
        Score(review=review, criterion_id=pk, points=points) for pk, points in cleaned.items()
    )


@transaction.atomic
def save_scores(nomination: Nomination, *, judge: User, sheet: Sheet) -> Review:
    """A judge keeps a draft of their review: only the judge assigned (and not conflicted), while
    the nomination is in review and their review not submitted. Each score is a whole number
    from 0 to its criterion's maximum (campaigns.scoring.check_score); an achievement not
    presented (是否与会发表: 否) scores 0 for 发表效果. Blank criteria stay unscored."""
    nomination, review = _open_for_scoring(nomination, judge, sheet.version)
    cleaned = _clean(nomination, judging_rubric(nomination.category), sheet, submitting=False)
    before = _audited(review)
    _write(review, nomination, cleaned, sheet)
    review.save(update_fields=["comment", "recommends", "version"])
    audit.record(judge, "review.save", review, before=before, after=_audited(review))
    return review


@transaction.atomic
def submit_review(nomination: Nomination, *, judge: User, sheet: Sheet) -> Review:
    """A judge submits their review (the sheet as it stands): every criterion scored by the
    score rule, the opinion written, a unit recommended or not, and a 服务验证 score only with a
    mystery visit recorded for the nomination. Submitted, the review is locked unless the
    secretariat reopens it. The nomination's review is finished by the secretariat
    (`finish_review`), never by this."""
    nomination, review = _open_for_scoring(nomination, judge, sheet.version)
    cleaned = _clean(nomination, judging_rubric(nomination.category), sheet, submitting=True)
    before = _audited(review)
    _write(review, nomination, cleaned, sheet)
    review.state = ReviewState.SUBMITTED
    review.submitted_at = timezone.now()
    review.save(update_fields=["comment", "recommends", "version", "state", "submitted_at"])
    ranking.refresh(nomination.category, [nomination.pk])  # the kept ranking counts it now
    audit.record(judge, "review.submit", review, before=before, after=_audited(review))
    return review


@transaction.atomic
def reopen_review(review: Review, *, by: User, reason: str) -> Review:
    """The secretariat reopens a submitted review, saying why, while the nomination is still in
    review: it becomes a draft the judge can change and submit again. The reason is logged
    (admin history of the review) and shown to the judge."""
    ensure_secretariat(by, "只有秘书处可以重新开放评审意见。")
    if not reason.strip():
        raise ValidationError("重新开放评审意见须写明理由。", code="reason_required")
    nomination = locked_for_update(review.nomination)
    review = Review.objects.select_for_update().select_related("judge").get(pk=review.pk)
    if review.state != ReviewState.SUBMITTED:
        raise ValidationError("该评审意见尚未提交，无需重新开放。", code="not_submitted")
    if nomination.state != NominationState.IN_REVIEW:
        raise state_refusal(nomination, "重新开放评审意见")
    review.state = ReviewState.DRAFT
    review.submitted_at = None
    review.version += 1
    review.save(update_fields=["state", "submitted_at", "version"])
    ranking.refresh(nomination.category, [nomination.pk])  # no longer counted
    log_change(by, review, f"{REOPENED_PREFIX}{reason.strip()}")
    audit.record(by, "review.reopen", review, after=_audited(review), note=reason.strip())
    return review


def reopen_reason(review: Review) -> str:
    """Why the secretariat last reopened this review ("" if never)."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Review),
            object_id=str(review.pk),
            change_message__startswith=REOPENED_PREFIX,
        )
        .order_by("-action_time", "-pk")
        .first()
    )
    return entry.change_message.removeprefix(REOPENED_PREFIX) if entry else ""


def _pending_judges(nomination: Nomination) -> tuple[int, int]:
    """(active assignments, of which not submitted)."""
    active = nomination.assignments.filter(released_at__isnull=True)
    submitted = Review.objects.filter(
        nomination=nomination,
        state=ReviewState.SUBMITTED,
        judge_id__in=active.values("judge_id"),
    ).count()
    total = active.count()
    return total, total - submitted


@transaction.atomic
def finish_review(nomination: Nomination, *, by: User) -> Nomination:
    """The secretariat finishes a nomination's review (finish_review → scored) once every active
    assignment's review is submitted, and there is at least one."""
    ensure_secretariat(by, "只有秘书处可以完成评审。")
    nomination = locked_for_update(nomination)
    if nomination.state == NominationState.IN_REVIEW:
        total, pending = _pending_judges(nomination)
        if not total:
            raise ValidationError(f"“{nomination}”没有评审专家，不能完成评审。", code="no_judges")
        if pending:
            raise ValidationError(
                f"“{nomination}”尚有 {pending} 位评审专家未提交评审意见，不能完成评审。",
                code="pending",
            )
    return transition(nomination, "finish_review", by=by)


@transaction.atomic
def record_mystery_visit(
    nomination: Nomination,
    *,
    by: User,
    visited_on: datetime.date | None,
    place: str,
    finding: str,
    evidence: list[UploadedFile],
) -> MysteryVisit:
    """神秘客暗访: the record that backs an achievement's 服务验证 score — the date (not in the
    future), the place, what was found and at least one evidence file (image, PDF or Word,
    judged by content). Recorded by a judge assigned to it or by the secretariat, while the
    achievement is checked or in review. Evidence files are kept as the nomination's
    attachments in the slot `mystery_visit`."""
    nomination = locked_for_update(nomination)
    assigned = visible_to_judge(Nomination.objects.filter(pk=nomination.pk), by).exists()
    if not (assigned or is_secretariat(by)):
        raise PermissionDenied(NO_TASK)
    if nomination.category.kind != CategoryKind.ACHIEVEMENT:
        raise ValidationError("只有优质服务成果须记录神秘客暗访。", code="not_achievement")
    if nomination.state not in ASSIGNABLE:
        raise state_refusal(nomination, "记录神秘客暗访")
    problems = []
    if visited_on is None:
        problems.append("请填写暗访日期。")
    elif visited_on > timezone.localdate():
        problems.append("暗访日期不能晚于今天。")
    if not place.strip():
        problems.append("请填写暗访地点。")
    if not finding.strip():
        problems.append("请写明暗访发现。")
    if not evidence:
        problems.append("请上传暗访证据（图片、PDF或Word文件）。")
    kinds, refused = check_uploads(evidence, accept=EVIDENCE, max_bytes=EVIDENCE_MAX_BYTES)
    problems += refused
    if problems:
        raise ValidationError(problems, code="visit_incomplete")
    visit = MysteryVisit.objects.create(
        nomination=nomination,
        by=by,
        visited_on=visited_on,
        place=place.strip()[:200],
        finding=finding.strip(),
    )
    audit.record(by, "mystery_visit.create", visit, after=audit.snapshot(visit))
    visit.evidence.set(
        store_file(nomination, MYSTERY_VISIT_SLOT, upload, kind, by)
        for upload, kind in zip(evidence, kinds, strict=True)
    )
    return visit


# --- reads ----------------------------------------------------------------------------------------


def tasks_of(judge: User):
    """The judge's tasks (评审任务): their active assignments minus conflicts, with the state of
    their review ("" if not started) — one query after the judge's ties."""
    own_review = Review.objects.filter(nomination_id=models.OuterRef("pk"), judge_id=judge.pk)
    return (
        visible_to_judge(Nomination.objects.all(), judge)
        .select_related("category")
        .defer("data")  # the whole form, decoded for every row, is not shown (bench scenario 3)
        .annotate(review_state=models.Subquery(own_review.values("state")[:1]))
        .order_by("category__position", "filed_at", "pk")
    )


# The judge's task list filtered by the state of their review ("" = all of them).
TASK_STATES = {
    "todo": models.Q(review_state__isnull=True),
    "draft": models.Q(review_state=ReviewState.DRAFT),
    "submitted": models.Q(review_state=ReviewState.SUBMITTED),
}


def task_counts(tasks: models.QuerySet) -> dict[str, int]:
    """How many of `tasks_of` there are in all ("") and in each of TASK_STATES: one query."""
    counts = tasks.aggregate(
        everything=Count("pk"),
        **{state: Count("pk", filter=match) for state, match in TASK_STATES.items()},
    )
    counts[""] = counts.pop("everything")
    return counts


def tasks_in_state(tasks: models.QuerySet, state: str) -> models.QuerySet:
    """The tasks whose review is in `state` (a key of TASK_STATES); all of them for ""."""
    return tasks.filter(TASK_STATES[state]) if state else tasks
