"""The secretariat's dashboard: the charts of a campaign and the download of their numbers."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from manyi.campaigns.models import Campaign
from manyi.dashboard import exports, stats
from manyi.dashboard.permissions import check_can_view_dashboard
from manyi.documents.exports import CONTENT_TYPE as XLSX_TYPE

FORMATS = {"csv": (exports.chart_csv, exports.CSV_TYPE), "xlsx": (exports.chart_xlsx, XLSX_TYPE)}


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The latest campaign's dashboard."""
    check_can_view_dashboard(request.user)
    latest = Campaign.objects.order_by("-year").first()
    if latest is None:
        return render(request, "dashboard/empty.html")
    return redirect("dashboard:campaign", year=latest.year)


@login_required
@require_safe
def campaign_dashboard(request: HttpRequest, year: int) -> HttpResponse:
    check_can_view_dashboard(request.user)
    campaign = get_object_or_404(Campaign, year=year)
    context = {
        "campaign": campaign,
        "charts": stats.dashboard(campaign),
        "campaigns": Campaign.objects.order_by("-year").values_list("year", flat=True),
    }
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_safe
def download(request: HttpRequest, year: int, slug: str, fmt: str) -> HttpResponse:
    check_can_view_dashboard(request.user)
    campaign = get_object_or_404(Campaign, year=year)
    chart = stats.chart(campaign, slug)
    if chart is None or fmt not in FORMATS:
        raise Http404
    render_file, content_type = FORMATS[fmt]
    response = HttpResponse(render_file(chart), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{year}-{slug}.{fmt}"'
    return response
