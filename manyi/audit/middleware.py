from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from manyi.audit.services import serving


class AuditContextMiddleware:
    """Lets `audit.record` know the request it is serving: its user and IP address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving(request):
            return self.get_response(request)
