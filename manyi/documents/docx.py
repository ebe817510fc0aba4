"""The forms as Word documents (.docx), drawn with python-docx from the layout of layout.py:
A4, the seed's titles, table grids with merged cells, ☑/☐ boxes, empty signing lines.

Built for speed (~5 ms a bundle, bench/documents.py): each document starts from a slim template
made once a process (`_template`), and the tables, nearly all of a form, are written as one XML
string (`_table_xml`) — the same elements python-docx wrote cell by cell, ten times slower.

Word and WPS take the East Asian font from `w:eastAsia`: 宋体 for the text, 黑体 for titles
(LibreOffice substitutes a Noto CJK font where they are missing).
"""

import io
from functools import cache
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Cm, Pt, RGBColor
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


# --- the tables, written as XML ---------------------------------------------------------------
# python-docx spends ~0.2 ms on each property of each cell (its element classes look up the
# schema order in Python). The grid is therefore written as one XML string, exactly the
# elements python-docx wrote (tblPr as `add_table`, the cells as `_fill`, the merges as Word
# writes them), and parsed once by python-docx's own parser.

TABLE_PROPERTIES = (
    '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
    '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
)
NAMESPACE = nsdecls("w")


@cache
def _twips(cm: float) -> int:
    return Cm(cm).twips


def _text_xml(text: str) -> str:
    """A run's content as python-docx writes it: w:t pieces, a tab as w:tab, a line break as
    w:br; xml:space="preserve" where white space starts or ends a piece."""
    out = []
    for n, line in enumerate(text.replace("\r", "\n").split("\n")):
        if n:
            out.append("<w:br/>")
        for m, piece in enumerate(line.split("\t")):
            if m:
                out.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
                out.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(out)


def _para_xml(para: Para) -> str:
    runs = []
    for run in para.runs:
        properties = ("<w:b/>" if run.bold else "") + (
            '<w:u w:val="single"/>' if run.underline else ""
        )
        rpr = f"<w:rPr>{properties}</w:rPr>" if properties else "<w:rPr/>"
        runs.append(f"<w:r>{rpr}{_text_xml(run.text)}</w:r>")
    return (
        f'<w:p><w:pPr><w:spacing w:after="0"/><w:jc w:val="{para.align}"/></w:pPr>'
        f"{''.join(runs)}</w:p>"
    )


def _table_xml(sheet: Sheet) -> str:
    widths = [_twips(w) for w in sheet.widths]
    # The grid: what each position holds: a cell's spec at its top-left corner, a vertical
    # merge's continuation below it, None where a horizontal merge covers it.
    grid: list[list] = [["empty"] * sheet.columns for _ in sheet.rows]
    heights: dict[int, int] = {}
    for r, row in enumerate(sheet.rows):
        for spec in row:
            for i in range(r, r + spec.rowspan):
                for j in range(spec.col, spec.col + spec.colspan):
                    grid[i][j] = None
                grid[i][spec.col] = ("continue", spec) if i > r else ("start", spec)
            if spec.height and spec.rowspan == 1:
                heights[r] = _twips(spec.height)
    keeps = {r for r, (_cells, keep) in enumerate(sheet.body, start=sheet.header_rows) if keep}
    out = [
        f"<w:tbl {NAMESPACE}>",
        TABLE_PROPERTIES,
        "<w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r, positions in enumerate(grid):
        row_properties = (
            ('<w:cantSplit w:val="true"/>' if r in keeps else "")
            + (f'<w:trHeight w:val="{heights[r]}" w:hRule="atLeast"/>' if r in heights else "")
            + ('<w:tblHeader w:val="true"/>' if r < sheet.header_rows else "")
        )
        out.append(f"<w:tr><w:trPr>{row_properties}</w:trPr>" if row_properties else "<w:tr>")
        for j, position in enumerate(positions):
            if position is None:
                continue
            if position == "empty":
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{widths[j]}"/></w:tcPr><w:p/></w:tc>'
                )
                continue
            state, spec = position
            width = sum(widths[spec.col : spec.col + spec.colspan])
            properties = [f'<w:tcW w:type="dxa" w:w="{width}"/>']
            if spec.colspan > 1:
                properties.append(f'<w:gridSpan w:val="{spec.colspan}"/>')
            if state == "continue":
                properties.append("<w:vMerge/>")
                out.append(f"<w:tc><w:tcPr>{''.join(properties)}</w:tcPr><w:p/></w:tc>")
                continue
            if spec.rowspan > 1:
                properties.append('<w:vMerge w:val="restart"/>')
            long_text = len(spec.paras) > 1 or spec.height
            align = "top" if long_text and not spec.label else "center"
            properties.append(f'<w:vAlign w:val="{align}"/>')
            paragraphs = "".join(_para_xml(p) for p in spec.paras)
            out.append(f"<w:tc><w:tcPr>{''.join(properties)}</w:tcPr>{paragraphs}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _table(document, sheet: Sheet) -> None:
    document.element.body._insert_tbl(parse_xml(_table_xml(sheet)))


# --- the template ----------------------------------------------------------------------------
# python-docx's default template carries 790 KB of style XML (styles.xml with every built-in
# and latent style, and its Word 2010 copy stylesWithEffects.xml), which every document parsed,
# serialized and compressed again: half the time of a form. The template is therefore made once
# a process, with the page, the fonts and only the styles the forms use (and those they are
# based on), and each document starts from its bytes.
TEMPLATE_STYLES = frozenset({"TableGrid", "Header", "Footer"})
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


@cache
def _template() -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    _east_asian(normal.element, BODY_FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            del document.part.rels[rid]
    styles = document.styles.element
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    by_id = {style.get(qn("w:styleId")): style for style in styles.findall(qn("w:style"))}
    wanted = set(TEMPLATE_STYLES) | {
        sid for sid, style in by_id.items() if style.get(qn("w:default")) in {"1", "true", "on"}
    }
    pending = list(wanted)
    while pending:  # the styles the kept ones are based on, linked to or followed by
        style = by_id.get(pending.pop())
        if style is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = style.find(qn(tag))
            target = ref.get(qn("w:val")) if ref is not None else None
            if target and target not in wanted:
                wanted.add(target)
                pending.append(target)
    for sid, style in by_id.items():
        if sid not in wanted:
            styles.remove(style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _setup(document, mark: Mark) -> None:
    section = document.sections[0]
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
    document = Document(io.BytesIO(_template()))
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
