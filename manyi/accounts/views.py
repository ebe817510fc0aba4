"""A user's account page and password, messages, and the secretariat's outbox of decision
e-mails."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST, require_safe

from manyi.accounts.permissions import is_secretariat
from manyi.core.models import Notification, OutboxMessage
from manyi.core.notify import mark_read, release

PAGE = 100


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    """One page for what concerns the person's own account: password, two-factor login,
    personal information, API tokens."""
    return render(
        request,
        "accounts/account.html",
        {"may_use_twofactor": request.user.has_perm("twofactor.use")},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, new one twice, the password validators), kept in
    the audit trail; the session stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        from manyi.audit.services import record  # audit sits above accounts (architecture.md)

        response = super().form_valid(form)
        record(self.request.user, "account.password_changed", self.request.user)
        messages.success(self.request, "密码已修改。")
        return response


@login_required
@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=request.user)[:PAGE])
    mark_read(request.user)
    return render(request, "accounts/notifications.html", {"items": items})


@login_required
@require_safe
def outbox(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        raise PermissionDenied("只有秘书处可以查看待发邮件。")
    held = OutboxMessage.objects.filter(released_at__isnull=True).select_related("recipient")
    sent = OutboxMessage.objects.filter(released_at__isnull=False).select_related(
        "recipient", "released_by"
    )
    return render(
        request,
        "accounts/outbox.html",
        {"held": list(held), "sent": list(sent.order_by("-released_at")[:PAGE])},
    )


@login_required
@require_POST
def release_outbox(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        raise PermissionDenied("只有秘书处可以发送邮件。")
    held = OutboxMessage.objects.filter(released_at__isnull=True)
    if "all" not in request.POST:
        chosen = [p for p in request.POST.getlist("message") if p.isdecimal() and len(p) < 19]
        if not chosen:
            messages.error(request, "请选择要发送的邮件。")
            return redirect("accounts:outbox")
        held = held.filter(pk__in=chosen)
    count = release(list(held), by=request.user)
    messages.success(request, f"已发送 {count} 封邮件。")
    return redirect("accounts:outbox")
