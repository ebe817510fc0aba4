"""The scoring rule: one place for what a score is, which band it falls in, and totals.

A score for a criterion is a whole number from 0 to the criterion's maximum. The band it falls
in is derived from the points, never stored beside them. A total is the sum of its scores.
"""

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Banded(Protocol):
    low: int
    high: int


B = TypeVar("B", bound=Banded)


def check_score(points: object, *, maximum: int, criterion: str = "") -> int:
    """Return `points` as an int if it is a whole number from 0 to `maximum`; else raise
    ValidationError with a Chinese message naming the criterion."""
    if isinstance(points, bool) or not isinstance(points, int):
        try:
            text = str(points).strip()
            if not text.isdecimal():
                raise ValueError
            points = int(text)
        except ValueError:
            raise ValidationError(
                _("%(criterion)sThe score must be a whole number from 0 to %(maximum)s.")
                % {"criterion": _label(criterion), "maximum": maximum},
                code="score_not_whole",
            ) from None
    if not 0 <= points <= maximum:
        raise ValidationError(
            _("%(criterion)sThe score %(points)s is outside 0 to %(maximum)s.")
            % {"criterion": _label(criterion), "points": points, "maximum": maximum},
            code="score_out_of_range",
        )
    return points


def band_for(points: int, bands: Sequence[B]) -> B | None:
    """The band whose range holds `points`, or None (0 points, or no bands)."""
    for band in bands:
        if band.low <= points <= band.high:
            return band
    return None


def total(points: Iterable[int]) -> int:
    """A total score is the sum of its criterion scores."""
    return sum(points)


def _label(criterion: str) -> str:
    return f"“{criterion}”：" if criterion else ""
