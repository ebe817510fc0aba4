"""Reads of the audit trail for the secretariat's page."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from manyi.audit.models import AuditEvent


def object_types() -> list[str]:
    return list(
        AuditEvent.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def events(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The events matching the page's filters, newest first. The actor's name is kept on the
    row, so the page needs no join."""
    found = AuditEvent.objects.all()
    if filters.get("who"):
        found = found.filter(actor_name__iexact=filters["who"].strip())
    if filters.get("object_type"):
        found = found.filter(object_type=filters["object_type"])
    if filters.get("action"):
        found = found.filter(action__startswith=filters["action"].strip())
    if filters.get("nomination"):
        found = found.filter(nomination_id=filters["nomination"])
    if filters.get("since"):
        found = found.filter(at__gte=_start_of(filters["since"]))
    if filters.get("until"):
        found = found.filter(at__lt=_start_of(filters["until"] + datetime.timedelta(days=1)))
    return found.order_by("-at", "-pk")


def shown(value: Any) -> str:
    """A before/after value as text for the table ("—" when absent)."""
    import json

    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def change_rows(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(field, before, after) for every key either side holds, in a stable order."""
    before, after = event.before or {}, event.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("", shown(before), shown(after))]
    keys = list(dict.fromkeys([*before, *after]))
    return [(key, shown(before.get(key)), shown(after.get(key))) for key in keys]
