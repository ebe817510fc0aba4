"""荣誉证书: one A4 page per award of a campaign, drawn by documents/certificates.html with
WeasyPrint in the Noto CJK fonts: the name exactly as filed, the organization, the honour (the
category's title), the year and the certificate number. The forms are drawn with ReportLab
(pdf.py), which is several times faster for their many cells; a campaign's certificates are one
short document of large centred text, printed once, kept in WeasyPrint for its faces (Noto
Serif and Sans CJK, bold: CFF fonts, which ReportLab cannot embed)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from manyi.campaigns.models import Campaign
from manyi.campaigns.phases import chinese_date
from manyi.documents.exports import awards_of

CONTENT_TYPE = "application/pdf"


@dataclass(frozen=True)
class Certificate:
    number: str
    name: str
    organization: str
    honour: str
    year: int
    issued_on: str  # 2018年10月10日


def certificates_of(campaign: Campaign) -> list[Certificate]:
    """The certificates of a campaign's awards, in certificate order (one query)."""
    return [
        Certificate(
            number=award.number,
            name=award.name,
            organization=award.nomination.organization.name,
            honour=award.nomination.category.title,
            year=campaign.year,
            issued_on=chinese_date(timezone.localdate(award.published_at)),
        )
        for award in awards_of(campaign)
    ]


def render(certificates: list[Certificate], *, title: str) -> bytes:
    # Imported here: WeasyPrint needs Pango, the rest of the application not.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = FontConfiguration()
    context = {"certificates": certificates, "title": title}
    # Nothing is fetched: the page has no image, and user text is escaped.
    fetcher = URLFetcher(allowed_protocols=set())
    html = HTML(
        string=render_to_string("documents/certificates.html", context), url_fetcher=fetcher
    )
    css = CSS(string=render_to_string("documents/certificates.css", context), font_config=fonts)
    return html.write_pdf(stylesheets=[css], font_config=fonts)
