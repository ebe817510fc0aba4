"""The secretariat sees nominations in the admin, read-only: every change of a nomination goes
through its services, and what the seed locks after filing cannot change here either."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from manyi.nominations.models import Nomination


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "organization", "state", "filed_at"]
    list_filter = ["campaign", "category__kind", "state"]
    list_select_related = ["category", "organization"]
    search_fields = ["title", "locked_name", "organization__name"]
    readonly_fields = [
        "campaign",
        "category",
        "applicant",
        "organization",
        "state",
        "title",
        "locked_name",
        "locked_members",
        "data",
        "version",
        "filed_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
