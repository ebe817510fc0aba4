"""TOTP two-factor login (django-otp): turning it on and off, and checking a code.

A user has at most one confirmed TOTP device and one backup-code device of 10 single-use
codes. Checking a code goes to one device: six digits to the authenticator, anything else to
the backup codes. Both devices throttle wrong codes (1, 2, 4 … seconds between tries); a code of
the authenticator is accepted once (django-otp keeps the last time step used), a backup code is
deleted when used. Every change is recorded in the audit trail.
"""

import re
import secrets

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from manyi.accounts.models import User
from manyi.audit import services as audit

BACKUP_CODES = 10
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
WRONG_CODE = "验证码不正确或已使用，请重新输入。"
TOTP_NAME = "authenticator"
BACKUP_NAME = "backup"


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def has_device(user: User) -> bool:
    return (
        bool(user.is_authenticated)
        and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
    )


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator of a user turning two-factor login on (made once, so
    reloading the page keeps the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG data image (no script, allowed by the CSP's img-src)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _new_code() -> str:
    return "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(10))


def check_code(user: User, code: str, *, confirmed: bool = True) -> Device | None:
    """The device that accepts `code` for `user`, or None. A wrong code counts against the
    device's throttle (its failure is saved, never rolled back)."""
    code = normalise(code)
    if not code:
        return None
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user_id=user.pk, confirmed=confirmed)
    else:
        devices = StaticDevice.objects.filter(user_id=user.pk, confirmed=confirmed)
    for device in devices.order_by("pk"):
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return locked
    return None


def enable(user: User, code: str) -> list[str]:
    """Turn two-factor login on: the code from the app confirms the pending authenticator, and
    10 new backup codes are made (returned once, to show; kept only in the database)."""
    device = pending_device(user)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        accepted = locked.verify_token(normalise(code)) if normalise(code).isdigit() else False
    if not accepted:
        audit.record(user, "twofactor.enable_failed", user)
        raise ValidationError(WRONG_CODE, code="wrong_code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        backup = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
        codes = [_new_code() for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
        audit.record(user, "twofactor.enable", user, after={"enabled": True})
    return codes


def disable(user: User, code: str) -> None:
    """Turn two-factor login off, with a valid code (the app's or a backup code)."""
    if check_code(user, code) is None:
        audit.record(user, "twofactor.disable_failed", user)
        raise ValidationError(WRONG_CODE, code="wrong_code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(user, "twofactor.disable", user, before={"enabled": True})


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
