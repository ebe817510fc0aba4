"""The secretariat's Excel exports, read back with openpyxl: the nominations of a category
(personal fields masked unless asked in full), the ranking with every judge's total, the plaque
list; formula injection; and who may download them."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import include, path
from django.utils import timezone
from openpyxl import load_workbook

from manyi.documents import export_urls, exports
from manyi.nominations.models import NominationState
from manyi.reviews import ranking, results
from manyi.reviews.tests import test_results
from manyi.reviews.tests.test_ranking import judges, nominate, review, spread_points
from manyi.reviews.tests.test_results import AFTER, NATIONAL_DAY, decide, scored
from manyi.urls import urlpatterns as project

urlpatterns = [*project, path("documents/", include(export_urls))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
# The fixtures of the results' tests: the 2018 individuals' category and holiday calendar.
individual = test_results.individual
calendar = test_results.calendar

CMD = "=cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
INDIVIDUAL_LABELS = [
    "姓名",
    "性别",
    "年龄",
    "民族",
    "政治面貌",
    "学历",
    "职务",
    "职称",
    "工作岗位",
    "从事行业",
    "工作单位",
    "单位性质",
    "通信地址",
    "邮编",
    "所在单位主管部门名称",
    "负责人",
    "电话",
    "传真",
    "岗位主要职责",
    "工作经历",
    "个人主要先进事迹（限500字以内）",
    "详细事迹材料另附，3000字以内",
]


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def person(people, individual):
    """An individual in review whose form holds personal data and two formula attacks."""
    data = {
        "name": CMD,
        "gender": "女",
        "age": "35",
        "ethnicity": "汉族",
        "political_status": "中共党员",
        "education": "本科",
        "position": "班长",
        "post": "营业厅",
        "industry": "服务业",
        "employer": SUM,
        "employer_nature": "国有企业",
        "address": "首府市人民路1号",
        "postcode": "830000",
        "supervisor_name": "-1+1",
        "supervisor_person": "+李主任",
        "supervisor_phone": "13800001234",
        "supervisor_fax": "0991-1234567",
        "duties": "\t负责营业厅服务",
        "work_history": "2010年起",
        "deeds_summary": "事迹",
        "deeds_detail": "详细",
    }
    return nominate(individual, people, CMD, data=data)


def test_the_nominations_export_masks_personal_fields_by_default(person, individual):
    rows = sheet_rows(exports.nominations_workbook(individual))

    assert rows[0] == [
        "编号",
        "名称（以申报为准）",
        "申报单位",
        "状态",
        *INDIVIDUAL_LABELS,
        "创建时间",
        "申报时间",
        "最后修改时间",
    ]
    assert rows[1:] == [
        [
            person.pk,
            CMD,
            "示范供电公司",
            str(NominationState.IN_REVIEW.label),
            CMD,
            "女",
            "***",  # 年龄
            "***",  # 民族
            "***",  # 政治面貌
            "本科",
            "班长",
            None,  # 职称: not given
            "营业厅",
            "服务业",
            SUM,
            "国有企业",
            "***",  # 通信地址
            "830000",
            "-1+1",
            "+李主任",
            "138****1234",  # a mobile in a 电话 field
            "0991-1234567",  # a fixed line is not personal
            "\t负责营业厅服务",
            "2010年起",
            "事迹",
            "详细",
            local(person.created_at),
            local(person.filed_at),
            local(person.updated_at),
        ]
    ]


def test_the_nominations_export_in_full_gives_personal_fields(person, individual):
    row = sheet_rows(exports.nominations_workbook(individual, full=True))[1]
    assert row[6:9] == ["35", "汉族", "中共党员"]
    assert (row[16], row[20]) == ("首府市人民路1号", "13800001234")


def test_team_mobile_and_email_are_masked_and_the_plaque_choice_shown(campaign, people):
    team = campaign.categories.get(kind="team")
    data = {"leader_mobile": "13912345678", "leader_email": "li@example.com", "plaque_opt_in": "1"}
    nominate(team, people, "抢修班", data=data, locked_name="抢修服务班")
    header, row = sheet_rows(exports.nominations_workbook(team))
    cells = dict(zip(header, row, strict=True))
    assert (cells["手机"], cells["电子邮箱"], cells["自愿制作荣誉牌匾"]) == (
        "139****5678",
        "***",
        "是",
    )
    assert cells["名称（以申报为准）"] == "抢修服务班"


def test_drafts_are_not_exported(campaign, people, individual, person):
    person.state = NominationState.DRAFT
    person.save()
    assert sheet_rows(exports.nominations_workbook(individual))[1:] == []


def test_text_that_looks_like_a_formula_is_stored_as_quoted_text(person, individual):
    content = exports.nominations_workbook(individual)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {cell.value: cell for cell in sheet[2] if isinstance(cell.value, str)}

    for text in (CMD, SUM, "-1+1", "+李主任", "\t负责营业厅服务"):
        assert (cells[text].data_type, cells[text].quotePrefix) == ("s", True), text
    assert (cells["本科"].data_type, cells["本科"].quotePrefix) == ("s", False)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere


# --- the ranking -----------------------------------------------------------------------------


def test_the_ranking_export_has_every_judges_total_anonymously(campaign, people, individual):
    panel = judges(3)
    first = nominate(individual, people, "甲")
    second = nominate(individual, people, "乙")
    for judge, total in zip(panel, (90, 80, 85), strict=True):
        review(first, judge, spread_points(total, individual))
    for judge, total in zip(panel, (70, 75, 60), strict=True):
        review(second, judge, spread_points(total, individual))
    criteria = ranking.criteria_of(individual)
    means = ranking.criterion_means([first.pk, second.pk])

    rows = sheet_rows(exports.ranking_workbook(individual))

    assert rows[0] == [
        "排名",
        "名称（以申报为准）",
        "申报单位",
        "状态",
        "专家1",
        "专家2",
        "专家3",
        "评审专家数",
        "综合得分",
        "计分方法",
        *(f"{c.item.name}·{c.name}（均分）" for c in criteria),
        "极差",
        "极差超过15分",
        "并列时比较项均分",
        "自评分",
    ]
    in_review = str(NominationState.IN_REVIEW.label)
    expected_means = [
        [float(Decimal(results.display(means[n.pk].get(c.pk)))) for c in criteria]
        for n in (first, second)
    ]
    assert [row[:10] for row in rows[1:]] == [
        [1, "甲", "示范供电公司", in_review, 90, 85, 80, 3, 85, "各专家总分的平均分"],
        [2, "乙", "示范供电公司", in_review, 75, 70, 60, 3, 68.33, "各专家总分的平均分"],
    ]
    width = len(criteria)
    assert [row[10 : 10 + width] for row in rows[1:]] == expected_means
    assert [row[10 + width : 12 + width] for row in rows[1:]] == [[10, "否"], [15, "否"]]


def test_the_ranking_export_takes_the_same_queries_for_any_number_of_rows(
    campaign, people, individual, django_assert_num_queries
):
    panel = judges(3)

    def add(count):
        for i in range(count):
            nomination = nominate(individual, people, f"候选{count}-{i}")
            for judge in panel:
                review(nomination, judge, spread_points(80, individual))

    add(1)
    with django_assert_num_queries(4):
        exports.ranking_workbook(individual)
    add(5)
    with django_assert_num_queries(4):
        exports.ranking_workbook(individual)


BASE = ["排名", "名称（以申报为准）", "申报单位", "状态"]
UNIT_ROW = ["是", "是", "否", 2, 3, 86.5]


def test_the_unit_ranking_shows_each_judges_recommendation(campaign, people):
    unit = campaign.categories.get(kind="unit")
    nomination = nominate(unit, people, "示范企业", data={"satisfaction_score": "86.5"})
    for judge, recommends in zip(judges(3), (True, False, True), strict=True):
        review(nomination, judge, recommends=recommends)

    rows = sheet_rows(exports.ranking_workbook(unit))

    assert rows == [
        [*BASE, "专家1", "专家2", "专家3", "推荐专家数", "评审专家数", "被推荐企业满意度得分"],
        [1, "示范企业", "示范供电公司", str(NominationState.IN_REVIEW.label), *UNIT_ROW],
    ]


# --- the plaque list -------------------------------------------------------------------------


@pytest.fixture
def published(campaign, people, individual, calendar):
    """Two individuals and two teams awarded; one team wants a plaque, one team's name as
    filed looks like a formula."""
    team = campaign.categories.get(kind="team")
    scored(individual, people, {"甲": 95, "乙": 90})
    panel = judges(3)
    for title, locked, total, opt_in in [
        ("营业厅班", CMD, 88, ""),
        ("抢修班", "抢修服务班", 92, "1"),
    ]:
        data = {"plaque_opt_in": opt_in} if opt_in else {}
        nomination = nominate(team, people, title, locked_name=locked, data=data)
        for judge in panel:
            review(nomination, judge, spread_points(total, team))
        nomination.state = NominationState.SCORED
        nomination.save()
    for category in (individual, team):
        results.propose(category, by=people.secretariat, quota=2)
        decide(category, people)
    results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    return results.publish_results(campaign, by=people.secretariat, today=AFTER)


def test_the_plaque_list_has_the_names_as_filed_and_the_voluntary_choice(campaign, published):
    content = exports.plaques_workbook(campaign)

    assert sheet_rows(content) == [
        ["名称（以申报为准）", "荣誉称号", "单位", "证书编号", "自愿制作荣誉牌匾"],
        ["抢修服务班", "用户满意服务先进班组", "示范供电公司", "2018-YH-BZ-001", "是"],
        [CMD, "用户满意服务先进班组", "示范供电公司", "2018-YH-BZ-002", "否"],
    ]
    cell = load_workbook(io.BytesIO(content)).active["A3"]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


# --- the downloads ---------------------------------------------------------------------------

DOWNLOADS = [
    "/documents/campaigns/2018/plaques.xlsx",
    "/documents/campaigns/2018/individual/nominations.xlsx",
    "/documents/campaigns/2018/individual/ranking.xlsx",
]


def test_the_secretariat_downloads_the_exports(client, people, person):
    client.force_login(people.secretariat)
    for url in DOWNLOADS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == exports.CONTENT_TYPE
        assert response["Cache-Control"] == "private, no-store"
        load_workbook(io.BytesIO(response.content))  # a valid workbook


def test_full_personal_fields_only_when_asked(client, people, person):
    client.force_login(people.secretariat)
    url = "/documents/campaigns/2018/individual/nominations.xlsx"
    assert sheet_rows(client.get(url).content)[1][7] == "***"
    assert sheet_rows(client.get(f"{url}?full=1").content)[1][7] == "汉族"


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee", "judge"])
def test_the_exports_are_refused_to_everyone_else(client, people, person, persona):
    client.force_login(getattr(people, persona))
    for url in [*DOWNLOADS, "/documents/campaigns/2018/certificates.pdf"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "汉族" not in response.content.decode(errors="replace")


def test_unknown_years_and_kinds_are_not_found(client, people, campaign):
    client.force_login(people.secretariat)
    for url in (
        "/documents/campaigns/1999/plaques.xlsx",
        "/documents/campaigns/2018/nothing/ranking.xlsx",
        "/documents/campaigns/2018/coaching_request/nominations.xlsx",
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_log_in(client, campaign):
    response = client.get("/documents/campaigns/2018/plaques.xlsx")
    assert response.status_code == 302


def test_score_sheets_list_every_judges_points_and_opinion(client, django_assert_num_queries):
    from manyi.accounts.models import User
    from manyi.campaigns.models import Category
    from manyi.demo.services import load_demo
    from manyi.documents.exports import score_sheets_workbook
    from manyi.reviews.models import Review

    load_demo()
    category = Category.objects.get(kind="individual")
    score_sheets_workbook(category)  # as on a running server: the rubric's tree is kept
    # the reviews, their scores (the rubric's row is on the category, its tree in memory)
    with django_assert_num_queries(2):
        content = score_sheets_workbook(category)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("评审专家", "申报名称", "状态")
    assert rows[0][3] == "道德情操高尚，社会责任感强（10分）"
    assert rows[0][-3:] == ("总分", "评审意见", "提交时间")
    assert len(rows) - 1 == Review.objects.filter(nomination__category=category).count() == 17
    first = (
        Review.objects.filter(nomination__category=category)
        .order_by("judge__username", "nomination__title", "nomination_id")
        .first()
    )
    points = {s.criterion_id: s.points for s in first.scores.all()}
    assert rows[1][0] == first.judge.display_name
    assert rows[1][-3] == sum(points.values())
    assert rows[1][-2] == "事迹突出，材料翔实，符合推荐条件。"
    client.force_login(User.objects.get(username="secretariat"))
    response = client.get("/documents/campaigns/2018/individual/score-sheets.xlsx")
    assert response.status_code == 200
    client.force_login(User.objects.get(username="judge1"))
    assert client.get("/documents/campaigns/2018/individual/score-sheets.xlsx").status_code == 403
