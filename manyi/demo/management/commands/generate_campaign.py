"""manage.py generate_campaign --nominations N [--year Y] [--attachments-kb K]: a generated
campaign of any size (manyi.demo.generator), for the benchmarks."""

import json

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manyi.campaigns.models import CategoryKind
from manyi.demo.generator import generate_campaign


class Command(BaseCommand):
    help = "Generate a campaign with N nominations, judges and complete scores (benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--nominations", type=int, required=True)
        parser.add_argument("--year", type=int, default=2030)
        parser.add_argument("--attachments-kb", type=int, default=1024)
        parser.add_argument(
            "--kinds",
            default="",
            help="comma-separated kinds to fill (default: all six, by their usual shares)",
        )
        parser.add_argument(
            "--all-scored", action="store_true", help="every judged nomination fully scored"
        )
        parser.add_argument("--applicants", type=int, default=None)
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options) -> None:
        kinds = [k.strip() for k in options["kinds"].split(",") if k.strip()]
        unknown = [k for k in kinds if k not in CategoryKind.values]
        if unknown:
            raise CommandError(f"没有这种申报类别：{'、'.join(unknown)}")
        if options["nominations"] < 1:
            raise CommandError("--nominations 须为正整数。")
        try:
            summary = generate_campaign(
                options["nominations"],
                year=options["year"],
                attachment_kb=options["attachments_kb"],
                kinds=kinds,
                all_scored=options["all_scored"],
                applicants=options["applicants"],
                seed=options["seed"],
            )
        except (ImproperlyConfigured, ValidationError) as error:
            raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from error
        if options["json"]:
            self.stdout.write(json.dumps(summary.__dict__, ensure_ascii=False))
            return
        self.stdout.write(
            f"{summary.year}: {summary.nominations} nominations {summary.by_kind}, "
            f"{summary.scores} scores, {summary.attachments} attachments, "
            f"in {summary.seconds:.1f} s"
        )
