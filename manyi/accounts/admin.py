from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from manyi.accounts.models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "committee_scope", "region", "sector"]
    list_filter = ["kind", "committee_scope"]
    search_fields = ["name", "region", "sector"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
