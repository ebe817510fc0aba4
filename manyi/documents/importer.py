"""Reading filled forms (附件2-7, .docx) back into form data: the Word files we write
(documents.docx) and the same forms filled by hand in Word or WPS.

The file is opened safely by `docxreading.load` (zip bombs, macros, encryption, DOCTYPE
refused; only the document part parsed). The kind is the form's own title. The table is walked
in reading order, a merged cell once; labels are matched with all white space removed
(民 族 → 民族), in the form's printed order, so a label printed twice (附件7 电话, 邮箱) is told
apart by its place.

What is read: every FormSpec field (plain label/value pairs, a long text under its heading,
ticked boxes ☑ ■ √ against 口 □ ☐, the cells that hold several fields such as 所在单位主管部门,
班组人员构成 and 调查时间), and 附件7's coaching items. What is not: the honours box, signatures,
seals and dates written by hand.

Self-assessment sheets (附件1-1/1-2/1-3) are read too, alone or after their form in one file,
by selfassessment.py.
"""

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from docx.table import Table

from manyi.core import formats
from manyi.documents.docxreading import (
    COLONS,
    WHITE,
    Reading,
    label_pattern,
    load,
    squeeze,
    text_of,
    unique_cells,
)
from manyi.documents.selfassessment import (
    SELF_ASSESSMENT_PREFIX,
    SELF_ASSESSMENT_TITLES,
    find_self_assessment,
    read_self_assessment,
)
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
BRACKETS = ("（", "(")
MAX_FILE_BYTES = 50 * 1024 * 1024  # a filled form is a few hundred KB
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
    match = re.search(label_pattern(option), text)
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
    match = re.match(r"\s*" + label_pattern(label.rstrip(COLONS)) + r"\s*[:：]", text)
    return text[match.end() :] if match else text


def _in_cell(text: str, labels: list[str]) -> dict[str, str]:
    """Several `label：value` in one cell (所在单位主管部门名称：… 负责人：… 电话：…)."""
    found: list[tuple[str, int, int]] = []
    position = 0
    for label in labels:
        match = re.compile(label_pattern(label) + r"\s*[:：]").search(text, position)
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
                match = re.search(label_pattern(f.label) + r"\s*[:：]?(.*)", text, re.S)
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
        document = load(f, name)
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
