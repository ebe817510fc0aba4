"""The aggregation rule: one place for how judges' scores become a nomination's result and rank.

Pure functions, no database. The database version (annotations) is tested against these, so
every number here is exact: integers and `decimal.Decimal`, never floats.

The rules, in plain words:

- A judge scores each criterion of a nomination with a whole number. A judge's *total* is the
  sum of their criterion scores (`manyi.campaigns.scoring.total`). Everything below starts from
  the totals of the judges who actually scored the nomination.
- The *aggregate* of a nomination is, depending on the campaign's setting (`Method`):
    - MEAN: the plain mean of the totals;
    - TRIMMED_MEAN: with at least `TRIM_MIN_JUDGES` (5) totals, drop exactly one highest and
      one lowest total (one each, even when several judges gave the same total) and take the
      mean of the rest; with fewer than 5 totals it is the plain mean.
  A nomination nobody has scored has no aggregate (None).
- *Exactness*: aggregates and means are kept to `EXACT_PLACES` (20) decimal places, not
  rounded for display. A mean with at most 20 decimals (e.g. 420 / 5 = 84, 325 / 4 = 81.25)
  is exact; a longer one (e.g. 256 / 3) is rounded to 20 decimals, halves away from zero. Two
  different means of whole-number totals from fewer than a million judges each differ by far
  more than 10^-20, so comparing these values orders nominations exactly as the true fractions
  would, equal fractions always give equal values, and adding the same whole number to every
  total adds exactly that number to the mean. `quotient` is the one division that does this.
- *Display and comparison*: an aggregate (or criterion mean) is shown, and compared with other
  computations of it (e.g. the database's), rounded to 2 decimal places, halves rounded away
  from zero (ROUND_HALF_UP: 85.125 → 85.13, 85.124 → 85.12). See `rounded` and `display`.
  Ranking never uses the rounded value, it compares the exact aggregates.
- The *spread* is the highest total minus the lowest total (0 for a single judge). A nomination
  *needs attention* when its spread is strictly greater than the campaign's threshold.
- The *criterion means* are, per criterion, the plain mean of the judges' points for it
  (never trimmed, whatever the method).
- *Ranking* within a category, best first, by aggregate, highest first:
    - with the tie-break (the campaign's default): equal aggregates are ordered by the
      tie-break value, highest first (the subtotal of a named group of criteria, e.g. 顾客认可
      or 服务成效, computed by the caller); a nomination with no tie-break value comes after
      those that have one. Nominations still equal share a rank;
    - without the tie-break: equal aggregates share a rank.
  Shared ranks use competition ranking ("1, 2, 2, 4"): a nomination's rank is 1 + the number
  of nominations strictly better than it. Nominations that share a rank keep their input order.
  Nominations with no aggregate come last, in input order, with no rank (None).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum

TRIM_MIN_JUDGES = 5
"""Trimming (one highest and one lowest total dropped) applies from this many judges on."""

EXACT_PLACES = 20
"""Aggregates and means carry this many decimal places (exact for any realistic mean)."""

DISPLAY_PLACES = Decimal("0.01")
"""Aggregates and means are shown and compared rounded to this: 2 decimal places."""

EMPTY = "—"
"""What `display` shows for a missing value (nobody has scored yet)."""

# Rounding for display happens in this fixed context, never the thread's current one, so a
# caller changing `decimal.getcontext()` cannot change a result.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)


class Method(StrEnum):
    """How a nomination's judges' totals become its aggregate (a campaign setting)."""

    MEAN = "mean"
    """The plain mean of all totals."""
    TRIMMED_MEAN = "trimmed_mean"
    """From 5 judges on, the mean without one highest and one lowest total; else the mean."""


def aggregate(totals: Sequence[int], method: Method) -> Decimal | None:
    """The nomination's aggregate of its judges' `totals` by `method`; None for no totals.

    MEAN is the plain mean. TRIMMED_MEAN, with at least `TRIM_MIN_JUDGES` (5) totals, drops one
    highest and one lowest total and takes the mean of the rest; with fewer it is the plain
    mean. Exact (see the module docstring); the order of the totals does not matter.
    """
    method = Method(method)
    values = _whole_numbers(totals)
    if not values:
        return None
    if method is Method.TRIMMED_MEAN and len(values) >= TRIM_MIN_JUDGES:
        values = sorted(values)[1:-1]
    return _mean(values)


def quotient(numerator: int, denominator: int) -> Decimal:
    """`numerator / denominator` as every mean here is computed: exact to `EXACT_PLACES` (20)
    decimal places, a longer result rounded to 20 places with halves away from zero.

    Plain integer arithmetic, independent of the `decimal` context. Trailing zeros are dropped
    (420 / 5 gives Decimal("84"), 325 / 4 gives Decimal("81.25")). A database computing SUM and
    COUNT can pass them here to get the identical value.
    """
    for value in (numerator, denominator):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"quotient takes whole numbers (int), not {value!r}")
    if denominator == 0:
        raise ZeroDivisionError("the mean of no values is undefined")
    negative = (numerator < 0) != (denominator < 0)
    units, remainder = divmod(abs(numerator) * 10**EXACT_PLACES, abs(denominator))
    if 2 * remainder >= abs(denominator):
        units += 1
    exponent = -EXACT_PLACES
    while exponent < 0 and units % 10 == 0:
        units //= 10
        exponent += 1
    return Decimal((int(negative and units != 0), tuple(map(int, str(units))), exponent))


def spread(totals: Sequence[int]) -> int | None:
    """The highest total minus the lowest total; 0 for one judge, None for no totals."""
    values = _whole_numbers(totals)
    if not values:
        return None
    return max(values) - min(values)


def needs_attention(totals: Sequence[int], threshold: int) -> bool:
    """Whether the judges disagree too much: the spread is strictly greater than `threshold`.

    A nomination with no totals does not need attention (there is nothing to disagree on).
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise TypeError(f"the threshold must be a whole number, not {threshold!r}")
    difference = spread(totals)
    return difference is not None and difference > threshold


def criterion_means(scores: Mapping[int, Sequence[int]]) -> dict[int, Decimal]:
    """Per criterion id, the plain mean of its judges' points (never trimmed).

    A criterion nobody has scored yet is left out (as a database GROUP BY would leave it out).
    The result keeps the order of `scores`.
    """
    means = {}
    for criterion, points in scores.items():
        values = _whole_numbers(points)
        if values:
            means[criterion] = _mean(values)
    return means


@dataclass(frozen=True)
class Entry:
    """A nomination to rank: any `key` the caller recognises it by (a pk, a model instance),
    its exact `aggregate` (None if nobody scored it), and its `tie_break` value (the subtotal
    of the campaign's named group of criteria; None if it has none)."""

    key: object
    aggregate: Decimal | None
    tie_break: Decimal | int | None = None

    def __post_init__(self):
        _check_exact("aggregate", self.aggregate)
        _check_exact("tie_break", self.tie_break)


@dataclass(frozen=True)
class Ranked:
    """An entry with its `rank` (1 is best; equal entries share it; None when unscored)."""

    key: object
    rank: int | None
    aggregate: Decimal | None
    tie_break: Decimal | int | None


def rank(entries: Iterable[Entry], *, use_tie_break: bool = True) -> list[Ranked]:
    """The entries ranked best first, with competition ranks ("1, 2, 2, 4").

    Higher aggregate is better. With `use_tie_break` (the default), equal aggregates are
    ordered by the higher tie-break value, an entry without one coming after those with one;
    entries equal on both share a rank. Without it, equal aggregates share a rank (the
    tie-break value is carried along but ignored). A rank is 1 + the number of entries strictly
    better. Entries that share a rank keep their input order. Entries without an aggregate come
    last, in input order, with rank None. Exact values are compared, never rounded ones.
    """
    entries = list(entries)
    scored = [entry for entry in entries if entry.aggregate is not None]
    unscored = [entry for entry in entries if entry.aggregate is None]
    scored.sort(key=lambda entry: _standing(entry, use_tie_break))  # stable: keeps input order

    ranked = []
    previous = None
    current = 0
    for position, entry in enumerate(scored, start=1):
        standing = _standing(entry, use_tie_break)
        if standing != previous:
            current, previous = position, standing
        ranked.append(Ranked(entry.key, current, entry.aggregate, entry.tie_break))
    ranked.extend(Ranked(entry.key, None, entry.aggregate, entry.tie_break) for entry in unscored)
    return ranked


def rounded(value: Decimal | None) -> Decimal | None:
    """`value` rounded to 2 decimal places, halves away from zero (ROUND_HALF_UP); None stays.

    This is how an aggregate or mean is displayed and how two computations of it (this module's
    and the database's) are compared. Ranking does not use it.
    """
    if value is None:
        return None
    _check_exact("value", value)
    return Decimal(value).quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP, context=_CONTEXT)


def display(value: Decimal | None) -> str:
    """`value` as shown to people: always 2 decimal places, ROUND_HALF_UP ("85.00", "85.13");
    `EMPTY` ("—") for None."""
    shown = rounded(value)
    return EMPTY if shown is None else f"{shown:f}"


def _standing(entry: Entry, use_tie_break: bool) -> tuple:
    """Sort key, smaller is better; two entries share a rank exactly when their keys are equal."""
    if not use_tie_break:
        return (_negated(entry.aggregate),)
    if entry.tie_break is None:
        return (_negated(entry.aggregate), 1, 0)
    return (_negated(entry.aggregate), 0, _negated(entry.tie_break))


def _negated(value: Decimal | int) -> Decimal | int:
    # Decimal's unary minus rounds to the current context's precision; copy_negate never rounds.
    return value.copy_negate() if isinstance(value, Decimal) else -value


def _mean(values: Sequence[int]) -> Decimal:
    return quotient(sum(values), len(values))


def _whole_numbers(values: Iterable[int]) -> list[int]:
    values = list(values)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"scores and totals must be whole numbers (int), not {value!r}")
    return values


def _check_exact(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{name} must be a Decimal or an int, never a float: {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{name} must be a finite number: {value!r}")
