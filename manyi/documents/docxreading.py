"""Reading a filled .docx, the primitives the form reader (importer.py) and the
self-assessment sheet reader (selfassessment.py) share: what a reading yields (`Reading`), the
document's body parsed safely (`load`), its tables as a grid of cells read once, and labels
matched with all white space removed (民 族 → 民族).

Safety first: the file is checked by `open_docx_safely` (zip bombs, macros, encryption) and its
document part is inflated with a hard cap by `docx_document_xml` (which refuses a DOCTYPE)
before python-docx's parser reads it; no other part is parsed.
"""

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import BinaryIO

from django.core.exceptions import ValidationError
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.table import Table, _Cell
from lxml import etree

from manyi.core.uploads import READ_ERRORS, docx_document_xml

WHITE = re.compile(r"\s+")
COLONS = ":："  # a label ends with one or the other


def squeeze(text: str) -> str:
    """The text with all white space removed (including U+3000 and line breaks)."""
    return WHITE.sub("", text)


@cache  # labels are the forms' own: a few hundred
def label_pattern(label: str) -> str:
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


def load(f: BinaryIO, name: str):
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
