"""The forms as PDF (A4) for printing, signing and sealing: the grid of layout.py drawn directly
with ReportLab (platypus: one Table a sheet, Paragraph cells), in TrueType CJK fonts that are
embedded (subset) in the file:

- AR PL UMing CN (fonts-arphic-uming), a Ming/Song serif face, for the text (24,000
  characters, 喆 珺 堃 赟 昇 among them);
- WenQuanYi Zen Hei (fonts-wqy-zenhei), a Hei face, for titles and bold runs (UMing has no
  bold), the watermark, and the rarer characters UMing lacks (its 42,000 include CJK
  Extension A);
- DejaVu Sans (fonts-dejavu-core) for the signs the CJK faces lack (☑ ☐).

Each character is drawn in the first of these faces that has it; a character none has (CJK
Extension B, 𠀀, is in no installed TrueType face) is printed as its code point, 〔U+20000〕,
and logged: never as an empty box.

ReportLab cannot embed CFF (OpenType-PS) fonts such as Noto CJK, hence these faces.

A draft carries a 草稿 watermark on every page; a filed form carries its verification code and a
QR code of the page that checks it, on every page. Long texts run on across pages (cut into
rows of a few lines: `_Drawer.table`); user text is escaped before ReportLab's paragraph markup
sees it.

Cost (bench/documents.py): 25–40 ms of CPU a bundle, 35–37 bundles a second a core on an idle
machine (WeasyPrint took ~0.25 s: 4–4.5): paragraph layout, ReportLab's TrueType subsetting
and deflating (rl_accel, ReportLab's C accelerator, speeds up its text metrics). A filed form
is still drawn once: its PDF is kept in media storage (`render` with the cache, below) for the
archive and the download page.

`document()` gives what the PDF depends on as two strings — the layout (JSON) and the
renderer's identity (its version, ReportLab's and the font files') — which `draw()` draws and
`cache_key()` digests; they travel to the archive's worker processes as they are.
"""

import gc
import hashlib
import json
import logging
import os
import threading
import unicodedata
from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from manyi.documents.layout import Mark, Sheet

CONTENT_TYPE = "application/pdf"
# Bump when what draw() makes of a document changes: the cache of filed PDFs keys on it.
RENDERER_VERSION = "manyi-reportlab-1"
logger = logging.getLogger(__name__)

# (name registered with ReportLab, file, index of the face in a .ttc)
SERIF = ("ManyiSerif", "/usr/share/fonts/truetype/arphic/uming.ttc", 0)  # AR PL UMing CN
HEI = ("ManyiHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)  # WenQuanYi Zen Hei
SYMBOLS = ("ManyiSymbols", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0)
REGULAR_CHAIN = (SERIF, SYMBOLS, HEI)  # the first that has a character draws it
BOLD_CHAIN = (HEI, SERIF, SYMBOLS)
FONT_PACKAGES = "fonts-arphic-uming fonts-wqy-zenhei fonts-dejavu-core (scripts/setup-debian)"

MM = 72 / 25.4  # points
PAGE_W, PAGE_H = 210 * MM, 297 * MM
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18 * MM, 18 * MM, 24 * MM
BODY_SIZE, LEADING = 10.5, 15.2
PIECE_LINES = 6  # a long text is cut into rows of so many lines (at most that much space lost)
GRID_WIDTH = 0.6
QR_SIZE = 16 * MM

# ReportLab's paragraphs collapse runs of white space, U+3000 included, where the forms use
# ideographic spaces as room to write by hand (年　　　月　　　日): drawn as two no-break spaces
# (half an em each), which paragraphs keep.
IDEOGRAPHIC_SPACE = "\xa0\xa0"

_lock = threading.RLock()
FACES = {face[0]: face for face in (SERIF, HEI, SYMBOLS)}


class _Fonts(dict):
    """Registered font name → the characters it draws. A face is read and registered with
    ReportLab when first asked for, once a process (~0.1 s and ~20 MB a CJK face)."""

    def __missing__(self, name: str) -> frozenset[str]:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        with _lock:
            if name in self:
                return self[name]
            _fast_compression()
            _name, path, index = FACES[name]
            if not os.path.exists(path):
                raise RuntimeError(f"PDF font {path} is missing: install {FONT_PACKAGES}")
            font = TTFont(name, path, subfontIndex=index)
            pdfmetrics.registerFont(font)
            self[name] = frozenset(map(chr, font.face.charToGlyph))
            # A face is hundreds of thousands of objects that live as long as the process:
            # frozen, the garbage collector no longer walks them at each collection (the
            # archive collects after each form: 24 ms a form with them, ~1 ms without).
            # Whatever else is alive now is frozen too (never collected if it becomes a
            # cycle): at most one request's or document's garbage, once a process.
            gc.freeze()
            return self[name]


_fonts = _Fonts()


def _register() -> _Fonts:
    """The fonts every document uses, registered (the fallbacks come when needed)."""
    for name, _path, _index in (SERIF, HEI, SYMBOLS):
        _fonts[name]  # read and registered on first use
    return _fonts


def _fast_compression() -> None:
    """Deflate ReportLab's streams (pages, embedded font subsets) at zlib level 1, not 6: a
    sixth of a bundle's time saved for ~10 % more bytes (a bundle is ~0.2 MB). ReportLab
    takes its Flate filter from this module attribute when it writes each stream."""
    import zlib

    from reportlab.lib.utils import asBytes
    from reportlab.pdfbase import pdfdoc

    class FastFlate(pdfdoc.PDFStreamFilterZCompress):
        def encode(self, text):
            return zlib.compress(asBytes(text), 1)

    if not isinstance(pdfdoc.PDFZCompress, FastFlate):
        pdfdoc.PDFZCompress = FastFlate()


def renderer_identity() -> str:
    """What the drawing depends on besides the document: this module's version, ReportLab's,
    and the font files (by size and modification time)."""
    import reportlab

    parts = [RENDERER_VERSION, f"reportlab {reportlab.Version}"]
    for _name, path, index in FACES.values():
        try:
            stat = os.stat(path)
            parts.append(f"{path}#{index} {stat.st_size} {int(stat.st_mtime)}")
        except OSError:
            parts.append(f"{path}#{index} missing")
    return "\n".join(parts)


# --- the document: what the PDF depends on --------------------------------------------------


def _paras(paras) -> list:
    return [[p.align, [[r.text, r.bold, r.underline] for r in p.runs]] for p in paras]


def document(sheets: list[Sheet], mark: Mark, *, title: str = "") -> tuple[str, str]:
    """The layout to draw (JSON) and the renderer's identity: everything the PDF depends on."""
    source = {
        "title": title or (sheets[0].title if sheets else ""),
        "mark": [mark.draft, mark.code, mark.verify_url],
        "sheets": [
            {
                "ref": sheet.ref,
                "title": sheet.title,
                "widths": list(sheet.widths),
                "header_rows": sheet.header_rows,
                "before": _paras(sheet.before),
                "after": _paras(sheet.after),
                "rows": [
                    [
                        [
                            _paras(cell.paras),
                            cell.colspan,
                            cell.rowspan,
                            cell.label,
                            cell.height,
                            cell.keep,
                            cell.col,
                        ]
                        for cell in row
                    ]
                    for row in sheet.rows
                ],
            }
            for sheet in sheets
        ],
    }
    return json.dumps(source, ensure_ascii=False, separators=(",", ":")), renderer_identity()


# --- drawing ---------------------------------------------------------------------------------


def _stand_in(char: str) -> str:
    """What is printed for a character no font has: a space for white space (a tab), nothing
    for an invisible format or control character (a zero-width space, a byte order mark), the
    code point for anything else, which is logged."""
    if char.isspace():
        return " "
    if unicodedata.category(char) in {"Cc", "Cf"}:
        return ""
    logger.warning("PDF: no font has U+%04X; printed as its code point", ord(char))
    return f"〔U+{ord(char):04X}〕"


def _markup(text: str, chain: tuple, fonts: dict[str, frozenset[str]]) -> str:
    """`text` as ReportLab paragraph markup: escaped (user text is never markup), each
    character in the first font of `chain` that has it, a character none has as its code
    point."""
    primary = chain[0][0]
    if fonts[primary].issuperset(text):
        return escape(text).replace("\u3000", IDEOGRAPHIC_SPACE)
    out: list[str] = []
    current, buffer = primary, []

    def flush() -> None:
        if buffer:
            chunk = escape("".join(buffer))
            out.append(chunk if current == primary else f'<font name="{current}">{chunk}</font>')
            buffer.clear()

    for char in text:
        font = next((name for name, _p, _i in chain if char in fonts[name]), None)
        if font is None:
            font, char = primary, _stand_in(char)
        if font != current:
            flush()
            current = font
        buffer.append(char)
    flush()
    return "".join(out).replace("\u3000", IDEOGRAPHIC_SPACE)


class _Drawer:
    """One document drawn: the styles and the flowables of its sheets."""

    def __init__(self, source: dict) -> None:
        from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        self.fonts = _register()
        self.source = source
        self.draft, self.code, self.verify_url = source["mark"]
        aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
        base = ParagraphStyle(
            "manyi",
            fontName=SERIF[0],
            fontSize=BODY_SIZE,
            leading=LEADING,
            wordWrap="CJK",
            splitLongWords=1,
        )
        self.styles = {
            a: ParagraphStyle(f"manyi-{a}", base, alignment=v) for a, v in aligns.items()
        }
        self.ref_style = ParagraphStyle("manyi-ref", base, fontSize=13, leading=18, spaceAfter=6)
        self.title_style = ParagraphStyle(
            "manyi-title",
            base,
            fontName=HEI[0],
            fontSize=16,
            leading=22,
            alignment=TA_CENTER,
            spaceAfter=4 * MM,
        )

    def markup(self, runs: list, *, bold: bool = False) -> str:
        parts = []
        for text, run_bold, underline in runs:
            chain = BOLD_CHAIN if (bold or run_bold) else REGULAR_CHAIN
            marked = _markup(text, chain, self.fonts)
            if chain is BOLD_CHAIN:
                marked = f'<font name="{HEI[0]}">{marked}</font>'
            parts.append(f"<u>{marked}</u>" if underline else marked)
        return "".join(parts)

    def paragraph(self, para: list, *, bold: bool = False, style=None):
        from reportlab.platypus import Paragraph, Spacer

        align, runs = para
        text = self.markup(runs, bold=bold)
        if not text.strip():
            return Spacer(0, LEADING)  # an empty line: room to write by hand
        return Paragraph(text, style or self.styles[align])

    def plain(self, paras: list, width: float, font: str) -> str | None:
        """The cell's lines as a plain string when they need no paragraph: one plain run each,
        every character in `font`, each line short enough for the cell. ReportLab draws such a
        cell with one drawString a line, several times cheaper than laying out a Paragraph."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        lines = []
        covered = self.fonts[font]
        for _align, runs in paras:
            if len(runs) != 1 or runs[0][2] or (runs[0][1] and font != HEI[0]):
                return None
            text = runs[0][0]
            if "\n" in text or not covered.issuperset(text):
                return None
            if stringWidth(text, font, BODY_SIZE) > width:
                return None
            lines.append(text)
        return "\n".join(lines)

    def cell(self, cell: list, *, bold: bool, width: float):
        from reportlab.platypus import Spacer

        paras, _colspan, _rowspan, _label, height, _keep, _col = cell
        if not height:
            aligns = {align for align, _runs in paras}
            text = self.plain(paras, width, HEI[0] if bold else SERIF[0])
            if text is not None and len(aligns) == 1:
                return text, aligns.pop()
        content = [self.paragraph(p, bold=bold) for p in paras]
        if height:  # a box left to write in: at least `height` cm tall
            room = height * 10 * MM - 2.4 * MM - LEADING * len(content)
            if room > 0:
                content.append(Spacer(0, room))
        return content, None

    @staticmethod
    def long(paras: list, width: float, keep: bool) -> bool:
        """Whether a cell may take more than PIECE_LINES lines (over-estimated: every
        character a full em, every paragraph rounded up): a long text that may run on, or
        any cell much taller than that."""
        per_line = max(int(width // BODY_SIZE), 1)
        lines = sum(-(-sum(len(run[0]) for run in runs) // per_line) or 1 for _a, runs in paras)
        return lines > (PIECE_LINES if not keep else 4 * PIECE_LINES)

    def pieces(self, content: list, width: float) -> list[list]:
        """A long text's flowables in pieces of at most PIECE_LINES lines, each to be a row of
        its own: ReportLab moves whole rows to the next page, and cannot split a cell that
        spans columns (it lays the rest out at one column's width)."""
        limit = PIECE_LINES * LEADING + 0.5
        pieces: list[list] = []
        current: list = []
        used = 0.0
        for flowable in content:
            _w, height = flowable.wrap(width, PAGE_H * 100)
            while used + height > limit:
                room = limit - used
                parts = flowable.split(width, room) if room >= LEADING else []
                if len(parts) == 2:
                    current.append(parts[0])
                    flowable = parts[1]
                    _w, height = flowable.wrap(width, PAGE_H * 100)
                elif not current:  # cannot be split (a spacer): it stands alone
                    break
                pieces.append(current)
                current, used = [], 0.0
            current.append(flowable)
            used += height
        if current:
            pieces.append(current)
        return pieces

    def table(self, sheet: dict):
        """The sheet's grid as one Table. A long text (a cell that may run on) is cut into
        pieces, one row each; the other cells of its row, and the cells spanning it, then span
        those rows by their border only (a box drawn around them, the content in the first),
        since ReportLab never breaks a page inside a span."""
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        widths = [w * 10 * MM for w in sheet["widths"]]
        rows = sheet["rows"]
        columns = len(widths)
        header = sheet["header_rows"]
        drawn = []  # (row, cell, content, align, pieces)
        extra = [1] * len(rows)  # grid rows each row of the layout takes
        for r, row in enumerate(rows):
            for cell in row:
                _paras, colspan, _rowspan, _label, _height, keep, col = cell
                width = sum(widths[col : col + colspan]) - 2 * MM
                content, align = self.cell(cell, bold=r < header, width=width)
                pieces = None
                if align is None and self.long(cell[0], width, keep):
                    pieces = self.pieces(content, width)
                    extra[r] = max(extra[r], len(pieces))
                drawn.append((r, cell, content, align, pieces))
        first = [sum(extra[:r]) for r in range(len(rows))]  # grid row of each layout row
        total = sum(extra)
        grid: list[list] = [[""] * columns for _ in range(total)]
        black = colors.black
        commands: list[tuple] = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONT", (0, 0), (-1, -1), SERIF[0], BODY_SIZE, LEADING),
            ("LEFTPADDING", (0, 0), (-1, -1), 1 * MM),
            ("RIGHTPADDING", (0, 0), (-1, -1), 1 * MM),
            ("TOPPADDING", (0, 0), (-1, -1), 1.2 * MM),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * MM),
            # The table is closed at the foot of a page and open again at the top of the next.
            ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), GRID_WIDTH, black),
            ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), GRID_WIDTH, black),
        ]
        cut = total > len(rows)  # a long text was cut into rows: a box for each cell
        if not cut:  # else one grid, which ReportLab draws faster
            commands.append(("GRID", (0, 0), (-1, -1), GRID_WIDTH, black))
        if header:
            commands.append(("FONT", (0, 0), (-1, header - 1), HEI[0], BODY_SIZE, LEADING))
        for r, cell, content, align, pieces in drawn:
            _paras, colspan, rowspan, _label, height, _keep, col = cell
            top, last = first[r], first[r + rowspan - 1] + extra[r + rowspan - 1] - 1
            right = col + colspan - 1
            if cut:
                commands.append(("BOX", (col, top), (right, last), GRID_WIDTH, black))
            if align and align != "left":
                commands.append(("ALIGN", (col, top), (col, top), align.upper()))
            if pieces:
                for i, piece in enumerate(pieces):
                    grid[top + i][col] = piece
                    commands.append(("VALIGN", (col, top + i), (col, top + i), "TOP"))
                    if colspan > 1:
                        commands.append(("SPAN", (col, top + i), (right, top + i)))
                    if i:  # no padding between the pieces: the lines run on as one text
                        commands.append(("TOPPADDING", (col, top + i), (col, top + i), 0))
                    if i < len(pieces) - 1:
                        commands.append(("BOTTOMPADDING", (col, top + i), (col, top + i), 0))
                continue
            grid[top][col] = content
            if last == top + rowspan - 1:  # no long text inside: a real span
                if colspan > 1 or rowspan > 1:
                    commands.append(("SPAN", (col, top), (right, last)))
                if height:
                    commands.append(("VALIGN", (col, top), (col, top), "TOP"))
            else:  # spanning rows cut into pieces: the content in the first grid row
                commands.append(("VALIGN", (col, top), (col, top), "TOP"))
                for row in range(top, last + 1):
                    if colspan > 1:
                        commands.append(("SPAN", (col, row), (right, row)))
        return Table(
            grid,
            colWidths=widths,
            repeatRows=header,
            splitByRow=1,
            style=TableStyle(commands),
            hAlign="CENTER",
            spaceBefore=2 * MM,
            spaceAfter=2 * MM,
        )

    def story(self) -> list:
        from reportlab.platypus import PageBreak, Paragraph

        story: list = []
        for n, sheet in enumerate(self.source["sheets"]):
            if n:
                story.append(PageBreak())
            story.append(
                Paragraph(_markup(sheet["ref"], REGULAR_CHAIN, self.fonts), self.ref_style)
            )
            title = _markup(sheet["title"], BOLD_CHAIN, self.fonts)
            story.append(Paragraph(title, self.title_style))
            story += [self.paragraph(p) for p in sheet["before"]]
            story.append(self.table(sheet))
            story += [self.paragraph(p) for p in sheet["after"]]
        return story

    # The decoration of every page, drawn before its content.
    def page(self, canvas, doc) -> None:
        canvas.saveState()
        if self.draft:
            canvas.saveState()
            canvas.setFillColorRGB(200 / 255, 0, 0)
            canvas.setFillAlpha(0.12)
            canvas.setFont(HEI[0], 150)
            canvas.translate(PAGE_W / 2, PAGE_H * 0.6)
            canvas.rotate(30)
            canvas.drawCentredString(0, -50, "草稿")
            canvas.restoreState()
        if self.code:
            canvas.doForm("manyi-qr")
            x = MARGIN_X + QR_SIZE + 3 * MM
            self.line(canvas, x, 13.5 * MM, "验证码：", 8, tail=(self.code, HEI[0]))
            check = self.verify_url or "登录系统，在“文档核验”中输入验证码"
            canvas.setFillColorRGB(0x44 / 255, 0x44 / 255, 0x44 / 255)
            self.line(canvas, x, 9 * MM, f"核验：{check}", 7)
            canvas.setFillColorRGB(0, 0, 0)
        prefix = f"第 {doc.page} 页 / 共 "
        right = PAGE_W - MARGIN_X - canvas.stringWidth("99 页", SERIF[0], 8)
        canvas.setFont(SERIF[0], 8)
        canvas.drawRightString(right, 11 * MM, prefix)
        canvas.translate(right, 11 * MM)
        canvas.doForm("manyi-pages")
        canvas.restoreState()
        canvas.manyi_pages = doc.page

    def line(self, canvas, x: float, y: float, text: str, size: float, tail=None) -> float:
        """A line of the page foot, each character in a font that has it."""
        pieces = [(text, REGULAR_CHAIN)] + ([(tail[0], BOLD_CHAIN)] if tail else [])
        for piece, chain in pieces:
            runs: list[list] = []  # [font, text]
            for char in piece:
                font = next((n for n, _p, _i in chain if char in self.fonts[n]), None)
                if font is None:
                    font, char = chain[0][0], _stand_in(char)
                if runs and runs[-1][0] == font:
                    runs[-1][1] += char
                else:
                    runs.append([font, char])
            for font, run in runs:
                canvas.setFont(font, size)
                canvas.drawString(x, y, run)
                x += canvas.stringWidth(run, font, size)
        return x

    def finish(self, canvas) -> None:
        """The forms every page refers to: the QR code, and the number of pages."""
        canvas.beginForm("manyi-pages")
        canvas.setFont(SERIF[0], 8)
        canvas.drawString(0, 0, f"{getattr(canvas, 'manyi_pages', 1)} 页")
        canvas.endForm()
        canvas.beginForm("manyi-qr")
        if self.code:
            # Medium error correction (survives a stamp); a fixed mask pattern — as valid as
            # any, and scored choice of the best of eight costs ~3 ms, a tenth of a bundle.
            qr = segno.make(self.verify_url or self.code, error="m", mask=0)
            matrix = list(qr.matrix)
            size = len(matrix) + 2  # a quiet zone of one module
            unit = QR_SIZE / size
            top = 4 * MM + QR_SIZE - unit
            path = canvas.beginPath()
            for r, row in enumerate(matrix):
                c = 0
                while c < len(row):
                    if row[c]:
                        start = c
                        while c < len(row) and row[c]:
                            c += 1
                        path.rect(
                            MARGIN_X + (start + 1) * unit,
                            top - (r + 1) * unit,
                            (c - start) * unit,
                            unit,
                        )
                    else:
                        c += 1
            canvas.setFillColorRGB(0, 0, 0)
            canvas.drawPath(path, stroke=0, fill=1)
        canvas.endForm()


def draw(source: str, identity: str = "") -> bytes:
    """The PDF of a document() (`identity` is only for the cache key)."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    drawer = _Drawer(json.loads(source))

    class _Canvas(Canvas):
        def save(self) -> None:
            drawer.finish(self)
            super().save()

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=(PAGE_W, PAGE_H),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=drawer.source["title"],
        creator="manyi",
        invariant=1,  # no time stamp nor random id: the same document gives the same bytes
        # Not ReportLab's default Helvetica, which would be named in the file unembedded.
        initialFontName=SERIF[0],
        initialFontSize=BODY_SIZE,
    )
    doc.build(
        drawer.story(), onFirstPage=drawer.page, onLaterPages=drawer.page, canvasmaker=_Canvas
    )
    return buffer.getvalue()


# --- the cache of filed forms ----------------------------------------------------------------
# A filed form never changes: what it prints is fixed by the filed content, which its
# verification code digests (a changed record gets a new code, hence a new document). Its PDF
# is kept in media storage under the SHA-256 of the exact document drawn and of the renderer's
# identity (this module's version, ReportLab's, the font files), so a later archive or download
# reuses it, and a change of the layout, the renderer or the fonts misses the cache instead of
# serving a stale file. Drafts are never cached.
CACHE_DIR = "pdf-cache"


def cache_key(source: str, identity: str) -> str:
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    for part in (source, identity):
        digest.update(b"\0")
        digest.update(part.encode())
    return digest.hexdigest()


def _cache_name(key: str) -> str:
    return f"{CACHE_DIR}/{key[:2]}/{key}.pdf"


def cached(key: str) -> bytes | None:
    try:
        with default_storage.open(_cache_name(key), "rb") as stored:
            content = stored.read()
    except (FileNotFoundError, OSError):
        return None
    return content if content.startswith(b"%PDF-") else None


def keep(key: str, content: bytes) -> None:
    """Store a drawn PDF in the cache; a failure to store only costs the next drawing."""
    name = _cache_name(key)
    try:
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(content))
            if saved != name:  # another process stored the same PDF meanwhile
                default_storage.delete(saved)
    except OSError:
        logger.warning("PDF cache: could not store %s", name, exc_info=True)


def render(sheets: list[Sheet], mark: Mark, *, title: str = "", cache: bool = True) -> bytes:
    """The bundle as PDF; a filed one (with a verification code) from the cache when drawn
    before, unless `cache` is False."""
    source, identity = document(sheets, mark, title=title)
    if not (cache and mark.code):
        return draw(source, identity)
    key = cache_key(source, identity)
    content = cached(key)
    if content is None:
        content = draw(source, identity)
        keep(key, content)
    return content
