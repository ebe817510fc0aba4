from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.campaigns.rubrics import RubricFileError, read_rubric_file, rubric_files, validate_rubric


class Command(BaseCommand):
    help = (
        "Check rubric data files: prints one line per fault (rubric › item › criterion: what is "
        "wrong) and exits non-zero when there is any. PATH is a .yaml file or a folder of them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        faults = 0
        checked = 0
        for path in paths:
            if not path.exists():
                raise CommandError(f"找不到 {path}")
            for file in rubric_files(path):
                checked += 1
                try:
                    spec = read_rubric_file(file)
                except RubricFileError as exc:
                    self.stdout.write(str(exc))
                    faults += 1
                    continue
                for fault in validate_rubric(spec):
                    self.stdout.write(str(fault))
                    faults += 1
        if checked == 0:
            raise CommandError("没有找到评分标准文件（*.yaml）")
        if faults:
            raise CommandError(f"{checked} 个评分标准文件中发现 {faults} 处错误")
        self.stderr.write(f"{checked} 个评分标准文件，未发现错误")
