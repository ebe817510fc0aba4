"""manage.py refresh_rankings [--year Y]: recompute the kept ranking standings
(reviews.Standing) from the submitted scores, for one campaign or every campaign. The services
keep them current; this repairs them (after a restore, or an edit outside the services)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from manyi.campaigns.models import Campaign
from manyi.reviews.ranking import refresh_campaign


class Command(BaseCommand):
    help = "Recompute the kept ranking standings from the submitted scores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="only this campaign")

    def handle(self, *args, **options) -> None:
        campaigns = Campaign.objects.order_by("year")
        if options["year"] is not None:
            campaigns = campaigns.filter(year=options["year"])
            if not campaigns.exists():
                raise CommandError(f"没有 {options['year']} 年度的评选活动。")
        for campaign in campaigns:
            with transaction.atomic():
                count = refresh_campaign(campaign.pk)
            self.stdout.write(f"{campaign.year}: {count} categories refreshed")
