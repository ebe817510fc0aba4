"""The record of deadline reminders sent, read-only: only `send_reminders` writes it."""

from django.contrib import admin

from manyi.core.admin import ReadOnlyAdmin
from manyi.dashboard.models import SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_on", "user", "deadline", "due_on", "days_before", "campaign"]
    list_filter = ["campaign", "deadline", "days_before"]
    list_select_related = ["user", "campaign"]
    date_hierarchy = "sent_on"
