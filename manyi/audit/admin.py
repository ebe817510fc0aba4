"""The audit trail in the admin: read-only for everyone, superusers included."""

from django.contrib import admin

from manyi.audit.models import AuditEvent
from manyi.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "ip_address", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    fields = readonly_fields
    actions = None
