"""The secretariat's admin for the review's settings and records. Records that the workflow
writes (endorsements, checks, reviews, decisions, awards) are read-only here: they change only
through the services, which record who did what. The settings edited here (quotas, the
working-day calendar, coaching ties that make judges step aside) go to the audit trail."""

from django.contrib import admin

from manyi.audit.adminmixins import AuditedAdminMixin
from manyi.core.admin import ReadOnlyAdmin
from manyi.reviews.models import (
    Award,
    CalendarDay,
    Coaching,
    Decision,
    Endorsement,
    FormalCheck,
    Objection,
    Panel,
    Quota,
    Review,
)


@admin.register(Quota)
class QuotaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["organization", "category", "places", "campaign"]
    list_filter = ["campaign", "category__kind"]
    list_select_related = ["organization", "category", "campaign"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"


@admin.register(Coaching)
class CoachingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["coach", "request"]
    list_select_related = ["coach", "request"]


@admin.register(Panel)
class PanelAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "category"]


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdmin):
    list_display = ["nomination", "organization", "rank", "at", "withdrawn"]
    list_select_related = ["nomination", "organization"]


@admin.register(FormalCheck)
class FormalCheckAdmin(ReadOnlyAdmin):
    list_display = ["nomination", "outcome", "deadline", "at"]
    list_select_related = ["nomination"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["nomination", "judge", "state", "submitted_at"]
    list_select_related = ["nomination", "judge"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["category", "decided_on", "votes_for", "votes_against", "abstentions"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["nomination", "status", "lodged_at"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "nomination", "published_at"]
