"""A guard at the edge: no control character reaches a view.

PostgreSQL cannot store NUL in text and raises (a server error) where SQLite stores it; other
control characters make the Word and Excel exports fail later (XML cannot hold them). Forms check
their own fields, but several views read `request.POST` directly (a reason, a judge's opinion),
and file names come from the browser. So every GET and POST value and every uploaded file's name
loses its control characters (C0, DEL and C1, except tab and line breaks) before any view runs,
and the person is told: what they typed is otherwise kept whole.

Two more helpers of the edge live here: the username django-axes records (`axes_username`) and
the person's address behind reverse proxies (`client_ip`).
"""

import ipaddress
import re
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict

# The same characters as manyi.core.text.reject_control_characters refuses (Unicode Cc).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REMOVED = "已删除输入中无法保存的不可见控制字符（如空字符 U+0000），其余内容已保留，请核对。"


def _cleaned(query: QueryDict) -> QueryDict | None:
    """A copy of `query` without control characters, or None when it had none."""
    if not any(
        CONTROL.search(key) or any(CONTROL.search(v) for v in values)
        for key, values in query.lists()
    ):
        return None
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(CONTROL.sub("", key), [CONTROL.sub("", v) for v in values])
    cleaned._mutable = False
    return cleaned


class ControlCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        removed = False
        get = _cleaned(request.GET)
        if get is not None:
            request.GET = get
            removed = True
        if request.method == "POST":
            post = _cleaned(request.POST)
            if post is not None:
                request.POST = post
                removed = True
            for _key, uploads in request.FILES.lists():
                for upload in uploads:
                    if upload.name and CONTROL.search(upload.name):
                        upload.name = CONTROL.sub("", upload.name) or "file"
                        removed = True
        if removed and hasattr(request, "_messages"):
            messages.warning(request, REMOVED)
        return self.get_response(request)


# A username longer than any account's (150) cannot log in; django-axes would still record the
# failed attempt with it, and its column holds 255 characters: PostgreSQL raises (a server error).
USERNAME_MAX = 150


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username django-axes records, cut to what an account holds."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username") if source else None
    return username[:USERNAME_MAX] if isinstance(username, str) else username


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person, for login throttling (AXES_CLIENT_IP_CALLABLE) and the
    objection form's rate limit. Behind TRUSTED_PROXIES reverse proxies that each append to
    X-Forwarded-For (nginx: `proxy_add_x_forwarded_for`), it is the entry the outermost proxy
    added; what a client writes into the header itself sits further left and is ignored.
    Without proxies (the default) it is REMOTE_ADDR; None when unknown (a request made in code,
    such as the test client's force_login), as django-axes expects."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    if len(forwarded) < proxies:
        return remote
    try:  # a misconfigured proxy chain must not store garbage (PostgreSQL checks inet values)
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote
