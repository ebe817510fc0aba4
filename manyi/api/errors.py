"""Every refusal of the API as JSON: {"code": stable code, "message": 中文说明, "details": …}.

Codes are stable identifiers a client may branch on; messages are for people. A domain
refusal keeps the code its service gave (e.g. "stale", "wrong_state", "filing_refused").
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

UNAUTHENTICATED = "请先登录，或在请求头中提供有效的 API 令牌（Authorization: Bearer <令牌>）。"
INVALID_TOKEN = "API 令牌无效、已撤销或已过期。"  # noqa: S105 (a message)
FORBIDDEN = "您没有权限进行此操作。"
NOT_FOUND = "未找到该对象，或您无权查看。"
INVALID_INPUT = "请求的数据不符合接口要求，请按 details 修改。"
CSRF_FAILED = "CSRF 校验失败：以浏览器会话调用接口时，修改类请求须带 X-CSRFToken 请求头。"

# Codes of domain refusals that mean "the object is not in a state for this": 409.
CONFLICT_CODES = frozenset({"stale", "wrong_state", "locked", "not_submitted"})

HTTP_CODES = {
    400: ("bad_request", "请求无法解析（例如 JSON 格式错误）。"),
    401: ("unauthenticated", UNAUTHENTICATED),
    403: ("forbidden", FORBIDDEN),
    404: ("not_found", NOT_FOUND),
    405: ("method_not_allowed", "此地址不支持该请求方法。"),
    409: ("conflict", "对象当前状态不允许此操作。"),
    422: ("invalid_input", INVALID_INPUT),
    429: ("throttled", "请求过于频繁，请稍后再试。"),
}


class Error(Schema):
    code: str
    message: str
    details: Any = None


class TokenRefused(Exception):
    """A bearer token was presented and is not usable: 401, whatever else the request carries."""


class Refused(Exception):
    """A refusal decided in the API itself (an unknown action, a rule not offered here)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


# Error responses every authenticated operation may give (documented in the OpenAPI schema).
ERRORS: dict[int, type[Error]] = dict.fromkeys((400, 401, 403, 404, 409, 422), Error)
PUBLIC_ERRORS: dict[int, type[Error]] = dict.fromkeys((400, 404, 422), Error)


def error(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body = {"code": code, "message": message, "details": details}
    return api.create_response(request, body, status=status)


def _messages(exc: DjangoValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _code(exc: DjangoValidationError) -> str:
    """The service's own code when it gave one (Django keeps a code only on a single message);
    a refusal with many messages is `filing_refused` for filing, else `rule_violated`."""
    from manyi.nominations.services import FilingRefused

    if isinstance(exc, FilingRefused):
        return "filing_refused"
    codes = {getattr(e, "code", None) for e in getattr(exc, "error_list", [exc])}
    codes.discard(None)
    return codes.pop() if len(codes) == 1 else "rule_violated"


def _input_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors without their context objects (not JSON), input echo or URLs."""
    return [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers by ours (same JSON shape everywhere)."""

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error(api, request, 422, "invalid_input", INVALID_INPUT, _input_errors(exc))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if isinstance(exc, AuthenticationError):
            return error(api, request, 401, "unauthenticated", UNAUTHENTICATED)
        if status == 403 and "CSRF" in str(exc):
            return error(api, request, 403, "csrf_failed", CSRF_FAILED)
        code, message = HTTP_CODES.get(status, ("error", str(exc)))
        return error(api, request, status, code, message)

    def on_token(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
        return error(api, request, 401, "invalid_token", INVALID_TOKEN)

    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error(api, request, 404, "not_found", NOT_FOUND)

    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or FORBIDDEN
        return error(api, request, 403, "forbidden", message)

    def on_domain(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        code = _code(exc)
        messages = _messages(exc)
        status = 409 if code in CONFLICT_CODES else 422
        return error(api, request, status, code, "；".join(messages), {"messages": messages})

    def on_refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        return error(api, request, exc.status, exc.code, exc.message, exc.details)

    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(TokenRefused, on_token)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(DjangoValidationError, on_domain)
    api.add_exception_handler(Refused, on_refused)
