"""State changes of campaigns, categories and rubrics."""

import datetime
import uuid
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from manyi.audit import services as audit
from manyi.campaigns.models import Band, Campaign, Category, Criterion, Rubric, RubricItem
from manyi.campaigns.queries import spec_from_rubric
from manyi.campaigns.rubrics import Fault, RubricSpec, read_rubric_file, validate_rubric

DATA_DIR = Path(settings.BASE_DIR) / "data"

PHASE_FIELDS = (
    "filing_opens",
    "filing_closes",
    "recommendation_deadline",
    "coaching_request_deadline",
    "review_starts",
    "review_ends",
    "notice_starts",
    "notice_ends",
    "published_on",
)


class RubricInvalid(ValidationError):
    """A rubric with faults: it is not installed."""

    def __init__(self, faults: list[Fault]) -> None:
        self.faults = faults
        super().__init__([str(f) for f in faults], code="rubric_invalid")


def rubric_is_locked(campaign: Campaign) -> bool:
    """A campaign's rubrics may not change once it has a filed nomination: those who filed
    scored themselves on them."""
    return campaign.nominations.filter(filed_at__isnull=False).exists()


def ensure_rubric_editable(campaign: Campaign) -> None:
    if rubric_is_locked(campaign):
        raise ValidationError(
            _("%(campaign)s already has filed nominations: its rubrics can no longer be changed.")
            % {"campaign": campaign},
            code="rubric_locked",
        )


def revise(rubric: Rubric) -> None:
    """Mark a change of the rubric or of its parts: the trees kept in memory for its former
    revision are no longer read (queries.rubric_tree_of). Every writer of a rubric calls it."""
    Rubric.objects.filter(pk=rubric.pk).update(revision=uuid.uuid4())


@transaction.atomic
def install_rubric(campaign: Campaign, spec: RubricSpec) -> Rubric:
    """Write a rubric into a campaign, replacing one of the same code. Refused when the rubric
    has faults (rubrics.validate_rubric) or the campaign's rubrics are locked."""
    faults = validate_rubric(spec)
    if faults:
        raise RubricInvalid(faults)
    ensure_rubric_editable(campaign)
    rubric, _created = Rubric.objects.update_or_create(
        campaign=campaign,
        code=spec.code,
        defaults={
            "source": spec.source,
            "title": spec.title,
            "edition": spec.edition,
            "total_points": spec.total_points,
        },
    )
    rubric.items.all().delete()
    bands: list[Band] = []
    for item_position, item_spec in enumerate(spec.items, start=1):
        item = RubricItem.objects.create(
            rubric=rubric, position=item_position, name=item_spec.name, max_points=item_spec.points
        )
        for criterion_position, criterion_spec in enumerate(item_spec.criteria, start=1):
            criterion = Criterion.objects.create(
                item=item,
                position=criterion_position,
                name=criterion_spec.name,
                max_points=criterion_spec.points,
                description="\n".join(criterion_spec.description),
            )
            bands.extend(
                Band(
                    criterion=criterion, position=band_position, text=b.text, low=b.low, high=b.high
                )
                for band_position, b in enumerate(criterion_spec.bands, start=1)
            )
    Band.objects.bulk_create(bands)
    revise(rubric)
    audit.record(None, "rubric.install", rubric, after={**audit.snapshot(rubric), "spec": spec})
    return rubric


@transaction.atomic
def load_campaign(path: Path) -> Campaign:
    """Create a campaign, its categories and its rubrics from a campaign data file
    (data/campaigns/<year>.yaml). Refused when the year exists already."""
    data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    year = int(data["year"])
    if Campaign.objects.filter(year=year).exists():
        raise ValidationError(
            _("The %(year)s campaign exists already.") % {"year": year}, code="campaign_exists"
        )
    rules = data.get("relative_rules", {})
    survey_start = rules.get("survey_start", {})
    campaign = Campaign(
        year=year,
        title=data["title"],
        **{name: data["phases"][name] for name in PHASE_FIELDS},
        satisfaction_year_offset=rules.get("satisfaction_year_offset", -1),
        survey_start_year_offset=survey_start.get("year_offset", -1),
        survey_start_month=survey_start.get("month", 12),
        survey_start_day=survey_start.get("day", 1),
        lookback_years=rules.get("lookback_years", 3),
        **data.get("review", {}),
    )
    campaign.full_clean()
    campaign.save()
    audit.record(None, "campaign.load", campaign, after=audit.snapshot(campaign), note=str(path))
    rubric_dir = DATA_DIR / "rubrics" / str(data["rubric_edition"])
    rubrics: dict[str, Rubric] = {}
    for position, entry in enumerate(data["categories"], start=1):
        code = entry.get("rubric")
        if code and code not in rubrics:
            rubrics[code] = install_rubric(campaign, read_rubric_file(rubric_dir / f"{code}.yaml"))
        Category.objects.create(
            campaign=campaign,
            kind=entry["kind"],
            title=entry["title"],
            form_ref=entry["form_ref"],
            rubric=rubrics.get(code) if code else None,
            self_score_threshold=entry.get("self_score_threshold"),
            filer_role=entry.get("filed_by", "applicant"),
            tie_break_item=entry.get("tie_break_item", ""),
            certificate_code=entry.get("certificate_code", ""),
            position=position,
        )
    return campaign


def shift_year(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def copy_campaign(campaign: Campaign, *, year: int, title: str | None = None) -> Campaign:
    """Next year's campaign: the same categories, rubrics and relative rules, every date moved
    by the difference in years. The secretariat then adjusts the dates in the admin."""
    if Campaign.objects.filter(year=year).exists():
        raise ValidationError(
            _("The %(year)s campaign exists already.") % {"year": year}, code="campaign_exists"
        )
    years = year - campaign.year
    source_categories = list(campaign.categories.select_related("rubric"))
    source_rubrics = list(
        campaign.rubrics.prefetch_related("items__criteria__bands").order_by("source")
    )
    new = Campaign.objects.get(pk=campaign.pk)
    new.pk = None
    new.year = year
    new.title = title or campaign.title.replace(str(campaign.year), str(year))
    for name in PHASE_FIELDS:
        setattr(new, name, shift_year(getattr(campaign, name), years))
    new.full_clean()
    new.save()
    audit.record(None, "campaign.copy", new, after=audit.snapshot(new), note=str(campaign))
    rubrics = {r.pk: install_rubric(new, spec_from_rubric(r)) for r in source_rubrics}
    Category.objects.bulk_create(
        Category(
            campaign=new,
            kind=c.kind,
            title=c.title,
            form_ref=c.form_ref,
            rubric=rubrics.get(c.rubric_id) if c.rubric_id else None,
            self_score_threshold=c.self_score_threshold,
            filer_role=c.filer_role,
            tie_break_item=c.tie_break_item,
            certificate_code=c.certificate_code,
            position=c.position,
        )
        for c in source_categories
    )
    return new
