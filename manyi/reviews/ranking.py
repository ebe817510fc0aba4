"""The ranking of a category, computed by the database: one query for the rows and their ranks,
one for the per-criterion means of the rows shown (and, for a filtered list, one for the ranks in
the whole category). The ranking page asks `ordered` first (one statement: the order of the rows
shown and their ranks in the whole category, the keys computed once), then reads only the rows
of its page (`in_order`). Nothing here loads a score into Python.

The rules are those of `manyi.reviews.aggregation` (read its docstring); this module is their
database version and is tested against it on generated data. Only submitted reviews count.

- A judge's *total* is the sum of their points; the judges counted are those who submitted a
  review with at least one score.
- The database sums the totals, counts the judges and finds the highest and the lowest total
  (correlated subqueries, one value each per nomination; for the keys of `ordered` under the
  plain mean, one GROUP BY over the scores instead). With the campaign's TRIMMED_MEAN and
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

from django.db import connections
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


# The order and the ranks of a ranking page in one statement, the keys computed once.
# `{keys}` is Django's compiled SQL of `_keys` (the whole category: id and ranking keys; for the
# plain mean one GROUP BY over the scores, the bare aggregate's plan), `{shown}` that of the
# rows the page shows (`standings` filtered: id, the value sorted by, NULL for "rank", title),
# each with its own parameters, in this order. The RANK() window and the ORDER BY only read
# the computed keys (annotating a window on `standings` makes Django repeat the keys' SQL in
# the window's ORDER BY and in the CASE, and sorting the page computed them all once more).
# `{direction}` is ASC or DESC, chosen from SORTS; nothing else is put into this text. SQLite
# (3.30+: NULLS LAST) and PostgreSQL alike. Ranks are those of the whole category.
ORDER_SQL = """
WITH keys (id, primary_key, secondary_key) AS ({keys}),
shown (id, sort_value, title) AS ({shown}),
ranked AS (
    SELECT id, primary_key, secondary_key,
           CASE WHEN primary_key IS NULL THEN NULL
                ELSE RANK() OVER (
                    ORDER BY primary_key DESC NULLS LAST, secondary_key DESC NULLS LAST
                )
           END AS rank_key
    FROM keys
)
SELECT shown.id, ranked.rank_key FROM shown JOIN ranked ON ranked.id = shown.id
ORDER BY shown.sort_value {direction} NULLS LAST, ranked.primary_key DESC NULLS LAST,
         ranked.secondary_key DESC NULLS LAST, shown.title, shown.id
"""


def ordered(
    category: Category, condition: Q | None = None, sort: str = "rank"
) -> list[tuple[int, int | None]]:
    """(nomination id, its rank in the whole category) of the nominations of the category that
    match `condition`, in the order of `sort` (as `sorted_by`): one query."""
    terms = SORTS.get(sort) or SORTS["rank"]
    if terms:
        sort_value: Expression = F(terms[0].removeprefix("-"))
        direction = "DESC" if terms[0].startswith("-") else "ASC"
    else:
        sort_value, direction = Value(None, output_field=IntegerField()), "ASC"
    keys = _keys(category).values_list("pk", "primary_key", "secondary_key")
    shown = standings(category).order_by()
    if condition is not None:
        shown = shown.filter(condition)
    shown = shown.annotate(sort_value_=sort_value).values_list("pk", "sort_value_", "title")
    keys_sql, keys_params = keys.query.sql_with_params()
    shown_sql, shown_params = shown.query.sql_with_params()
    sql = ORDER_SQL.format(keys=keys_sql, shown=shown_sql, direction=direction)
    with connections[keys.db].cursor() as cursor:
        cursor.execute(sql, (*keys_params, *shown_params))
        return [(pk, rank) for pk, rank in cursor.fetchall()]


def _keys(category: Category) -> QuerySet[Nomination]:
    """The nominations of `standings` with their ranking keys (`primary_key`,
    `secondary_key`); for the plain mean from one GROUP BY (the bare aggregate's plan)."""
    nominations = Nomination.objects.filter(category=category, state__in=RANKED_STATES)
    if category.kind == CategoryKind.UNIT:
        return _unit_keys(nominations)
    if category.campaign.aggregation_method == AggregationMethod.TRIMMED_MEAN:
        # The trimmed mean needs each judge's total (highest, lowest): correlated subqueries,
        # still computed once per nomination in `ordered`'s CTE.
        return _scored_keys(nominations, category)
    # values("pk") first: the GROUP BY is then the id alone, not every column (the form too).
    return _scored_keys(nominations.values("pk"), category, grouped=True)


def ranks(category: Category) -> dict[int, int | None]:
    """nomination id → its rank in the whole category (one query, one pair per nomination)."""
    return dict(ordered(category))


def in_order(category: Category, nomination_ids: Sequence[int]) -> list[Nomination]:
    """The nominations `nomination_ids` of `standings(category)` (annotated), in that order
    (one query; none for no ids)."""
    if not nomination_ids:
        return []
    found = standings(category).order_by().in_bulk(nomination_ids)
    return [found[pk] for pk in nomination_ids if pk in found]


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


def _scored_keys(
    nominations: QuerySet[Nomination], category: Category, *, grouped: bool = False
) -> QuerySet[Nomination]:
    """The judges' totals and the ranking keys of a category scored on a rubric. With
    `grouped` (the plain mean only: no highest, lowest or spread), the judges, points and
    tie-break points come from one GROUP BY over the nominations joined to their scores
    instead of correlated subqueries: the same numbers, for the keys only (see `_keys`)."""
    campaign = category.campaign
    scores = Score.objects.filter(review__nomination=OuterRef("pk"), review__state=SUBMITTED)
    # Each judge's total, grouped by the review alone (not by every column of the review).
    totals = (
        Review.objects.filter(nomination=OuterRef("pk"), state=SUBMITTED)
        .values("pk")
        .annotate(total=Sum("scores__points"))
        .filter(total__isnull=False)
    )
    submitted = Q(reviews__state=SUBMITTED)
    if grouped:
        # A review without scores has no score row: it joins no row and is not counted.
        judges = Count("reviews__scores__review_id", filter=submitted, distinct=True)
        points = Sum("reviews__scores__points", filter=submitted)
    else:
        judges = Coalesce(_subquery(scores, Count("review_id", distinct=True)), 0)
        points = _subquery(scores, Sum("points"))
    nominations = nominations.annotate(judges=judges, points=points)
    if not grouped:
        # (Grouped, Django would put these subqueries into the GROUP BY, run once per score
        # row: `_keys` groups only the plain mean, whose keys need neither.)
        nominations = nominations.annotate(
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
        item_name = category.tie_break_item
        if grouped:
            item = Q(reviews__scores__criterion__item__name=item_name)
            tie_points = Sum("reviews__scores__points", filter=submitted & item)
        else:
            tie_points = _subquery(scores.filter(criterion__item__name=item_name), Sum("points"))
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
