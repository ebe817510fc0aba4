"""Panels, assignments and scores (评审组、回避、评分): every change, one function each, and the
reads of their pages.

The workflow moves (workflow.STEPS) made here, always by the secretariat through
`nominations.services.transition`: the first judge assigned to a "checked" nomination starts its
review (start_review → in_review); the secretariat finishes the review (finish_review → scored)
once every active assignment's review is submitted. Finishing is never automatic: the table has
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
from django.db.models import Count, Prefetch, Sum
from django.utils import timezone

from manyi.accounts.models import Role, User
from manyi.accounts.permissions import is_judge, is_secretariat
from manyi.audit import services as audit
from manyi.campaigns.models import Category, CategoryKind, Criterion, Rubric, RubricItem
from manyi.campaigns.queries import rubric_tree_of
from manyi.campaigns.scoring import check_score
from manyi.core.text import check_length
from manyi.core.uploads import FileKind, check_upload
from manyi.nominations.models import Nomination, NominationState
from manyi.nominations.services import locked_for_update, store_file, transition
from manyi.reviews import ranking
from manyi.reviews.conflicts import (
    DECLARED_PREFIX,
    Ties,
    describe,
    reasons,
    ties_of,
    visible_to_judge,
)
from manyi.reviews.models import Assignment, MysteryVisit, Panel, Review, ReviewState, Score

DEFAULT_JUDGES_PER_NOMINATION = 5
"""How many judges auto-assignment gives each nomination unless told otherwise."""

ASSIGNABLE = (NominationState.CHECKED, NominationState.IN_REVIEW)
ON_THE_BOARD = (NominationState.CHECKED, NominationState.IN_REVIEW, NominationState.SCORED)

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
NO_REPLACEMENT = "已回避。评审组中没有可接替的评审专家，请秘书处另行分配。"
REPLACED = "已回避。该申报已改由评审组中的其他评审专家评审。"
REOPENED_PREFIX = "重新开放评审意见："


def _ensure_secretariat(user: User, message: str) -> None:
    if not is_secretariat(user):
        raise PermissionDenied(message)


def _state_refusal(nomination: Nomination, what: str) -> ValidationError:
    return ValidationError(
        f"“{nomination}”当前状态为“{nomination.get_state_display()}”，不能{what}。",
        code="wrong_state",
    )


def _log(by: User, obj: models.Model, message: str) -> None:
    LogEntry.objects.create(
        user_id=by.pk,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message=message,
    )


def _names(users: Iterable[User]) -> str:
    return "、".join(str(user) for user in users)


def presenting(nomination: Nomination) -> bool:
    """是否与会发表: the achievement is presented at the release contest."""
    return nomination.data.get("presenting", "").strip() == "是"


# --- panels ---------------------------------------------------------------------------------------


def _locked_panel(category: Category) -> Panel:
    panel = (
        Panel.objects.select_for_update()
        .filter(campaign_id=category.campaign_id, category=category)
        .first()
    )
    if panel is None:
        raise ValidationError(f"“{category.title}”尚未组建评审组。", code="no_panel")
    return panel


def _panel_judges(panel: Panel) -> list[User]:
    """The panel's judges who may still judge (active, role judge), in a stable order."""
    return list(panel.judges.filter(is_active=True, role=Role.JUDGE).order_by("pk"))


@transaction.atomic
def set_panel(category: Category, *, judges: Iterable[User], by: User) -> Panel:
    """评审组: the secretariat chooses the judges of a category, among users with the role
    judge. A judge who still has active assignments in the category stays until they are
    released. Coaching requests (附件7) are not judged and have no panel. Logged."""
    _ensure_secretariat(by, "只有秘书处可以组建评审组。")
    if category.kind == CategoryKind.COACHING_REQUEST:
        raise ValidationError(f"“{category.title}”不参加评审，无需组建评审组。", code="not_judged")
    judges = list(judges)
    others = [user for user in judges if not is_judge(user)]
    if others:
        raise ValidationError(
            f"只能选择评审专家：{_names(others)}不是评审专家。", code="not_a_judge"
        )
    panel, _created = Panel.objects.select_for_update().get_or_create(
        campaign_id=category.campaign_id, category=category
    )
    removed = set(panel.judges.values_list("pk", flat=True)) - {j.pk for j in judges}
    busy = (
        User.objects.filter(
            pk__in=removed,
            assignments__released_at__isnull=True,
            assignments__nomination__category=category,
        )
        .distinct()
        .order_by("pk")
    )
    if busy:
        raise ValidationError(
            f"{_names(busy)}在“{category.title}”仍有评审任务，请先撤销分配，再移出评审组。",
            code="judge_busy",
        )
    before = {"judges": sorted(panel.judges.values_list("pk", flat=True))}
    panel.judges.set(judges)
    audit.record(by, "panel.set", panel, before=before, after={"judges": [j.pk for j in judges]})
    _log(by, panel, f"评审组：{_names(sorted(judges, key=lambda j: j.pk)) or '（空）'}")
    return panel


# --- assignments ----------------------------------------------------------------------------------


def loads(judges: Iterable[User], campaign_id: int) -> dict[int, int]:
    """A judge's load: their active assignments in the campaign, all categories together."""
    ids = [judge.pk for judge in judges]
    counted = dict(
        Assignment.objects.filter(
            judge_id__in=ids, released_at__isnull=True, nomination__campaign_id=campaign_id
        )
        .order_by()
        .values("judge_id")
        .annotate(n=Count("pk"))
        .values_list("judge_id", "n")
    )
    return {pk: counted.get(pk, 0) for pk in ids}


def _least_loaded(
    judges: list[User], load: Mapping[int, int], ties: Mapping[int, Ties], nomination: Nomination
) -> list[User]:
    """The panel judges free to take the nomination (not on it, not conflicted), least loaded
    first, ties by the judges' stable order (their id)."""
    taken = set(
        Assignment.objects.filter(nomination=nomination, released_at__isnull=True).values_list(
            "judge_id", flat=True
        )
    )
    free = [j for j in judges if j.pk not in taken and not reasons(ties[j.pk], nomination)]
    return sorted(free, key=lambda j: (load[j.pk], j.pk))


def _assign(nomination: Nomination, judge: User, *, by: User) -> Assignment:
    """Record one assignment; the first one of a checked nomination starts its review."""
    assignment = Assignment.objects.create(
        nomination=nomination, judge=judge, assigned_by=by, assigned_at=timezone.now()
    )
    audit.record(by, "assignment.create", assignment, after={"judge": judge.pk})
    if nomination.state == NominationState.CHECKED:
        transition(nomination, "start_review", by=by)
    return assignment


def _check_assignable(
    nomination: Nomination, judge: User, panel: Panel, ties: Mapping[int, Ties]
) -> None:
    if nomination.state not in ASSIGNABLE:
        raise _state_refusal(nomination, "分配评审专家")
    if not is_judge(judge) or not panel.judges.filter(pk=judge.pk).exists():
        raise ValidationError(
            f"{judge}不是“{nomination.category.title}”评审组的评审专家。", code="not_on_panel"
        )
    if Assignment.objects.filter(
        nomination=nomination, judge=judge, released_at__isnull=True
    ).exists():
        raise ValidationError(f"{judge}已在评审“{nomination}”。", code="already_assigned")
    found = reasons(ties[judge.pk], nomination)
    if found:
        raise ValidationError(describe(judge, nomination, found), code="conflict")


@transaction.atomic
def assign(nomination: Nomination, *, judge: User, by: User) -> Assignment:
    """The secretariat assigns a panel judge to a checked or in-review nomination. Refused for a
    judge who must stand aside (回避: 同单位, 推荐单位, 辅导过该单位, 本人声明回避), with the
    reasons named. The first assignment moves the nomination to "in_review" (start_review)."""
    _ensure_secretariat(by, "只有秘书处可以分配评审专家。")
    panel = _locked_panel(nomination.category)  # locks in one order: panel, then nomination
    nomination = locked_for_update(nomination)
    _check_assignable(nomination, judge, panel, ties_of([judge]))
    return _assign(nomination, judge, by=by)


@dataclass
class Outcome:
    """What a bulk action did, and what it could not do (one Chinese message each)."""

    done: list[Assignment] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def assign_many(nominations: Iterable[Nomination], *, judge: User, by: User) -> Outcome:
    """Assign one judge to many nominations at once, each recorded on its own (its own
    transaction): what is refused (see `assign`) is listed, the rest is done."""
    _ensure_secretariat(by, "只有秘书处可以分配评审专家。")
    outcome = Outcome()
    for nomination in nominations:
        try:
            outcome.done.append(assign(nomination, judge=judge, by=by))
        except ValidationError as error:
            outcome.refused += [m for m in error.messages if m not in outcome.refused]
    return outcome


@transaction.atomic
def auto_assign(
    category: Category, *, by: User, per_nomination: int = DEFAULT_JUDGES_PER_NOMINATION
) -> Outcome:
    """Balanced load: give every checked or in-review nomination of the category
    `per_nomination` active judges from its panel, never a conflicted one, taking the least
    loaded judges first (load: active assignments in the campaign; ties by the judges' stable
    order). Nominations are served in filing order; those that already have enough judges keep
    them. Where too few judges are free, those available are assigned and the shortfall is
    reported. Each assignment is recorded on its own."""
    _ensure_secretariat(by, "只有秘书处可以分配评审专家。")
    if (
        isinstance(per_nomination, bool)
        or not isinstance(per_nomination, int)
        or per_nomination < 1
    ):
        raise ValidationError("每件申报的评审专家人数须为正整数。", code="per_nomination")
    panel = _locked_panel(category)
    judges = _panel_judges(panel)
    if not judges:
        raise ValidationError(f"“{category.title}”评审组还没有评审专家。", code="empty_panel")
    ties = ties_of(judges)
    load = loads(judges, category.campaign_id)
    outcome = Outcome()
    pending = Nomination.objects.filter(category=category, state__in=ASSIGNABLE).order_by(
        "filed_at", "pk"
    )
    for pk in pending.values_list("pk", flat=True):
        nomination = locked_for_update(Nomination(pk=pk))
        have = nomination.assignments.filter(released_at__isnull=True).count()
        needed = per_nomination - have
        if needed <= 0:
            continue
        chosen = _least_loaded(judges, load, ties, nomination)[:needed]
        for judge in chosen:
            outcome.done.append(_assign(nomination, judge, by=by))
            load[judge.pk] += 1
        if len(chosen) < needed:
            have += len(chosen)
            outcome.refused.append(
                f"“{nomination}”可分配的评审专家不足：需要 {per_nomination} 位，"
                f"现有 {have} 位，还差 {per_nomination - have} 位。"
            )
    return outcome


@transaction.atomic
def unassign(assignment: Assignment, *, by: User, reason: str) -> Assignment:
    """The secretariat releases an assignment, saying why; the judge's draft is deleted. A
    submitted review must be reopened first, so that no submitted score disappears unseen.
    Logged with who released it."""
    _ensure_secretariat(by, "只有秘书处可以撤销分配。")
    if not reason.strip():
        raise ValidationError("撤销分配须写明理由。", code="reason_required")
    nomination = locked_for_update(assignment.nomination)
    assignment = (
        Assignment.objects.select_for_update().select_related("judge").get(pk=assignment.pk)
    )
    if assignment.released_at is not None:
        raise ValidationError("该分配已撤销。", code="released")
    if nomination.state != NominationState.IN_REVIEW:
        raise _state_refusal(nomination, "撤销分配")
    review = Review.objects.filter(nomination=nomination, judge=assignment.judge).first()
    if review is not None and review.state == ReviewState.SUBMITTED:
        raise ValidationError(
            f"{assignment.judge}已提交评审意见，不能撤销分配；如需更正，请先重新开放评审意见。",
            code="submitted",
        )
    _release(assignment, reason.strip(), review)
    _log(by, assignment, f"撤销分配：{reason.strip()}")
    audit.record(by, "assignment.release", assignment, note=reason.strip())
    return assignment


def _release(assignment: Assignment, reason: str, review: Review | None) -> None:
    assignment.released_at = timezone.now()
    assignment.released_reason = reason
    assignment.save(update_fields=["released_at", "released_reason"])
    if review is not None:
        review.delete()  # a draft: its scores go with it


@dataclass(frozen=True)
class Declared:
    released: Assignment
    replacement: Assignment | None
    message: str


@transaction.atomic
def declare_conflict(nomination: Nomination, *, judge: User, reason: str) -> Declared:
    """A judge declares a conflict (回避) on a nomination assigned to them, saying why: the
    assignment is released (its reason starts with conflicts.DECLARED_PREFIX, so they are never
    assigned it again), their draft is deleted, and the nomination goes to the least-loaded
    free judge of the panel, recorded under the secretariat member who made the released
    assignment. With no free judge, the message asks the secretariat to assign one. Refused
    once the judge has submitted (the secretariat must reopen it first)."""
    if not reason.strip():
        raise ValidationError("声明回避须写明理由。", code="reason_required")
    panel = _locked_panel(nomination.category)  # locks in one order: panel, then nomination
    nomination = locked_for_update(nomination)
    assignment = (
        Assignment.objects.select_for_update()
        .filter(nomination=nomination, judge=judge, released_at__isnull=True)
        .first()
    )
    if assignment is None:
        raise PermissionDenied(NO_TASK)
    if nomination.state != NominationState.IN_REVIEW:
        raise _state_refusal(nomination, "声明回避")
    review = Review.objects.select_for_update().filter(nomination=nomination, judge=judge).first()
    if review is not None and review.state == ReviewState.SUBMITTED:
        raise ValidationError(
            "您已提交评审意见，不能再声明回避；如有利益冲突，请联系秘书处。", code="submitted"
        )
    _release(assignment, DECLARED_PREFIX + reason.strip(), review)
    audit.record(judge, "assignment.declare_conflict", assignment, note=reason.strip())
    judges = _panel_judges(panel)
    free = _least_loaded(judges, loads(judges, nomination.campaign_id), ties_of(judges), nomination)
    if not free:
        return Declared(assignment, None, NO_REPLACEMENT)
    replacement = _assign(nomination, free[0], by=assignment.assigned_by)
    return Declared(assignment, replacement, REPLACED)


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
        raise _state_refusal(nomination, "评分")
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
    _ensure_secretariat(by, "只有秘书处可以重新开放评审意见。")
    if not reason.strip():
        raise ValidationError("重新开放评审意见须写明理由。", code="reason_required")
    nomination = locked_for_update(review.nomination)
    review = Review.objects.select_for_update().select_related("judge").get(pk=review.pk)
    if review.state != ReviewState.SUBMITTED:
        raise ValidationError("该评审意见尚未提交，无需重新开放。", code="not_submitted")
    if nomination.state != NominationState.IN_REVIEW:
        raise _state_refusal(nomination, "重新开放评审意见")
    review.state = ReviewState.DRAFT
    review.submitted_at = None
    review.version += 1
    review.save(update_fields=["state", "submitted_at", "version"])
    ranking.refresh(nomination.category, [nomination.pk])  # no longer counted
    _log(by, review, f"{REOPENED_PREFIX}{reason.strip()}")
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
    _ensure_secretariat(by, "只有秘书处可以完成评审。")
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


def finish_complete(category: Category, *, by: User) -> list[Nomination]:
    """Finish the review of every nomination of the category whose judges have all submitted;
    each in its own transaction."""
    _ensure_secretariat(by, "只有秘书处可以完成评审。")
    finished = []
    for row in board(category).rows:
        if row.complete:
            finished.append(finish_review(row.nomination, by=by))
    return finished


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
        raise _state_refusal(nomination, "记录神秘客暗访")
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
    kinds = []
    for upload in evidence:
        try:
            kinds.append(check_upload(upload, accept=EVIDENCE, max_bytes=EVIDENCE_MAX_BYTES))
        except ValidationError as error:
            problems += error.messages
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


@dataclass
class Row:
    """One nomination on the secretariat's assignment page."""

    nomination: Nomination
    active: list[Assignment]  # each with .review (Review or None, with .total)
    released: list[Assignment]
    judges: list[tuple[User, list[str], bool]]  # panel judge, conflict reasons, already on it

    @property
    def submitted(self) -> int:
        return sum(1 for a in self.active if a.review and a.review.state == ReviewState.SUBMITTED)

    @property
    def complete(self) -> bool:
        return (
            self.nomination.state == NominationState.IN_REVIEW
            and bool(self.active)
            and self.submitted == len(self.active)
        )

    @property
    def conflicts(self) -> list[tuple[User, list[str]]]:
        return [(judge, found) for judge, found, _on in self.judges if found]


@dataclass
class Board:
    category: Category
    panel: Panel | None
    judges: list[User]
    load: dict[int, int]
    rows: list[Row]

    @property
    def complete(self) -> int:
        return sum(1 for row in self.rows if row.complete)


def board(category: Category) -> Board:
    """The assignment page of a category: its checked, in-review and scored nominations, each
    with its judges (active and released), their reviews' state and total, and which panel
    judges must stand aside and why. A fixed number of queries, whatever the size."""
    panel = (
        Panel.objects.filter(campaign_id=category.campaign_id, category=category)
        .prefetch_related(
            Prefetch(
                "judges",
                queryset=User.objects.filter(is_active=True, role=Role.JUDGE)
                .select_related("organization")
                .order_by("pk"),
                to_attr="current",
            )
        )
        .first()
    )
    judges: list[User] = panel.current if panel else []  # type: ignore[attr-defined]
    nominations = list(
        Nomination.objects.filter(category=category, state__in=ON_THE_BOARD)
        .select_related("category", "organization")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("judge").order_by("assigned_at", "pk"),
                to_attr="all_assignments",
            )
        )
        .order_by("filed_at", "pk")
    )
    reviews = {
        (r.nomination_id, r.judge_id): r
        for r in Review.objects.filter(nomination__in=nominations).annotate(
            total=Sum("scores__points")
        )
    }
    ties = ties_of(judges)
    load = loads(judges, category.campaign_id)
    for judge in judges:
        judge.load = load[judge.pk]  # type: ignore[attr-defined]
    rows = []
    for nomination in nominations:
        active, released = [], []
        for assignment in nomination.all_assignments:  # type: ignore[attr-defined]
            if assignment.released_at is None:
                assignment.review = reviews.get((nomination.pk, assignment.judge_id))
                active.append(assignment)
            else:
                released.append(assignment)
        on_it = {a.judge_id for a in active}
        rows.append(
            Row(
                nomination=nomination,
                active=active,
                released=released,
                judges=[(j, reasons(ties[j.pk], nomination), j.pk in on_it) for j in judges],
            )
        )
    return Board(category, panel, judges, load, rows)
