"""Who may build and download campaign archives and import filled forms: the secretariat.
Views ask these rules (registered as Django permissions), never templates."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from manyi.accounts.permissions import is_secretariat
from manyi.documents.models import ArchiveJob

rules.add_perm("documents.archive_campaign", is_secretariat)
rules.add_perm("documents.import_forms", is_secretariat)
rules.add_perm("documents.view_archivejob", is_secretariat)

SECRETARIAT_ONLY = "只有秘书处可以打包归档和导入申报表。"


def require(user, permission: str) -> None:
    """Refuse (403) anyone without the permission."""
    if not user.has_perm(permission):
        raise PermissionDenied(SECRETARIAT_ONLY)


def get_archive_job_for_user(user, pk: int) -> ArchiveJob:
    """An archive job, for those who may see archives (403 for others, 404 if none)."""
    require(user, "documents.view_archivejob")
    return get_object_or_404(ArchiveJob.objects.select_related("campaign", "requested_by"), pk=pk)
