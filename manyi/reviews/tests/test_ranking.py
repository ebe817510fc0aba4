"""The ranking: the database's numbers equal the reference rules (manyi.reviews.aggregation),
units ranked by recommendations, and the secretariat's ranking page."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manyi.accounts.models import Role
from manyi.campaigns.models import AggregationMethod, TieBreak
from manyi.nominations.models import Nomination, NominationState, SelfScore
from manyi.nominations.services import transition
from manyi.reviews import aggregation, ranking
from manyi.reviews.models import Review, ReviewState, Score
from manyi.testing import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- a small factory: nominations in review, and judges' reviews written with the ORM ---------


def nominate(category, people, title, *, organization=None, data=None, locked_name=""):
    """A nomination accepted after the formal check and moved into the review."""
    nomination = Nomination.objects.create(
        campaign=category.campaign,
        category=category,
        applicant=people.applicant,
        organization=organization or people.employer,
        state=NominationState.CHECKED,
        title=title,
        data=data or {},
        locked_name=locked_name,
        filed_at=timezone.now(),
    )
    return transition(nomination, "start_review", by=people.secretariat)


def judges(count):
    return [UserFactory(role=Role.JUDGE, display_name=f"评审专家{i}") for i in range(count)]


def criteria(category):
    return ranking.criteria_of(category)


def review(nomination, judge, points=None, *, submitted=True, recommends=None):
    """A judge's review: `points` a list in the rubric's order (or None: no scores)."""
    row = Review.objects.create(
        nomination=nomination,
        judge=judge,
        state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
        submitted_at=timezone.now() if submitted else None,
        recommends=recommends,
    )
    if points is not None:
        Score.objects.bulk_create(
            Score(review=row, criterion=criterion, points=value)
            for criterion, value in zip(criteria(nomination.category), points, strict=True)
        )
    # written with the ORM, not by the services: the kept standing is refreshed here
    ranking.refresh(nomination.category, [nomination.pk])
    return row


def scored_as(nomination, panel, totals_by_judge):
    """Reviews whose points are spread to give each judge the given points vector."""
    for judge, points in zip(panel, totals_by_judge, strict=False):
        review(nomination, judge, points)


def finish(nomination, people):
    return transition(nomination, "finish_review", by=people.secretariat)


def spread_points(total, category):
    """A points vector of the category's rubric adding up to `total`, filled in order."""
    vector = []
    left = total
    for criterion in criteria(category):
        value = min(left, criterion.max_points)
        vector.append(value)
        left -= value
    assert left == 0
    return vector


def by_title(rows):
    return {row.nomination.title: row for row in rows}


# --- the database equals the reference, on generated data -----------------------------------

POOL_SIZE = 7


@st.composite
def shifted(draw, vector, maxima):
    """`vector` with some points moved from one criterion to another: the same total, another
    tie-break subtotal (how equal aggregates with different tie-break values arise)."""
    source, target = draw(st.permutations(range(len(vector))))[:2]
    movable = min(vector[source], maxima[target] - vector[target])
    moved = draw(st.integers(0, movable))
    result = list(vector)
    result[source] -= moved
    result[target] += moved
    return tuple(result)


@st.composite
def scored_categories(draw, maxima):
    """Up to 6 nominations, each with up to 7 judges' points vectors, some left in draft.
    Judges pick from a small pool of vectors (and their rearrangements) so that equal totals,
    equal aggregates and equal tie-break values are frequent."""

    def points(maximum):
        return st.one_of(st.sampled_from([0, maximum // 2, maximum]), st.integers(0, maximum))

    fresh = st.tuples(*(points(m) for m in maxima))
    base = draw(st.lists(fresh, min_size=1, max_size=3))
    pool = base + [draw(shifted(vector, maxima)) for vector in base]
    judge = st.tuples(st.sampled_from(pool) | fresh, st.sampled_from([True, True, True, False]))
    return draw(st.lists(st.lists(judge, max_size=POOL_SIZE), min_size=1, max_size=6))


@pytest.fixture
def panel(db):
    return judges(POOL_SIZE)


@pytest.mark.parametrize("kind", ["individual", "achievement"])
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_database_numbers_equal_the_reference(campaign, people, panel, kind, data):
    category = campaign.categories.get(kind=kind)
    rubric = criteria(category)
    method = data.draw(st.sampled_from(AggregationMethod.values), label="method")
    tie_break = data.draw(st.sampled_from(TieBreak.values), label="tie_break")
    threshold = data.draw(st.integers(0, 30), label="threshold")
    generated = data.draw(scored_categories([c.max_points for c in rubric]), label="reviews")
    with transaction.atomic():
        type(campaign).objects.filter(pk=campaign.pk).update(
            aggregation_method=method, tie_break=tie_break, spread_threshold=threshold
        )
        category.campaign.refresh_from_db()
        expected_entries = []
        expected = {}
        for number, judged in enumerate(generated):
            nomination = nominate(category, people, f"候选{number}")
            submitted = [vector for vector, done in judged if done]
            for judge, (vector, done) in zip(panel, judged, strict=False):
                review(nomination, judge, list(vector), submitted=done)
            totals = [sum(vector) for vector in submitted]
            item = [i for i, c in enumerate(rubric) if c.item.name == category.tie_break_item]
            tie = (
                aggregation.quotient(sum(v[i] for v in submitted for i in item), len(submitted))
                if submitted and tie_break == TieBreak.ITEM
                else None
            )
            means = aggregation.criterion_means(
                {c.pk: [v[i] for v in submitted] for i, c in enumerate(rubric)}
            )
            expected[nomination.pk] = (
                aggregation.aggregate(totals, method),
                aggregation.spread(totals),
                aggregation.needs_attention(totals, threshold),
                means,
            )
            expected_entries.append(
                aggregation.Entry(nomination.pk, aggregation.aggregate(totals, method), tie)
            )
        expected_ranks = {
            r.key: r.rank
            for r in aggregation.rank(expected_entries, use_tie_break=tie_break == TieBreak.ITEM)
        }

        rows = ranking.ranking(category)

        assert {
            row.nomination.pk: (row.aggregate, row.spread, row.flagged, row.criterion_means)
            for row in rows
        } == expected
        assert {row.nomination.pk: row.rank for row in rows} == expected_ranks
        # the ranking page's one statement (keys grouped for the plain mean) agrees
        assert ranking.ranks(category) == expected_ranks
        assert ranking.ordered(category) == [(row.nomination.pk, row.rank) for row in rows]
        assert [aggregation.rounded(row.aggregate) for row in rows] == [
            aggregation.rounded(expected[row.nomination.pk][0]) for row in rows
        ]
        ranks = [row.rank for row in rows]
        assert ranks == sorted(ranks, key=lambda r: (r is None, r))  # best first
        transaction.set_rollback(True)


# --- the rules, by example -------------------------------------------------------------------


@pytest.fixture
def individual(campaign):
    return campaign.categories.get(kind="individual")


def set_campaign(campaign, **settings):
    type(campaign).objects.filter(pk=campaign.pk).update(**settings)
    campaign.refresh_from_db()


def test_trimmed_mean_drops_one_highest_and_one_lowest_total_from_five_judges(
    campaign, people, individual
):
    set_campaign(campaign, aggregation_method=AggregationMethod.TRIMMED_MEAN)
    nomination = nominate(individual, people, "甲")
    for judge, total in zip(judges(5), [90, 80, 85, 70, 95], strict=True):
        review(nomination, judge, spread_points(total, individual))
    (row,) = ranking.ranking(individual)
    assert (row.aggregate, row.judges, row.spread, row.aggregate_shown) == (
        Decimal(85),
        5,
        25,
        "85.00",
    )


def test_mean_of_all_totals_by_default(campaign, people, individual):
    nomination = nominate(individual, people, "甲")
    for judge, total in zip(judges(4), [90, 80, 85, 70], strict=True):
        review(nomination, judge, spread_points(total, individual))
    (row,) = ranking.ranking(individual)
    assert (row.aggregate, row.aggregate_shown) == (Decimal("81.25"), "81.25")


def test_only_submitted_reviews_count(campaign, people, individual):
    nomination = nominate(individual, people, "甲")
    first, second, third = judges(3)
    review(nomination, first, spread_points(90, individual))
    review(nomination, second, spread_points(10, individual), submitted=False)
    review(nomination, third, None)  # submitted without scores: not a judge's total
    (row,) = ranking.ranking(individual)
    assert (row.judges, row.aggregate, row.spread) == (1, Decimal(90), 0)


def test_spread_is_flagged_only_above_the_threshold(campaign, people, individual):
    set_campaign(campaign, spread_threshold=15)
    at_threshold = nominate(individual, people, "差15分")
    above = nominate(individual, people, "差16分")
    panel = judges(2)
    scored_as(at_threshold, panel, [spread_points(90, individual), spread_points(75, individual)])
    scored_as(above, panel, [spread_points(90, individual), spread_points(74, individual)])
    rows = by_title(ranking.ranking(individual))
    assert (rows["差15分"].spread, rows["差15分"].flagged) == (15, False)
    assert (rows["差16分"].spread, rows["差16分"].flagged) == (16, True)


def customer_points(category, customer, rest):
    """A points vector with `customer` points on the 顾客认可 criteria and `rest` elsewhere."""
    vector = []
    for criterion in criteria(category):
        pool = customer if criterion.item.name == "顾客认可" else rest
        value = min(pool[0], criterion.max_points)
        pool[0] -= value
        vector.append(value)
    return vector


def test_equal_aggregates_are_ranked_by_the_tie_break_item(campaign, people, individual):
    assert individual.tie_break_item == "顾客认可"
    more_customer = nominate(individual, people, "顾客认可高")
    less_customer = nominate(individual, people, "顾客认可低")
    lower = nominate(individual, people, "总分低")
    (judge,) = judges(1)
    review(more_customer, judge, customer_points(individual, [40], [45]))
    review(less_customer, judge, customer_points(individual, [30], [55]))
    review(lower, judge, customer_points(individual, [40], [40]))
    rows = ranking.ranking(individual)
    assert [(r.name, r.rank, r.aggregate, r.tie_break) for r in rows] == [
        ("顾客认可高", 1, Decimal(85), Decimal(40)),
        ("顾客认可低", 2, Decimal(85), Decimal(30)),
        ("总分低", 3, Decimal(80), Decimal(40)),
    ]


def test_without_the_tie_break_equal_aggregates_share_a_rank(campaign, people, individual):
    set_campaign(campaign, tie_break=TieBreak.NONE)
    (judge,) = judges(1)
    for title, customer, rest in [("甲", 40, 45), ("乙", 30, 55), ("丙", 40, 40)]:
        review(
            nominate(individual, people, title),
            judge,
            customer_points(individual, [customer], [rest]),
        )
    assert [(r.name, r.rank) for r in ranking.ranking(individual)] == [
        ("乙", 1),  # equal ranks are listed by name (code point order: 乙 < 甲)
        ("甲", 1),
        ("丙", 3),
    ]


def test_unscored_nominations_come_last_without_a_rank(campaign, people, individual):
    nominate(individual, people, "未评分")
    review(nominate(individual, people, "已评分"), judges(1)[0], spread_points(60, individual))
    assert [(r.name, r.rank, r.aggregate_shown) for r in ranking.ranking(individual)] == [
        ("已评分", 1, "60.00"),
        ("未评分", None, "—"),
    ]


def test_nominations_not_yet_in_review_are_not_ranked(campaign, people, individual):
    nominate(individual, people, "评审中")
    checked = nominate(individual, people, "刚受理")
    Nomination.objects.filter(pk=checked.pk).update(state=NominationState.CHECKED)
    assert [r.name for r in ranking.ranking(individual)] == ["评审中"]


def test_the_self_score_is_the_sum_of_the_self_assessment(campaign, people, individual):
    nomination = nominate(individual, people, "甲")
    SelfScore.objects.bulk_create(
        SelfScore(nomination=nomination, criterion=c, points=c.max_points - 1)
        for c in criteria(individual)
    )
    (row,) = ranking.ranking(individual)
    assert row.self_score == 100 - len(criteria(individual))


def test_criterion_means_are_plain_means_never_trimmed(campaign, people, individual):
    set_campaign(campaign, aggregation_method=AggregationMethod.TRIMMED_MEAN)
    nomination = nominate(individual, people, "甲")
    first = criteria(individual)[0]  # 道德情操高尚，社会责任感强（10分）
    for judge, points in zip(judges(5), [10, 9, 9, 8, 0], strict=True):
        review(nomination, judge, [points] + [0] * (len(criteria(individual)) - 1))
    (row,) = ranking.ranking(individual)
    assert row.criterion_means[first.pk] == Decimal("7.2")
    assert row.aggregate == Decimal("8.66666666666666666667")  # (9 + 9 + 8) / 3


# --- units: no rubric ------------------------------------------------------------------------


def unit(campaign, people, title, satisfaction):
    return nominate(
        campaign.categories.get(kind="unit"),
        people,
        title,
        organization=people.committee_org,
        data={"unit_name": title, "satisfaction_score": satisfaction},
    )


def test_units_rank_by_recommending_judges_then_satisfaction(campaign, people):
    panel = judges(3)
    votes = {
        "两票甲": ("86.5", [True, True, False]),
        "两票乙": ("90", [True, True, None]),
        "三票": ("70", [True, True, True]),
        "两票丙": ("90.00", [True, False, True]),
        "未评": ("99", []),
    }
    for title, (satisfaction, recommendations) in votes.items():
        nomination = unit(campaign, people, title, satisfaction)
        for judge, recommends in zip(panel, recommendations, strict=False):
            review(nomination, judge, recommends=recommends)
    Review.objects.filter(nomination__title="两票乙", recommends=None).update(
        state=ReviewState.DRAFT, submitted_at=None
    )
    rows = ranking.ranking(campaign.categories.get(kind="unit"))
    assert [(r.name, r.rank, r.judges, r.recommends, r.tie_break_shown) for r in rows] == [
        ("三票", 1, 3, 3, "70.00"),
        ("两票丙", 2, 3, 2, "90.00"),  # equal: listed by name (丙 < 乙)
        ("两票乙", 2, 2, 2, "90.00"),
        ("两票甲", 4, 3, 2, "86.50"),
        ("未评", None, 0, 0, "99.00"),
    ]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    units=st.lists(
        st.tuples(
            st.lists(st.sampled_from([True, False, None]), max_size=4),
            st.sampled_from(["80", "80.5", "80.50", "92", "0"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_unit_ranks_equal_the_reference(campaign, people, panel, units):
    with transaction.atomic():
        entries = []
        for number, (recommendations, satisfaction) in enumerate(units):
            nomination = unit(campaign, people, f"单位{number}", satisfaction)
            for judge, recommends in zip(panel, recommendations, strict=False):
                review(nomination, judge, recommends=recommends)
            entries.append(
                aggregation.Entry(
                    nomination.pk,
                    Decimal(recommendations.count(True)) if recommendations else None,
                    Decimal(satisfaction),
                )
            )
        expected = {r.key: r.rank for r in aggregation.rank(entries)}
        rows = ranking.ranking(campaign.categories.get(kind="unit"))
        assert {r.nomination.pk: r.rank for r in rows} == expected
        transaction.set_rollback(True)


def test_a_satisfaction_score_that_is_not_a_plain_number_counts_as_none(campaign, people):
    nomination = unit(campaign, people, "全角", "８６.５")
    review(nomination, judges(1)[0], recommends=True)
    (row,) = ranking.ranking(campaign.categories.get(kind="unit"))
    assert (row.rank, row.tie_break) == (1, None)


# --- filtering and sorting keep the category's ranks ----------------------------------------


@pytest.fixture
def three_ranked(campaign, people, individual):
    panel = judges(2)
    for title, total, organization in [
        ("第一", 95, people.employer),
        ("第二", 90, people.other_employer),
        ("第三", 85, people.employer),
    ]:
        nomination = nominate(individual, people, title, organization=organization)
        scored_as(nomination, panel, [spread_points(total, individual)] * 2)
    return individual


def test_ranks_are_those_of_the_whole_category_whatever_the_filter(people, three_ranked):
    ranks = ranking.ranks(three_ranked)
    mine = ranking.standings(three_ranked).filter(organization=people.employer)
    assert [(row.name, row.rank) for row in ranking.rows_of(mine, three_ranked, ranks=ranks)] == [
        ("第一", 1),
        ("第三", 3),
    ]


@pytest.mark.parametrize(
    ("sort", "titles"),
    [
        ("rank", ["第一", "第二", "第三"]),
        ("title", ["第一", "第三", "第二"]),  # code point order: 一 < 三 < 二
        ("-title", ["第二", "第三", "第一"]),
        ("-spread", ["第三", "第一", "第二"]),  # 10, 0, 0: equal spreads by rank
        ("organization", ["第一", "第三", "第二"]),  # 示范供电公司 < 示范通信公司
        ("-organization", ["第二", "第一", "第三"]),
        ("nonsense", ["第一", "第二", "第三"]),
    ],
)
def test_sorting(three_ranked, sort, titles):
    review(
        Nomination.objects.get(title="第三"), judges(1)[0], spread_points(75, three_ranked)
    )  # a third judge: 85, 85, 75 → spread 10
    ordered = ranking.sorted_by(ranking.standings(three_ranked), sort)
    assert [n.title for n in ordered] == titles
    # the ranking page's order (one statement) is the same
    assert [pk for pk, _ in ranking.ordered(three_ranked, None, sort)] == [n.pk for n in ordered]


# --- the ranking page ------------------------------------------------------------------------


def test_ranking_page_shows_every_column(client, campaign, people, individual):
    set_campaign(campaign, spread_threshold=10)
    nomination = nominate(individual, people, "王小满")
    SelfScore.objects.bulk_create(
        SelfScore(nomination=nomination, criterion=c, points=c.max_points)
        for c in criteria(individual)
    )
    panel = judges(3)
    scored_as(
        nomination,
        panel,
        [spread_points(t, individual) for t in (90, 85, 70)],
    )
    finish(nomination, people)
    client.force_login(people.secretariat)
    page = client.get(f"/reviews/ranking/{individual.pk}/").content.decode()
    for text in (
        "<td>王小满</td>",
        "<td>示范供电公司</td>",
        "评审完成",
        "<td>100</td>",  # the self-score
        "<td>81.67</td>",  # (90 + 85 + 70) / 3
        '20 <strong class="error">分歧较大</strong>',
        "道德情操高尚，社会责任感强",
        "<td>10.00</td>",  # every judge gave the first criterion its maximum
    ):
        assert text in page, text


def test_ranking_page_filters_by_state_and_organization(client, people, three_ranked):
    client.force_login(people.secretariat)
    url = f"/reviews/ranking/{three_ranked.pk}/"
    page = client.get(url, {"organization": people.employer.pk}).content.decode()
    assert ("<td>第一</td>" in page, "<td>第二</td>" in page, "<td>第三</td>" in page) == (
        True,
        False,
        True,
    )
    assert "<td>3</td>\n      <td>第三</td>" in page  # its rank in the whole category
    page = client.get(url, {"state": "scored"}).content.decode()
    assert "没有符合条件的申报。" in page


def test_the_paginated_ranking_shows_fifty_rows_a_page(client, campaign, people, individual):
    make_ranking(individual, people, 55, judges_each=1)
    client.force_login(people.secretariat)
    first = client.get(f"/reviews/ranking/{individual.pk}/pages/")
    second = client.get(f"/reviews/ranking/{individual.pk}/pages/", {"page": 2})
    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 5)
    assert [r.rank for r in second.context["rows"]] == [51, 52, 53, 54, 55]
    assert "第 2 / 2 页，共 55 件" in second.content.decode()
    full = client.get(f"/reviews/ranking/{individual.pk}/")
    assert len(full.context["rows"]) == 55


def make_ranking(category, people, size, *, judges_each=3):
    """`size` nominations of two organizations, each scored by the same judges, all different."""
    other = OrganizationFactory(name="示范银行")
    panel = judges(judges_each)
    reviews = []
    for number in range(size):
        nomination = nominate(
            category,
            people,
            f"候选{number:03d}",
            organization=people.employer if number % 2 else other,
        )
        for judge in panel:
            reviews.append(
                Review(
                    nomination=nomination,
                    judge=judge,
                    state=ReviewState.SUBMITTED,
                    submitted_at=timezone.now(),
                )
            )
    Review.objects.bulk_create(reviews)
    rubric = criteria(category)
    scores = []
    for row in Review.objects.filter(nomination__category=category).select_related("nomination"):
        total = 100 - int(row.nomination.title[2:]) % 100
        scores += [
            Score(review=row, criterion=c, points=p)
            for c, p in zip(rubric, spread_points(total, category), strict=True)
        ]
    Score.objects.bulk_create(scores)
    ranking.refresh(category)


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # session, user, category, organizations (for the filter), criteria, the order and
        # the ranks in the whole category (one query), the rows, the criterion means of the rows
        ("/reviews/ranking/{pk}/", 8),
        # the same: the paginator counts the ordered ids, the page reads only its rows
        ("/reviews/ranking/{pk}/pages/", 8),
    ],
)
def test_ranking_page_queries_do_not_grow_with_its_size(
    client, people, individual, django_assert_num_queries, size, url, queries
):
    make_ranking(individual, people, size)
    client.force_login(people.secretariat)
    with django_assert_num_queries(queries):
        response = client.get(url.format(pk=individual.pk), {"organization": people.employer.pk})
    assert len(response.context["rows"]) == size // 2


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee", "judge"])
def test_ranking_pages_are_for_the_secretariat(client, people, individual, persona):
    client.force_login(getattr(people, persona))
    for url in (
        "/reviews/ranking/",
        f"/reviews/ranking/{individual.pk}/",
        f"/reviews/ranking/{individual.pk}/pages/",
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "只有秘书处可以管理评审结果、公示和异议。" in response.content.decode()
