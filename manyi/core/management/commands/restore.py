from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty installation: run `migrate` "
        "first. All or nothing: on any failure nothing stays restored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive written by `backup`")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            restore_backup(path, progress=self.stderr.write)
        except BackupError as error:
            raise CommandError(f"恢复失败：{error}") from error
        except Exception as error:  # loaddata and the database: reported, never half-restored
            raise CommandError(f"恢复失败，数据库已回滚，已写入的文件已删除：{error}") from error
