"""The signed-in user's personal API tokens: list, create (the secret shown once), revoke."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from manyi.api import services
from manyi.api.models import ApiToken

LIFETIMES = [
    ("", _("No expiry")),
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=services.NAME_MAX)
    lifetime = forms.ChoiceField(label=_("Valid for"), choices=LIFETIMES, required=False)

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data.get("lifetime")
        return timezone.now() + datetime.timedelta(days=int(days)) if days else None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = services.issue_token(
                    request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
                )
            except ValidationError as refused:
                form.add_error("name", refused)
        if issued is None:
            status = 400
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": list(services.tokens_of(request.user)),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only one's own tokens are found: another's is a 404, as if it did not exist.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(token, by=request.user)
    return redirect("api:tokens")
