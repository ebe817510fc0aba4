"""Delete audit events older than the retention period (settings.AUDIT_RETENTION_DAYS, default
730 days). A period under 183 days is refused: the trail is kept at least six months, and the
database refuses younger deletions anyway."""

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from manyi.audit.models import AuditEvent
from manyi.audit.triggers import MINIMUM_RETENTION_DAYS


class Command(BaseCommand):
    help = "Delete audit events older than the retention period (AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, help="keep this many days instead of AUDIT_RETENTION_DAYS"
        )
        parser.add_argument("--dry-run", action="store_true", help="count only")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.AUDIT_RETENTION_DAYS
        if days < MINIMUM_RETENTION_DAYS:
            raise CommandError(
                f"审计日志至少保存 {MINIMUM_RETENTION_DAYS} 天，不能设为 {days} 天。"
            )
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = AuditEvent.objects.filter(at__lt=cutoff)
        if options["dry_run"]:
            self.stdout.write(f"将删除 {old.count()} 条早于 {cutoff:%Y-%m-%d} 的审计日志。")
            return
        with transaction.atomic():
            deleted, _ = old.delete()
        self.stdout.write(f"已删除 {deleted} 条早于 {cutoff:%Y-%m-%d} 的审计日志。")
