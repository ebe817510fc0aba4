from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.core.backup import BackupError, restore_backup
from manyi.core.progress import bar, note

# The stages restore_backup reports, in order; the bar moves one step at each.
STAGES = ("校验文件摘要", "载入数据库", "写入", "完成")


class Command(BaseCommand):
    help = (
        "恢复：把 backup 命令写的备份文件恢复到一个空的新安装中（请先运行 migrate）。"
        "要么全部恢复，要么什么都不改：任何一步失败，数据库回滚，已写入的文件删除。"
        "例：manage.py restore manyi-2018.zip"
        " / Restore an archive written by `backup` into an empty installation; all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="backup 命令写的备份文件 / the archive written by `backup`"
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        with bar(self.stderr, total=len(STAGES), desc="恢复", unit="步") as progress:

            def report(message: str) -> None:
                reached = [i for i, s in enumerate(STAGES, 1) if message.startswith(s)]
                if reached and reached[0] > progress.n:
                    progress.update(reached[0] - progress.n)
                note(progress, self.stderr, message)

            try:
                restore_backup(path, progress=report)
            except BackupError as error:
                raise CommandError(f"恢复失败：{error}") from error
            except Exception as error:  # loaddata and the database: reported, never half-restored
                raise CommandError(
                    f"恢复失败，数据库已回滚，已写入的文件已删除：{error}"
                ) from error
