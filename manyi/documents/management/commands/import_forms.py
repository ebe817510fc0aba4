"""Read filled forms (.docx) and, unless --dry-run, keep each valid one as a draft nomination.

    python manage.py import_forms 表1.docx 表2.docx 表格/ --user wang [--campaign 2018] [--json]

A folder stands for every .docx inside it (and in its subfolders). Every file is read first;
a draft is created for each valid file, all in one transaction (nothing is half-imported);
files with problems are reported, skipped, and make the command exit with an error. With
--json, one JSON object a line per file.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from tqdm import tqdm

from manyi.campaigns.models import Campaign
from manyi.documents.docxreading import Reading
from manyi.documents.importer import read_form
from manyi.documents.selfassessment import SELF_ASSESSMENT_KINDS
from manyi.documents.services import ImportRefused, import_form


def docx_files(paths: list[str]) -> list[Path]:
    """The files named, a folder replaced by the .docx files inside it (sorted; Word's
    ~$ lock files left out)."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() == ".docx" and p.is_file() and not p.name.startswith("~$")
            )
        else:
            files.append(path)
    return files


class Command(BaseCommand):
    help = (
        "Read filled forms (.docx files, or folders of them) and keep each valid one as a "
        "draft nomination of the --user account. Files with problems are reported and not "
        "imported; nothing is half-imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".docx files, or folders holding them")
        parser.add_argument("--dry-run", action="store_true", help="read and check only")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="one JSON object a line"
        )
        parser.add_argument("--user", help="the username who will own the drafts")
        parser.add_argument("--campaign", type=int, help="the campaign's year (default: newest)")
        parser.add_argument(
            "--no-progress", action="store_true", help="do not draw the progress bar (stderr)"
        )

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            return self._handle(**options)

    def _handle(self, *, files, dry_run, as_json, user, campaign, no_progress, **_options):
        owner = None
        if not dry_run:
            if not user:
                raise CommandError("请用 --user 指定草稿的所有者（或使用 --dry-run）。")
            try:
                owner = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户“{user}”不存在。") from None
        paths = docx_files(files)
        if not paths:
            raise CommandError("没有找到 .docx 文件。")
        bar = tqdm(paths, desc="读取", unit="份", disable=no_progress, file=self.stderr._out)
        readings = [read_form(path) for path in bar]
        for reading in readings:
            self._report(reading, as_json=as_json)
        if dry_run:
            return
        # A self-assessment sheet alone is read and checked; it makes no draft of its own.
        valid = [r for r in readings if r.ok and r.kind not in SELF_ASSESSMENT_KINDS]
        if valid:
            year = (
                Campaign.objects.filter(year=campaign)
                if campaign
                else Campaign.objects.order_by("-year")
            ).first()
            if year is None:
                raise CommandError("没有找到申报活动。")
            try:
                with transaction.atomic():  # all the drafts, or none
                    created = [(r, import_form(r, campaign=year, owner=owner)) for r in valid]
            except ImportRefused as refusal:
                raise CommandError(str(refusal)) from None
            if not as_json:
                for reading, nomination in created:
                    self.stdout.write(f"{reading.file}：已创建草稿申报 #{nomination.pk}。")
        bad = [r.file for r in readings if not r.ok]
        if bad:
            raise CommandError(f"以下文件有问题，未导入：{'、'.join(bad)}")

    def _report(self, reading: Reading, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(reading.as_json(), ensure_ascii=False, default=str))
            return
        status = "有效" if reading.ok else "有问题"
        self.stdout.write(f"{reading.file}：{reading.kind or '未知'}，{status}")
        for problem in reading.problems:
            self.stdout.write(f"  - {problem}")
