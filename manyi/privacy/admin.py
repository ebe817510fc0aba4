"""Consents in the admin, read-only: they are proof, changed only by withdrawal and erasure
(manyi.privacy.services, manyi.privacy.erasure)."""

from django.contrib import admin

from manyi.core.admin import ReadOnlyAdmin
from manyi.privacy.models import Consent


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["user", "person_name", "purpose", "nomination", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "text_version"]
    list_select_related = ["user", "nomination"]
    search_fields = ["person_name", "user__username", "user__display_name"]
    readonly_fields = [
        "user",
        "person_name",
        "nomination",
        "purpose",
        "text_version",
        "text",
        "given_at",
        "ip",
        "withdrawn_at",
        "anonymized_at",
    ]
    fields = readonly_fields
