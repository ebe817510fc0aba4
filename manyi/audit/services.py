"""Writing the audit trail: `record` is the one function every service calls.

A service calls `record` inside its own transaction, after the change: an error later in the
service rolls the audit row back with the change, and a change never commits without its row.
Who and from where come from the arguments, else from the request being served
(`AuditContextMiddleware`); a management command has no request (no IP address).
"""

import dataclasses
import datetime
import decimal
import hashlib
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest

from manyi.audit.models import AuditEvent

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

# Never written to the trail, whatever a snapshot holds.
SECRET_FIELDS = frozenset({"password", "key", "token", "secret"})
NOMINATION = "nominations.nomination"
# A long text (a 5000-character report saved as it is typed) is kept by its start, its length
# and its digest: enough to tell versions apart without storing every draft whole.
LONG_TEXT = 300


@contextmanager
def serving(request: HttpRequest) -> Iterator[None]:
    """Make `request` the one whose user and IP address `record` uses (the middleware)."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes sees it (the same one its lockouts use)."""
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request)
    return ip or None


def jsonable(value: Any) -> Any:
    """A JSON value for `value`: dates as ISO text, decimals and ids as text, objects by pk."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The values of a model instance's concrete fields (or of `fields`), as JSON values."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.name not in SECRET_FIELDS]
    return {name: jsonable(getattr(obj, name)) for name in names}


def abridged(value: Any) -> Any:
    """`value` with every text longer than LONG_TEXT shortened to its start, length, digest."""
    if isinstance(value, str) and len(value) > LONG_TEXT:
        digest = hashlib.sha256(value.encode()).hexdigest()[:12]
        return f"{value[:LONG_TEXT]}…（共 {len(value)} 字符，摘要 {digest}）"
    if isinstance(value, dict):
        return {k: abridged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [abridged(v) for v in value]
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Only what changed: the keys whose value differs, each side with the keys it has."""
    before, after = jsonable(before or {}), jsonable(after or {})
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return (
        {k: before[k] for k in keys if k in before},
        {k: after[k] for k in keys if k in after},
    )


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
    nomination: Any = None,
    changes_only: bool = True,
    request: HttpRequest | None = None,
    if_changed: bool = False,
) -> AuditEvent | None:
    """Keep one audit event: who (`actor`, else the request's user, else anonymous) from which
    address, did `action` (a code such as ``nomination.save_draft``) to `obj`, and the values
    before and after (with `changes_only`, only the keys that differ). `nomination` (an instance
    or an id) files the event under a nomination's history; it defaults to `obj` itself or its
    `nomination_id`. With `if_changed`, nothing is kept when nothing changed (an autosave)."""
    request = request or current_request()
    if (actor is None or not getattr(actor, "is_authenticated", False)) and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if changes_only:
        before, after = diff(before or {}, after or {})
    else:
        before, after = jsonable(before or {}), jsonable(after or {})
    if if_changed and not before and not after:
        return None
    before, after = abridged(before), abridged(after)
    if nomination is None and obj is not None:
        if obj._meta.label_lower == NOMINATION:
            nomination = obj.pk
        else:
            nomination = getattr(obj, "nomination_id", None)
    if isinstance(nomination, models.Model):
        nomination = nomination.pk
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor.get_username()[:150] if actor is not None else "",
        ip_address=client_ip(request),
        action=action[:64],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        nomination_id=nomination,
        before=before,
        after=after,
        note=note,
    )
