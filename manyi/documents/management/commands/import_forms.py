"""Read filled forms (.docx) and, unless --dry-run, keep each valid one as a draft nomination.

    python manage.py import_forms 表1.docx 表2.docx --user wang [--campaign 2018] [--json]

Every file is read first; a draft is created for each valid file, all in one transaction
(nothing is half-imported); files with problems are reported, skipped, and make the command
exit with an error. With --json, one JSON object a line per file.
"""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from manyi.campaigns.models import Campaign, Category
from manyi.documents.importer import Reading, read_form
from manyi.nominations import services


class Command(BaseCommand):
    help = "读取填写好的申报表（.docx），并为每份有效的表创建草稿申报。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".docx files")
        parser.add_argument("--dry-run", action="store_true", help="read and check only")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="one JSON object a line"
        )
        parser.add_argument("--user", help="the username who will own the drafts")
        parser.add_argument("--campaign", type=int, help="the campaign's year (default: newest)")

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            return self._handle(**options)

    def _handle(self, *, files, dry_run, as_json, user, campaign, **_options):
        owner = None
        if not dry_run:
            if not user:
                raise CommandError("请用 --user 指定草稿的所有者（或使用 --dry-run）。")
            try:
                owner = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户“{user}”不存在。") from None
        readings = [read_form(path) for path in files]
        for reading in readings:
            self._report(reading, as_json=as_json)
        if dry_run:
            return
        valid = [r for r in readings if r.ok]
        if valid:
            year = (
                Campaign.objects.filter(year=campaign)
                if campaign
                else Campaign.objects.order_by("-year")
            ).first()
            if year is None:
                raise CommandError("没有找到申报活动。")
            with transaction.atomic():  # all the drafts, or none
                created = [(r, self._create(r, year, owner)) for r in valid]
            if not as_json:
                for reading, nomination in created:
                    self.stdout.write(f"{reading.file}：已创建草稿申报 #{nomination.pk}。")
        bad = [r.file for r in readings if not r.ok]
        if bad:
            raise CommandError(f"以下文件有问题，未导入：{'、'.join(bad)}")

    def _create(self, reading: Reading, campaign: Campaign, owner):
        try:
            category = campaign.categories.get(kind=reading.kind)
        except Category.DoesNotExist:
            raise CommandError(f"{campaign.year} 年的申报活动没有“{reading.kind}”类别。") from None
        try:
            nomination = services.start_nomination(category, by=owner)
        except PermissionDenied:
            raise CommandError(
                f"用户“{owner.username}”不能填报“{reading.file}”这一类申报。"
            ) from None
        return services.save_draft(nomination, dict(reading.data), by=owner)

    def _report(self, reading: Reading, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(reading.as_json(), ensure_ascii=False, default=str))
            return
        status = "有效" if reading.ok else "有问题"
        self.stdout.write(f"{reading.file}：{reading.kind or '未知'}，{status}")
        for problem in reading.problems:
            self.stdout.write(f"  - {problem}")
