import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.core.backup import BackupError, backed_up_models, write_backup
from manyi.core.progress import bar, note

ROWS = re.compile(r"^\s+[\w.]+: (\d+)$")  # "  reviews.score: 120", after each table
FILES_START = re.compile(r"^打包 (\d+) 个上传文件")
FILES_DONE = re.compile(r"^\s+(\d+)/(\d+)$")  # every 100 files


class Command(BaseCommand):
    help = (
        "备份：把数据库和全部上传文件（MEDIA_ROOT）写入一个 zip 文件，附清单（每张表的行数、"
        "每个文件的 SHA-256）。用 restore 命令恢复。例：manage.py backup manyi-2018.zip"
        " / Write the database and every uploaded file to one zip archive with a manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="要写入的备份文件，如 manyi.zip / the archive to write"
        )
        parser.add_argument(
            "--force", action="store_true", help="覆盖已有的同名文件 / overwrite an existing file"
        )

    def handle(self, *args: Any, path: Path, force: bool, **options: Any) -> None:
        # The bar counts rows, then files: a count per table first (cheap), files once known.
        rows = sum(model._base_manager.count() for model in backed_up_models())
        with bar(self.stderr, total=rows, desc="备份", unit="行") as progress:
            done_rows = 0

            def report(message: str) -> None:
                nonlocal done_rows
                if match := ROWS.match(message):
                    done_rows += int(match[1])
                    progress.update(int(match[1]))
                    return
                if match := FILES_START.match(message):
                    progress.total = rows + int(match[1])
                    progress.unit = "项"
                    progress.refresh()
                elif match := FILES_DONE.match(message):
                    progress.update(done_rows + int(match[1]) - progress.n)
                    return
                elif message.startswith("完成"):
                    progress.update(progress.total - progress.n)
                note(progress, self.stderr, message)

            try:
                write_backup(path, force=force, progress=report)
            except BackupError as error:
                raise CommandError(str(error)) from error
