from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.core.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write the database and every uploaded file (MEDIA_ROOT) to one zip archive, "
        "with a manifest of row counts and SHA-256 hashes. Restore it with `restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write, e.g. manyi.zip")
        parser.add_argument("--force", action="store_true", help="overwrite an existing file")

    def handle(self, *args: Any, path: Path, force: bool, **options: Any) -> None:
        try:
            write_backup(path, force=force, progress=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
