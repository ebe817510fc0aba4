from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.campaigns.models import Campaign
from manyi.campaigns.services import copy_campaign


class Command(BaseCommand):
    help = (
        "把某一年的评选复制为新的一年：类别、评分标准和规则照搬，所有日期顺延相应年数；"
        "申报、评审等数据不复制。复制后请在管理后台核对新一年的日期。"
        "例：manage.py copy_campaign --from 2018 --to 2019"
        " / Copy a campaign (categories, rubrics, rules; dates moved) to a new year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="source",
            type=int,
            required=True,
            metavar="年份",
            help="复制哪一年的评选，如 2018 / the year to copy",
        )
        parser.add_argument(
            "--to",
            dest="target",
            type=int,
            required=True,
            metavar="年份",
            help="新的年份，如 2019（不能已存在） / the new year",
        )
        parser.add_argument(
            "--title",
            default=None,
            help="新评选的名称（默认把原名称中的年份换成新年份） / the new title",
        )

    def handle(
        self, *args: Any, source: int, target: int, title: str | None, **options: Any
    ) -> None:
        campaign = Campaign.objects.filter(year=source).first()
        if campaign is None:
            raise CommandError(f"找不到 {source} 年的评选。")
        if not 2000 <= target <= 2100:
            raise CommandError(f"年份 {target} 不合理：请写四位年份，如 2019。")
        try:
            new = copy_campaign(campaign, year=target, title=title)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(
            f"已复制 {campaign} → {new}：{new.categories.count()} 个类别，"
            f"{new.rubrics.count()} 套评分标准；申报截止日期 {new.filing_closes}。"
            "请在管理后台核对新一年的日期。"
        )
