"""The secretariat sees nominations in the admin, read-only: every change of a nomination goes
through its services, and what the seed locks after filing cannot change here either."""

from django.contrib import admin

from manyi.core.admin import ReadOnlyAdmin
from manyi.nominations.models import Nomination


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
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
