"""The forms as PDF (A4) for printing, signing and sealing: the layout of layout.py drawn by
the template documents/form.html with WeasyPrint, in the Noto CJK fonts (fonts-noto-cjk), which
are embedded (subset) in the file. A draft carries a 草稿 watermark on every page; a filed form
carries its verification code and a QR code of the page that checks it, on every page.

Cost (bench/documents.py): a bundle takes ~0.15–0.25 s of CPU, a third of it WeasyPrint copying
and subsetting the two Noto Serif CJK faces (CFF fonts of 65,000 glyphs in 26 MB .ttc files),
the rest CSS cascade, layout and drawing. A filed form is therefore drawn once: its PDF is kept
in media storage (`render` with the cache, below) for the archive and the download page.
"""

import hashlib
import logging
import threading

import segno
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from manyi.documents.layout import Mark, Sheet

CONTENT_TYPE = "application/pdf"
_local = threading.local()  # WeasyPrint's font configuration (Pango objects): one a thread
# WeasyPrint logs each step of each document at INFO: a bulk export would drown the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as a PNG data URI (medium error correction: survives a stamp).

    A bitmap, not SVG: the image is decoded once a document and placed on every page, where
    an SVG's hundreds of path segments were drawn again on each page (~5 % of a bundle's
    time). At 4 pixels a module and 16 mm wide it prints at over 250 dpi: sharp enough."""
    return segno.make(text, error="m").png_data_uri(scale=4, border=1)


def document(sheets: list[Sheet], mark: Mark, *, title: str = "") -> tuple[str, str]:
    """The HTML and the print CSS that WeasyPrint draws: everything the PDF depends on but the
    renderer itself and the fonts."""
    context = {
        "sheets": sheets,
        "mark": mark,
        "title": title or (sheets[0].title if sheets else ""),
        "qr": qr_data_uri(mark.verify_url or mark.code) if mark.code else "",
    }
    return (
        render_to_string("documents/form.html", context),
        render_to_string("documents/print.css", context),
    )


def draw(html: str, css: str) -> bytes:
    """The PDF of a document() with WeasyPrint (~0.15–0.25 s of CPU for a bundle)."""
    # Imported here: WeasyPrint needs Pango (scripts/setup-debian), and the rest of the
    # application starts without it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = getattr(_local, "fonts", None)
    if fonts is None:  # loading fontconfig's list of fonts costs more than a page: once a thread
        fonts = _local.fonts = FontConfiguration()
    # Nothing is fetched but the data: URI of the QR code the template writes: user text is
    # escaped, and this keeps the renderer off the network and the file system all the same.
    fetcher = URLFetcher(allowed_protocols={"data"})
    page = HTML(string=html, url_fetcher=fetcher)
    return page.write_pdf(stylesheets=[CSS(string=css, font_config=fonts)], font_config=fonts)


# --- the cache of filed forms ----------------------------------------------------------------
# A filed form never changes: what it prints is fixed by the filed content, which its
# verification code digests (a changed record gets a new code, hence new HTML). Its PDF is kept
# in media storage under the SHA-256 of the exact HTML and CSS drawn and of WeasyPrint's
# version, so a later archive or download reuses it, and a change of the template, the layout or
# the renderer misses the cache instead of serving a stale file. Drafts are never cached.
CACHE_DIR = "pdf-cache"


def cache_key(html: str, css: str) -> str:
    from weasyprint import VERSION

    digest = hashlib.sha256(VERSION.encode())
    for part in (html, css):
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
    html, css = document(sheets, mark, title=title)
    if not (cache and mark.code):
        return draw(html, css)
    key = cache_key(html, css)
    content = cached(key)
    if content is None:
        content = draw(html, css)
        keep(key, content)
    return content
