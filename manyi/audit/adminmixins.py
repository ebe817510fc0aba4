"""Admin edits go to the audit trail: a ModelAdmin with this mixin records every object it
adds, changes or deletes, its inlines' objects included, in the admin's own transaction."""

from typing import Any

from django.db import models
from django.http import HttpRequest

from manyi.audit import services as audit


def _stored(obj: models.Model) -> dict[str, Any]:
    """The row as the database holds it (the form has already changed the instance)."""
    if obj.pk is None:
        return {}
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    return audit.snapshot(stored) if stored is not None else {}


def _action(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.model_name}.admin_{verb}"


class AuditedAdminMixin:
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = _stored(obj) if change else {}
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        verb = "change" if change else "add"
        after = audit.snapshot(obj)
        audit.record(
            request.user, _action(obj, verb), obj, before=before, after=after, if_changed=change
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(request.user, _action(obj, "delete"), obj, before=audit.snapshot(obj))
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit.record(request.user, _action(obj, "delete"), obj, before=audit.snapshot(obj))
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        before = {
            id(f.instance): _stored(f.instance)
            for f in formset.initial_forms
            if f.instance.pk is not None and (f.has_changed() or formset._should_delete_form(f))
        }
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        user = request.user
        for obj in formset.new_objects:
            audit.record(user, _action(obj, "add"), obj, after=audit.snapshot(obj))
        for obj, _fields in formset.changed_objects:
            before_obj, after_obj = before.get(id(obj), {}), audit.snapshot(obj)
            audit.record(user, _action(obj, "change"), obj, before=before_obj, after=after_obj)
        for obj in formset.deleted_objects:
            audit.record(user, _action(obj, "delete"), obj, before=before.get(id(obj), {}))
