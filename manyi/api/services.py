"""Personal API tokens: issue, revoke, and find the user of a presented token."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from manyi.accounts.models import User
from manyi.api.models import ApiToken
from manyi.core.text import reject_control_characters

TOKEN_PREFIX = "manyi_"  # noqa: S105 - not a secret: lets secret scanners and people recognise a leaked token
PREFIX_LENGTH = 12  # "manyi_" and six characters of the secret
NAME_MAX = 100
TOUCH_EVERY = datetime.timedelta(minutes=1)  # last_used_at is written at most this often


def hash_secret(secret: str) -> str:
    """SHA-256 is enough: the secret is 32 random bytes, not a password to guess."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once, never stored


def issue_token(user: User, *, name: str, expires_at: datetime.datetime | None = None) -> Issued:
    """A new personal token for `user`, named by them. Returns the secret once."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied("只有已登录的用户可以创建令牌。")
    name = name.strip()
    if not name:
        raise ValidationError("请填写令牌名称（例如用途）。", code="name_required")
    if len(name) > NAME_MAX:
        raise ValidationError(f"令牌名称不能超过 {NAME_MAX} 字。", code="name_too_long")
    reject_control_characters(name, label="名称")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("有效期须晚于现在。", code="expired")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        expires_at=expires_at,
    )
    return Issued(token, secret)


@transaction.atomic
def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke a token (its owner only); from then on it authenticates nothing. Idempotent."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not by.has_perm("api.revoke_apitoken", token):
        raise PermissionDenied("只能撤销自己的令牌。")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(secret: str) -> User | None:
    """The active user of a usable token, or None (unknown, revoked, expired, inactive user).
    Records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200 or "\x00" in secret:
        return None
    token = (
        ApiToken.objects.select_related("user__organization")
        .filter(secret_hash=hash_secret(secret))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_of(user: User):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
