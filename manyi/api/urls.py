"""/api/v1/ (django-ninja, namespace "api-v1") and the token pages (namespace "api")."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from manyi.api import views
from manyi.api.api import api
from manyi.api.errors import NOT_FOUND


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """An unknown address under /api/ answers in the API's JSON, not with the HTML 404 page."""
    body = {"code": "not_found", "message": NOT_FOUND, "details": None}
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})


pages = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/tokens/", include((pages, "api"))),
    re_path(r"^api/(?P<rest>.*)$", not_found, name="api_not_found"),
]
