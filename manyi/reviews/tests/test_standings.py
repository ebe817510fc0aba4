"""The kept ranking (reviews.Standing): after every path that changes what the ranking counts,
the kept standings equal a fresh computation from the scores (ranking.ranking) and the Python
reference rules (manyi.reviews.aggregation). A stale ranking is worse than a slow page."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from manyi.campaigns.models import AggregationMethod, Campaign, Category, TieBreak
from manyi.demo.generator import generate_campaign, ranked_category
from manyi.nominations.models import Nomination
from manyi.reviews import aggregation, assignments, judging, ranking
from manyi.reviews.judging import Sheet
from manyi.reviews.models import Review, ReviewState, Standing
from manyi.reviews.tests.test_judging import full_sheet, in_review, panel  # noqa: F401

pytestmark = pytest.mark.django_db

SUBMITTED = ReviewState.SUBMITTED


def reference(category: Category) -> dict[int, tuple]:
    """nomination id → (judges, exact aggregate, rank), from the scores in Python by the
    reference rules (aggregation.aggregate, aggregation.rank)."""
    campaign = category.campaign
    use_item = campaign.tie_break == TieBreak.ITEM and bool(category.tie_break_item)
    entries, judges = [], {}
    for nomination in Nomination.objects.filter(category=category, state__in=ranking.RANKED_STATES):
        totals, item_points = [], 0
        reviews = nomination.reviews.filter(state=SUBMITTED).prefetch_related(
            "scores__criterion__item"
        )
        for review in reviews:
            scores = list(review.scores.all())
            if not scores:
                continue
            totals.append(sum(s.points for s in scores))
            item_points += sum(
                s.points for s in scores if s.criterion.item.name == category.tie_break_item
            )
        judges[nomination.pk] = len(totals)
        tie = aggregation.quotient(item_points, len(totals)) if totals and use_item else None
        entries.append(
            aggregation.Entry(
                nomination.pk, aggregation.aggregate(totals, campaign.aggregation_method), tie
            )
        )
    ranked = aggregation.rank(entries, use_tie_break=use_item)
    return {r.key: (judges[r.key], r.aggregate, r.rank) for r in ranked}


def assert_kept_is_fresh(category: Category) -> None:
    """The ranking page's numbers (kept) equal the computed ranking and the reference."""
    category = Category.objects.select_related("campaign").get(pk=category.pk)
    fresh = ranking.ranking(category)  # computed from the scores, now
    kept = ranking.rows_of(
        ranking.in_order(category, [pk for pk, _ in ranking.ordered(category)]),
        category,
        ranks=ranking.ranks(category),
    )

    def shown(rows):
        return [
            (r.nomination.pk, r.rank, r.judges, r.aggregate, r.tie_break, r.spread, r.recommends)
            for r in rows
        ]

    assert shown(kept) == shown(fresh)
    assert [r.criterion_means for r in kept] == [r.criterion_means for r in fresh]
    if category.kind != "unit":
        assert {r.nomination.pk: (r.judges, r.aggregate, r.rank) for r in kept} == reference(
            category
        )


def sheet(nomination, total_off=0, **overrides):
    """A full sheet with the first criterion lowered by `total_off` points."""
    full = full_sheet(nomination, **overrides)
    first = next(iter(full.points))
    points = dict(full.points)
    points[first] = points[first] - total_off
    return Sheet(points=points, comment=full.comment)


def test_every_path_that_changes_the_ranking_keeps_it_fresh(open_campaign, people, panel):  # noqa: F811
    category = panel.category
    first = in_review(open_campaign, people, [people.judge, panel.wu, panel.zheng])
    second = in_review(open_campaign, people, [people.judge, panel.wu, panel.zheng])
    unjudged = in_review(open_campaign, people, [people.judge])
    assert_kept_is_fresh(category)  # nothing submitted: nobody ranked

    # submitted reviews count
    judging.submit_review(first, judge=people.judge, sheet=sheet(first, 2))
    judging.submit_review(first, judge=panel.wu, sheet=sheet(first, 4))
    judging.submit_review(second, judge=people.judge, sheet=sheet(second, 1))
    assert Standing.objects.get(nomination=first).judges == 2
    assert_kept_is_fresh(category)

    # a draft does not count, whatever it holds
    judging.save_scores(second, judge=panel.wu, sheet=sheet(second, 9))
    assert_kept_is_fresh(category)

    # reopened: no longer counted; submitted again with other scores: counted as they are now
    review = Review.objects.get(nomination=first, judge=people.judge)
    judging.reopen_review(review, by=people.secretariat, reason="分数录入有误")
    assert Standing.objects.get(nomination=first).judges == 1
    assert_kept_is_fresh(category)
    judging.submit_review(first, judge=people.judge, sheet=sheet(first, 7))
    assert_kept_is_fresh(category)

    # a judge declaring a conflict loses their draft (never counted); a released assignment too
    assignments.declare_conflict(second, judge=panel.wu, reason="曾指导该候选人")
    judging.submit_review(second, judge=panel.zheng, sheet=sheet(second, 3))
    assert_kept_is_fresh(category)
    judging.save_scores(unjudged, judge=people.judge, sheet=sheet(unjudged, 1))
    assignment = unjudged.assignments.get(judge=people.judge, released_at__isnull=True)
    assignments.unassign(assignment, by=people.secretariat, reason="调整分工")
    assert_kept_is_fresh(category)

    # the nomination moves on (finish_review → scored): it keeps its standing
    judging.submit_review(first, judge=panel.zheng, sheet=sheet(first, 1))
    judging.finish_review(first, by=people.secretariat)
    assert_kept_is_fresh(category)


def test_rule_changes_are_kept_by_refresh_rankings(open_campaign, people, panel):  # noqa: F811
    category = panel.category
    nominations = [
        in_review(open_campaign, people, [people.judge, panel.wu, panel.zheng]) for _ in range(3)
    ]
    # equal totals, different tie-break item subtotals
    for index, nomination in enumerate(nominations):
        for judge in (people.judge, panel.wu, panel.zheng):
            judging.submit_review(nomination, judge=judge, sheet=sheet(nomination, index % 2))
    assert_kept_is_fresh(category)
    # the campaign's rules are set before filing (the admin does not offer them); changed by
    # hand, the kept standings are refreshed by the repair command
    Campaign.objects.filter(pk=open_campaign.pk).update(
        aggregation_method=AggregationMethod.TRIMMED_MEAN, tie_break=TieBreak.NONE
    )
    call_command("refresh_rankings", year=open_campaign.year, stdout=io.StringIO())
    assert_kept_is_fresh(category)


def test_refresh_rankings_names_a_missing_year(db):
    with pytest.raises(CommandError) as error:
        call_command("refresh_rankings", year=1999)
    assert str(error.value) == "没有 1999 年度的评选活动。"


def test_units_read_their_satisfaction_score_as_filed_now(open_campaign, people):
    category = open_campaign.categories.get(kind="unit")
    assignments.set_panel(category, judges=[people.judge], by=people.secretariat)
    units = [in_review(open_campaign, people, [people.judge], "unit") for _ in range(2)]
    for unit, satisfaction in zip(units, ["88", "91.5"], strict=True):
        Nomination.objects.filter(pk=unit.pk).update(
            data={**unit.data, "satisfaction_score": satisfaction}
        )
        judging.submit_review(
            unit, judge=people.judge, sheet=Sheet(comment="服务成效显著。", recommends=True)
        )
    assert_kept_is_fresh(category)
    assert [rank for _pk, rank in ranking.ordered(category)] == [1, 2]
    # the satisfaction score as filed changes (erasure, a correction): the ranking follows
    Nomination.objects.filter(pk=units[1].pk).update(
        data={**units[1].data, "satisfaction_score": "80"}
    )
    assert_kept_is_fresh(category)
    assert ranking.ordered(category)[0] == (units[0].pk, 1)
    review = Review.objects.get(nomination=units[0])
    judging.reopen_review(review, by=people.secretariat, reason="补充意见")
    assert_kept_is_fresh(category)
    assert ranking.ordered(category) == [(units[1].pk, 1), (units[0].pk, None)]


def test_a_generated_campaign_is_kept_and_pages_agree(client, settings):
    summary = generate_campaign(
        60, year=2031, kinds=["individual"], all_scored=True, attachment_kb=1
    )
    category = ranked_category(2031)
    assert Standing.objects.filter(category=category).count() == 60
    assert_kept_is_fresh(category)
    # the paginated page: its rows and the whole category's ranks, the last page past the end
    rows, count, number = ranking.ordered_page(category, None, "rank", 2)
    assert (count, number, rows) == (60, 2, ranking.ordered(category)[50:])
    assert ranking.ordered_page(category, None, "rank", 99) == (rows, 60, 2)
    client.force_login(summary_user(summary))
    page = client.get(f"/reviews/ranking/{category.pk}/pages/", {"page": "last"})
    assert [r.rank for r in page.context["rows"]] == [rank for _pk, rank in rows]
    assert "第 2 / 2 页，共 60 件" in page.content.decode()


def summary_user(summary):
    from manyi.accounts.models import User

    return User.objects.get(username=summary.secretariat)


def test_a_refresh_of_no_nomination_does_nothing(open_campaign):
    category = open_campaign.categories.get(kind="individual")
    ranking.refresh(category, [])
    assert not Standing.objects.exists()


def test_the_ranking_table_escapes_what_was_typed(client, open_campaign, people, panel):  # noqa: F811
    nomination = in_review(open_campaign, people, [people.judge])
    judging.submit_review(nomination, judge=people.judge, sheet=sheet(nomination))
    Nomination.objects.filter(pk=nomination.pk).update(title="<b>王&小满</b>", locked_name="")
    client.force_login(people.secretariat)
    for url in (
        f"/reviews/ranking/{panel.category.pk}/",
        f"/reviews/ranking/{panel.category.pk}/pages/",
    ):
        page = client.get(url).content.decode()
        assert "<td>&lt;b&gt;王&amp;小满&lt;/b&gt;</td>" in page
        assert "<b>王" not in page


def test_pages_near_the_top_agree_with_the_window_on_every_page(monkeypatch):
    """`_page_by_rank` (the plain ranking's first pages, without a window over the category)
    gives the pairs of the window's page, ties across pages and unscored rows included."""
    generate_campaign(40, year=2031, kinds=["individual"], all_scored=True, attachment_kb=1)
    category = ranked_category(2031)
    kept = list(Standing.objects.filter(category=category).order_by("nomination_id"))
    # ties that straddle pages of 7: five rows with the same keys, two with equal first keys
    # and no second key, and three rows without a score at all
    tied = [s.pk for s in kept[:5]]
    Standing.objects.filter(pk__in=tied).update(first_key=77.5, second_key=8.0)
    Standing.objects.filter(pk__in=[kept[5].pk, kept[6].pk]).update(first_key=77.5, second_key=None)
    Standing.objects.filter(pk__in=[s.pk for s in kept[7:10]]).update(
        first_key=None, second_key=None
    )
    monkeypatch.setattr(ranking, "PAGE_SIZE", 7)
    pages = -(-40 // 7)
    for number in range(1, pages + 1):
        window, count = ranking._ordered(category, None, "rank", page=number)
        assert ranking._page_by_rank(category, number) == (window, count, number), number
    assert ranking._page_by_rank(category, pages + 1) is None
    everything = ranking._ordered(category, None, "rank")[0]
    assert [rank for _pk, rank in everything].count(None) == 3
