from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from manyi.campaigns.models import Campaign


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The newest campaign, its phases and categories: public."""
    campaign = Campaign.objects.prefetch_related("categories").first()
    return render(request, "campaigns/home.html", {"campaign": campaign})
