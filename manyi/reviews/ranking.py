"""The ranking of a category, computed by the database: one query for the rows and their ranks,
one for the per-criterion means of the rows shown (and, for a filtered list, one for the ranks in
the whole category). Nothing here loads a score into Python.

The rules are those of `manyi.reviews.aggregation` (read its docstring); this module is their
database version and is tested against it on generated data. Only submitted reviews count.

- A judge's *total* is the sum of their points; the judges counted are those who submitted a
  review with at least one score.
- The database sums the totals, counts the judges and finds the highest and the lowest total
  (correlated subqueries, one value each per nomination). With the campaign's TRIMMED_MEAN and
  five judges or more it drops one highest and one lowest total (`kept_points`,
  `kept_judges`); the *aggregate* shown is `aggregation.quotient(kept_points, kept_judges)`:
  the database's whole numbers, divided once per row by the reference's own division, so the
  shown value is identical to the reference's.
- The database also *ranks* (a RANK() window over the category). It orders by the same
  quotient computed in double precision: IEEE division is correctly rounded, so equal
  fractions give equal doubles, and two different means of whole-number totals (at most 100
  points, fewer than a million judges) differ by more than 10^-12, far more than a double's
  rounding near 100 (10^-14): the doubles order exactly as the fractions do.
- The *tie-break* value is the mean of the judges' subtotals of the category's tie-break item
  (顾客认可, 服务成效): the item's points over the number of judges. It is used when the
  campaign's tie_break is ITEM and the category names an item; otherwise equal aggregates
  share a rank.
- *Units* (附件5) have no rubric: they are ranked by the number of judges who recommend them
  (Review.recommends), then by their satisfaction score as filed (data["satisfaction_score"],
  被推荐企业满意度得分); equal on both, they share a rank. A unit no judge has reviewed has no
  rank.
- The *spread* is the highest total minus the lowest; it is flagged when strictly above the
  campaign's spread_threshold.
- Ranks are always those of the whole category: a list filtered by state or organization
  takes them from `ranks` (one pair per nomination), never from a window over the filtered
  rows.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Expression,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf, Rank, Trim

from manyi.campaigns.models import (
    AggregationMethod,
    Category,
    CategoryKind,
    Criterion,
    TieBreak,
)
from manyi.nominations.models import Nomination, NominationState, SelfScore
from manyi.reviews.aggregation import TRIM_MIN_JUDGES, display, quotient
from manyi.reviews.models import Review, ReviewState, Score

# The states of a nomination that stand in the ranking: from the start of the review on.
RANKED_STATES = (
    NominationState.IN_REVIEW,
    NominationState.SCORED,
    NominationState.PROPOSED,
    NominationState.ON_NOTICE,
    NominationState.AWARDED,
    NominationState.NOT_AWARDED,
)
SUBMITTED = ReviewState.SUBMITTED
PAGE_SIZE = 50
# A satisfaction score as filed is text: only plain decimals are read as numbers ("86.5").
PLAIN_DECIMAL = r"\A[0-9]+(\.[0-9]+)?\Z"
PLAIN_DECIMAL_RE = re.compile(PLAIN_DECIMAL)

# The orders a ranking can be shown in: key → ORDER BY. Every order ends with the ranking keys
# and the title, so equal rows always come in the same order ("rank" is just that).
SORTS: dict[str, tuple[str, ...]] = {
    "rank": (),
    "title": ("title",),
    "-title": ("-title",),
    "organization": ("organization__name",),
    "-organization": ("-organization__name",),
    "state": ("state",),
    "-state": ("-state",),
    "self_score": ("self_score",),
    "-self_score": ("-self_score",),
    "spread": ("spread",),
    "-spread": ("-spread",),
}


@dataclass(frozen=True)
class Row:
    """One nomination of a ranking, as the ranking page shows it."""

    nomination: Nomination
    rank: int | None
    judges: int
    aggregate: Decimal | None  # exact; for a unit: the number of judges who recommend it
    tie_break: Decimal | None  # the tie-break item's mean subtotal; for a unit: satisfaction
    spread: int | None
    flagged: bool
    self_score: int | None
    recommends: int = 0  # units only
    criterion_means: dict[int, Decimal] = field(default_factory=dict)
    means_shown: tuple[str, ...] = ()  # the criterion means as shown, in the rubric's order

    @property
    def name(self) -> str:
        """The name as filed (locked after filing for teams and achievements)."""
        return self.nomination.locked_name or self.nomination.title

    @property
    def aggregate_shown(self) -> str:
        return display(self.aggregate)

    @property
    def tie_break_shown(self) -> str:
        return display(self.tie_break)


def standings(category: Category) -> QuerySet[Nomination]:
    """The nominations of a category that stand in the ranking, annotated with their judges,
    points, spread, self-score and ranking keys (`primary_key`, `secondary_key`), best first.
    Filter, sort and slice it freely; their ranks in the whole category are `ranks`."""
    nominations = Nomination.objects.filter(category=category, state__in=RANKED_STATES)
    nominations = (
        nominations.select_related("organization")
        .defer("data")
        .annotate(
            self_score=_subquery(SelfScore.objects.filter(nomination=OuterRef("pk")), Sum("points"))
        )
    )
    if category.kind == CategoryKind.UNIT:
        nominations = _unit_keys(nominations)
    else:
        nominations = _scored_keys(nominations, category)
    return sorted_by(nominations, "rank")


def ranked(category: Category) -> QuerySet[Nomination]:
    """`standings` with each nomination's `rank_key`: its competition rank in the category (a
    RANK() window; None when unscored), best first. Do not filter it: a filter runs before the
    window and would rank the remaining rows among themselves (use `standings` and `ranks`)."""
    return standings(category).annotate(
        rank=Window(
            Rank(),
            order_by=[
                F("primary_key").desc(nulls_last=True),
                F("secondary_key").desc(nulls_last=True),
            ],
        ),
        rank_key=Case(When(primary_key__isnull=True, then=Value(None)), default=F("rank")),
    )


def ranks(category: Category) -> dict[int, int | None]:
    """nomination id → its rank in the whole category (one query, one pair per nomination)."""
    return dict(ranked(category).values_list("pk", "rank_key"))


def sorted_by(queryset: QuerySet[Nomination], sort: str) -> QuerySet[Nomination]:
    """`queryset` (from `standings`) in the order named by `sort` (a key of SORTS; unknown
    keys give "rank"); equal rows by rank, then title."""
    order = [_nulls_last(term) for term in SORTS.get(sort, SORTS["rank"])]
    return queryset.order_by(*order, *_by_rank(), "title", "pk")


def rows_of(
    nominations: Iterable[Nomination],
    category: Category,
    *,
    ranks: Mapping[int, int | None] | None = None,
    criteria: Sequence[Criterion] = (),
    means: bool = True,
) -> list[Row]:
    """The rows of annotated nominations (from `ranked`, or from `standings` with their
    `ranks`), with their exact aggregates, and, with `means`, their per-criterion means: one
    more query, for these nominations only (shown in the order of `criteria`)."""
    nominations = list(nominations)
    by_nomination = (
        criterion_means([n.pk for n in nominations])
        if means and nominations and category.kind != CategoryKind.UNIT
        else {}
    )
    threshold = category.campaign.spread_threshold
    rows = []
    for n in nominations:
        judges = n.judges or 0
        if category.kind == CategoryKind.UNIT:
            aggregate = Decimal(n.recommends) if judges else None
            tie_break = _plain_decimal(n.satisfaction_text)
        else:
            aggregate = quotient(n.kept_points, n.kept_judges) if judges else None
            tie_break = (
                quotient(n.tie_points, judges) if judges and n.tie_points is not None else None
            )
        spread = None if n.high is None else n.high - n.low
        rows.append(
            Row(
                nomination=n,
                rank=n.rank_key if ranks is None else ranks.get(n.pk),
                judges=judges,
                aggregate=aggregate,
                tie_break=tie_break,
                spread=spread,
                flagged=spread is not None and spread > threshold,
                self_score=n.self_score,
                recommends=getattr(n, "recommends", 0) or 0,
                criterion_means=by_nomination.get(n.pk, {}),
                means_shown=tuple(display(by_nomination.get(n.pk, {}).get(c.pk)) for c in criteria),
            )
        )
    return rows


def ranking(category: Category) -> list[Row]:
    """Every row of a category's ranking, best first (two queries)."""
    return rows_of(ranked(category), category)


def criterion_means(nomination_ids: Sequence[int]) -> dict[int, dict[int, Decimal]]:
    """nomination id → criterion id → the plain mean of the submitted points (never trimmed),
    grouped by the database; a criterion nobody scored is left out."""
    sums = (
        Score.objects.filter(review__state=SUBMITTED, review__nomination_id__in=nomination_ids)
        .values_list("review__nomination_id", "criterion_id")
        .annotate(points=Sum("points"), judges=Count("pk"))
        .order_by()
    )
    means: dict[int, dict[int, Decimal]] = {}
    for nomination_id, criterion_id, points, judges in sums:
        means.setdefault(nomination_id, {})[criterion_id] = quotient(points, judges)
    return means


def criteria_of(category: Category) -> list[Criterion]:
    """The criteria of the category's rubric, in order, with their item (one query)."""
    if category.rubric_id is None or category.kind == CategoryKind.UNIT:
        return []
    return list(
        Criterion.objects.filter(item__rubric_id=category.rubric_id)
        .select_related("item")
        .order_by("item__position", "position")
    )


# --- the annotations -------------------------------------------------------------------------


def _subquery(queryset: QuerySet, aggregate: Expression, output: type = IntegerField) -> Subquery:
    """`aggregate` over `queryset` (already filtered on OuterRef("pk")) as one value per row."""
    grouped = queryset.order_by().annotate(_one=Value(1)).values("_one")
    return Subquery(grouped.annotate(value=aggregate).values("value"), output_field=output())


def _scored_keys(nominations: QuerySet[Nomination], category: Category) -> QuerySet[Nomination]:
    """The judges' totals and the ranking keys of a category scored on a rubric."""
    campaign = category.campaign
    scores = Score.objects.filter(review__nomination=OuterRef("pk"), review__state=SUBMITTED)
    totals = (
        Review.objects.filter(nomination=OuterRef("pk"), state=SUBMITTED)
        .annotate(total=Sum("scores__points"))
        .filter(total__isnull=False)
    )
    nominations = nominations.annotate(
        judges=Coalesce(_subquery(scores, Count("review_id", distinct=True)), 0),
        points=_subquery(scores, Sum("points")),
        high=Subquery(totals.order_by("-total").values("total")[:1]),
        low=Subquery(totals.order_by("total").values("total")[:1]),
        spread=F("high") - F("low"),
    )
    if campaign.aggregation_method == AggregationMethod.TRIMMED_MEAN:
        trimmed = Q(judges__gte=TRIM_MIN_JUDGES)
        nominations = nominations.annotate(
            kept_points=Case(
                When(trimmed, then=F("points") - F("high") - F("low")), default=F("points")
            ),
            kept_judges=Case(When(trimmed, then=F("judges") - 2), default=F("judges")),
        )
    else:
        nominations = nominations.annotate(kept_points=F("points"), kept_judges=F("judges"))
    if campaign.tie_break == TieBreak.ITEM and category.tie_break_item:
        item_scores = scores.filter(criterion__item__name=category.tie_break_item)
        tie_points = _subquery(item_scores, Sum("points"))
    else:
        tie_points = Value(None, output_field=IntegerField())
    return nominations.annotate(
        tie_points=tie_points,
        primary_key=_ratio("kept_points", "kept_judges"),
        secondary_key=_ratio("tie_points", "judges"),
    )


def _unit_keys(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """The judges' recommendations and the satisfaction score of units."""
    reviews = Review.objects.filter(nomination=OuterRef("pk"), state=SUBMITTED)
    satisfaction = Trim(KeyTextTransform("satisfaction_score", "data"))
    return nominations.annotate(
        judges=Coalesce(_subquery(reviews, Count("pk")), 0),
        recommends=Coalesce(_subquery(reviews, Count("pk", filter=Q(recommends=True))), 0),
        high=Value(None, output_field=IntegerField()),
        low=Value(None, output_field=IntegerField()),
        spread=Value(None, output_field=IntegerField()),
        satisfaction_text=satisfaction,
        satisfaction_number=Case(
            When(satisfaction_text__regex=PLAIN_DECIMAL, then=Cast(satisfaction, FloatField())),
            default=Value(None, output_field=FloatField()),
        ),
        primary_key=Case(When(judges=0, then=Value(None)), default=F("recommends")),
        secondary_key=F("satisfaction_number"),
    )


def _plain_decimal(text: str | None) -> Decimal | None:
    """A satisfaction score as filed, if it is a plain decimal (as the database reads it)."""
    if text is None or not PLAIN_DECIMAL_RE.match(text):
        return None
    return Decimal(text)


def _ratio(numerator: str, denominator: str) -> Expression:
    """numerator / denominator in double precision; NULL when either is NULL or 0 judges."""
    return Cast(numerator, FloatField()) / NullIf(Cast(denominator, FloatField()), Value(0.0))


def _by_rank() -> list[Expression]:
    return [F("primary_key").desc(nulls_last=True), F("secondary_key").desc(nulls_last=True)]


def _nulls_last(term: str) -> Expression:
    descending = term.startswith("-")
    expression = F(term.removeprefix("-"))
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
