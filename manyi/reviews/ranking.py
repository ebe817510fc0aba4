"""The ranking of a category, computed by the database: one query for the rows and their ranks,
one for the per-criterion means of the rows shown (and, for a filtered list, one for the ranks in
the whole category). The ranking page asks `ordered` or `ordered_page` first (one statement over
the kept standings, below: the order of the rows shown, their ranks in the whole category and
their number), then reads only the rows of its page (`in_order`). Nothing here loads a score
into Python.

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

*Kept standings.* Computing the keys reads every score of the category (350,000 for 10,000
nominations): too slow for a page. `refresh` computes them with the expressions below and keeps
them, one `Standing` per nomination (judges, points, highest, lowest, kept points and judges,
tie-break points, recommendations, the two sort keys) and one `CriterionStanding` per nomination
and criterion (points and scores, for the criterion means). Every service that changes what the
ranking counts refreshes its nominations inside its transaction (judging.submit_review,
judging.reopen_review; the generator refreshes the campaign it wrote); `manage.py
refresh_rankings` recomputes them after a change made outside the services (the campaign's
rules, a restore). The ranking page (`ordered`, `ordered_page`, `in_order`, `standings(kept=
True)`, `rows_of(kept=True)`) reads only these and ranks at read time with RANK() over the kept
keys of the category's nominations that stand in the ranking (their state read from the
nomination). A unit's satisfaction score is read from the nomination as filed, never kept.
`ranking`, `ranked` and `standings` compute from the scores (the decision, the exports, the
API); tests check that both agree after every path that changes the ranking.
"""

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    ExpressionWrapper,
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
from manyi.reviews.models import CriterionStanding, Review, ReviewState, Score, Standing

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
# What the ranking page shows of a nomination (`standings(kept=True)` reads these only).
PAGE_COLUMNS = (
    "id",
    "title",
    "locked_name",
    "state",
    "category_id",
    "organization_id",
    "organization__name",
)
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


def standings(category: Category, *, kept: bool = False) -> QuerySet[Nomination]:
    """The nominations of a category that stand in the ranking, annotated with their judges,
    points, spread, self-score and ranking keys (`primary_key`, `secondary_key`), best first.
    Filter, sort and slice it freely; their ranks in the whole category are `ranks`. With
    `kept`, the numbers are read from the kept standings (`refresh`) instead of the scores."""
    nominations = Nomination.objects.filter(category=category, state__in=RANKED_STATES)
    nominations = (
        nominations.select_related("organization")
        .defer("data")
        .annotate(
            self_score=_subquery(SelfScore.objects.filter(nomination=OuterRef("pk")), Sum("points"))
        )
    )
    if kept:
        # the page's columns only (no form data to read and decode on a long ranking)
        nominations = _kept_keys(nominations.only(*PAGE_COLUMNS), category)
    elif category.kind == CategoryKind.UNIT:
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


# The order and the ranks of a ranking page in one statement, over the kept standings.
# `{ranked}` is Django's compiled SQL of the category's nominations that stand in the ranking
# joined to their standings, each with its rank in the whole category (a RANK() window over the
# kept keys), whether the page shows it (`shown_`: the filter, applied after the window so the
# ranks stay those of the whole category) and the value sorted by (NULL for "rank"). The
# number of rows shown comes with every row (COUNT(*) OVER ()), so a page of 50 asks for its
# rows only (`{limit}`). `{where}` is empty or "WHERE shown_", `{direction}` ASC or DESC, chosen
# from SORTS, `{limit}` empty or "LIMIT %s OFFSET %s"; nothing else is put into this text.
# SQLite (3.30+: NULLS LAST) and PostgreSQL alike.
ORDER_SQL = """
SELECT pk, rank_key, COUNT(*) OVER () FROM ({ranked}) ranked {where}
ORDER BY sort_value_ {direction} NULLS LAST, primary_key DESC NULLS LAST,
         secondary_key DESC NULLS LAST, title, pk {limit}
"""


def ordered(
    category: Category, condition: Q | None = None, sort: str = "rank"
) -> list[tuple[int, int | None]]:
    """(nomination id, its rank in the whole category) of the nominations of the category that
    match `condition`, in the order of `sort` (as `sorted_by`): one query, over the kept
    standings (`refresh`)."""
    rows, _count = _ordered(category, condition, sort)
    return rows


def ordered_page(
    category: Category, condition: Q | None, sort: str, number: int
) -> tuple[list[tuple[int, int | None]], int, int]:
    """The page `number` (from 1; PAGE_SIZE rows) of `ordered`: its (id, rank) pairs, the
    number of rows shown in all and the page's number, the last page's when `number` is past
    it. One query (two when past the last page); near the top of the plain ranking, a few
    small ones instead (`_page_by_rank`)."""
    number = max(number, 1)
    by_rank = condition is None and SORTS.get(sort) == SORTS["rank"]
    if by_rank and category.kind != CategoryKind.UNIT and number * PAGE_SIZE <= NEAR_THE_TOP:
        fast = _page_by_rank(category, number)
        if fast is not None:
            return fast
    rows, count = _ordered(category, condition, sort, page=number)
    last = max(1, -(-count // PAGE_SIZE))
    if not rows and number > 1:
        rows, count = _ordered(category, condition, sort)
        last = max(1, -(-count // PAGE_SIZE))
        number = last
        rows = rows[(last - 1) * PAGE_SIZE :]
    return rows, count, min(number, last)


# How deep `_page_by_rank` serves a page: its cost grows with the rows above the page (it counts
# them), the window's does not (≈ 18 ms at 10,000 rows on SQLite; the count costs as much with
# about 5,000 rows above).
NEAR_THE_TOP = 2_500


def _page_by_rank(
    category: Category, number: int
) -> tuple[list[tuple[int, int | None]], int, int] | None:
    """`ordered_page` of the whole category in the order of rank, without ranking the whole
    category: its scored rows are read in the order of the kept keys' index, only as many as the
    page needs, then the unscored ones (by title); the first row's rank is one more than the
    number of rows with better keys (one count), each next row's is its place unless its keys
    equal the row's before it — the definition of RANK(). Four small queries instead of a
    window over every row; the same pairs as `_ordered` (tested). None past the last page."""
    ranked = Nomination.objects.filter(category=category, state__in=RANKED_STATES)
    count = ranked.count()
    offset = (number - 1) * PAGE_SIZE
    if number > 1 and offset >= count:
        return None
    scored = Standing.objects.filter(
        category=category, first_key__isnull=False, nomination__state__in=RANKED_STATES
    )
    rows = list(
        scored.order_by(
            F("first_key").desc(),
            F("second_key").desc(nulls_last=True),
            "nomination__title",
            "nomination_id",
        ).values_list("nomination_id", "first_key", "second_key")[offset : offset + PAGE_SIZE]
    )
    pairs: list[tuple[int, int | None]] = []
    previous = None
    for place, (pk, first, second) in enumerate(rows, start=offset + 1):
        if previous is None:
            better = Q(first_key__gt=first)
            if second is None:
                better |= Q(first_key=first, second_key__isnull=False)
            else:
                better |= Q(first_key=first, second_key__gt=second)
            rank = scored.filter(better).count() + 1
        elif (first, second) == previous:
            rank = pairs[-1][1]
        else:
            rank = place
        pairs.append((pk, rank))
        previous = (first, second)
    if len(pairs) < PAGE_SIZE:
        # past the scored rows: the unscored ones, by title (`_ordered`'s order for NULL keys),
        # from the first if the scored rows ended on this page
        start = 0 if pairs else offset - scored.count()
        unscored = ranked.exclude(standing__first_key__isnull=False).order_by("title", "pk")
        wanted = unscored.values_list("pk", flat=True)[start : start + PAGE_SIZE - len(pairs)]
        pairs += [(pk, None) for pk in wanted]
    return pairs, count, number


def _ordered(
    category: Category, condition: Q | None, sort: str, *, page: int | None = None
) -> tuple[list[tuple[int, int | None]], int]:
    terms = SORTS.get(sort) or SORTS["rank"]
    if terms:
        sort_value: Expression = F(terms[0].removeprefix("-"))
        direction = "DESC" if terms[0].startswith("-") else "ASC"
    else:
        sort_value, direction = Value(None, output_field=IntegerField()), "ASC"
    rows = standings(category, kept=True).order_by()
    rows = rows.annotate(
        rank_=Window(Rank(), order_by=_by_rank()),
        rank_key=Case(When(primary_key__isnull=True, then=Value(None)), default=F("rank_")),
        sort_value_=sort_value,
    )
    names = ["pk", "rank_key", "sort_value_", "primary_key", "secondary_key", "title"]
    if condition is not None:
        rows = rows.annotate(shown_=ExpressionWrapper(condition, output_field=BooleanField()))
        names.append("shown_")
    sql, params = rows.values(*names).query.sql_with_params()
    limit: tuple[int, ...] = () if page is None else (PAGE_SIZE, (page - 1) * PAGE_SIZE)
    sql = ORDER_SQL.format(
        ranked=sql,
        where="WHERE shown_" if condition is not None else "",
        direction=direction,
        limit="LIMIT %s OFFSET %s" if limit else "",
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, (*params, *limit))
        found = cursor.fetchall()
    return [(pk, rank) for pk, rank, _count in found], (found[0][2] if found else 0)


# The kept columns of a Standing and the annotation of the computed keys each is filled from.
KEPT = {
    "judges": "judges",
    "points": "points",
    "high": "high",
    "low": "low",
    "kept_points": "kept_points",
    "kept_judges": "kept_judges",
    "tie_points": "tie_points",
    "recommends": "recommends",
    "first_key": "primary_key",
    "second_key": "secondary_key",
}


def refresh(category: Category, nomination_ids: Iterable[int] | None = None) -> None:
    """Recompute the kept standings of the nominations `nomination_ids` of `category` (all its
    nominations by default) from their submitted scores, with the rules above (`_scored_keys`,
    `_unit_keys`, `_criterion_sums`: the expressions of the computed ranking). Four
    statements: each table's rows deleted, then inserted again by one INSERT … SELECT. Call it
    inside the transaction of every change to what the ranking counts (a review submitted or
    reopened; the campaign's or the category's rules: `manage.py refresh_rankings`)."""
    nominations = Nomination.objects.filter(category=category)
    stale = Standing.objects.filter(Q(category=category) | Q(nomination__category=category))
    stale_sums = CriterionStanding.objects.filter(nomination__category=category)
    scores = Q(review__nomination__category=category)
    if nomination_ids is not None:
        ids = list(nomination_ids)
        if not ids:
            return
        nominations = nominations.filter(pk__in=ids)
        stale = Standing.objects.filter(nomination_id__in=ids)
        stale_sums = CriterionStanding.objects.filter(nomination_id__in=ids)
        scores = Q(review__nomination_id__in=ids)
    stale.delete()  # (no cascades: one DELETE each)
    stale_sums.delete()
    db = router.db_for_write(Standing)
    quote = connections[db].ops.quote_name
    sql, params = _criterion_sums(scores).query.sql_with_params()
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(CriterionStanding._meta.db_table)} "  # noqa: S608 (as below)
            "(nomination_id, criterion_id, points, scores) "
            f"SELECT k.{quote('review__nomination_id')}, k.criterion_id, k.points, k.judges "
            f"FROM ({sql}) k",
            params,
        )
    unit = category.kind == CategoryKind.UNIT
    if unit:
        computed = _unit_keys(nominations)
        # a unit's second key (its satisfaction score as filed) is read from the nomination
        absent = {"points", "high", "low", "kept_points", "kept_judges", "tie_points"}
        absent.add("second_key")
    else:
        computed = _scored_keys(nominations, category)
        absent = {"recommends"}
        if not (category.campaign.tie_break == TieBreak.ITEM and category.tie_break_item):
            absent.add("tie_points")  # NULL: no tie-break item
    selected = [name for column, name in KEPT.items() if column not in absent]
    sql, params = computed.order_by().values("pk", *selected).query.sql_with_params()
    values = [
        ("0" if column == "recommends" else "NULL") if column in absent else f"k.{quote(name)}"
        for column, name in KEPT.items()
    ]
    # Only quoted names, literals and Django's compiled SQL go into the text; every value is a
    # parameter.
    insert = (
        f"INSERT INTO {quote(Standing._meta.db_table)} (nomination_id, category_id, "  # noqa: S608
        f"{', '.join(quote(column) for column in KEPT)}) "
        f"SELECT k.{quote('pk')}, %s, {', '.join(values)} FROM ({sql}) k"
    )
    with connections[db].cursor() as cursor:
        cursor.execute(insert, (category.pk, *params))


def standing_organizations(category: Category) -> QuerySet[Nomination]:
    """The organizations (ids) of the nominations that stand in the category's ranking."""
    return Nomination.objects.filter(category=category, state__in=RANKED_STATES).values(
        "organization_id"
    )


def ranks(category: Category) -> dict[int, int | None]:
    """nomination id → its rank in the whole category (one query, one pair per nomination)."""
    return dict(ordered(category))


def in_order(category: Category, nomination_ids: Sequence[int]) -> list[Nomination]:
    """The nominations `nomination_ids` of `standings(category, kept=True)` (annotated), in
    that order (one query; none for no ids)."""
    if not nomination_ids:
        return []
    found = standings(category, kept=True).order_by().in_bulk(nomination_ids)
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
    kept: bool = False,
) -> list[Row]:
    """The rows of annotated nominations (from `ranked`, or from `standings` with their
    `ranks`), with their exact aggregates, and, with `means`, their per-criterion means: one
    more query, for these nominations only (shown in the order of `criteria`; with `kept`,
    from the kept sums)."""
    nominations = list(nominations)
    by_nomination = (
        criterion_means([n.pk for n in nominations], kept=kept)
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
                means_shown=tuple(
                    _display(by_nomination.get(n.pk, {}).get(c.pk)) for c in criteria
                ),
            )
        )
    return rows


def ranking(category: Category) -> list[Row]:
    """Every row of a category's ranking, best first (two queries)."""
    return rows_of(ranked(category), category)


# The same few (points, judges) pairs recur thousands of times on a long ranking: the exact
# quotient and its display are computed once each (the reference functions, memoized).
_quotient = functools.lru_cache(maxsize=65536)(quotient)
_display = functools.lru_cache(maxsize=65536)(display)


def _criterion_sums(nominations: Q) -> QuerySet:
    """(nomination id, criterion id, submitted points, number of scores) of the scores of the
    reviews matching `nominations` (on Review), grouped by the database."""
    return (
        Score.objects.filter(review__state=SUBMITTED)
        .filter(nominations)
        .values_list("review__nomination_id", "criterion_id")
        .annotate(points=Sum("points"), judges=Count("pk"))
        .order_by()
    )


def criterion_means(
    nomination_ids: Sequence[int], *, kept: bool = False
) -> dict[int, dict[int, Decimal]]:
    """nomination id → criterion id → the plain mean of the submitted points (never trimmed),
    grouped by the database; a criterion nobody scored is left out. With `kept`, from the
    kept sums (`refresh`) instead of the scores."""
    if kept:
        sums = CriterionStanding.objects.filter(nomination_id__in=nomination_ids).values_list(
            "nomination_id", "criterion_id", "points", "scores"
        )
    else:
        sums = _criterion_sums(Q(review__nomination_id__in=nomination_ids))
    means: dict[int, dict[int, Decimal]] = {}
    for nomination_id, criterion_id, points, judges in sums:
        means.setdefault(nomination_id, {})[criterion_id] = _quotient(points, judges)
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
    """The judges' totals and the ranking keys of a category scored on a rubric (correlated
    subqueries, one value each per nomination)."""
    campaign = category.campaign
    scores = Score.objects.filter(review__nomination=OuterRef("pk"), review__state=SUBMITTED)
    # Each judge's total, grouped by the review alone (not by every column of the review).
    totals = (
        Review.objects.filter(nomination=OuterRef("pk"), state=SUBMITTED)
        .values("pk")
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
        item_name = category.tie_break_item
        tie_points = _subquery(scores.filter(criterion__item__name=item_name), Sum("points"))
    else:
        tie_points = Value(None, output_field=IntegerField())
    return nominations.annotate(
        tie_points=tie_points,
        primary_key=_ratio("kept_points", "kept_judges"),
        secondary_key=_ratio("tie_points", "judges"),
    )


def refresh_campaign(campaign_id: int) -> int:
    """`refresh` every ranked category of a campaign (after generating or repairing it);
    the number of categories."""
    categories = Category.objects.filter(campaign_id=campaign_id).exclude(
        kind=CategoryKind.COACHING_REQUEST
    )
    count = 0
    for category in categories.select_related("campaign"):
        refresh(category)
        count += 1
    return count


def _kept_keys(nominations: QuerySet[Nomination], category: Category) -> QuerySet[Nomination]:
    """The numbers and keys of `_scored_keys` or `_unit_keys`, read from the kept standings
    (one LEFT JOIN: a nomination without a standing has no judges and no keys); a unit's
    satisfaction score from the nomination as filed."""
    nominations = nominations.annotate(
        judges=Coalesce(F("standing__judges"), 0),
        high=F("standing__high"),
        low=F("standing__low"),
        spread=F("high") - F("low"),
        primary_key=F("standing__first_key"),
    )
    if category.kind == CategoryKind.UNIT:
        return _satisfaction(nominations).annotate(
            recommends=Coalesce(F("standing__recommends"), 0),
            secondary_key=F("satisfaction_number"),
        )
    return nominations.annotate(
        points=F("standing__points"),
        kept_points=F("standing__kept_points"),
        kept_judges=F("standing__kept_judges"),
        tie_points=F("standing__tie_points"),
        secondary_key=F("standing__second_key"),
    )


def _satisfaction(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """A unit's satisfaction score as filed (text) and as a number (NULL unless plain)."""
    satisfaction = Trim(KeyTextTransform("satisfaction_score", "data"))
    return nominations.annotate(
        satisfaction_text=satisfaction,
        satisfaction_number=Case(
            When(satisfaction_text__regex=PLAIN_DECIMAL, then=Cast(satisfaction, FloatField())),
            default=Value(None, output_field=FloatField()),
        ),
    )


def _unit_keys(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """The judges' recommendations and the satisfaction score of units."""
    reviews = Review.objects.filter(nomination=OuterRef("pk"), state=SUBMITTED)
    return _satisfaction(nominations).annotate(
        judges=Coalesce(_subquery(reviews, Count("pk")), 0),
        recommends=Coalesce(_subquery(reviews, Count("pk", filter=Q(recommends=True))), 0),
        high=Value(None, output_field=IntegerField()),
        low=Value(None, output_field=IntegerField()),
        spread=Value(None, output_field=IntegerField()),
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
