"""The printed layout of the forms: one grid of cells built from a FormSpec (附件2-7) or a
rubric (附件1-1/1-2/1-3), which the Word builder (docx.py) and the PDF drawer (pdf.py) both draw.

The layout is generic: fields are packed in their order into rows of label/value pairs, long
texts get a whole row, groups of fields share one cell, choices print as ☑/☐ boxes. The few
things the seed prints that a FormSpec does not say (which fields are wide, where a row
breaks, the signing lines under the later boxes) are the small tables below.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError

from manyi.campaigns.models import Campaign, Rubric
from manyi.campaigns.phases import chinese_date
from manyi.core.formats import parse_date
from manyi.nominations.formspecs import (
    COACHING_OTHER_LABEL,
    COACHING_OTHER_NOTE,
    COMPLIANCE,
    INDUSTRIES,
    Field,
    FieldType,
    FormSpec,
    Section,
)
from manyi.nominations.models import Honour
from manyi.nominations.templatetags.nominations import fill
from manyi.nominations.validation import split_names

Align = Literal["left", "center", "right"]
CHECKED, UNCHECKED = "☑", "☐"
BLANK = "　"  # an ideographic space: room to write by hand
DATE_LINE = "年　　　月　　　日"
COLUMNS = 8  # four label/value pairs a row, as 附件2 starts
FORM_WIDTHS = (1.75, 2.5) * 4  # cm: label, value; 17 cm between A4's 2 cm margins

# The seed prints these choices as boxes to tick (口服务业 口制造业（服务） 口其他,
# □ 符合 □ 不符合); other choices (性别, 是否与会发表) are written in a plain blank.
BOXED_CHOICES = {INDUSTRIES, COMPLIANCE}
# Fields the seed prints in a wide cell (label and three columns), and fields that start a row.
WIDE = frozenset(
    {
        "team_name",
        "post",
        "employer",
        "employer_nature",
        "address",
        "email",
        "leader_landline",
        "leader_email",
        "unit_name",
        "recommending_body",
        "achievement_name",
        "enterprise",
    }
)
BREAK_BEFORE = frozenset(
    {"employer", "address", "leader", "responsible", "enterprise", "contact_department"}
)
# Sections whose title the seed prints as a label down the left side of their rows.
LABELLED_SECTIONS = frozenset({"证实性材料复核情况"})
# The forms that print 填报日期 under their title.
FILING_DATE_KINDS = frozenset({"individual", "team", "manager"})
# What the seed prints at the foot of the boxes others fill later (FormSpec.later).
SIGN_LINES = {
    "推荐部门意见": "单位负责人签字　　　　　（公章）：　　　　　　",
    "推荐意见": "地区、行业用委（质协）（公章）",
    "评审意见": "（本栏由评审机构填写）",
}
# 附件1-1/1-2/1-3: the line above the table (the rubric data's header_fields), as field codes.
SELF_ASSESSMENT_HEADER: dict[str, tuple[tuple[str, str], ...]] = {
    "individual": (("姓名", "name"), ("单位", "employer"), ("岗位", "post")),
    "team": (("班组名称", "team_name"), ("单位", "employer")),
    "manager": (("姓名", "name"), ("单位", "employer"), ("岗位", "position")),
}
SELF_TOTAL_LABEL = {"manager": "自评得分"}
SELF_ASSESSMENT_FOOTER = "所在组织（或推荐机构）审核意见:"
SELF_ASSESSMENT_SEAL = "所在组织（或推荐机构）＿＿＿＿＿＿＿＿＿＿＿＿＿＿(盖章)"


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    underline: bool = False


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    align: Align = "left"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def para(text: str, align: Align = "left", *, bold: bool = False) -> Para:
    return Para((Run(text, bold=bold),), align)


@dataclass
class Cell:
    paras: tuple[Para, ...]
    colspan: int = 1
    rowspan: int = 1
    label: bool = False  # a printed label: centred
    height: float = 0.0  # cm: the least height of a box left to write in
    keep: bool = True  # kept on one page; False for a long text, which may run on
    col: int = 0  # set by `place`

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras)


def label_cell(text: str, **kwargs) -> Cell:
    return Cell((para(text, "center"),), label=True, **kwargs)


def value_cell(lines: Iterable[str], **kwargs) -> Cell:
    return Cell(tuple(para(line) for line in lines) or (para(""),), **kwargs)


@dataclass
class Sheet:
    """One printed page (or more) of the bundle: 附件2, or 附件1-1, …"""

    ref: str
    title: str
    widths: tuple[float, ...]  # cm, one a column
    rows: list[list[Cell]]
    before: tuple[Para, ...] = ()
    after: tuple[Para, ...] = ()
    header_rows: int = 0  # repeated at the top of each page

    @property
    def columns(self) -> int:
        return len(self.widths)

    @property
    def head(self) -> list[list[Cell]]:
        return self.rows[: self.header_rows]

    @property
    def body(self) -> list[tuple[list[Cell], bool]]:
        """The rows below the header, each with whether it stays on one page (a signing box
        is never cut in two; a long text may run on)."""
        return [(row, all(cell.keep for cell in row)) for row in self.rows[self.header_rows :]]


@dataclass(frozen=True)
class Mark:
    """What marks a printed bundle: a draft's 草稿, a filed one's verification code."""

    draft: bool = False
    code: str = ""
    verify_url: str = ""


@dataclass(frozen=True)
class Content:
    """What a nomination's bundle prints: the typed data and the rows filing wrote. Empty for
    a blank template."""

    data: Mapping[str, str] = field(default_factory=dict)
    honours: tuple[Honour, ...] = ()
    filed_on: datetime.date | None = None
    scores: Mapping[int, str] = field(default_factory=dict)  # criterion id → points as printed
    self_total: int | None = None
    judges: Mapping[int, Decimal] = field(default_factory=dict)  # criterion id → mean


def place(rows: list[list[Cell]], columns: int) -> None:
    """Give each cell its first column, skipping the columns that cells of rows above still
    cover; every row must fill the grid exactly."""
    covered: dict[int, set[int]] = defaultdict(set)
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while col in covered[r]:
                col += 1
            cell.col = col
            for below in range(r + 1, r + cell.rowspan):
                covered[below].update(range(col, col + cell.colspan))
            col += cell.colspan
        while col in covered[r]:
            col += 1
        if col != columns:
            raise ValueError(f"row {r} spans {col} of {columns} columns")


# --- values as printed ---------------------------------------------------------------------


def boxes(choices: Iterable[str], ticked: Iterable[str]) -> str:
    ticked = set(ticked)
    return "　".join(f"{CHECKED if c in ticked else UNCHECKED}{c}" for c in choices)


def date_text(value: str) -> str:
    try:
        day = parse_date(value)
    except ValidationError:
        return value
    return chinese_date(day)


def printed(field_: Field, data: Mapping[str, str]) -> str:
    """A field's value as the paper shows it."""
    value = data.get(field_.code, "").strip()
    if field_.type == FieldType.CHOICE and field_.choices in BOXED_CHOICES:
        return boxes(field_.choices, [value])
    if field_.type == FieldType.CHECKBOX:
        return boxes([field_.label], [field_.label] if value else [])
    if field_.type == FieldType.NAMES:
        return "、".join(split_names(value))
    if field_.type == FieldType.DATE and value:
        return date_text(value)
    return value


def honour_line(honour: Honour) -> str:
    return (
        f"{honour.awarded_on.year}年{honour.awarded_on.month}月　{honour.issuer}　"
        f"{honour.name}（{honour.get_level_display()}）"
    )


# --- the forms of 附件2-7 -------------------------------------------------------------------


class _Packer:
    """Rows of label/value pairs: one slot is a label and a value column; a row that cannot
    take the next pair is closed by widening its last value to the edge."""

    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.rows: list[list[Cell]] = []
        self.current: list[Cell] = []
        self.used = 0

    def close(self) -> None:
        if self.current:
            self.current[-1].colspan += self.columns - self.used
            self.rows.append(self.current)
            self.current, self.used = [], 0

    def pair(self, label: str, lines: list[str], *, slots: int, breaks: bool = False) -> None:
        width = 2 * slots if slots < 4 else self.columns
        if breaks or self.used + width > self.columns:
            self.close()
        self.current += [label_cell(label), value_cell(lines, colspan=width - 1)]
        self.used += width

    def whole(self, *rows: list[Cell]) -> None:
        self.close()
        self.rows.extend(rows)


def _units(section: Section) -> list[Field | tuple[str, list[Field]]]:
    """The section's fields, with the fields of one group together."""
    units: list[Field | tuple[str, list[Field]]] = []
    for f in section.fields:
        last = units[-1] if units else None
        if f.group and isinstance(last, tuple) and last[0] == f.group:
            last[1].append(f)
        elif f.group:
            units.append((f.group, [f]))
        else:
            units.append(f)
    return units


def _text_box(heading: str, lines: list[str], columns: int, height: float) -> list[Cell]:
    paras = (para(f"{heading}："), *(para(line) for line in lines))
    return [Cell(paras, colspan=columns, height=height, keep=not lines)]


def _long_height(f: Field) -> float:
    return 6.0 if (f.max_chars or 0) > 500 else 4.0


def _group(packer: _Packer, label: str, fields: list[Field], data: Mapping[str, str]) -> None:
    types = {f.type for f in fields}
    if types == {FieldType.INTEGER}:  # 班组人员构成: the labels over the numbers
        spare = packer.columns - 1
        spans = [spare // len(fields) + (i < spare % len(fields)) for i in range(len(fields))]
        packer.whole(
            [
                label_cell(label, rowspan=2),
                *(label_cell(f.label, colspan=s) for f, s in zip(fields, spans, strict=True)),
            ],
            [value_cell([printed(f, data)], colspan=s) for f, s in zip(fields, spans, strict=True)],
        )
    elif types == {FieldType.DATE}:  # 调查时间: from … to …
        start, end = (printed(f, data) for f in (fields[0], fields[-1]))
        packer.pair(label, [f"{start} 至 {end}" if start or end else ""], slots=2)
    elif FieldType.CHECKBOX in types:  # 证实性材料复核结果: □真实 □齐全 □有效 □其他
        marks = []
        for f in fields:
            value = data.get(f.code, "").strip()
            text = f"：{value}" if value and f.type != FieldType.CHECKBOX else ""
            marks.append(f"{CHECKED if value else UNCHECKED}{f.label}{text}")
        packer.pair(label, ["　".join(marks)], slots=4)
    else:  # 所在单位主管部门: its name, person, telephone, fax in one cell, two a line
        parts = [f"{f.label}：{printed(f, data) or BLANK * 6}" for f in fields]
        lines = ["　　".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
        packer.pair(label, lines, slots=4)


def _field(packer: _Packer, f: Field, data: Mapping[str, str], *, labelled: bool) -> None:
    value = printed(f, data)
    if f.type == FieldType.TEXTAREA:
        lines = value.splitlines()
        height = 0.0 if lines else _long_height(f)
        if labelled:  # 优质服务成果情况: a label beside the text
            packer.pair(f.label, lines, slots=4)
            packer.current[-1].height = height
            packer.current[-1].keep = not lines
        else:
            packer.whole(_text_box(f.label, lines, packer.columns, height))
        return
    if f.type == FieldType.NAMES:
        packer.pair(f.label, [value], slots=4)
        return
    wide = f.code in WIDE or (f.type == FieldType.CHOICE and f.choices in BOXED_CHOICES)
    packer.pair(f.label, [value], slots=2 if wide else 1, breaks=f.code in BREAK_BEFORE)


def _honours(content: Content, columns: int, label: str) -> list[Cell]:
    lines = [honour_line(h) for h in content.honours]
    return _text_box(label, lines, columns, 0.0 if lines else 3.0)


def _coaching(spec: FormSpec, data: Mapping[str, str], columns: int) -> list[list[Cell]]:
    """附件7: the items to tick in the (√) column, each with a remark, and 其他项目."""
    rows = [
        [
            label_cell("所需辅导及支持的项目内容", colspan=5),
            label_cell("（√）"),
            label_cell("备注", colspan=2),
        ]
    ]
    for i, item in enumerate(spec.coaching_items, start=1):
        ticked = bool(data.get(f"coaching_{i}", "").strip())
        rows.append(
            [
                value_cell([item], colspan=5),
                Cell((para(CHECKED if ticked else UNCHECKED, "center"),)),
                value_cell([data.get(f"coaching_{i}_remark", "").strip()], colspan=2),
            ]
        )
    other = data.get("coaching_other", "").strip().splitlines()
    paras = (
        para(COACHING_OTHER_LABEL),
        *(para(line) for line in other),
        para(COACHING_OTHER_NOTE),
    )
    rows.append([Cell(paras, colspan=columns, height=0.0 if other else 5.0, keep=not other)])
    return rows


def _commitment(spec: FormSpec, columns: int) -> list[Cell]:
    """郑重承诺: the clauses, and blank lines to sign and date by hand."""
    paras = [para(spec.commitment_heading, bold=True), *(para(c) for c in spec.commitment)]
    paras.append(para(""))
    paras.append(para(f"{spec.signer_label}：" + BLANK * 10, "right"))
    if spec.team_signatures:
        paras += [para("班组成员承诺签字："), para(""), para(""), para("")]
    paras.append(para(DATE_LINE, "right"))
    return [Cell(tuple(paras), colspan=columns)]


def _later(label: str, note: str, columns: int) -> list[Cell]:
    """A box others fill later (推荐部门意见, 评审意见): empty, with its signing lines."""
    sign = SIGN_LINES.get(label, note)
    blank = (para(""),) * 4
    return [
        Cell(
            (para(f"{label}："), *blank, para(sign, "right"), para(DATE_LINE, "right")),
            colspan=columns,
        )
    ]


def form_sheet(spec: FormSpec, content: Content, campaign: Campaign | None) -> Sheet:
    """附件2-7 as printed: the fields in their order, the honours, the commitment and the
    boxes left for the recommender and the judges."""
    data = content.data
    packer = _Packer(COLUMNS)
    for section in spec.sections:
        labelled = section.title in LABELLED_SECTIONS
        inner = _Packer(COLUMNS - 1) if labelled else packer
        for unit in _units(section):
            if isinstance(unit, tuple):
                _group(inner, *unit, data)
                continue
            if spec.has_honours and unit.code == "deeds_summary":  # the seed prints them above
                inner.whole(_honours(content, inner.columns, spec.honours_label))
            _field(inner, unit, data, labelled=labelled)
        if labelled:
            inner.close()
            inner.rows[0].insert(0, label_cell(section.title, rowspan=len(inner.rows)))
            packer.whole(*inner.rows)
    if spec.has_honours and "deeds_summary" not in {f.code for f in spec.fields}:
        packer.whole(_honours(content, COLUMNS, spec.honours_label))
    if spec.coaching_items:
        packer.whole(*_coaching(spec, data, COLUMNS))
    if spec.commitment:
        packer.whole(_commitment(spec, COLUMNS))
    for label, note in spec.later:
        packer.whole(_later(label, note, COLUMNS))
    packer.close()
    rows = packer.rows
    place(rows, COLUMNS)
    before: tuple[Para, ...] = ()
    if spec.kind in FILING_DATE_KINDS:
        day = content.filed_on
        when = chinese_date(day) if day else DATE_LINE
        before = (para(f"填报日期：{when}", "right"),)
    after = tuple(para(fill(note, campaign) if campaign else note) for note in spec.notes)
    return Sheet(spec.ref, spec.title, FORM_WIDTHS, rows, before=before, after=after)


# --- the self-assessment of 附件1-1/1-2/1-3 -------------------------------------------------


def _header_field(label: str, value: str) -> tuple[Run, ...]:
    if value:
        return (Run(f"{label} "), Run(f"　{value}　", underline=True), Run("　　"))
    return (Run(f"{label}＿＿＿＿＿＿＿＿　　"),)


def self_assessment_sheet(kind: str, rubric: Rubric, content: Content) -> Sheet:
    """The rubric as printed, with the self-score of each criterion (and, for the
    secretariat, the judges' mean) in one cell beside its bands."""
    judged = bool(content.judges)
    header = ["评审项目", "评审细项", "评分标准", "评分"] + (["评审均分"] if judged else [])
    columns = len(header)
    rows: list[list[Cell]] = [[label_cell(h) for h in header]]
    for item in rubric.items.all():
        criteria = list(item.criteria.all())
        lines = [max(len(c.bands.all()), 1) for c in criteria]
        item_cell = Cell(
            (para(item.name, "center"), para(f"（{item.max_points}分）", "center")),
            rowspan=sum(lines),
            label=True,
        )
        for i, (criterion, count) in enumerate(zip(criteria, lines, strict=True)):
            bands = list(criterion.bands.all()) or [None]
            for j, band in enumerate(bands):
                row: list[Cell] = []
                if i == 0 and j == 0:
                    row.append(item_cell)
                if j == 0:
                    row.append(
                        value_cell([f"{criterion.name}（{criterion.max_points}分）"], rowspan=count)
                    )
                row.append(value_cell([f"{band.text}（{band.range_label}）" if band else ""]))
                if j == 0:
                    score = content.scores.get(criterion.pk, "")
                    row.append(Cell((para(score, "center"),), rowspan=count))
                    if judged:
                        mean = content.judges.get(criterion.pk)
                        text = f"{mean:.1f}" if mean is not None else ""
                        row.append(Cell((para(text, "center"),), rowspan=count))
                rows.append(row)
    footer = (para(SELF_ASSESSMENT_FOOTER), para(""), para(""), para(SELF_ASSESSMENT_SEAL, "right"))
    rows.append([Cell(footer, colspan=columns, height=3.5)])
    place(rows, columns)
    data = content.data
    runs: list[Run] = []
    for label, code in SELF_ASSESSMENT_HEADER[kind]:
        runs += _header_field(label, data.get(code, "").strip())
    total = "" if content.self_total is None else str(content.self_total)
    runs += _header_field(SELF_TOTAL_LABEL.get(kind, "自评总分"), total)
    widths = (2.2, 3.6, 8.0, 1.6) + ((1.6,) if judged else ())
    return Sheet(
        rubric.source,
        rubric.title,
        widths,
        rows,
        before=(Para(tuple(runs)),),
        header_rows=1,
    )
