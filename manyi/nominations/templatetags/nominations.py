"""Template helpers of the nomination pages: read the typed data, problems, derived bands.

They only read: what a band is and what a total is stays in campaigns.scoring.
"""

from collections.abc import Mapping

from django import template
from django.core.exceptions import ValidationError

from manyi.campaigns.models import Criterion
from manyi.campaigns.phases import chinese_date
from manyi.campaigns.scoring import band_for, check_score
from manyi.nominations.queries import Assessment

register = template.Library()


@register.filter
def value_of(data: Mapping[str, str], key: object) -> str:
    return data.get(str(key), "")


@register.filter
def problems_of(assessment: Assessment, key: object) -> list[str]:
    return assessment.problems_of(str(key))


@register.filter
def score_key(criterion: Criterion) -> str:
    return f"score_{criterion.pk}"


@register.simple_tag
def derived_band(criterion: Criterion, data: Mapping[str, str]):
    """The band the typed score of `criterion` falls in, or None."""
    try:
        points = check_score(
            data.get(f"score_{criterion.pk}", "").strip(), maximum=criterion.max_points
        )
    except ValidationError:  # an invalid or empty score has no band
        return None
    return band_for(points, list(criterion.bands.all()))


@register.filter
def attachments_in(attachments: list, slot: str) -> list:
    return [a for a in attachments if a.slot == slot]


@register.filter
def fill(note: str, campaign) -> str:
    """A seed note with the campaign's own dates in place of 2018's."""
    day = campaign.earliest_survey_start
    deadline = campaign.coaching_request_deadline
    return note.format(
        year=campaign.year,
        survey_after=chinese_date(day),
        coaching_deadline=f"{deadline.month}月{deadline.day}日",
    )
