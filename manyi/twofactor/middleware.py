from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from manyi.twofactor.services import has_device


class AdminRequiresOTPMiddleware:
    """The admin site asks for the second factor too. Its own login page (password only) is
    replaced by ours; a user with a device whose session is not OTP-verified (it began before
    the device existed) is sent to the code step before any admin page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin = reverse("admin:index")
        if request.path.startswith(admin):
            if request.path == reverse("admin:login"):
                target = request.GET.get("next", admin)
                return redirect(f"{reverse('accounts:login')}?next={_quoted(target)}")
            user = request.user
            if user.is_authenticated and not user.is_verified() and has_device(user):
                return redirect(f"{reverse('twofactor:verify')}?next={_quoted(request.path)}")
        return self.get_response(request)


def _quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
