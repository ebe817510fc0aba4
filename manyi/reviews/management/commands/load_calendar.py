from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.reviews.results import import_calendar


class Command(BaseCommand):
    help = (
        "Fill the secretariat's holiday calendar (CalendarDay) from a data file such as "
        "data/calendar/2018.yaml: public holidays and make-up working days (调休)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"找不到节假日安排文件：{path}")
        try:
            loaded = import_calendar(path)
        except (ValueError, yaml.YAMLError) as error:  # a faulty file: nothing is written
            raise CommandError(f"{path}：{error}") from error
        self.stdout.write(
            f"已载入{loaded.year}年节假日安排：节假日 {loaded.holidays} 天，"
            f"调休上班 {loaded.workdays} 天（新增 {loaded.created} 天，更新 {loaded.updated} 天）。"
        )
