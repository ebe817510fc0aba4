"""Reading filled forms (附件2-7, .docx) back into form data: the Word files we write
(documents.docx) and the same forms filled by hand in Word or WPS.

Safety first: the file is checked by `open_docx_safely` (zip bombs, macros, encryption) and its
document part is inflated with a hard cap by `docx_document_xml` (which refuses a DOCTYPE)
before python-docx's parser reads it; no other part is parsed. The kind is the form's own
title. The table is walked in reading order, a merged cell once; labels are matched with all
white space removed (民 族 → 民族), in the form's printed order, so a label printed twice
(附件7 电话, 邮箱) is told apart by its place.

What is read: every FormSpec field (plain label/value pairs, a long text under its heading,
ticked boxes ☑ ■ √ against 口 □ ☐, the cells that hold several fields such as 所在单位主管部门,
班组人员构成 and 调查时间), and 附件7's coaching items. What is not: the honours box, signatures,
seals and dates written by hand.

Self-assessment sheets (附件1-1/1-2/1-3) are read too, alone (kind `self_assessment_<kind>`) or
after their form in one file (the bundle manyi prints): the score written beside each criterion,
keyed by the criterion's name without white space, and the written total (自评总分, 自评得分),
which must be the sum of the scores.
"""

import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.table import Table, _Cell
from lxml import etree

from manyi.core import formats
from manyi.core.uploads import READ_ERRORS, docx_document_xml
from manyi.nominations.formspecs import (
    COACHING_OTHER_LABEL,
    COACHING_OTHER_NOTE,
    FORMS,
    Field,
    FieldType,
    FormSpec,
)
from manyi.nominations.validation import (
    NON_FIELD,
    Problem,
    coaching_problems,
    field_problems,
    split_names,
    survey_problems,
    team_composition_problems,
)

TICKS = frozenset("☑■√✓✔☒▣")
UNTICKS = frozenset("口□☐")
MARKS = TICKS | UNTICKS
COLONS = ":："
BRACKETS = ("（", "(")
MAX_FILE_BYTES = 50 * 1024 * 1024  # a filled form is a few hundred KB
WHITE = re.compile(r"\s+")
NUMERIC = frozenset(
    {
        FieldType.AGE,
        FieldType.INTEGER,
        FieldType.DECIMAL,
        FieldType.POSTCODE,
        FieldType.MOBILE,
        FieldType.LANDLINE,
        FieldType.PHONE,
        FieldType.EMAIL,
        FieldType.DATE,
    }
)


def squeeze(text: str) -> str:
    """The text with all white space removed (including U+3000 and line breaks)."""
    return WHITE.sub("", text)


@cache  # labels are the forms' own: a few hundred
def _label_pattern(label: str) -> str:
    """A label as a regex that lets white space sit between its characters."""
    return r"\s*".join(re.escape(ch) for ch in squeeze(label))


@dataclass
class Reading:
    """What one file says: its kind (a CategoryKind code), its fields keyed by the form's own
    label without inner spaces (numbers as numbers, dates as YYYY-MM-DD, names as a list),
    `data` the same as strings keyed by field code (what a draft stores), and the problems
    found, in Chinese."""

    file: str
    kind: str | None = None
    fields: dict[str, object] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # label key → field code
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # labels of the fields not found
    scores: dict[str, int] = field(default_factory=dict)  # criterion key → self-score

    @property
    def ok(self) -> bool:
        return self.kind is not None and not self.problems

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "kind": self.kind,
            "ok": self.ok,
            "fields": self.fields,
            "problems": self.problems,
        }


# --- keys ------------------------------------------------------------------------------------


def coaching_codes(spec: FormSpec) -> list[tuple[str, str]]:
    """附件7's items as (code, label key): each item, its remark and 其他项目."""
    pairs = []
    for i, item in enumerate(spec.coaching_items, start=1):
        pairs += [
            (f"coaching_{i}", squeeze(item)),
            (f"coaching_{i}_remark", f"{squeeze(item)}备注"),
        ]
    if spec.coaching_items:
        pairs.append(("coaching_other", "其他项目"))
    return pairs


def label_keys(spec: FormSpec) -> dict[str, str]:
    """Field code → the key of its value in `Reading.fields`: the label without white space; a
    label the form prints twice (附件7 电话, 邮箱) is prefixed with the nearest unique label
    before it (主管领导电话, 负责人电话)."""
    labels = [squeeze(f.label) for f in spec.fields]
    keys, anchor = {}, ""
    for f, label in zip(spec.fields, labels, strict=True):
        if labels.count(label) == 1:
            keys[f.code] = label
            anchor = label
        else:
            keys[f.code] = f"{anchor}{label}"
    keys.update(coaching_codes(spec))
    return keys


# --- the document ----------------------------------------------------------------------------


class _Body(DocxDocument):
    """A .docx's body as python-docx reads it (paragraphs, tables, cells), parsed from
    word/document.xml alone: no other part of the file is parsed (styles, settings, themes,
    numbering), which the reader never looks at. Its paragraphs and tables are listed once:
    python-docx builds new objects on every `document.tables`, losing what is cached on them
    (`grid_rows`, `text_of`)."""

    def __init__(self, element) -> None:
        super().__init__(element, None)  # type: ignore[arg-type]  # no package: nothing to save

    @cached_property
    def paragraphs(self):  # type: ignore[override]
        return super().paragraphs

    @cached_property
    def tables(self):  # type: ignore[override]
        return super().tables


def _load(f: BinaryIO, name: str):
    """The document's body, parsed only after `docx_document_xml` found the zip safe
    (`open_docx_safely`), inflated its body with a hard cap and refused any DOCTYPE; parsed
    by python-docx's parser, which resolves no entity and loads nothing."""
    content = docx_document_xml(f, name=name)
    try:
        return _Body(parse_xml(content))
    except (*READ_ERRORS, KeyError, etree.XMLSyntaxError) as error:
        raise ValidationError(
            f"无法读取 Word 文件“{name}”：文件已损坏或不是 .docx 文档。"
        ) from error


def find_kind(document) -> str | None:
    """The kind whose title the document prints first (paragraphs, then the first cells)."""
    titles = {squeeze(spec.title): kind for kind, spec in FORMS.items()}
    texts = [p.text for p in document.paragraphs]
    for table in document.tables[:1]:
        texts += [text_of(c) for c in unique_cells(table)[:2]]
    for text in texts:
        key = squeeze(text)
        if key in titles:
            return titles[key]
    for text in texts:  # a title with a prefix or note, e.g. 附件2：用户满意服务先进个人推荐表
        key = squeeze(text)
        for title, kind in titles.items():
            if title in key and len(key) <= len(title) + 12:
                return kind
    return None


# The grid read with lxml directly, as python-docx's CT_Row.grid_before, CT_Tc.grid_span and
# CT_Tc.vMerge read it, without their per-access overhead (a third of reading a form).
W_TR, W_TC, W_TRPR, W_TCPR = qn("w:tr"), qn("w:tc"), qn("w:trPr"), qn("w:tcPr")
W_GRID_BEFORE, W_GRID_SPAN, W_VMERGE, W_VAL = (
    qn("w:gridBefore"),
    qn("w:gridSpan"),
    qn("w:vMerge"),
    qn("w:val"),
)


def _val(element, properties: str, tag: str, default: int) -> int:
    """The integer w:val of ./properties/tag (gridBefore, gridSpan), or the default."""
    found = element.find(properties)
    found = found.find(tag) if found is not None else None
    return default if found is None else int(found.get(W_VAL))


def grid_rows(table: Table) -> list[list[_Cell]]:
    """The table's rows as python-docx's `row.cells` gives them (a merged cell repeated in
    every grid position it covers), built in one pass over the XML: `row.cells` looks up the
    cell above for every vertically merged cell, which costs more than reading the file.
    Kept on the table, which the importer does not change."""
    cached = getattr(table, "_manyi_grid", None)
    if cached is not None:
        return cached
    rows: list[list[_Cell]] = []
    above: dict[int, _Cell] = {}
    for tr in table._tbl.iterchildren(W_TR):
        row: list[_Cell] = []
        col = _val(tr, W_TRPR, W_GRID_BEFORE, 0)
        for tc in tr.iterchildren(W_TC):
            span = _val(tc, W_TCPR, W_GRID_SPAN, 1)
            merge = tc.find(W_TCPR)
            merge = merge.find(W_VMERGE) if merge is not None else None
            # w:vMerge without w:val continues the cell above (ST_Merge's default)
            continues = merge is not None and merge.get(W_VAL, "continue") == "continue"
            cell = above.get(col) if continues else None
            if cell is None:
                cell = _Cell(tc, table)
            for k in range(span):
                row.append(cell)
                above[col + k] = cell
            col += span
        rows.append(row)
    table._manyi_grid = rows  # type: ignore[attr-defined]
    return rows


def text_of(cell: _Cell) -> str:
    """A cell's text, read once (python-docx reads it from the XML on every access)."""
    text = getattr(cell, "_manyi_text", None)
    if text is None:
        text = cell._manyi_text = cell.text  # type: ignore[attr-defined]
    return text


def unique_cells(table: Table) -> list[_Cell]:
    """The cells in reading order, a merged cell once (told apart by the XML element)."""
    seen: set[int] = set()
    cells = []
    for row in grid_rows(table):
        for cell in row:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell)
    return cells


def _form_table(document, spec: FormSpec) -> Table | None:
    """The table that holds the form: the one with the most of its labels."""
    labels = {squeeze(f.label) for f in spec.fields}
    best, score = None, 0
    for table in document.tables:
        texts = squeeze("".join(text_of(c) for c in unique_cells(table)))
        hits = sum(1 for label in labels if label in texts)
        if hits > score:
            best, score = table, hits
    return best


# --- values ----------------------------------------------------------------------------------


def _ticked(text: str, option: str) -> bool | None:
    """Whether the box of an option is ticked; None when the option is absent. Boxes stand
    before their options (☑服务业 □其他), or, when the text does not start with one, after them
    (服务业√ 其他□)."""
    match = re.search(_label_pattern(option), text)
    if match is None:
        return None
    if squeeze(text)[:1] in MARKS:
        before = text[: match.start()].rstrip()
        return bool(before) and before[-1] in TICKS
    after = text[match.end() :].lstrip()
    return bool(after) and after[0] in TICKS


def _choice(f: Field, text: str) -> str:
    plain = squeeze(text)
    for choice in f.choices:
        if plain == squeeze(choice):
            return choice
    if any(mark in text for mark in MARKS):
        return "、".join(c for c in f.choices if _ticked(text, c))
    return WHITE.sub(" ", text).strip()


def _one_line(text: str) -> str:
    """A short value: the lines of a cell joined (a line break inside a word is the cell's
    width, not the writer's), runs of white space made one space."""
    return WHITE.sub(" ", "".join(line.strip() for line in text.splitlines())).strip()


def _names(text: str) -> list[str]:
    names = []
    for name in split_names(text):
        if re.fullmatch(r"[\u3400-\u9fff·\s]+", name):  # a Chinese name: spaces only align it
            name = squeeze(name)
        names.append(WHITE.sub(" ", name))
    return names


def normalise(f: Field, text: str) -> str:
    """A cell's text as the form data stores it."""
    if f.type == FieldType.TEXTAREA:
        lines = [line.rstrip() for line in text.strip().splitlines()]
        return "\n".join(lines).strip()
    if f.type == FieldType.NAMES:
        return "\n".join(_names(text))
    if f.type == FieldType.CHOICE:
        return _choice(f, text)
    if f.type == FieldType.CHECKBOX:
        return "1" if _ticked(text, f.label) else ""
    if f.type in NUMERIC:
        value = squeeze(text)
        if f.type == FieldType.DATE and value:
            try:
                return formats.parse_date(value).isoformat()
            except ValidationError:
                return value
        if f.type in {FieldType.AGE, FieldType.INTEGER} and value.isdecimal():
            return str(int(value))
        return value
    return _one_line(text)


def typed(f: Field, value: str) -> object:
    """A stored value as `Reading.fields` shows it: numbers as numbers, names as a list."""
    if not value:
        return value
    if f.type in {FieldType.AGE, FieldType.INTEGER} and value.isdecimal():
        return int(value)
    if f.type == FieldType.DECIMAL:
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        if number.is_finite():
            return int(number) if number == number.to_integral_value() else float(number)
        return value
    if f.type == FieldType.NAMES:
        return value.splitlines()
    if f.type == FieldType.CHECKBOX:
        return bool(value)
    return value


# --- the walk --------------------------------------------------------------------------------


class _Cells:
    """The unique cells of the form's table, with a cursor that moves in printed order."""

    def __init__(self, table: Table) -> None:
        self.texts = [text_of(c) for c in unique_cells(table)]
        self.keys = [squeeze(t).rstrip(COLONS) for t in self.texts]
        self.cursor = 0

    def _search(self, test) -> int | None:
        order = [*range(self.cursor, len(self.keys)), *range(self.cursor)]
        return next((i for i in order if test(self.keys[i])), None)

    def label(self, label: str) -> int | None:
        """The cell that is the label (or the label and a note in brackets)."""
        key = squeeze(label)
        found = self._search(lambda k: k == key)
        if found is None:
            found = self._search(
                lambda k: k.startswith(key) and k[len(key) : len(key) + 1] in BRACKETS
            )
        return found

    def heading(self, label: str) -> int | None:
        """The cell that starts with the label and a colon (or is the label alone, its colon
        stripped): a long text under its heading."""
        key = squeeze(label).rstrip(COLONS)
        return self._search(lambda k: k.startswith(key) and (k == key or k[len(key)] in COLONS))

    def containing(self, labels: list[str]) -> int | None:
        keys = [squeeze(label) for label in labels]
        return self._search(lambda k: all(key in k for key in keys))

    def value(self, i: int) -> str:
        return self.texts[i] if i < len(self.texts) else ""


def _after_heading(text: str, label: str) -> str:
    match = re.match(r"\s*" + _label_pattern(label.rstrip(COLONS)) + r"\s*[:：]", text)
    return text[match.end() :] if match else text


def _in_cell(text: str, labels: list[str]) -> dict[str, str]:
    """Several `label：value` in one cell (所在单位主管部门名称：… 负责人：… 电话：…)."""
    found: list[tuple[str, int, int]] = []
    position = 0
    for label in labels:
        match = re.compile(_label_pattern(label) + r"\s*[:：]").search(text, position)
        if match:
            found.append((label, match.start(), match.end()))
            position = match.end()
    values = {}
    for n, (label, _start, end) in enumerate(found):
        stop = found[n + 1][1] if n + 1 < len(found) else len(text)
        values[label] = text[end:stop].strip()
    return values


def _read_group(cells: _Cells, group: str, fields: list[Field]) -> dict[str, str | None]:
    """A group's fields (None where not found)."""
    types = {f.type for f in fields}
    out: dict[str, str | None] = {f.code: None for f in fields}
    if types == {FieldType.INTEGER}:  # 班组人员构成: the labels over the numbers
        at = cells.label(group)
        if at is None:
            return out
        cells.cursor = at + 1
        positions = []
        for f in fields:
            i = cells.label(f.label)
            if i is not None:
                positions.append((f, i))
                cells.cursor = i + 1
        for n, (f, _i) in enumerate(positions):
            out[f.code] = normalise(f, cells.value(cells.cursor + n))
        cells.cursor += len(positions)
        return out
    if types == {FieldType.DATE}:  # 调查时间: from … to …
        at = cells.label(group)
        if at is None:
            return out
        text = cells.value(at + 1)
        cells.cursor = at + 2
        dates = [m.group(0) for m in re.finditer(formats.DATE_RE.pattern, text)]
        for f, date in zip(fields, dates, strict=False):
            out[f.code] = normalise(f, date)
        for f in fields[len(dates) :]:
            out[f.code] = ""
        return out
    if FieldType.CHECKBOX in types:  # 证实性材料复核结果: □真实 □齐全 □有效 □其他：…
        at = cells.label(group)
        if at is None:
            return out
        text = cells.value(at + 1)
        cells.cursor = at + 2
        for f in fields:
            if f.type == FieldType.CHECKBOX:
                out[f.code] = normalise(f, text)
            else:
                match = re.search(_label_pattern(f.label) + r"\s*[:：]?(.*)", text, re.S)
                out[f.code] = _one_line(match.group(1)) if match else ""
        return out
    # 所在单位主管部门: label：value pairs in one cell
    at = cells.containing([fields[0].label])
    if at is None:
        return out
    cells.cursor = at + 1
    values = _in_cell(cells.value(at), [f.label for f in fields])
    for f in fields:
        if f.label in values:
            out[f.code] = normalise(f, values[f.label])
    return out


def _read_field(cells: _Cells, f: Field) -> str | None:
    at = cells.label(f.label)
    if at is not None:
        cells.cursor = at + 2
        return normalise(f, cells.value(at + 1))
    at = cells.heading(f.label)
    if at is not None:
        cells.cursor = at + 1
        return normalise(f, _after_heading(cells.value(at), f.label))
    return None


def _read_coaching(cells: _Cells, spec: FormSpec) -> dict[str, str]:
    out = {}
    for i, item in enumerate(spec.coaching_items, start=1):
        at = cells.label(item)
        if at is None:
            continue
        mark = squeeze(cells.value(at + 1))
        out[f"coaching_{i}"] = "1" if any(ch in TICKS for ch in mark) else ""
        out[f"coaching_{i}_remark"] = _one_line(cells.value(at + 2))
        cells.cursor = at + 3
    at = cells.heading(COACHING_OTHER_LABEL)
    if at is not None:
        note = squeeze(COACHING_OTHER_NOTE)
        text = _after_heading(cells.value(at), COACHING_OTHER_LABEL)
        lines = [line.rstrip() for line in text.splitlines() if squeeze(line) != note]
        out["coaching_other"] = "\n".join(lines).strip()
    return out


def read_data(document, spec: FormSpec) -> tuple[dict[str, str], list[str]]:
    """The form's data by field code, and the codes of the fields not found."""
    table = _form_table(document, spec)
    if table is None:
        return {}, [f.code for f in spec.fields]
    cells = _Cells(table)
    data: dict[str, str] = {}
    missing: list[str] = []
    done: set[str] = set()
    for f in spec.fields:
        if f.code in done:
            continue
        if f.group:
            group = [g for g in spec.fields if g.group == f.group]
            done.update(g.code for g in group)
            for code, value in _read_group(cells, f.group, group).items():
                if value is None:
                    missing.append(code)
                else:
                    data[code] = value
            continue
        value = _read_field(cells, f)
        if value is None:
            missing.append(f.code)
        else:
            data[f.code] = value
    data.update(_read_coaching(cells, spec))
    return data, missing


def check(spec: FormSpec, data: dict[str, str]) -> list[Problem]:
    problems = field_problems(spec, data, filing=True)
    if spec.kind == "team":
        problems += team_composition_problems(data)
    if spec.kind == "unit":
        problems += survey_problems(data)
    problems += coaching_problems(spec, data, filing=True)
    return problems


def read_form(f: BinaryIO | str | Path, *, name: str | None = None) -> Reading:
    """Read one filled form (.docx). Never raises for what the file holds: a file that is not a
    safe .docx, or not one of the forms, comes back not ok with the reason."""
    if isinstance(f, str | Path):
        path = Path(f)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return Reading(file=path.name, problems=[f"文件“{path.name}”超过 50 MB，未读取。"])
            with path.open("rb") as handle:
                return read_form(io.BytesIO(handle.read()), name=name or path.name)
        except OSError:
            return Reading(file=path.name, problems=[f"无法打开文件“{path.name}”。"])
    name = name or getattr(f, "name", None) or "文件"
    name = Path(str(name)).name
    reading = Reading(file=name)
    try:
        document = _load(f, name)
    except ValidationError as error:
        reading.problems += error.messages
        return reading
    kind = find_kind(document)
    if kind is None:
        sheet_kind = find_self_assessment(document)
        if sheet_kind is not None:
            reading.kind = f"{SELF_ASSESSMENT_PREFIX}{sheet_kind}"
            read_self_assessment(document, sheet_kind, reading, alone=True)
            return reading
        titles = "、".join(spec.title for spec in FORMS.values())
        reading.problems.append(f"未能识别表格种类：文档中没有找到表名（{titles}）。")
        return reading
    spec = FORMS[kind]
    reading.kind = kind
    data, missing = read_data(document, spec)
    keys = label_keys(spec)
    by_code = {f.code: f for f in spec.fields}
    reading.data = data
    reading.codes = {keys[code]: code for code in data}
    for code, value in data.items():
        f = by_code.get(code)
        reading.fields[keys[code]] = (
            typed(f, value)
            if f
            else (bool(value) if re.fullmatch(r"coaching_\d+", code) else value)
        )
    reading.missing = [by_code[code].label for code in missing]
    reading.problems += [f"表中未找到“{label}”。" for label in reading.missing]
    for problem in check(spec, data):
        if problem.field in missing:
            continue
        if problem.field == NON_FIELD or problem.field not in keys:
            reading.problems.append(problem.message)
        else:
            reading.problems.append(f"{keys[problem.field]}：{problem.message}")
    if kind in SELF_ASSESSMENT_TITLES and find_self_assessment(document) == kind:
        read_self_assessment(document, kind, reading, alone=False)
    return reading


# --- the self-assessment sheets (附件1-1/1-2/1-3) ---------------------------------------------

SELF_ASSESSMENT_PREFIX = "self_assessment_"
# The titles the seed prints (the rubric data's `title`), by the kind of the form they go with.
SELF_ASSESSMENT_TITLES = {
    "individual": "用户满意服务先进个人自评标准",
    "team": "用户满意服务先进班组自评标准",
    "manager": "用户满意服务杰出管理者自评标准",
}
SELF_ASSESSMENT_KINDS = frozenset(f"{SELF_ASSESSMENT_PREFIX}{k}" for k in SELF_ASSESSMENT_TITLES)
# The line above the table: its labels (layout.SELF_ASSESSMENT_HEADER) and the total's label.
SELF_ASSESSMENT_LABELS = {
    "individual": ("姓名", "单位", "岗位", "自评总分"),
    "team": ("班组名称", "单位", "自评总分"),
    "manager": ("姓名", "单位", "岗位", "自评得分"),
}
CRITERION_RE = re.compile(r"(.+?)[（(](\d+)分[)）]")
SCORE_RE = re.compile(r"(\d+)分?")
SCORE_HEADINGS = frozenset({"评分", "自评分", "自评得分", "得分"})
BLANKS = re.compile(r"[_＿\s]+")


def find_self_assessment(document) -> str | None:
    """The kind (individual, team, manager) whose 附件1-x title the document prints."""
    for paragraph in document.paragraphs:
        key = squeeze(paragraph.text)
        for kind, title in SELF_ASSESSMENT_TITLES.items():
            if key == title or (title in key and len(key) <= len(title) + 12):
                return kind
    return None


def _number(text: str) -> int | None:
    """A score as written: ９, 9, 9分, ' 9 '; None when it is not a whole number."""
    match = SCORE_RE.fullmatch(squeeze(unicodedata.normalize("NFKC", text)))
    return int(match.group(1)) if match else None


def _sheet_table(document) -> Table | None:
    for table in document.tables:
        head = [squeeze(text_of(c)) for c in unique_cells(table)[:6]]
        if "评审细项" in head and SCORE_HEADINGS & set(head):
            return table
    return None


def _header_values(document, kind: str) -> dict[str, str]:
    """The values of the line above the table (姓名 王小满 单位 … 自评总分 95), each up to the
    next label; blanks (＿＿) are empty."""
    labels = SELF_ASSESSMENT_LABELS[kind]
    title = SELF_ASSESSMENT_TITLES[kind]
    texts = [p.text for p in document.paragraphs]
    start = next((i for i, t in enumerate(texts) if title in squeeze(t)), 0)
    text = "\n".join(texts[start + 1 : start + 6])
    pattern = "|".join(f"(?P<f{n}>{_label_pattern(label)})" for n, label in enumerate(labels))
    matches = list(re.finditer(pattern, text))
    values = {}
    for n, match in enumerate(matches):
        label = labels[int(match.lastgroup[1:])]  # type: ignore[index]
        stop = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        value = text[match.end() : stop].strip().lstrip(COLONS)
        values.setdefault(label, BLANKS.sub(" ", value).strip())
    return values


def read_self_assessment(document, kind: str, reading: Reading, *, alone: bool) -> None:
    """The sheet's scores and written total into `reading` (fields and problems). A sheet with
    nothing written is a problem alone, and nothing to read after a form."""
    table = _sheet_table(document)
    header = _header_values(document, kind)
    total_label = SELF_ASSESSMENT_LABELS[kind][-1]
    if table is None:
        reading.problems.append("自评表中没有找到评分表格（评审细项、评分）。")
        return
    rows = grid_rows(table)
    head = [squeeze(text_of(c)) for c in rows[0]]
    criterion_col = head.index("评审细项")
    score_col = next(i for i, text in enumerate(head) if text in SCORE_HEADINGS)
    scores: dict[str, int] = {}
    problems: list[str] = []
    seen: dict[int, object] = {}  # id → element, kept alive so that no id is reused
    for cells in rows[1:]:
        if len(cells) <= max(criterion_col, score_col):
            continue
        criterion = cells[criterion_col]
        if id(criterion._tc) in seen:
            continue
        seen[id(criterion._tc)] = criterion._tc
        match = CRITERION_RE.fullmatch(squeeze(text_of(criterion)))
        if match is None:
            continue
        name, maximum = match.group(1), int(match.group(2))
        written = squeeze(text_of(cells[score_col]))
        if not written:
            problems.append(f"{name}：未填写评分。")
            continue
        points = _number(written)
        if points is None:
            problems.append(f"{name}：评分“{written}”不是整数。")
        elif points > maximum:
            problems.append(f"{name}：评分{points}分超过该项满分{maximum}分。")
        else:
            scores[name] = points
    written_total = header.get(total_label, "")
    if not alone and not scores and not written_total:
        return  # the form's sheet left blank: nothing to read
    if not scores and not problems:
        problems.append("自评表中没有找到评审细项。")
    total = _number(written_total) if written_total else None
    if not written_total:
        problems.append(f"未填写{total_label}。")
    elif total is None:
        problems.append(f"{total_label}“{written_total}”不是整数。")
    elif not problems and total != sum(scores.values()):
        problems.append(
            f"{total_label}写的是{total}分，各细项评分合计{sum(scores.values())}分，两者不符。"
        )
    if alone:
        for label in SELF_ASSESSMENT_LABELS[kind][:-1]:
            if header.get(label):
                reading.fields[label] = header[label]
    reading.scores = scores
    reading.fields.update(scores)
    if total is not None:
        reading.fields[total_label] = total
    reading.problems += problems
