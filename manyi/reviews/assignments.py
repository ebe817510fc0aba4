"""Panels and assignments (评审组、分配、回避): the secretariat forms a category's panel and
assigns its judges (by hand or the least loaded first, never a conflicted one); a judge who finds
a conflict steps aside (回避) and is replaced from the panel when one is free; the assignment
board that shows it all. Every change one function, atomic.

The workflow move made here, by the secretariat through `nominations.services.transition`: the
first judge assigned to a "checked" nomination starts its review (start_review → in_review).
Records without a model of their own (a panel's membership, who released an assignment) go to
Django's admin log (judging.log_change).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Sum
from django.utils import timezone

from manyi.accounts.models import Role, User
from manyi.accounts.permissions import is_judge
from manyi.audit import services as audit
from manyi.campaigns.models import Category, CategoryKind
from manyi.nominations.models import Nomination, NominationState
from manyi.nominations.services import locked_for_update, transition
from manyi.reviews.conflicts import (
    DECLARED_PREFIX,
    Ties,
    describe,
    reasons,
    ties_of,
)
from manyi.reviews.judging import (
    ASSIGNABLE,
    NO_TASK,
    ensure_secretariat,
    finish_review,
    log_change,
    names_of,
    state_refusal,
)
from manyi.reviews.models import Assignment, Panel, Review, ReviewState

DEFAULT_JUDGES_PER_NOMINATION = 5
"""How many judges auto-assignment gives each nomination unless told otherwise."""

ON_THE_BOARD = (NominationState.CHECKED, NominationState.IN_REVIEW, NominationState.SCORED)
NO_REPLACEMENT = "已回避。评审组中没有可接替的评审专家，请秘书处另行分配。"
REPLACED = "已回避。该申报已改由评审组中的其他评审专家评审。"


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
    ensure_secretariat(by, "只有秘书处可以组建评审组。")
    if category.kind == CategoryKind.COACHING_REQUEST:
        raise ValidationError(f"“{category.title}”不参加评审，无需组建评审组。", code="not_judged")
    judges = list(judges)
    others = [user for user in judges if not is_judge(user)]
    if others:
        raise ValidationError(
            f"只能选择评审专家：{names_of(others)}不是评审专家。", code="not_a_judge"
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
            f"{names_of(busy)}在“{category.title}”仍有评审任务，请先撤销分配，再移出评审组。",
            code="judge_busy",
        )
    before = {"judges": sorted(panel.judges.values_list("pk", flat=True))}
    panel.judges.set(judges)
    audit.record(by, "panel.set", panel, before=before, after={"judges": [j.pk for j in judges]})
    log_change(by, panel, f"评审组：{names_of(sorted(judges, key=lambda j: j.pk)) or '（空）'}")
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
        raise state_refusal(nomination, "分配评审专家")
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
    ensure_secretariat(by, "只有秘书处可以分配评审专家。")
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
    ensure_secretariat(by, "只有秘书处可以分配评审专家。")
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
    ensure_secretariat(by, "只有秘书处可以分配评审专家。")
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
    ensure_secretariat(by, "只有秘书处可以撤销分配。")
    if not reason.strip():
        raise ValidationError("撤销分配须写明理由。", code="reason_required")
    nomination = locked_for_update(assignment.nomination)
    assignment = (
        Assignment.objects.select_for_update().select_related("judge").get(pk=assignment.pk)
    )
    if assignment.released_at is not None:
        raise ValidationError("该分配已撤销。", code="released")
    if nomination.state != NominationState.IN_REVIEW:
        raise state_refusal(nomination, "撤销分配")
    review = Review.objects.filter(nomination=nomination, judge=assignment.judge).first()
    if review is not None and review.state == ReviewState.SUBMITTED:
        raise ValidationError(
            f"{assignment.judge}已提交评审意见，不能撤销分配；如需更正，请先重新开放评审意见。",
            code="submitted",
        )
    _release(assignment, reason.strip(), review)
    log_change(by, assignment, f"撤销分配：{reason.strip()}")
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
        raise state_refusal(nomination, "声明回避")
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


# --- the assignment board ----------------------------------------------------------------------


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


def finish_complete(category: Category, *, by: User) -> list[Nomination]:
    """Finish the review of every nomination of the category whose judges have all submitted;
    each in its own transaction."""
    ensure_secretariat(by, "只有秘书处可以完成评审。")
    finished = []
    for row in board(category).rows:
        if row.complete:
            finished.append(finish_review(row.nomination, by=by))
    return finished
