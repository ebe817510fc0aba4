"""The workflow of a nomination: every move between states, as one explicit table.

    draft ─file→ filed ─endorse→ endorsed ─accept→ checked ─start_review→ in_review
      ─finish_review→ scored ─propose→ proposed ─open_notice→ on_notice ─award→ awarded
    A recommender may return a filed nomination, and the secretariat an endorsed one, for
    correction (returned); the applicant corrects it and resubmits (filed again). A return not
    corrected by its deadline is not accepted (不予受理). The applicant may withdraw before the
    review starts. A scored, proposed or noticed nomination may end not awarded.

`transition` (services) is the only code that moves a nomination: it looks the move up here,
checks who may make it, and records it.
"""

from dataclasses import dataclass
from enum import StrEnum

from manyi.nominations.models import NominationState as S


class Actor(StrEnum):
    APPLICANT = "applicant"  # the person who filed it
    RECOMMENDER = "recommender"  # its organization's recommender (a committee, for a unit)
    SECRETARIAT = "secretariat"


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: frozenset[S]
    target: S
    actor: Actor
    needs_comment: bool = False


def _step(action: str, label: str, sources: set[S], target: S, actor: Actor, **kw) -> Step:
    return Step(action, label, frozenset(sources), target, actor, **kw)


STEPS: dict[str, Step] = {
    step.action: step
    for step in (
        _step("file", "提交申报", {S.DRAFT}, S.FILED, Actor.APPLICANT),
        _step("resubmit", "修改后重新提交", {S.RETURNED}, S.FILED, Actor.APPLICANT),
        _step("endorse", "推荐", {S.FILED}, S.ENDORSED, Actor.RECOMMENDER),
        _step(
            "return_to_applicant",
            "退回申报人修改",
            {S.FILED},
            S.RETURNED,
            Actor.RECOMMENDER,
            needs_comment=True,
        ),
        _step("accept", "形式审查通过", {S.ENDORSED}, S.CHECKED, Actor.SECRETARIAT),
        _step(
            "return_for_correction",
            "退回补正（一次性告知）",
            {S.ENDORSED},
            S.RETURNED,
            Actor.SECRETARIAT,
            needs_comment=True,
        ),
        _step(
            "refuse",
            "不予受理",
            {S.RETURNED},
            S.NOT_ACCEPTED,
            Actor.SECRETARIAT,
            needs_comment=True,
        ),
        _step("start_review", "开始评审", {S.CHECKED}, S.IN_REVIEW, Actor.SECRETARIAT),
        _step("finish_review", "评审完成", {S.IN_REVIEW}, S.SCORED, Actor.SECRETARIAT),
        _step("propose", "拟表彰", {S.SCORED}, S.PROPOSED, Actor.SECRETARIAT),
        _step("open_notice", "公示", {S.PROPOSED}, S.ON_NOTICE, Actor.SECRETARIAT),
        _step("award", "表彰", {S.ON_NOTICE}, S.AWARDED, Actor.SECRETARIAT),
        _step(
            "not_award",
            "不予表彰",
            {S.SCORED, S.PROPOSED, S.ON_NOTICE},
            S.NOT_AWARDED,
            Actor.SECRETARIAT,
            needs_comment=True,
        ),
        _step(
            "withdraw",
            "撤回申报",
            {S.FILED, S.RETURNED, S.ENDORSED, S.CHECKED},
            S.WITHDRAWN,
            Actor.APPLICANT,
        ),
    )
}


def steps_from(state: str, actor: Actor) -> list[Step]:
    """The moves an actor may make from a state, in the table's order."""
    return [s for s in STEPS.values() if state in s.sources and s.actor == actor]
