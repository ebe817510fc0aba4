"""Who may see the campaign dashboard and download its figures: the secretariat."""

import rules
from django.core.exceptions import PermissionDenied

from manyi.accounts.permissions import is_secretariat

rules.add_perm("dashboard.view_dashboard", is_secretariat)


def check_can_view_dashboard(user) -> None:
    """403 unless the user may see the dashboard."""
    if not user.has_perm("dashboard.view_dashboard"):
        raise PermissionDenied("只有秘书处可以查看统计看板。")


rules.add_perm("dashboard", is_secretariat)  # the admin's module: the reminders sent
rules.add_perm("dashboard.view_sentreminder", is_secretariat)
