from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.campaigns.services import load_campaign


class Command(BaseCommand):
    help = (
        "Load a campaign, its categories and rubrics from a data file "
        "such as data/campaigns/2018.yaml."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            campaign = load_campaign(path)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            f"已载入 {campaign}：{campaign.categories.count()} 个类别，"
            f"{campaign.rubrics.count()} 套评分标准"
        )
