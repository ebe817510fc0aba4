"""The dashboard's numbers: each chart's table from known rows, and a constant number of
queries whatever the size of the campaign."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from manyi.campaigns.models import CategoryKind
from manyi.dashboard import stats
from manyi.dashboard.tests import builders as b
from manyi.nominations.models import NominationState
from manyi.reviews.models import Objection
from manyi.testing import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def category(campaign, kind=CategoryKind.INDIVIDUAL):
    return campaign.categories.get(kind=kind)


def at(day: str, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def test_filings_per_day_counts_by_day_in_beijing_time_with_running_total(campaign, people):
    individual = category(campaign)
    b.nominate(individual, people.applicant, filed_at=at("2018-05-01", 23, 30))
    # 00:30 in Beijing is still 1 May in UTC: counted on 2 May
    b.nominate(individual, people.applicant, filed_at=at("2018-05-02", 0, 30))
    b.nominate(individual, people.applicant, filed_at=at("2018-05-02", 9))
    b.nominate(individual, people.applicant, state=NominationState.DRAFT)

    chart = stats.filings_per_day(campaign)

    assert chart.rows == [["2018-05-01", 1, 1], ["2018-05-02", 2, 3]]
    assert chart.header == ["Day", "Filed that day", "Filed in all"]
    axis = chart.option["xAxis"]["data"]
    assert (axis[0], axis[-1], len(axis)) == ("2018-03-01", "2018-05-31", 92)
    line, bars = chart.option["series"]
    may_first = axis.index("2018-05-01")
    assert line["data"][may_first - 1 : may_first + 3] == [0, 1, 3, 3]
    assert line["data"][-1] == 3
    assert bars["data"][may_first - 1 : may_first + 3] == [0, 1, 2, 0]
    assert sum(bars["data"]) == 3
    marks = {m["name"]: m["xAxis"] for m in line["markLine"]["data"]}
    assert marks == {"Filing deadline": "2018-05-31", "Coaching request deadline": "2018-05-15"}


def test_filings_after_the_deadline_stretch_the_axis(campaign, people):
    b.nominate(category(campaign), people.applicant, filed_at=at("2018-06-03", 10))

    chart = stats.filings_per_day(campaign)

    assert chart.rows == [["2018-06-03", 1, 1]]
    assert chart.option["xAxis"]["data"][-1] == "2018-06-03"


def test_filings_years_away_keep_the_axis_short(campaign, people):
    b.nominate(category(campaign), people.applicant, filed_at=at("2026-11-25", 10))

    chart = stats.filings_per_day(campaign)

    assert chart.option["xAxis"]["data"] == ["2018-03-01", "2018-05-15", "2018-05-31", "2026-11-25"]
    assert chart.option["series"][0]["data"] == [0, 0, 0, 1]


def test_counts_by_category_region_and_industry_leave_drafts_out(campaign, people):
    north = b.organization("北城市", "电力")
    south = b.organization("南城市", "金融")
    nowhere = b.organization("", "")
    individual, team = category(campaign), category(campaign, CategoryKind.TEAM)
    b.nominate(individual, people.applicant, organization=north)
    b.nominate(individual, people.applicant, organization=north)
    b.nominate(team, people.applicant, organization=south)
    b.nominate(team, people.applicant, organization=nowhere)
    b.nominate(team, people.applicant, organization=south, state=NominationState.DRAFT)

    by_category = stats.by_category(campaign)
    by_region = stats.by_region(campaign)
    by_industry = stats.by_industry(campaign)

    assert by_category.rows == [
        ["用户满意服务先进个人", 2],
        ["用户满意服务先进班组", 2],
        ["用户满意服务杰出管理者", 0],
        ["用户满意服务先进单位", 0],
        ["优质服务成果", 0],
        ["用户满意工程项目辅导申请回执", 0],
    ]
    assert by_region.rows == [["北城市", 2], ["—", 1], ["南城市", 1]]
    assert by_industry.rows == [["电力", 2], ["—", 1], ["金融", 1]]
    assert by_region.option["series"][0]["data"] == [2, 1, 1]
    assert by_region.option["xAxis"]["data"] == ["北城市", "—", "南城市"]
    assert by_category.option["yAxis"]["data"][0] == "用户满意服务先进个人"  # bars across


def test_count_by_state_shows_every_state_found_in_workflow_order(campaign, people):
    individual = category(campaign)
    for state in (NominationState.AWARDED, NominationState.DRAFT, NominationState.DRAFT):
        b.nominate(individual, people.applicant, state=state)
    b.nominate(individual, people.applicant, state=NominationState.FILED)

    chart = stats.by_state(campaign)

    assert chart.rows == [
        ["Draft", 2],
        ["Filed, awaiting recommendation", 1],
        ["Awarded", 1],
    ]


def test_score_distribution_gives_five_numbers_per_category(campaign, people):
    individual = category(campaign)
    first = b.nominate(individual, people.applicant, title="甲")
    second = b.nominate(individual, people.applicant, title="乙")
    judges = [b.judge() for _ in range(3)]
    for judge, total in zip(judges, (70, 80, 90), strict=True):
        b.scored(first, judge, total)
    b.scored(second, judges[0], 60)
    b.scored(second, judges[1], 99, submitted=False)  # a draft does not count

    chart = stats.score_distribution(stats.review_totals(campaign))

    assert chart.rows == [["用户满意服务先进个人", 4, 60.0, 67.5, 75.0, 82.5, 90.0]]
    assert chart.option["series"][0]["data"] == [[60.0, 67.5, 75.0, 82.5, 90.0]]


def test_five_numbers_of_one_value_and_of_none():
    assert stats.five_numbers([7]) == (7.0, 7.0, 7.0, 7.0, 7.0)
    with pytest.raises(ValueError):
        stats.five_numbers([])


def test_agreement_flags_a_spread_strictly_above_the_threshold(campaign, people):
    campaign.spread_threshold = 10
    campaign.save()
    individual = category(campaign)
    close = b.nominate(individual, people.applicant, title="分差正好")
    apart = b.nominate(individual, people.applicant, title="分差过大")
    alone = b.nominate(individual, people.applicant, title="一位专家")
    one, two = b.judge(), b.judge()
    b.scored(close, one, 80)
    b.scored(close, two, 90)
    b.scored(apart, one, 70)
    b.scored(apart, two, 81)
    b.scored(alone, one, 85)

    chart = stats.agreement(campaign, stats.review_totals(campaign))

    assert chart.rows == [
        ["分差正好", "用户满意服务先进个人", 2, 80, 90, 10, "No"],
        ["分差过大", "用户满意服务先进个人", 2, 70, 81, 11, "Yes"],
    ]
    assert chart.option["series"][0]["data"] == [10, 11]
    assert chart.option["series"][0]["markLine"]["data"] == [{"yAxis": 10}]


def test_judges_progress_counts_active_assignments_and_submitted_reviews(campaign, people):
    individual = category(campaign)
    first, second, third = (b.nominate(individual, people.applicant) for _ in range(3))
    chen, zhou = b.judge("陈专家"), b.judge("周专家")
    for nomination in (first, second, third):
        b.assign(nomination, chen, people.secretariat)
    b.scored(first, chen, 80)
    b.scored(second, chen, 80, submitted=False)
    b.assign(first, zhou, people.secretariat, released=True)  # released: not counted
    b.assign(second, zhou, people.secretariat)
    b.scored(second, zhou, 75)

    chart = stats.judges_progress(campaign)

    assert chart.rows == [["周专家", 1, 1, "100%"], ["陈专家", 3, 1, "33%"]]
    assert [s["data"] for s in chart.option["series"]] == [[1, 3], [1, 1]]


def test_objections_by_status_shows_every_status(campaign, people):
    nomination = b.nominate(category(campaign), people.applicant, state="on_notice")
    notice = b.notice(campaign, people.secretariat)
    b.object_to(notice, nomination, Objection.Status.OPEN)
    b.object_to(notice, nomination, Objection.Status.DISMISSED)
    b.object_to(notice, nomination, Objection.Status.DISMISSED)

    chart = stats.objections(campaign)

    assert chart.rows == [["Under investigation", 1], ["Upheld", 0], ["Dismissed", 2]]
    assert chart.header == ["Status", "Objections"]


def test_another_campaigns_rows_are_not_counted(campaign, people):
    from manyi.campaigns.services import copy_campaign

    other = copy_campaign(campaign, year=2019)
    nomination = b.nominate(category(other), people.applicant, title="二〇一九")
    judge = b.judge()
    b.assign(nomination, judge, people.secretariat)
    b.scored(nomination, judge, 80)
    b.object_to(b.notice(other, people.secretariat), nomination, Objection.Status.OPEN)

    charts = stats.dashboard(campaign)

    assert [sum(r[1] for r in c.rows) for c in charts if c.slug != "agreement"] == [0] * 8
    assert [c.rows for c in charts if c.slug == "agreement"] == [[]]


def build(campaign, people, size: int) -> None:
    """`size` nominations per category state mix, each scored by three judges."""
    judges = [b.judge(f"专家{i}") for i in range(3)]
    individual = category(campaign)
    notice = b.notice(campaign, people.secretariat)
    for i in range(size):
        organization = b.organization(f"地区{i % 3}", f"行业{i % 2}")
        nomination = b.nominate(
            individual, people.applicant, title=f"候选{i}", organization=organization
        )
        b.nominate(individual, people.applicant, state=NominationState.DRAFT)
        for j, judge in enumerate(judges):
            b.assign(nomination, judge, people.secretariat)
            b.scored(nomination, judge, 70 + (i + j) % 20)
        b.object_to(notice, nomination, Objection.Status.OPEN)


@pytest.mark.parametrize("size", [1, 12])
def test_the_dashboard_takes_eight_queries_whatever_the_size(
    campaign, people, size, django_assert_num_queries
):
    build(campaign, people, size)

    with django_assert_num_queries(8):
        charts = stats.dashboard(campaign)

    assert [c.slug for c in charts] == [
        "filings", "category", "region", "industry", "state",
        "scores", "judges", "agreement", "objections",
    ]  # fmt: skip
    assert dict(stats.by_state(campaign).rows)["Draft"] == size
    assert sum(r[1] for r in charts[6].rows) == 3 * size


def test_an_unknown_chart_is_none(campaign):
    assert stats.chart(campaign, "nothing") is None
    assert stats.chart(campaign, "objections").slug == "objections"


def test_judge_without_display_name_is_shown_by_username(campaign, people):
    nomination = b.nominate(category(campaign), people.applicant)
    b.assign(
        nomination,
        UserFactory(role="judge", display_name="", username="judge9"),
        people.secretariat,
    )

    assert stats.judges_progress(campaign).rows == [["judge9", 1, 0, "0%"]]
