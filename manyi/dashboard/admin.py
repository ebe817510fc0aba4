"""The record of deadline reminders sent, read-only: only `send_reminders` writes it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from manyi.dashboard.models import SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["sent_on", "user", "deadline", "due_on", "days_before", "campaign"]
    list_filter = ["campaign", "deadline", "days_before"]
    list_select_related = ["user", "campaign"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
