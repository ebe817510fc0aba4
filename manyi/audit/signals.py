"""Every login event goes to the audit trail: success, failure, logout, lockout.

The two-factor step records its own events (`manyi.twofactor.views`)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from manyi.audit.services import record


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(user, "login.success", user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, "login.logout", user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # The password never reaches here (Django cleanses credentials); the name tried does.
    username = str(credentials.get("username", ""))[:150]
    reason = kwargs.get("reason") or "password"
    record(None, "login.failure", request=request, after={"username": username}, note=reason)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def locked_out(sender: Any, request: Any, username: Any, ip_address: Any, **kwargs: Any) -> None:
    record(None, "login.lockout", request=request, after={"username": str(username or "")[:150]})
