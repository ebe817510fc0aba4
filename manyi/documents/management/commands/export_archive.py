"""Write a campaign's archive (.zip) from the command line, with a progress bar."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from manyi.campaigns.models import Campaign
from manyi.documents.archive import write_archive


class Command(BaseCommand):
    help = (
        "Write one .zip of every filed form of a campaign (Word and PDF) and every attachment, "
        "in folders by category, organization and nomination. The same archive as the "
        "secretariat's page builds, written here directly, with a progress bar on stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, required=True, help="the campaign's year, e.g. 2018"
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="where to write the .zip (default: manyi-archive-<year>.zip in this folder)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="do not draw the progress bar"
        )

    def handle(self, *args, year, output, no_progress, **options):
        campaign = Campaign.objects.filter(year=year).first()
        if campaign is None:
            raise CommandError(f"没有 {year} 年度的评选活动。")
        target = output or Path(f"manyi-archive-{year}.zip")
        if target.suffix.lower() != ".zip":
            raise CommandError("输出文件须以 .zip 结尾。")
        partial = target.with_name(f"{target.name}.part")
        bar = tqdm(desc="归档", unit="件", disable=no_progress, file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            count = write_archive(campaign, partial, progress=progress)
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        finally:
            bar.close()
        self.stdout.write(f"{target}：{count} 件申报，{target.stat().st_size} 字节。")
