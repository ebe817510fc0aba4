import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from manyi.core.progress import each
from manyi.dashboard.reminders import send_reminders


def day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式不正确：{value}（应为 YYYY-MM-DD，如 2018-05-24）") from None


class Command(BaseCommand):
    help = (
        "发送截止日期提醒：在每个截止日期（申报、辅导申请回执、推荐、评审）前若干天"
        "（设置 REMINDER_DAYS，默认 7、3、1 天），给还有事没做完的人发站内消息和电子邮件。"
        "每天运行一次（cron 或 systemd 定时器）；同一提醒只发一次，一天运行两次也不会重发。"
        " / Send deadline reminders to those who still have something to do; safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只列出今天要发的提醒，不发送、不记录 / list only, send nothing",
        )
        parser.add_argument(
            "--today",
            type=str,
            metavar="YYYY-MM-DD",
            help="按这一天计算（默认今天，北京时间） / the day to act as today",
        )

    def handle(self, *args: Any, dry_run: bool, today: str | None, **options: Any) -> None:
        on = day(today) if today else timezone.localdate()
        reminders = send_reminders(
            on, dry_run=dry_run, progress=lambda r: each(self.stderr, r, desc="发送提醒", unit="条")
        )
        for reminder in reminders:
            self.stdout.write(
                f"{reminder.user.username}\t{reminder.deadline}\t{reminder.due_on}"
                f"\t提前{reminder.days_before}天\t{reminder.count}"
            )
        verb = "待发送（演练，未发送）" if dry_run else "已发送"
        self.stdout.write(f"{on}：{verb} {len(reminders)} 条提醒。")
