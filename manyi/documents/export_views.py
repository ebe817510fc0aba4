"""The secretariat's downloads: the certificates (PDF) and plaque list of a campaign, and the
nominations and ranking of a category (Excel). Everyone else is refused (403)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from manyi.accounts.permissions import is_secretariat
from manyi.campaigns.models import Campaign, Category, CategoryKind
from manyi.documents import certificates, exports
from manyi.documents.views import download, safe_filename

SECRETARIAT_ONLY = "只有秘书处可以下载证书、牌匾清单和导出表。"
NOT_PUBLISHED = "本年度评选结果尚未发布。"


def _campaign_for_secretariat(request: HttpRequest, year: int) -> Campaign:
    if not is_secretariat(request.user):
        raise PermissionDenied(SECRETARIAT_ONLY)
    return get_object_or_404(Campaign, year=year)


def _category_for_secretariat(request: HttpRequest, year: int, kind: str) -> Category:
    """A category of a campaign that holds nominations (not the coaching requests)."""
    campaign = _campaign_for_secretariat(request, year)
    if kind == CategoryKind.COACHING_REQUEST:
        raise Http404
    return get_object_or_404(
        Category.objects.select_related("campaign"), campaign=campaign, kind=kind
    )


@login_required
@require_safe
def certificates_pdf(request: HttpRequest, year: int) -> HttpResponse:
    campaign = _campaign_for_secretariat(request, year)
    issued = certificates.certificates_of(campaign)
    if not issued:
        raise Http404(NOT_PUBLISHED)
    content = certificates.render(issued, title=f"{campaign.year}年度荣誉证书")
    name = safe_filename(f"{campaign.year}年度荣誉证书.pdf")
    return download(content, certificates.CONTENT_TYPE, name, f"certificates-{year}.pdf")


@login_required
@require_safe
def plaques_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    campaign = _campaign_for_secretariat(request, year)
    name = safe_filename(f"{campaign.year}年度荣誉牌匾清单.xlsx")
    content = exports.plaques_workbook(campaign)
    return download(content, exports.CONTENT_TYPE, name, f"plaques-{year}.xlsx")


@login_required
@require_safe
def nominations_xlsx(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """Personal fields masked; `?full=1` gives them in full."""
    category = _category_for_secretariat(request, year, kind)
    full = request.GET.get("full") == "1"
    content = exports.nominations_workbook(category, full=full)
    name = safe_filename(f"{year}年度{category.title}申报汇总{'（完整）' if full else ''}.xlsx")
    return download(content, exports.CONTENT_TYPE, name, f"nominations-{year}-{kind}.xlsx")


@login_required
@require_safe
def ranking_xlsx(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    category = _category_for_secretariat(request, year, kind)
    content = exports.ranking_workbook(category)
    name = safe_filename(f"{year}年度{category.title}评审排名.xlsx")
    return download(content, exports.CONTENT_TYPE, name, f"ranking-{year}-{kind}.xlsx")


@login_required
@require_safe
def score_sheets_xlsx(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    category = _category_for_secretariat(request, year, kind)
    content = exports.score_sheets_workbook(category)
    name = safe_filename(f"{year}年度{category.title}专家评分表.xlsx")
    return download(content, exports.CONTENT_TYPE, name, f"score-sheets-{year}-{kind}.xlsx")
