import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from manyi.campaigns.models import Band, Campaign, CategoryKind, Rubric
from manyi.campaigns.queries import rubric_tree, spec_from_rubric
from manyi.campaigns.services import DATA_DIR, copy_campaign, load_campaign, shift_year

pytestmark = pytest.mark.django_db


def test_load_campaign_2018_opens_six_categories_with_their_rubrics(campaign):
    categories = {c.kind: c for c in campaign.categories.select_related("rubric")}
    assert list(categories) == [k.value for k in CategoryKind]
    assert {k: (c.rubric.source if c.rubric else None) for k, c in categories.items()} == {
        "individual": "附件1-1",
        "team": "附件1-2",
        "manager": "附件1-3",
        "unit": None,
        "achievement": "附件6-1",
        "coaching_request": None,
    }
    assert {k: c.self_score_threshold for k, c in categories.items()} == {
        "individual": 80,
        "team": 80,
        "manager": 80,
        "unit": None,
        "achievement": None,
        "coaching_request": None,
    }
    assert campaign.coaching_request_deadline == datetime.date(2018, 5, 15)


def test_loaded_rubrics_each_total_100_in_the_database(campaign):
    totals = dict(
        Rubric.objects.filter(campaign=campaign)
        .annotate(points=Sum("items__max_points"))
        .values_list("code", "points")
    )
    assert totals == {
        "self_assessment_individual": 100,
        "self_assessment_team": 100,
        "self_assessment_manager": 100,
        "achievement": 100,
    }


def test_rubric_tree_loads_in_four_queries(campaign, django_assert_num_queries):
    rubric = campaign.rubrics.get(code="self_assessment_manager")
    with django_assert_num_queries(4):
        spec = spec_from_rubric(rubric_tree(rubric.pk))
    assert [item.name for item in spec.items] == ["政治坚定", "作风优良", "工作创新", "顾客认可"]
    assert spec.items[2].criteria[1].bands[0].low == 1


def test_relative_rules_follow_the_campaign_year(campaign):
    assert campaign.satisfaction_year == 2017
    assert campaign.earliest_survey_start == datetime.date(2017, 12, 1)
    assert campaign.lookback_start == datetime.date(2015, 1, 1)


def test_load_campaign_refuses_an_existing_year(campaign):
    with pytest.raises(ValidationError) as error:
        load_campaign(DATA_DIR / "campaigns" / "2018.yaml")
    assert error.value.messages == ["2018年度评选活动已存在。"]


def test_copy_campaign_moves_dates_and_rules_to_the_new_year(campaign):
    new = copy_campaign(campaign, year=2019)
    assert new.title == "2019年度用户满意服务评选"
    assert new.filing_closes == datetime.date(2019, 5, 31)
    assert new.coaching_request_deadline == datetime.date(2019, 5, 15)
    assert new.satisfaction_year == 2018
    assert new.earliest_survey_start == datetime.date(2018, 12, 1)
    assert new.lookback_start == datetime.date(2016, 1, 1)
    assert list(new.categories.values_list("kind", "rubric__code")) == list(
        campaign.categories.values_list("kind", "rubric__code")
    )
    for code in ("self_assessment_individual", "achievement"):
        old_spec = spec_from_rubric(rubric_tree(campaign.rubrics.get(code=code).pk))
        new_spec = spec_from_rubric(rubric_tree(new.rubrics.get(code=code).pk))
        assert new_spec == old_spec
    # The copy is independent: the old campaign keeps its own rubric rows.
    assert (
        Band.objects.filter(criterion__item__rubric__campaign=new).count()
        == Band.objects.filter(criterion__item__rubric__campaign=campaign).count()
    )
    assert Campaign.objects.count() == 2


def test_copy_campaign_refuses_an_existing_year(campaign):
    with pytest.raises(ValidationError):
        copy_campaign(campaign, year=2018)


def test_shift_year_keeps_the_day_and_handles_29_february():
    assert shift_year(datetime.date(2018, 5, 15), 1) == datetime.date(2019, 5, 15)
    assert shift_year(datetime.date(2020, 2, 29), 1) == datetime.date(2021, 2, 28)
