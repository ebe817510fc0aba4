"""What every route of the API reads first: who calls (the token's or the session's user),
the ids of its path, and the refusal when a permission rule says no."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Path

from manyi.accounts.models import User
from manyi.api.schemas import MAX_ID

ID = Path(..., ge=1, le=MAX_ID)


def user_of(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]


def deny_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
