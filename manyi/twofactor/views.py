"""Two-factor login: the password step, the code step, and turning TOTP on and off.

The password step (`LoginView`) logs in at once a user without a confirmed device. A user with
one is not logged in: the session keeps who passed the password step (for PENDING_SECONDS), and
the code step (`verify`) logs them in with a valid code. A wrong code counts as a failed login
for django-axes (5 failures of one name from one address lock it for 15 minutes, password and
code together) and against the device's own throttle; after MAX_CODE_TRIES wrong codes the
pending login is dropped and the password must be given again.
"""

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from manyi.accounts.models import User
from manyi.audit import services as audit
from manyi.twofactor import services
from manyi.twofactor.forms import CodeForm

PENDING = "twofactor_pending"
PENDING_SECONDS = 300
MAX_CODE_TRIES = 5


class LoginView(auth_views.LoginView):
    """Django's login view, stopping before login for a user with two-factor login on."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not services.has_device(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
            "tries": 0,
        }
        audit.record(user, "login.password_ok", user, note="awaiting second factor")
        return HttpResponseRedirect(reverse("twofactor:verify"))


def _pending_user(request: HttpRequest) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, {}
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


def _safe_next(request: HttpRequest, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else reverse("campaigns:home")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code step: after the password (pending login), or for a signed-in user with a
    device whose session is not yet verified (the admin asks for it)."""
    user, pending = _pending_user(request)
    signed_in = request.user.is_authenticated
    if user is None and signed_in and services.has_device(request.user):
        if request.user.is_verified():
            return redirect(_safe_next(request, request.GET.get("next", "")))
        user = request.user
    if user is None:
        messages.info(request, "登录已过期，请重新输入用户名和密码。")
        return redirect("accounts:login")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING, None)
        return get_lockout_response(request, None, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.check_code(user, form.cleaned_data["code"])
        if device is not None:
            return _verified(request, user, device, pending)
        user_login_failed.send(
            sender=__name__, credentials=credentials, request=request, reason="second_factor"
        )
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING, None)
            return get_lockout_response(request, None, credentials)
        if pending:
            pending["tries"] = pending.get("tries", 0) + 1
            if pending["tries"] >= MAX_CODE_TRIES:
                request.session.pop(PENDING, None)
                messages.error(request, "验证码错误次数过多，请重新登录。")
                return redirect("accounts:login")
            request.session[PENDING] = pending
        form.add_error("code", services.WRONG_CODE)
    return render(request, "twofactor/verify.html", {"form": form})


def _verified(request: HttpRequest, user: User, device: Any, pending: dict) -> HttpResponse:
    kind = "backup" if isinstance(device, StaticDevice) else "totp"
    if pending:
        request.session.pop(PENDING, None)
        auth.login(request, user, backend=pending["backend"])
        target = pending.get("next", "")
    else:
        target = request.GET.get("next", "")
    otp_login(request, device)
    audit.record(user, "login.second_factor", user, after={"device": kind})
    if kind == "backup":
        left = services.backup_codes_left(user)
        messages.warning(request, f"您使用了一个备用验证码，还剩 {left} 个。")
    return redirect(_safe_next(request, target))


def _ensure_may_use(request: HttpRequest) -> None:
    if not request.user.has_perm("twofactor.use"):
        raise PermissionDenied("只有秘书处和评审专家可以设置两步验证。")


@never_cache
@login_required
@require_http_methods(["GET"])
def settings_page(request: HttpRequest) -> HttpResponse:
    _ensure_may_use(request)
    enabled = services.has_device(request.user)
    return render(
        request,
        "twofactor/settings.html",
        {
            "enabled": enabled,
            "codes_left": services.backup_codes_left(request.user) if enabled else 0,
            "form": CodeForm(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enable(request: HttpRequest) -> HttpResponse:
    """Scan the QR code, confirm with a code from the app, see the 10 backup codes once."""
    _ensure_may_use(request)
    if services.has_device(request.user):
        return redirect("twofactor:settings")
    device = services.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.enable(request.user, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            device.refresh_from_db()
            otp_login(request, device)  # this session counts as verified
            return render(request, "twofactor/backup_codes.html", {"codes": codes})
    context = {
        "form": form,
        "qr": services.qr_data_uri(device),
        "secret": services.secret_text(device),
    }
    return render(request, "twofactor/enable.html", context)


@never_cache
@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    _ensure_may_use(request)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.disable(request.user, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, "已关闭两步验证。")
            return redirect("twofactor:settings")
    enabled = services.has_device(request.user)
    return render(
        request,
        "twofactor/settings.html",
        {"enabled": enabled, "codes_left": services.backup_codes_left(request.user), "form": form},
        status=400,
    )
