"""The public pages (no login): the notice (公示), objections, results, certificate verification.
They show the fewest fields that identify a winner, and nothing else."""

import datetime
import re

import pytest
from django.utils import timezone

from manyi.nominations.models import Nomination, NominationState, SelfScore
from manyi.reviews import objections, results
from manyi.reviews.models import CalendarDay, Objection
from manyi.reviews.tests.test_ranking import (
    criteria,
    finish,
    judges,
    nominate,
    review,
    spread_points,
)
from manyi.testing import png_upload, valid_form

pytestmark = pytest.mark.django_db

# Personal data an individual's form holds, each value distinctive enough to be searched for.
PERSONAL = {
    "mobile": "13912345678",
    "supervisor_phone": "0991-7777777",
    "age": "39",
    "ethnicity": "锡伯族",
    "gender": "女",
    "political_status": "中国致公党党员",
    "education": "硕士研究生",
    "address": "首府市幸福路88号",
    "postcode": "830011",
    "email": "xiaoman.private@example.com",
    "work_history": "2009年起在第七营业厅",
    "deeds_summary": "十年如一日热情服务客户的先进事迹",
    "supervisor_person": "李主任",
    "position": "值班长",
}


def today():
    return timezone.localdate()


def visible_text(response) -> str:
    """The page as a reader sees it: tags and their attributes (the CSRF token) removed."""
    return re.sub(r"<[^>]+>", " ", response.content.decode())


@pytest.fixture
def calendar_rows(db):
    """A calendar for the years around today (the notice's end is counted with it)."""
    for year in (today().year - 1, today().year, today().year + 1):
        CalendarDay.objects.create(day=datetime.date(year, 1, 1), kind="holiday", name="元旦")


def put_on_notice(campaign, people, starts_on, titles=("王小满",)):
    """Individuals with complete personal data, scored, proposed, decided and on notice."""
    category = campaign.categories.get(kind="individual")
    panel = judges(3)
    made = []
    for number, title in enumerate(titles):
        data = valid_form("individual") | PERSONAL | {"name": title}
        nomination = nominate(category, people, title, data=data)
        SelfScore.objects.bulk_create(
            SelfScore(nomination=nomination, criterion=c, points=c.max_points)
            for c in criteria(category)
        )
        for judge in panel:
            review(nomination, judge, spread_points(93 - number, category))
        made.append(finish(nomination, people))
    people.applicant.email = "wang.applicant@example.com"
    people.applicant.mobile = "13700001111"
    people.applicant.save()
    results.propose(category, by=people.secretariat, quota=len(titles))
    results.record_decision(
        category,
        by=people.secretariat,
        decided_on=today(),
        votes_for=9,
        minutes=png_upload("纪要.png"),
    )
    notice = results.open_notice(campaign, by=people.secretariat, starts_on=starts_on)
    return notice, made


@pytest.fixture
def running(campaign, people, calendar_rows):
    """A notice that started a week ago and runs five working days from today on."""
    notice, made = put_on_notice(campaign, people, today())
    notice.starts_on = today() - datetime.timedelta(days=7)
    notice.save()
    return notice, made


# --- the notice ------------------------------------------------------------------------------


def test_the_notice_lists_the_proposed_winners_by_name_organization_and_category(client, running):
    response = client.get("/notice/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<td>用户满意服务先进个人</td><td>王小满</td><td>示范供电公司</td>" in content
    assert "2018年度用户满意服务评选拟表彰名单公示" in content


def test_the_public_pages_leak_no_personal_field(client, running, people, django_user_model):
    notice, (nomination,) = running
    objections.lodge_objection(
        notice,
        nomination_id=nomination.pk,
        name="张异议",
        contact="objector.private@example.com",
        grounds="据悉该同志曾受到投诉。",
    )
    # the data is there, and could leak
    nomination.refresh_from_db()
    assert nomination.data["mobile"] == PERSONAL["mobile"]
    assert nomination.data["age"] == PERSONAL["age"]
    assert nomination.data["ethnicity"] == PERSONAL["ethnicity"]
    pages = [client.get("/notice/"), client.get("/notice/objection/")]
    objection = Objection.objects.get()
    objections.decide_objection(
        objection, by=people.secretariat, upheld=False, investigation="经核实不属实。"
    )
    notice.ends_on = today() - datetime.timedelta(days=1)
    notice.save()
    results.publish_results(notice.campaign, by=people.secretariat)
    pages += [
        client.get("/results/"),
        client.get("/verify/", {"number": "2018-YH-GR-001"}),
        client.get("/notice/"),
    ]
    assert "王小满" in visible_text(pages[0])  # the pages do show the winner
    assert "示范供电公司" in visible_text(pages[3])
    secrets = [
        *(value for key, value in PERSONAL.items() if key not in {"age", "gender"}),
        "张异议",
        "objector.private@example.com",
        "据悉该同志曾受到投诉",
        "经核实不属实",
        "王申报",  # the applicant's account
        "wang.applicant@example.com",
        "13700001111",
        "评审专家",  # the judges
        "93.00",  # the aggregate
        "年龄",
        "民族",
        "性别",
    ]
    for page in pages:
        assert page.status_code == 200
        text = visible_text(page)
        leaked = [secret for secret in secrets if secret in page.content.decode()]
        assert leaked == []
        assert not re.search(r"(?<!\d)39(?!\d)", text)  # the age
        assert " 女 " not in text and ">女<" not in page.content.decode()  # the gender


def test_the_notice_comes_down_when_its_period_ends(client, campaign, people, calendar_rows):
    notice, _made = put_on_notice(campaign, people, today() - datetime.timedelta(days=40))
    assert notice.ends_on < today()
    content = client.get("/notice/").content.decode()
    assert (
        f"2018年度用户满意服务评选拟表彰名单的公示已于{notice.ends_on.year}年"
        f"{notice.ends_on.month}月{notice.ends_on.day}日结束。"
    ) in content
    assert "王小满" not in content


def test_without_a_notice_the_page_says_so(client, campaign):
    content = client.get("/notice/").content.decode()
    assert "目前没有正在进行的公示。" in content


def test_a_nomination_whose_objection_was_upheld_leaves_the_notice(client, running, people):
    notice, (nomination,) = running
    objection = objections.lodge_objection(
        notice,
        nomination_id=nomination.pk,
        name="张异议",
        contact="13912340000",
        grounds="事迹不实。",
    )
    objections.decide_objection(
        objection, by=people.secretariat, upheld=True, investigation="属实。"
    )
    content = client.get("/notice/").content.decode()
    assert "王小满" not in content
    assert "名单为空。" in content


# --- objections through the public page -----------------------------------------------------


def test_an_objection_is_lodged_without_logging_in(client, running):
    _notice, (nomination,) = running
    response = client.post(
        "/notice/objection/",
        {
            "nomination": nomination.pk,
            "name": "张异议",
            "contact": "13912340000",
            "grounds": "事迹不实。",
            "evidence": [png_upload("证据一.png"), png_upload("证据二.png")],
        },
    )
    assert "异议已收到" in response.content.decode()
    objection = Objection.objects.get()
    assert (objection.name, objection.contact, objection.nomination) == (
        "张异议",
        "13912340000",
        nomination,
    )
    assert sorted(objection.evidence.values_list("original_name", flat=True)) == [
        "证据一.png",
        "证据二.png",
    ]


def test_an_anonymous_objection_is_refused_keeping_what_was_typed(client, running):
    _notice, (nomination,) = running
    response = client.post(
        "/notice/objection/",
        {"nomination": nomination.pk, "name": "", "contact": "", "grounds": "我要反映的问题。"},
    )
    content = response.content.decode()
    assert "异议须署真实姓名；匿名异议不予受理。" in content
    assert "请留下联系方式（电话或电子邮箱）；没有联系方式的异议不予受理。" in content
    assert "我要反映的问题。</textarea>" in content
    assert f'<option value="{nomination.pk}" selected>' in content
    assert Objection.objects.count() == 0


def test_a_late_objection_is_refused_keeping_what_was_typed(
    client, campaign, people, calendar_rows
):
    notice, (nomination,) = put_on_notice(campaign, people, today() - datetime.timedelta(days=40))
    response = client.post(
        "/notice/objection/",
        {
            "nomination": nomination.pk,
            "name": "张异议",
            "contact": "13912340000",
            "grounds": "迟到的异议。",
        },
    )
    content = response.content.decode()
    start, end = notice.starts_on, notice.ends_on
    assert (
        f"公示期为{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日，"
        "已经结束；逾期提出的异议不予受理。"
    ) in content
    assert "迟到的异议。</textarea>" in content
    assert 'value="张异议"' in content
    assert Objection.objects.count() == 0


def test_without_a_notice_no_objection_form(client, campaign):
    content = client.get("/notice/objection/").content.decode()
    assert "目前没有正在进行的公示，不受理异议。" in content
    assert "<form" not in content.split("<main>")[1]


# --- results and verification ---------------------------------------------------------------


@pytest.fixture
def published(campaign, people, calendar_rows):
    _notice, made = put_on_notice(
        campaign, people, today() - datetime.timedelta(days=40), titles=("王小满", "李服务")
    )
    results.publish_results(campaign, by=people.secretariat)
    return made


def test_results_list_the_winners_by_category(client, published):
    content = client.get("/results/").content.decode()
    assert "2018年度用户满意服务评选结果" in content
    assert "<h2>用户满意服务先进个人</h2>" in content
    assert content.index("<td>王小满</td><td>示范供电公司</td>") < content.index(
        "<td>李服务</td><td>示范供电公司</td>"
    )


def test_a_withheld_name_is_masked_on_the_certificate_check_too(client, published, people):
    """Certificate numbers follow a pattern: the check must not tell, to anyone trying numbers,
    the name of a person who withdrew consent to its publication."""
    from manyi.privacy.models import Consent, Purpose

    li = Nomination.objects.get(title="李服务")
    Consent.objects.create(
        user=people.applicant,
        nomination=li,
        purpose=Purpose.PUBLICATION,
        text_version="test",
        text="同意公开",
        given_at=timezone.now(),
        withdrawn_at=timezone.now(),
    )
    content = client.get("/verify/", {"number": "2018-YH-GR-002"}).content.decode()
    assert "证书编号 2018-YH-GR-002 真实有效" in content
    assert "<dt>名称</dt><dd>李**</dd>" in content and "李服务" not in content
    assert "<td>李**</td>" in client.get("/results/").content.decode()  # as the results say


def test_results_before_publication(client, campaign):
    assert "评选结果尚未发布。" in client.get("/results/").content.decode()


def test_a_genuine_certificate_is_confirmed_with_four_facts(client, published):
    content = client.get("/verify/", {"number": " 2018-yh-gr-002 "}).content.decode()
    assert "证书编号 2018-YH-GR-002 真实有效" in content
    for fact in (
        "<dt>名称</dt><dd>李服务</dd>",
        "<dt>所在组织</dt><dd>示范供电公司</dd>",
        "<dt>荣誉称号</dt><dd>用户满意服务先进个人</dd>",
        "<dt>年度</dt><dd>2018年度</dd>",
    ):
        assert fact in content


def test_an_unknown_certificate_is_not_found(client, published):
    content = client.get("/verify/", {"number": "2018-YH-GR-999"}).content.decode()
    assert (
        "未找到编号为“2018-YH-GR-999”的证书。请核对编号；如有疑问，请与评选秘书处联系。" in content
    )
    assert "真实有效" not in content


def test_a_withdrawn_nomination_has_no_certificate(client, published):
    assert not Nomination.objects.filter(state=NominationState.ON_NOTICE).exists()
    content = client.get("/verify/", {"number": "2018-YH-GR-003"}).content.decode()
    assert "未找到编号为“2018-YH-GR-003”的证书。" in content
