"""The forms as Word documents (.docx), drawn with python-docx from the layout of layout.py:
A4, the seed's titles, table grids with merged cells, ☑/☐ boxes, empty signing lines.

Word and WPS take the East Asian font from `w:eastAsia`: 宋体 for the text, 黑体 for titles
(LibreOffice substitutes a Noto CJK font where they are missing).
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from manyi.documents.layout import Mark, Para, Run, Sheet

BODY_FONT, TITLE_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
BODY_SIZE = Pt(10.5)  # 五号
TITLE_SIZE = Pt(16)  # 三号
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _east_asian(element, name: str) -> None:
    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _write(paragraph: Paragraph, para: Para, *, size: Pt | None = None) -> None:
    paragraph.alignment = ALIGN[para.align]
    paragraph.paragraph_format.space_after = Pt(0)
    for piece in para.runs:
        run = paragraph.add_run(piece.text)
        run.bold = piece.bold or None
        run.underline = piece.underline or None
        if size is not None:
            run.font.size = size


def _fill(cell, paras: tuple[Para, ...]) -> None:
    """Write the paragraphs into a cell, leaving no stray empty paragraph from a merge."""
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    first = cell.paragraphs[0]
    for run in first.runs:
        run._element.getparent().remove(run._element)
    _write(first, paras[0])
    for para in paras[1:]:
        _write(cell.add_paragraph(), para)


# The row properties that follow each one we set, in the schema's order.
ROW_PROPERTY_SUCCESSORS = {
    "w:cantSplit": ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"),
    "w:tblHeader": ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"),
}


def _row_property(row, tag: str) -> None:
    """A row's on/off property: w:tblHeader (repeated on each page), w:cantSplit (kept on one
    page)."""
    marker = OxmlElement(tag)
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert_element_before(marker, *ROW_PROPERTY_SUCCESSORS[tag])


def _table(document, sheet: Sheet) -> Table:
    table = document.add_table(rows=len(sheet.rows), cols=sheet.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, width in enumerate(sheet.widths):
        table.columns[i].width = Cm(width)
        for cell in table.columns[i].cells:
            cell.width = Cm(width)
    for r, row in enumerate(sheet.rows):
        for spec in row:
            cell = table.cell(r, spec.col)
            if spec.rowspan > 1 or spec.colspan > 1:
                cell = cell.merge(table.cell(r + spec.rowspan - 1, spec.col + spec.colspan - 1))
            _fill(cell, spec.paras)
            long_text = len(spec.paras) > 1 or spec.height
            cell.vertical_alignment = (
                WD_CELL_VERTICAL_ALIGNMENT.TOP
                if long_text and not spec.label
                else WD_CELL_VERTICAL_ALIGNMENT.CENTER
            )
            if spec.height and spec.rowspan == 1:
                table.rows[r].height = Cm(spec.height)
                table.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for r in range(sheet.header_rows):
        _row_property(table.rows[r], "w:tblHeader")
    for r, (_cells, keep) in enumerate(sheet.body, start=sheet.header_rows):
        if keep:
            _row_property(table.rows[r], "w:cantSplit")
    return table


def _setup(document, mark: Mark) -> None:
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    _east_asian(normal.element, BODY_FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    if mark.draft:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run("草稿　未提交的申报，不能作为申报材料")
        run.bold = True
        run.font.color.rgb = RGBColor(0xA0, 0xA0, 0xA0)
    if mark.code:
        footer = section.footer.paragraphs[0]
        footer.add_run(f"验证码：{mark.code}")
        if mark.verify_url:
            footer.add_run(f"　核验：{mark.verify_url}")


def _heading(paragraph: Paragraph, text: str, *, size: Pt, align: str, bold: bool) -> None:
    _write(paragraph, Para((Run(text, bold=bold),), align), size=size)  # type: ignore[arg-type]
    for run in paragraph.runs:
        _east_asian(run._element, TITLE_FONT)


def render(sheets: list[Sheet], mark: Mark) -> bytes:
    """The sheets as one Word document, each sheet starting a new page."""
    document = Document()
    _setup(document, mark)
    for number, sheet in enumerate(sheets):
        ref = document.add_paragraph()
        ref.paragraph_format.page_break_before = number > 0
        _heading(ref, sheet.ref, size=Pt(14), align="left", bold=False)
        title = document.add_paragraph()
        _heading(title, sheet.title, size=TITLE_SIZE, align="center", bold=True)
        title.paragraph_format.space_after = Pt(6)
        for line in sheet.before:
            _write(document.add_paragraph(), line)
        _table(document, sheet)
        for line in sheet.after:
            _write(document.add_paragraph(), line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
