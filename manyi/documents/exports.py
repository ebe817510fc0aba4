"""Excel workbooks for the secretariat (openpyxl): the nominations of a category with every
field, the ranking of a category with every judge's total, and the plaque list of a campaign.

Every text cell is written as a string. A text that starts with = + - @, a tab or a carriage
return would be read as a formula by Excel or LibreOffice (formula injection, e.g.
"=cmd|' /C calc'!A0"): such a cell is stored as a plain string and marked quote-prefixed, so
the text stays exactly as filed (a name on a plaque must not gain an apostrophe) and no
spreadsheet ever evaluates it.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from manyi.campaigns.models import AggregationMethod, Campaign, Category, CategoryKind
from manyi.nominations.formspecs import FORMS, Field, FieldType
from manyi.nominations.models import Nomination, NominationState
from manyi.privacy.masking import masked
from manyi.reviews.aggregation import TRIM_MIN_JUDGES, display
from manyi.reviews.judging import criteria_with_items, judging_rubric
from manyi.reviews.models import Award, Review, ReviewState, Score
from manyi.reviews.ranking import Row, criteria_of, ranking

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Personal fields are masked unless the secretariat asks for them in full (?full=1): which
# fields and how is decided by manyi.privacy.masking, for exports and pages alike.
YES, NO = "是", "否"
PLAQUE_HEADER = "自愿制作荣誉牌匾"
AGGREGATES = {
    AggregationMethod.MEAN: "各专家总分的平均分",
    AggregationMethod.TRIMMED_MEAN: "去掉一个最高分和一个最低分后的平均分",
}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


# --- cells -----------------------------------------------------------------------------------


def write(cell: Cell, value: Any) -> None:
    """Put `value` in `cell`: numbers and dates as such, everything else as a string; a string
    that a spreadsheet would take for a formula is forced to text (see the module docstring).
    Characters XML cannot hold (C0 controls but tab, LF, CR) are dropped."""
    if value is None:
        return
    if isinstance(value, datetime):
        # Excel has no time zones; whole seconds survive its floating-point days exactly.
        cell.value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
        cell.number_format = DATETIME_FORMAT
        return
    if isinstance(value, bool):
        value = YES if value else NO
    if isinstance(value, int | Decimal | date) and not isinstance(value, bool):
        cell.value = value
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def workbook_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: a bold, frozen header row, then the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit
    for column, label in enumerate(header, start=1):
        write(sheet.cell(row=1, column=column), label)
        sheet.cell(row=1, column=column).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = max(10, min(40, len(label) * 2))
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            write(sheet.cell(row=number, column=column), value)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- masking: one place decides (manyi.privacy.masking) ---------------------------------------


def field_value(field_: Field, data: dict[str, Any], *, full: bool) -> str:
    value = data.get(field_.code, "")
    if field_.type == FieldType.CHECKBOX:
        return YES if value else NO
    value = str(value)
    return value if full else masked(field_, value)


# --- the nominations of a category -----------------------------------------------------------


def nominations_of(category: Category) -> list[Nomination]:
    """Every nomination of a category but drafts (not yet filed, so not yet the secretariat's
    business), in the order they were filed."""
    return list(
        category.nominations.exclude(state=NominationState.DRAFT)
        .select_related("organization")
        .order_by("filed_at", "pk")
    )


def nominations_header(category: Category) -> list[str]:
    spec = FORMS[category.kind]
    header = ["编号", "名称（以申报为准）", "申报单位", "状态"]
    header += [f.label for f in spec.fields]
    if spec.plaque_optional:
        header.append(PLAQUE_HEADER)
    return [*header, "创建时间", "申报时间", "最后修改时间"]


def nominations_workbook(category: Category, *, full: bool = False) -> bytes:
    """Every field of every nomination of a category, in the form's order (formspecs), with
    its state and dates; personal fields masked unless `full`. Two queries."""
    spec = FORMS[category.kind]
    rows = []
    for n in nominations_of(category):
        row: list[Any] = [n.pk, n.locked_name or n.title, n.organization.name]
        row.append(str(NominationState(n.state).label))
        row += [field_value(f, n.data, full=full) for f in spec.fields]
        if spec.plaque_optional:
            row.append(YES if n.data.get("plaque_opt_in") else NO)
        rows.append([*row, n.created_at, n.filed_at, n.updated_at])
    return workbook_bytes(category.title, nominations_header(category), rows)


# --- the ranking of a category ---------------------------------------------------------------


def judges_marks(category: Category, nomination_ids: Sequence[int]) -> dict[int, list[Any]]:
    """nomination id → each submitted judge's total (the sum of their points, by the database;
    judges who scored nothing are not counted), highest first: the columns 专家1..N carry no
    name and no fixed judge. For a unit: each judge's recommendation (是/否), 是 first."""
    marks: dict[int, list[Any]] = {}
    if category.kind == CategoryKind.UNIT:
        reviews = (
            Review.objects.filter(
                nomination_id__in=nomination_ids,
                state=ReviewState.SUBMITTED,
                recommends__isnull=False,
            )
            .order_by("nomination_id", "-recommends", "pk")
            .values_list("nomination_id", "recommends")
        )
        for nomination_id, recommends in reviews:
            marks.setdefault(nomination_id, []).append(YES if recommends else NO)
        return marks
    totals = (
        Score.objects.filter(
            review__state=ReviewState.SUBMITTED, review__nomination_id__in=nomination_ids
        )
        .values_list("review__nomination_id", "review_id")
        .annotate(total=Sum("points"), scores=Count("pk"))
        .order_by("review__nomination_id", "-total", "review_id")
    )
    for nomination_id, _review, total, _scores in totals:
        marks.setdefault(nomination_id, []).append(total)
    return marks


def aggregate_used(row: Row, category: Category) -> str:
    """Which aggregate a row's score is: the trimmed mean needs five judges or more."""
    if row.judges == 0:
        return ""
    method = category.campaign.aggregation_method
    if method == AggregationMethod.TRIMMED_MEAN and row.judges < TRIM_MIN_JUDGES:
        return AGGREGATES[AggregationMethod.MEAN]
    return AGGREGATES.get(method, method)


def number(value: Decimal | None) -> Decimal | None:
    """A mean as shown on the ranking page (2 places, half up), as a number Excel can sort."""
    return None if value is None else Decimal(display(value))


def ranking_workbook(category: Category) -> bytes:
    """A category's ranking as the ranking page computes it (manyi.reviews.ranking), with each
    judge's total (专家1..N, anonymous), the aggregate used, the per-criterion means and the
    spread. A fixed number of queries, whatever the number of rows."""
    rows = ranking(category)
    marks = judges_marks(category, [row.nomination.pk for row in rows])
    width = max((len(m) for m in marks.values()), default=0)
    experts = [f"专家{i}" for i in range(1, width + 1)]
    base = ["排名", "名称（以申报为准）", "申报单位", "状态"]
    if category.kind == CategoryKind.UNIT:
        header = [*base, *experts, "推荐专家数", "评审专家数", "被推荐企业满意度得分"]
        body = [
            [
                row.rank,
                row.name,
                row.nomination.organization.name,
                str(NominationState(row.nomination.state).label),
                *pad(marks.get(row.nomination.pk, []), width),
                row.recommends if row.judges else None,
                row.judges,
                row.tie_break,
            ]
            for row in rows
        ]
        return workbook_bytes(f"{category.title}排名", header, body)
    criteria = criteria_of(category)
    means = [f"{c.item.name}·{c.name}（均分）" for c in criteria]
    header = [
        *base,
        *experts,
        "评审专家数",
        "综合得分",
        "计分方法",
        *means,
        "极差",
        f"极差超过{category.campaign.spread_threshold}分",
        "并列时比较项均分",
        "自评分",
    ]
    body = [
        [
            row.rank,
            row.name,
            row.nomination.organization.name,
            str(NominationState(row.nomination.state).label),
            *pad(marks.get(row.nomination.pk, []), width),
            row.judges,
            number(row.aggregate),
            aggregate_used(row, category),
            *(number(row.criterion_means.get(c.pk)) for c in criteria),
            row.spread,
            (YES if row.flagged else NO) if row.spread is not None else None,
            number(row.tie_break),
            row.self_score,
        ]
        for row in rows
    ]
    return workbook_bytes(f"{category.title}排名", header, body)


def pad(values: list[Any], width: int) -> list[Any]:
    return values + [None] * (width - len(values))


# --- the plaque list of a campaign -----------------------------------------------------------

PLAQUE_HEADERS = ["名称（以申报为准）", "荣誉称号", "单位", "证书编号", PLAQUE_HEADER]


def awards_of(campaign: Campaign) -> list[Award]:
    """The awards of a campaign in certificate order (by category, then number)."""
    return list(
        Award.objects.filter(nomination__campaign=campaign)
        .select_related("nomination__organization", "nomination__category")
        .order_by("nomination__category__position", "sequence")
    )


def plaques_workbook(campaign: Campaign) -> bytes:
    """The awards that may have a plaque (teams and units: 荣誉牌匾遵循自愿制作原则), with the
    name exactly as filed and whether the winner asked for one (plaque_opt_in, 是/否)."""
    rows = [
        [
            award.name,
            award.nomination.category.title,
            award.nomination.organization.name,
            award.number,
            YES if award.nomination.data.get("plaque_opt_in") else NO,
        ]
        for award in awards_of(campaign)
        if FORMS[award.nomination.category.kind].plaque_optional
    ]
    return workbook_bytes(f"{campaign.year}年度荣誉牌匾", PLAQUE_HEADERS, rows)


# --- the judges' score sheets ---------------------------------------------------------------


def score_sheets_workbook(category: Category) -> bytes:
    """每位评审专家的评分表: one row per judge and nomination — the state of the review, the
    points of every criterion, the total and the opinion (for a unit: whether the judge
    recommends it). For the secretariat, so judges are named. Three queries, whatever the size."""
    criteria = [criterion for _item, criterion in criteria_with_items(judging_rubric(category))]
    reviews = (
        Review.objects.filter(nomination__category=category)
        .select_related("judge", "nomination")
        .prefetch_related("scores")
        .order_by("judge__username", "nomination__title", "nomination_id")
    )
    header = ["评审专家", "申报名称", "状态"]
    header += [f"{c.name}（{c.max_points}分）" for c in criteria]
    header += ["是否推荐"] if not criteria else ["总分"]
    header += ["评审意见", "提交时间"]
    rows = []
    for review in reviews:
        points = {score.criterion_id: score.points for score in review.scores.all()}
        row: list[Any] = [
            review.judge.display_name or review.judge.username,
            review.nomination.title,
            review.get_state_display(),
        ]
        row += [points.get(c.pk) for c in criteria]
        if criteria:
            row.append(sum(points.values()))
        else:
            row.append(None if review.recommends is None else review.recommends)
        row += [review.comment, review.submitted_at]
        rows.append(row)
    return workbook_bytes(f"{category.title}评分表", header, rows)
