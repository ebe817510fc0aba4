"""The applicant's pages: each form carries every label of its seed form; autosave keeps what
was typed; permissions; query counts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from manyi.nominations import services
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination
from manyi.testing import valid_form

pytestmark = pytest.mark.django_db

# A copy of ../shared/seed/000_d1196bc27a109a61.txt, so the suite runs without shared/.
SEED = Path(settings.BASE_DIR) / "data" / "seed" / "2018-notice-attachments.txt"

# Every label printed on the seed's forms, inner spaces removed (民 族 -> 民族), in order.
SEED_LABELS = {
    "individual": [
        "用户满意服务先进个人推荐表",
        "填报日期",
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
        "服务业",
        "制造业（服务）",
        "其他",
        "工作单位",
        "单位性质",
        "通信地址",
        "邮编",
        "所在单位主管部门",
        "主管部门名称",
        "负责人",
        "电话",
        "传真",
        "岗位主要职责",
        "工作经历",
        "何时、何地受过何种奖励（附复印件）",
        "个人主要先进事迹（限500字以内）",
        "详细事迹材料另附，3000字以内",
        "申请人郑重承诺：",
        "承诺人",
        "用户满意服务先进个人自评标准",
        "评审项目",
        "评审细项",
        "评分标准",
        "评分",
        "自评总分",
        "推荐部门意见",
        "所在组织（或推荐机构）审核意见",
    ],
    "team": [
        "用户满意服务先进班组推荐表",
        "填报日期",
        "班组名称",
        "所在行业",
        "服务业",
        "制造业（服务）",
        "其他",
        "班组人员构成",
        "总人数",
        "管理人员",
        "技术人员",
        "共产党员",
        "班组负责人",
        "职务",
        "座机",
        "手机",
        "电子邮箱",
        "工作单位",
        "单位性质",
        "通信地址",
        "邮编",
        "所在班组主管部门",
        "主管部门名称",
        "联系人",
        "电话",
        "传真",
        "班组主要工作职责",
        "何时、何地受过何种奖励（附复印件）",
        "班组主要先进事迹（限500字以内，详细事迹另附，字数3000字以内）",
        "申请班组郑重承诺：",
        "班组成员承诺签字",
        "班组经验总结材料",
        "用户满意服务先进班组自评标准",
        "自评总分",
        "班组荣誉牌匾遵循自愿制作原则",
        "推荐部门意见",
        "所在组织（或推荐机构）审核意见",
    ],
    "manager": [
        "用户满意服务杰出管理者推荐表",
        "填报日期",
        "姓名",
        "年龄",
        "政治面貌",
        "学历",
        "性别",
        "民族",
        "职务",
        "职称",
        "工作单位",
        "单位性质",
        "手机",
        "电子邮箱",
        "通信地址",
        "邮编",
        "所在单位联系部门",
        "联系部门名称",
        "电话",
        "传真",
        "行业",
        "服务业",
        "制造业（服务）",
        "其他",
        "主要岗位职责",
        "从事服务业主要工作经历",
        "何时、何地受过何种奖励（附复印件）",
        "主要业绩和用户满意服务模式（限500字以内，详细描述另附文字材料，限3000字左右）",
        "申报人郑重承诺：",
        "承诺人签字",
        "用户满意服务杰出管理者自评标准",
    ],
    "unit": [
        "自治区用户满意服务先进单位推荐表",
        "被推荐单位（企业）名称",
        "行业类别",
        "证实性材料复核情况",
        "被推荐企业满意度得分",
        "是否符合相关规范",
        "符合",
        "不符合",
        "有效问卷数量",
        "调查时间",
        "优质服务成果情况",
        "证实性材料复核结果",
        "真实",
        "齐全",
        "有效",
        "其他",
        "此表由推荐机构（部门）填写，盖章有效",
        "企业先进总结材料Word文本格式及电子版一份，字数5000字以上",
        "企业荣誉牌匾遵循自愿制作原则",
        "推荐意见",
        "地区、行业用委（质协）",
        "评审意见",
        "（本栏由评审机构填写）",
    ],
    "achievement": [
        "自治区优质服务成果申报表",
        "推荐地区、部门、行办",
        "是否与会发表",
        "优质服务成果名称",
        "企业名称（名称与公章一致）",
        "详细通讯地址",
        "邮编",
        "联系部门",
        "直接联系人",
        "手机",
        "课题组成员名单（10人以内）",
        "成果内容：（提纲性列出）",
        "优质服务成果报告Word文本格式及电子版一份，不少于5000字",
    ],
    "coaching_request": [
        "实施用户满意工程项目辅导申请回执表",
        "单位名称（公章）",
        "主管领导",
        "电话",
        "邮箱",
        "负责人",
        "通信地址",
        "邮编",
        "所需辅导及支持的项目内容",
        "（√）",
        "备注",
        "1、用户满意工程项目（人或事）的发掘辅导",
        "2、用户满意工程项目立项及培育的辅导",
        "3、用户满意工程项目宣传设计及模式设计的辅导",
        "4、用户满意工程项目申报材料编写辅导",
        "5、用户满意工程项目发表技巧设计及表现辅导",
        "6、 其他项目：",
        "（包括用户满意工程以外的其他活动，如QC、质量信得过班组、标准化、卓越绩效，安全风险等质量管理活动的内容）。",
    ],
}


def page_text(response) -> str:
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("kind", list(SEED_LABELS))
def test_each_new_form_carries_every_label_of_its_seed_form(client, open_campaign, people, kind):
    client.force_login(people.committee if kind == "unit" else people.applicant)
    response = client.get(f"/nominations/new/{kind}/")
    assert response.status_code == 200
    text = page_text(response)
    missing = [label for label in SEED_LABELS[kind] if re.sub(r"\s+", "", label) not in text]
    assert missing == []


@pytest.mark.parametrize("kind", list(FORMS))
def test_commitments_and_notes_are_the_seeds_words(open_campaign, kind):
    seed = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    spec = FORMS[kind]
    texts = [*spec.commitment]
    texts += [
        note.format(year=2018, survey_after="2017年12月1日", coaching_deadline="5月15日")
        for note in spec.notes
    ]
    assert [t for t in texts if re.sub(r"\s+", "", t) not in seed] == []


def test_rubric_on_the_page_comes_from_the_campaign_data(client, open_campaign, people):
    band = (
        open_campaign.rubrics.get(code="self_assessment_individual")
        .items.first()
        .criteria.first()
        .bands.first()
    )
    band.text = "秘书处改过的评分标准文字"
    band.save()
    client.force_login(people.applicant)
    assert "秘书处改过的评分标准文字" in client.get("/nominations/new/individual/").content.decode()


def test_autosave_creates_the_draft_and_keeps_invalid_input(client, open_campaign, people):
    client.force_login(people.applicant)
    response = client.post(
        "/nominations/new/individual/",
        {"name": "王小满", "mobile": "123", "postcode": "83000", "age": "abc"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    nomination = Nomination.objects.get()
    assert response["HX-Replace-Url"] == f"/nominations/{nomination.pk}/"
    assert nomination.data == {"name": "王小满", "postcode": "83000", "age": "abc"}
    content = response.content.decode()
    assert "已自动保存" in content
    assert "邮编“83000”应为 6 位数字。" in content
    assert "年龄应为 16 至 100 之间的整数。" in content
    page = client.get(f"/nominations/{nomination.pk}/").content.decode()
    assert 'value="83000"' in page
    assert 'value="abc"' in page


def test_self_score_total_and_band_are_derived_live(client, open_campaign, people):
    client.force_login(people.applicant)
    category = open_campaign.categories.get(kind="individual")
    criterion = category.rubric.items.get(position=1).criteria.get()
    response = client.post(
        "/nominations/new/individual/",
        {f"score_{criterion.pk}": "7", "name": "王小满"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert '<output id="self-total" hx-swap-oob="true">7</output>' in content
    assert (
        '<li class="current">能结合具体环境辩证对待事物看待问题并向周边的人传播正能量（7-8分）</li>'
        in content
    )
    over = client.post(
        f"/nominations/{Nomination.objects.get().pk}/",
        {f"score_{criterion.pk}": "11", "version": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert "“道德情操高尚，社会责任感强”：评分 11 超出 0 至 10 分的范围。" in over.content.decode()


def test_a_plain_post_saves_and_redirects_to_the_draft(client, open_campaign, people):
    client.force_login(people.applicant)
    response = client.post("/nominations/new/team/", {"team_name": "示范班组"})
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response.url == f"/nominations/{nomination.pk}/"
    assert nomination.title == "示范班组"


def test_autosave_from_a_stale_page_is_refused_and_says_so(client, open_campaign, people):
    client.force_login(people.applicant)
    client.post("/nominations/new/individual/", {"name": "甲"}, HTTP_HX_REQUEST="true")
    nomination = Nomination.objects.get()
    response = client.post(
        f"/nominations/{nomination.pk}/", {"name": "乙", "version": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "此草稿已在其他窗口或由他人修改过" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.data == {"name": "甲"}


def test_autosave_after_the_session_expired_says_so_and_links_back(client, open_campaign, people):
    response = client.post(
        "/nominations/new/individual/",
        {"name": "王小满"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/nominations/new/individual/",
    )
    assert response.status_code == 401
    content = response.content.decode()
    assert "登录已过期" in content
    assert "/accounts/login/?next=/nominations/new/individual/" in content
    assert Nomination.objects.count() == 0


def test_filing_with_problems_shows_them_all_and_keeps_the_input(client, open_campaign, people):
    client.force_login(people.applicant)
    client.post("/nominations/new/individual/", {"name": "王小满", "postcode": "12"})
    nomination = Nomination.objects.get()
    response = client.post(f"/nominations/{nomination.pk}/file/")
    content = response.content.decode()
    assert response.status_code == 400
    assert "尚不能提交，请修改以下各项" in content
    assert "请填写“性别”。" in content
    assert "邮编“12”应为 6 位数字。" in content
    assert "推荐条件第1条：自评总分 0 分，未达到 80 分。" in content
    assert 'value="王小满"' in content
    nomination.refresh_from_db()
    assert nomination.state == "draft"


def test_a_filed_nomination_opens_read_only(client, open_campaign, people):
    client.force_login(people.applicant)
    category = open_campaign.categories.get(kind="coaching_request")
    nomination = services.start_nomination(category, by=people.applicant)
    services.save_draft(nomination, valid_form("coaching_request"), by=people.applicant)
    services.file_nomination(nomination, by=people.applicant)
    assert client.get(f"/nominations/{nomination.pk}/").url == f"/nominations/{nomination.pk}/view/"
    page = client.get(f"/nominations/{nomination.pk}/view/").content.decode()
    assert "☑ 1、用户满意工程项目（人或事）的发掘辅导" in page
    assert "☐ 2、用户满意工程项目立项及培育的辅导" in page
    assert client.post(f"/nominations/{nomination.pk}/", {"unit_name": "改"}).status_code == 302
    nomination.refresh_from_db()
    assert nomination.data["unit_name"] == "自治区示范供电公司"


@pytest.mark.parametrize("persona", ["other_applicant", "recommender", "judge", "committee"])
def test_others_cannot_see_a_draft(client, open_campaign, people, persona):
    category = open_campaign.categories.get(kind="individual")
    nomination = services.start_nomination(category, by=people.applicant)
    services.save_draft(nomination, {"name": "王小满"}, by=people.applicant)
    client.force_login(getattr(people, persona))
    assert client.get(f"/nominations/{nomination.pk}/").status_code == 404
    assert client.get(f"/nominations/{nomination.pk}/view/").status_code == 404
    assert client.post(f"/nominations/{nomination.pk}/file/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "kind", "status"),
    [
        ("applicant", "unit", 403),
        ("committee", "individual", 403),
        ("judge", "team", 403),
        ("secretariat", "achievement", 403),
        ("applicant", "nonsense", 404),
    ],
)
def test_new_form_only_for_who_files_it(client, open_campaign, people, persona, kind, status):
    client.force_login(getattr(people, persona))
    assert client.get(f"/nominations/new/{kind}/").status_code == status


def test_anonymous_is_sent_to_log_in(client, open_campaign):
    response = client.get("/nominations/new/individual/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/nominations/new/individual/"


@pytest.mark.parametrize("count", [2, 12])
def test_my_nominations_list_queries_do_not_grow(
    client, open_campaign, people, count, django_assert_num_queries
):
    category = open_campaign.categories.get(kind="individual")
    for i in range(count):
        nomination = services.start_nomination(category, by=people.applicant)
        services.save_draft(nomination, {"name": f"候选人{i}"}, by=people.applicant)
    client.force_login(people.applicant)
    # session, user, campaign, categories, nominations
    with django_assert_num_queries(5):
        response = client.get(reverse("nominations:list"))
    assert response.content.decode().count("候选人") == count


def test_a_post_without_the_drafts_version_saves_nothing(client, open_campaign, people):
    client.force_login(people.applicant)
    client.post("/nominations/new/individual/", {"name": "王小满"}, HTTP_HX_REQUEST="true")
    nomination = Nomination.objects.get()
    response = client.post(f"/nominations/{nomination.pk}/", {})
    assert response.status_code == 409
    nomination.refresh_from_db()
    assert nomination.data == {"name": "王小满"}


def test_an_autosave_reads_the_draft_and_the_rubric_once(
    client, open_campaign, people, django_assert_num_queries
):
    """The busiest request of the last day of filing (bench scenario 1): the draft is read once
    for the permission and once under its row lock, the rubric tree at most once (4 queries;
    none once the process keeps it)."""
    client.force_login(people.applicant)
    client.post("/nominations/new/individual/", {"name": "甲"}, HTTP_HX_REQUEST="true")
    nomination = Nomination.objects.get()
    url = f"/nominations/{nomination.pk}/"
    client.post(url, {"name": "乙", "version": "2"}, HTTP_HX_REQUEST="true")
    # session, user, draft with its rubric's row (its tree is kept: 0); savepoint, the draft
    # under its lock, save, audit, release; attachments, honours
    with django_assert_num_queries(10):
        response = client.post(url, {"name": "丙", "version": "3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert nomination.data["name"] == "丙"
