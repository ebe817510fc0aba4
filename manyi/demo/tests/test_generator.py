"""The benchmark's generated campaign: the right size, valid by the scoring rules, rankable."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from manyi.campaigns.models import Criterion
from manyi.demo.generator import JUDGES_PER_PANEL, generate_campaign, split
from manyi.nominations.models import Attachment, Nomination, NominationState, SelfScore
from manyi.reviews import ranking
from manyi.reviews.models import Panel, Review, ReviewState, Score

pytestmark = pytest.mark.django_db


def test_split_adds_up_to_the_total():
    assert sum(split(1001, {"a": 0.4, "b": 0.35, "c": 0.25}).values()) == 1001
    assert split(10, {"a": 1.0}) == {"a": 10}


def test_generate_campaign_spreads_over_the_six_kinds():
    summary = generate_campaign(60, year=2031, attachment_kb=4)

    kinds = dict(
        Nomination.objects.filter(campaign__year=2031)
        .values_list("category__kind")
        .annotate(n=Count("pk"))
    )
    assert sum(kinds.values()) == 60
    assert set(kinds) == {
        "individual",
        "team",
        "manager",
        "unit",
        "achievement",
        "coaching_request",
    }
    assert summary.by_kind == kinds
    assert Panel.objects.filter(campaign__year=2031).count() == 5  # every judged kind


def test_scored_nominations_have_five_complete_valid_reviews():
    generate_campaign(20, year=2031, kinds=["individual", "achievement"], all_scored=True)

    scored = Nomination.objects.filter(campaign__year=2031, state=NominationState.SCORED)
    assert scored.count() == 20
    for nomination in scored:
        reviews = nomination.reviews.filter(state=ReviewState.SUBMITTED)
        assert reviews.count() == JUDGES_PER_PANEL
        criteria = Criterion.objects.filter(item__rubric=nomination.category.rubric).count()
        for review in reviews:
            assert review.scores.count() == criteria
    for score in Score.objects.select_related("criterion"):
        assert 0 <= score.points <= score.criterion.max_points
    self_totals = SelfScore.objects.values("nomination").annotate(total=Sum("points"))
    assert all(row["total"] >= 80 for row in self_totals)


def test_the_ranking_ranks_every_generated_nomination():
    generate_campaign(12, year=2031, kinds=["individual"], all_scored=True)
    category = Nomination.objects.filter(campaign__year=2031).first().category

    rows = ranking.ranking(category)

    assert len(rows) == 12
    assert all(row.rank is not None and row.judges == JUDGES_PER_PANEL for row in rows)
    assert rows[0].rank == 1


def test_attachments_are_distinct_rows_sharing_one_file():
    generate_campaign(10, year=2031, kinds=["individual"], all_scored=True, attachment_kb=8)

    evidence = list(Attachment.objects.filter(slot="evidence"))
    assert len(evidence) == 10
    assert len({a.file.name for a in evidence}) == 10
    paths = [Path(settings.MEDIA_ROOT) / a.file.name for a in evidence]
    assert all(p.stat().st_size == 8 * 1024 for p in paths)
    assert Review.objects.count() == 10 * JUDGES_PER_PANEL


def test_command_generates_and_refuses_unknown_kinds(capsys):
    call_command("generate_campaign", "--nominations", "7", "--year", "2032", "--kinds", "team")
    assert Nomination.objects.filter(campaign__year=2032, category__kind="team").count() == 7
    with pytest.raises(CommandError, match="没有这种申报类别"):
        call_command("generate_campaign", "--nominations", "7", "--kinds", "teams")


def test_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("generate_campaign", "--nominations", "3", "--year", "2033")
