"""The figures of the secretariat's dashboard: one function per chart, each a fixed number of
aggregate queries whatever the size of the campaign (the tests count them at two sizes).

Each function returns a `Chart`: the table of its numbers (shown beside the chart, and
downloaded as CSV or .xlsx) and the ECharts option drawn from the same numbers. The option is
plain JSON (no JavaScript functions), passed to the page with `json_script`.

Counting rules:
- "filed" means filed at least once (`filed_at` set): a filing returned for correction or
  withdrawn later still counts on the day it was first filed;
- the counts by category, region, industry and state leave drafts out, except the count by
  state, which shows every state;
- a judge's total is the sum of their points on a submitted review; a unit (附件5) is judged
  by opinion, without points, so it has no total;
- the spread of a nomination is its highest total minus its lowest (reviews.aggregation), and
  it is flagged when strictly above the campaign's spread_threshold.
"""

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from manyi.campaigns.models import Campaign
from manyi.nominations.models import Nomination, NominationState
from manyi.reviews.aggregation import needs_attention, spread
from manyi.reviews.models import Assignment, Objection, Review, ReviewState

NOT_GIVEN = "—"
MAX_AXIS_DAYS = 400


@dataclass(frozen=True)
class Chart:
    """One chart of the dashboard and the table of its numbers."""

    slug: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    option: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def dom_id(self) -> str:
        return f"chart-{self.slug}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.slug}-data"


def toolbox() -> dict[str, Any]:
    """ECharts' own download of the picture (PNG), titled in the interface language."""
    return {"feature": {"saveAsImage": {"title": _("Save as image"), "pixelRatio": 2}}}


def _bars(labels: list[str], values: list[int], *, name: str, horizontal: bool = False) -> dict:
    category_axis = {
        "type": "category",
        "data": labels,
        "axisLabel": {"interval": 0},
        "inverse": horizontal,  # the first row of the table on top
    }
    value_axis = {"type": "value", "minInterval": 1}
    return {
        "toolbox": toolbox(),
        "tooltip": {"trigger": "axis"},
        "grid": {"containLabel": True, "left": 10, "right": 30},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": [{"type": "bar", "name": name, "data": values, "label": {"show": True}}],
    }


# --- filings ---------------------------------------------------------------------------------


def filings_per_day(campaign: Campaign) -> Chart:
    """Filings per day (in the campaign's time zone) and their running total, against the
    filing deadline (and the coaching request's, which closes earlier). One query."""
    zone = ZoneInfo(settings.TIME_ZONE)
    per_day = (
        Nomination.objects.filter(campaign=campaign, filed_at__isnull=False)
        .annotate(day=TruncDate("filed_at", tzinfo=zone))
        .order_by()
        .values_list("day")
        .annotate(filed=Count("id"))
        .order_by("day")
    )
    rows: list[list[Any]] = []
    total = 0
    for day, filed in per_day:
        total += filed
        rows.append([day.isoformat(), filed, total])
    closes = campaign.filing_closes
    axis = timeline(campaign, [datetime.date.fromisoformat(r[0]) for r in rows])
    filed = {r[0]: r[1] for r in rows}
    running, totals = 0, []
    for day in axis:
        running += filed.get(day, 0)
        totals.append(running)
    deadlines = [
        {"name": _("Filing deadline"), "xAxis": closes.isoformat()},
        {
            "name": _("Coaching request deadline"),
            "xAxis": campaign.coaching_request_deadline.isoformat(),
        },
    ]
    option = {
        "toolbox": toolbox(),
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 28},
        "grid": {"containLabel": True, "left": 10, "right": 40, "top": 70},
        "xAxis": {"type": "category", "data": axis},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "line",
                "name": _("Filed in all"),
                "step": "end",
                "showSymbol": False,
                "data": totals,
                "markLine": {
                    "symbol": "none",
                    "label": {"formatter": "{b}", "position": "insideEndTop"},
                    "data": [d for d in deadlines if d["xAxis"] in axis],
                },
            },
            {"type": "bar", "name": _("Filed that day"), "data": [filed.get(d, 0) for d in axis]},
        ],
    }
    return Chart(
        slug="filings",
        title=_("Filings per day against the deadline"),
        header=[_("Day"), _("Filed that day"), _("Filed in all")],
        rows=rows,
        option=option,
        note=_("Filing deadline: %(day)s") % {"day": closes.isoformat()},
    )


def timeline(campaign: Campaign, filed: list[datetime.date]) -> list[str]:
    """The days of the filings chart: every day from the opening (or the first filing) to the
    deadline (or the last filing); when that is more than a year, the filing days and the
    deadlines only."""
    deadlines = [campaign.coaching_request_deadline, campaign.filing_closes]
    first = min([campaign.filing_opens, *filed])
    last = max([campaign.filing_closes, *filed])
    if (last - first).days > MAX_AXIS_DAYS:
        days = sorted({campaign.filing_opens, *deadlines, *filed})
    else:
        days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    return [day.isoformat() for day in days]


# --- nominations by … ------------------------------------------------------------------------


def _filed(campaign: Campaign):
    return Nomination.objects.filter(campaign=campaign).exclude(state=NominationState.DRAFT)


def _count_chart(
    slug: str,
    title: str,
    label: str,
    counted: Iterable[tuple[Any, int]],
    *,
    what: str = "",
    horizontal: bool = False,
) -> Chart:
    what = what or _("Nominations")
    rows = [[name or NOT_GIVEN, count] for name, count in counted]
    return Chart(
        slug=slug,
        title=title,
        header=[label, what],
        rows=rows,
        option=_bars([r[0] for r in rows], [r[1] for r in rows], name=what, horizontal=horizontal),
    )


def by_category(campaign: Campaign) -> Chart:
    """Filed nominations per category, every category of the campaign (0 included)."""
    counted = (
        campaign.categories.order_by("position")
        .annotate(n=Count("nominations", filter=~Q(nominations__state=NominationState.DRAFT)))
        .values_list("title", "n")
    )
    return _count_chart(
        "category", _("Nominations by category"), _("Category"), counted, horizontal=True
    )


def _by_field(campaign: Campaign, path: str) -> list[tuple[str, int]]:
    return list(
        _filed(campaign).order_by().values_list(path).annotate(n=Count("id")).order_by("-n", path)
    )


def by_region(campaign: Campaign) -> Chart:
    """Filed nominations per region of the candidate's organization."""
    counted = _by_field(campaign, "organization__region")
    return _count_chart("region", _("Nominations by region"), _("Region"), counted)


def by_industry(campaign: Campaign) -> Chart:
    """Filed nominations per industry or system of the candidate's organization."""
    counted = _by_field(campaign, "organization__sector")
    return _count_chart("industry", _("Nominations by industry"), _("Industry or system"), counted)


def by_state(campaign: Campaign) -> Chart:
    """Every nomination of the campaign per state, in the workflow's order; empty states left
    out."""
    found = dict(
        Nomination.objects.filter(campaign=campaign)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
    )
    counted = [(str(s.label), found[s.value]) for s in NominationState if found.get(s.value)]
    return _count_chart("state", _("Nominations by state"), _("State"), counted, horizontal=True)


# --- scores ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    """One judge's total on one submitted review."""

    nomination_id: int
    nomination: str
    category: str
    category_position: int
    total: int


def review_totals(campaign: Campaign) -> list[Total]:
    """Every judge's total on every submitted review with points. One query."""
    rows = (
        Review.objects.filter(nomination__campaign=campaign, state=ReviewState.SUBMITTED)
        .annotate(total=Sum("scores__points"))
        .filter(total__isnull=False)
        .values_list(
            "nomination_id",
            "nomination__title",
            "nomination__category__title",
            "nomination__category__position",
            "total",
        )
        .order_by("nomination__category__position", "nomination__title", "nomination_id")
    )
    return [Total(*row) for row in rows]


def five_numbers(values: Sequence[int]) -> tuple[float, float, float, float, float]:
    """Lowest, first quartile, median, third quartile, highest (quartiles inclusive, as a
    spreadsheet's QUARTILE.INC)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    if len(ordered) == 1:
        only = float(ordered[0])
        return only, only, only, only, only
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return float(ordered[0]), round(q1, 2), round(median, 2), round(q3, 2), float(ordered[-1])


def score_distribution(totals: list[Total]) -> Chart:
    """The spread of the judges' totals in each category scored on a rubric (a boxplot)."""
    per_category: dict[str, list[int]] = defaultdict(list)
    for t in sorted(totals, key=lambda t: t.category_position):
        per_category[t.category].append(t.total)
    rows = []
    for category, values in per_category.items():
        low, q1, median, q3, high = five_numbers(values)
        rows.append([category, len(values), low, q1, median, q3, high])
    option = {
        "toolbox": toolbox(),
        "tooltip": {"trigger": "item"},
        "grid": {"containLabel": True, "left": 10, "right": 30},
        "xAxis": {"type": "category", "data": [r[0] for r in rows]},
        "yAxis": {"type": "value", "name": _("Total"), "scale": True},
        "series": [{"type": "boxplot", "name": _("Judges' totals"), "data": [r[2:] for r in rows]}],
    }
    return Chart(
        slug="scores",
        title=_("Judges' totals per category"),
        header=[
            _("Category"),
            _("Reviews"),
            _("Lowest"),
            _("First quartile"),
            _("Median"),
            _("Third quartile"),
            _("Highest"),
        ],
        rows=rows,
        option=option,
    )


def agreement(campaign: Campaign, totals: list[Total]) -> Chart:
    """Per nomination with two judges' totals or more, the spread (highest minus lowest),
    flagged when strictly above the campaign's threshold."""
    threshold = campaign.spread_threshold
    per_nomination: dict[int, list[Total]] = defaultdict(list)
    for t in totals:
        per_nomination[t.nomination_id].append(t)
    rows = []
    for found in per_nomination.values():
        values = [t.total for t in found]
        if len(values) < 2:
            continue
        flagged = needs_attention(values, threshold)
        rows.append(
            [
                found[0].nomination or f"#{found[0].nomination_id}",
                found[0].category,
                len(values),
                min(values),
                max(values),
                spread(values),
                _("Yes") if flagged else _("No"),
            ]
        )
    option = _bars([r[0] for r in rows], [r[5] for r in rows], name=_("Spread"))
    option["series"][0]["markLine"] = {
        "symbol": "none",
        "label": {"formatter": _("Threshold %(points)s") % {"points": threshold}},
        "data": [{"yAxis": threshold}],
    }
    option["yAxis"]["max"] = max([threshold + 5] + [r[5] + 2 for r in rows])
    option["grid"]["right"] = 80  # room for the threshold's label
    return Chart(
        slug="agreement",
        title=_("Judges' agreement: spread per nomination"),
        header=[
            _("Nomination"),
            _("Category"),
            _("Judges"),
            _("Lowest"),
            _("Highest"),
            _("Spread"),
            _("Flagged"),
        ],
        rows=rows,
        option=option,
        note=_("A spread above %(points)s points is flagged.") % {"points": threshold},
    )


def judges_progress(campaign: Campaign) -> Chart:
    """Per judge, the nominations assigned (assignments not released) and the reviews
    submitted among them. One query."""
    submitted = Review.objects.filter(
        nomination=OuterRef("nomination"), judge=OuterRef("judge"), state=ReviewState.SUBMITTED
    )
    rows_found = (
        Assignment.objects.filter(nomination__campaign=campaign, released_at__isnull=True)
        .annotate(done=Exists(submitted))
        .order_by()
        .values_list("judge__display_name", "judge__username")
        .annotate(assigned=Count("id"), submitted=Count("id", filter=Q(done=True)))
        .order_by("judge__display_name", "judge__username")
    )
    rows = [
        [name or username, assigned, finished, f"{round(100 * finished / assigned)}%"]
        for name, username, assigned, finished in rows_found
    ]
    labels = [r[0] for r in rows]
    option = {
        "toolbox": toolbox(),
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 28},
        "grid": {"containLabel": True, "left": 10, "right": 30, "top": 70},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"type": "bar", "name": _("Assigned"), "data": [r[1] for r in rows]},
            {"type": "bar", "name": _("Submitted"), "data": [r[2] for r in rows]},
        ],
    }
    return Chart(
        slug="judges",
        title=_("Judges' progress"),
        header=[_("Judge"), _("Assigned"), _("Submitted"), _("Done")],
        rows=rows,
        option=option,
    )


def objections(campaign: Campaign) -> Chart:
    """Objections lodged during the public notice, per status (every status shown). One
    query."""
    found = dict(
        Objection.objects.filter(notice__campaign=campaign)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counted = [(str(s.label), found.get(s.value, 0)) for s in Objection.Status]
    return _count_chart(
        "objections", _("Objections by status"), _("Status"), counted, what=_("Objections")
    )


def dashboard(campaign: Campaign) -> list[Chart]:
    """Every chart of the dashboard, in the page's order: eight queries in all."""
    totals = review_totals(campaign)
    return [
        filings_per_day(campaign),
        by_category(campaign),
        by_region(campaign),
        by_industry(campaign),
        by_state(campaign),
        score_distribution(totals),
        judges_progress(campaign),
        agreement(campaign, totals),
        objections(campaign),
    ]


MAKERS = {
    "filings": filings_per_day,
    "category": by_category,
    "region": by_region,
    "industry": by_industry,
    "state": by_state,
    "scores": lambda c: score_distribution(review_totals(c)),
    "judges": judges_progress,
    "agreement": lambda c: agreement(c, review_totals(c)),
    "objections": objections,
}


def chart(campaign: Campaign, slug: str) -> Chart | None:
    """One chart by its slug (for a download), or None for an unknown slug."""
    maker = MAKERS.get(slug)
    return maker(campaign) if maker else None
