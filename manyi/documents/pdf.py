"""The forms as PDF (A4) for printing, signing and sealing: the layout of layout.py drawn by
the template documents/form.html with WeasyPrint, in the Noto CJK fonts (fonts-noto-cjk), which
are embedded (subset) in the file. A draft carries a 草稿 watermark on every page; a filed form
carries its verification code and a QR code of the page that checks it, on every page.
"""

import segno
from django.template.loader import render_to_string

from manyi.documents.layout import Mark, Sheet

CONTENT_TYPE = "application/pdf"


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data URI (medium error correction: survives a stamp)."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=1)


def render(sheets: list[Sheet], mark: Mark, *, title: str = "") -> bytes:
    # Imported here: WeasyPrint needs Pango (scripts/setup-debian), and the rest of the
    # application starts without it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = FontConfiguration()
    context = {
        "sheets": sheets,
        "mark": mark,
        "title": title or (sheets[0].title if sheets else ""),
        "qr": qr_data_uri(mark.verify_url or mark.code) if mark.code else "",
    }
    # Nothing is fetched but the data: URI of the QR code the template writes: user text is
    # escaped, and this keeps the renderer off the network and the file system all the same.
    fetcher = URLFetcher(allowed_protocols={"data"})
    html = HTML(string=render_to_string("documents/form.html", context), url_fetcher=fetcher)
    css = CSS(string=render_to_string("documents/print.css", context), font_config=fonts)
    return html.write_pdf(stylesheets=[css], font_config=fonts)
