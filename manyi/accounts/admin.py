"""The secretariat's admin of accounts and organizations; every edit goes to the audit trail,
a password set here too (without the password)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from manyi.accounts.models import Organization, User
from manyi.audit import services as audit
from manyi.audit.adminmixins import AuditedAdminMixin


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "committee_scope", "region", "sector"]
    list_filter = ["kind", "committee_scope"]
    search_fields = ["name", "region", "sector"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["organization"]
    search_fields = ["username", "display_name", "email", "mobile"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("满意", {"fields": ["display_name", "mobile", "role", "organization"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("满意", {"fields": ["display_name", "role", "organization"]}),
    ]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                audit.record(request.user, "user.admin_set_password", user)
        return response
