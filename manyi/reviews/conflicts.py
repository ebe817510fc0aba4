"""The conflict-of-interest rule (回避), in one place.

A judge does not score, and is not shown, a nomination when:

- 同单位: the judge works for the candidate's organization. For a unit (附件5, filed by a
  committee) the candidate is the unit named on the form (被推荐单位（企业）名称): the judge's
  organization is the one of that exact name.
- 推荐单位: the judge works for the organization that recommended it: the nomination's
  organization (its recommender endorses individuals, teams, managers and achievements; for a
  unit, the regional or industry committee that filed 附件5). For the first four kinds this is
  the candidate's own organization, so such a judge is conflicted for both reasons.
- 辅导过该单位: the judge coached the candidate's organization (a `Coaching` of a coaching
  request, 附件7, whose organization is the coached unit; for a unit nomination, matched by the
  unit's name as above).
- 本人声明回避: the judge declared a conflict on it (a released assignment whose reason starts
  with `DECLARED_PREFIX`); they are never assigned it again.

Each rule is written twice side by side, as a Python test on one nomination (`reasons`) and as a
database filter (`conflict_filter`), from the same facts about the judge (`Ties`), which
`ties_of` reads for any number of judges in three queries. The tests check that the two agree.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from manyi.accounts.models import User
from manyi.campaigns.models import CategoryKind
from manyi.nominations.models import Nomination
from manyi.reviews.models import Assignment, Coaching

SAME_ORGANIZATION = "同单位"
RECOMMENDING_ORGANIZATION = "推荐单位"
COACHED = "辅导过该单位"
DECLARED = "本人声明回避"

DECLARED_PREFIX = "评审专家声明回避："
"""The released_reason of an assignment released because its judge declared a conflict."""


@dataclass(frozen=True)
class Ties:
    """What the conflict rule needs to know about one judge."""

    judge_id: int
    organization_id: int | None
    organization_name: str
    coached_ids: frozenset[int]  # organizations the judge coached
    coached_names: frozenset[str]
    declared: frozenset[int]  # nominations on which the judge declared a conflict


def ties_of(judges: Iterable[User]) -> dict[int, Ties]:
    """The ties of each judge, by judge id: three queries whatever the number of judges."""
    ids = [judge.pk for judge in judges]
    coached: dict[int, set[tuple[int, str]]] = {pk: set() for pk in ids}
    for coach_id, org_id, org_name in Coaching.objects.filter(coach_id__in=ids).values_list(
        "coach_id", "request__organization_id", "request__organization__name"
    ):
        coached[coach_id].add((org_id, org_name))
    declared: dict[int, set[int]] = {pk: set() for pk in ids}
    for judge_id, nomination_id in Assignment.objects.filter(
        judge_id__in=ids, released_reason__startswith=DECLARED_PREFIX
    ).values_list("judge_id", "nomination_id"):
        declared[judge_id].add(nomination_id)
    return {
        pk: Ties(
            judge_id=pk,
            organization_id=org_id,
            organization_name=org_name or "",
            coached_ids=frozenset(o for o, _name in coached[pk]),
            coached_names=frozenset(name for _o, name in coached[pk]),
            declared=frozenset(declared[pk]),
        )
        for pk, org_id, org_name in User.objects.filter(pk__in=ids).values_list(
            "pk", "organization_id", "organization__name"
        )
    }


def reasons(ties: Ties, nomination: Nomination) -> list[str]:
    """Why the judge of `ties` must not score `nomination` (empty: no conflict). The nomination's
    category must be loaded (select_related), so a list costs no query per row."""
    unit = nomination.category.kind == CategoryKind.UNIT
    found = []
    if unit:
        if ties.organization_name and ties.organization_name == nomination.title:
            found.append(SAME_ORGANIZATION)
    elif ties.organization_id is not None and ties.organization_id == nomination.organization_id:
        found.append(SAME_ORGANIZATION)
    if ties.organization_id is not None and ties.organization_id == nomination.organization_id:
        found.append(RECOMMENDING_ORGANIZATION)
    if (unit and nomination.title in ties.coached_names) or (
        not unit and nomination.organization_id in ties.coached_ids
    ):
        found.append(COACHED)
    if nomination.pk in ties.declared:
        found.append(DECLARED)
    return found


def conflict_filter(ties: Ties) -> Q:
    """The nominations the judge of `ties` is conflicted on, as a filter (same rules as
    `reasons`)."""
    unit = Q(category__kind=CategoryKind.UNIT)
    conflicted = Q(pk__in=sorted(ties.declared))
    if ties.organization_id is not None:
        conflicted |= Q(organization_id=ties.organization_id)  # 推荐单位, and 同单位 but units
    if ties.organization_name:
        conflicted |= unit & Q(title=ties.organization_name)
    if ties.coached_ids:
        conflicted |= ~unit & Q(organization_id__in=sorted(ties.coached_ids))
    if ties.coached_names:
        conflicted |= unit & Q(title__in=sorted(ties.coached_names))
    return conflicted


def conflict_reasons(judge: User, nomination: Nomination) -> list[str]:
    """Why `judge` must not score `nomination`, in Chinese (empty: no conflict)."""
    return reasons(ties_of([judge])[judge.pk], nomination)


def is_conflicted(judge: User, nomination: Nomination) -> bool:
    return bool(conflict_reasons(judge, nomination))


def describe(judge: User, nomination: Nomination, found: list[str]) -> str:
    """The refusal that names the reasons, e.g. 周专家应当回避“王小满”：同单位、推荐单位。"""
    return f"{judge}应当回避“{nomination}”：{'、'.join(found)}。"


def active_assignment_of(judge: User) -> Q:
    """The nominations of the judge's active assignments, as a filter. `IN` over the judge's
    assignments (their index), not a correlated EXISTS: SQLite would run the EXISTS once for
    every nomination of every campaign (bench scenario 3)."""
    return Q(
        pk__in=Assignment.objects.filter(judge_id=judge.pk, released_at__isnull=True).values(
            "nomination_id"
        )
    )


def visible_to_judge(nominations: QuerySet[Nomination], judge: User) -> QuerySet[Nomination]:
    """The nominations of `nominations` a judge may open: those of their active assignments,
    minus every conflict (a conflict found after the assignment hides it too). Three queries
    for the judge's ties, then one filter."""
    ties = ties_of([judge]).get(judge.pk)
    if ties is None:
        return nominations.none()
    return nominations.filter(active_assignment_of(judge)).exclude(conflict_filter(ties))
