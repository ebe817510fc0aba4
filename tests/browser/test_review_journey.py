"""One campaign end to end with the demo accounts, in the browser: file → recommend → formal
check → panel and assignment → five judges score → finish the review → rank → propose →
public notice with one objection → publish. Screenshots of each step."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from manyi.accounts.models import User
from manyi.campaigns.models import Category
from manyi.demo.samples import PNG_1X1, attach_requirements, valid_form
from manyi.demo.services import DEMO_PASSWORD, load_demo
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination, NominationState
from manyi.reviews.models import CalendarDay, Objection, PublicNotice

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
JUDGES = [f"judge{i}" for i in range(1, 6)]
CALENDARS = Path(settings.BASE_DIR) / "data" / "calendar"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def log_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who")).to_be_visible()


def file_as_applicant() -> Nomination:
    """The applicant's filing (the filing journey fills it in the browser field by field)."""
    applicant = User.objects.get(username="applicant")
    category = Category.objects.get(kind="individual")
    nomination = filing.start_nomination(category, by=applicant)
    filing.save_draft(nomination, valid_form("individual", category), by=applicant)
    attach_requirements(nomination, applicant)
    return filing.file_nomination(nomination, by=applicant)


def state_of(nomination: Nomination) -> str:
    nomination.refresh_from_db()
    return nomination.state


def calendar_for(day: datetime.date) -> None:
    """The secretariat's holiday calendar: the published years, and 元旦 for a year not yet
    published, so that the notice can be counted in working days."""
    for path in sorted(CALENDARS.glob("*.yaml")):
        call_command("load_calendar", str(path))
    for year in (day.year, day.year + 1):
        CalendarDay.objects.get_or_create(
            day=datetime.date(year, 1, 1), defaults={"kind": "holiday", "name": "元旦"}
        )


def last_working_day(on_or_before: datetime.date) -> datetime.date:
    holidays = set(CalendarDay.objects.filter(kind="holiday").values_list("day", flat=True))
    workdays = set(CalendarDay.objects.filter(kind="workday").values_list("day", flat=True))
    day = on_or_before
    while day in holidays or (day.weekday() >= 5 and day not in workdays):
        day -= datetime.timedelta(days=1)
    return day


def test_one_campaign_end_to_end_with_the_demo_accounts(page: Page, screenshot, tmp_path: Path):
    page.set_default_timeout(10_000)
    load_demo(filings=False)
    nomination = file_as_applicant()
    seal = tmp_path / "推荐表盖章页.png"
    seal.write_bytes(PNG_1X1)

    # The recommender recommends: opinion, signature, sealed page, every declared condition.
    log_in(page, "recommender")
    page.get_by_role("link", name="推荐", exact=True).click()
    page.get_by_role("link", name="审核推荐").click()
    page.get_by_label("推荐意见").fill("该同志十年如一日热情服务客户，同意推荐。")
    page.get_by_label("单位负责人签字（输入姓名）").fill("李局长")
    page.get_by_label("签字盖章页（扫描件：图片或PDF）").set_input_files(seal)
    for box in page.get_by_label(re.compile("确认符合推荐条件第")).all():
        box.check()
    screenshot("review-1-recommend")
    page.get_by_role("button", name="推荐", exact=True).click()
    expect(page.get_by_text("已推荐。")).to_be_visible()
    assert state_of(nomination) == NominationState.ENDORSED

    # The secretariat's formal check: the checklist comes filled from the record.
    log_in(page, "secretariat")
    # Its rarer pages sit behind 更多 (a <details>): opened, they are links like the others.
    page.locator("nav summary", has_text="更多").click()
    screenshot("review-0-nav-more")
    page.locator("nav").get_by_role("link", name="审计日志").click()
    expect(page.locator("h1")).to_have_text("审计日志")
    page.get_by_role("link", name="形式审查").first.click()
    page.get_by_role("link", name="审查", exact=True).click()
    screenshot("review-2-formal-check")
    page.get_by_role("button", name="提交审查结果").click()
    expect(page.get_by_text("形式审查：受理。")).to_be_visible()
    assert state_of(nomination) == NominationState.CHECKED

    # The panel of the category, then a balanced automatic assignment of five judges.
    page.get_by_role("link", name="评审组").click()
    card = page.locator("form").filter(has_text="用户满意服务先进个人").first
    for judge in User.objects.filter(username__in=JUDGES):
        card.get_by_label(re.compile(judge.display_name)).check()
    card.get_by_role("button", name="保存评审组").click()
    expect(page.get_by_text("已保存“用户满意服务先进个人”评审组。")).to_be_visible()
    page.goto(f"/reviews/assignments/{nomination.category_id}/")
    page.get_by_role("button", name="自动分配（负载均衡）").click()
    expect(page.get_by_text("已自动分配 5 人次。")).to_be_visible()
    screenshot("review-3-assignments")
    assert state_of(nomination) == NominationState.IN_REVIEW

    # Five judges score, each seeing the applicant's self-score beside the criterion.
    for number, username in enumerate(JUDGES):
        log_in(page, username)
        page.get_by_role("link", name="评审任务").click()
        page.get_by_role("row", name=re.compile("王小满")).get_by_role("link", name="评审").click()
        for field in page.locator('input[name^="score_"]').all():
            maximum = int(field.get_attribute("max") or "0")
            field.fill(str(max(0, maximum - number % 3)))
        page.get_by_label(re.compile("评审意见")).first.fill(
            f"专家{number + 1}：事迹突出，材料翔实。"
        )
        if number == 0:
            screenshot("review-4-scoring")
        page.get_by_role("button", name="提交评审意见").click()
        expect(page.get_by_text("评审意见已提交。")).to_be_visible()

    # The secretariat finishes the review of every nomination whose five reviews are in.
    log_in(page, "secretariat")
    page.goto(f"/reviews/assignments/{nomination.category_id}/")
    page.get_by_role("button", name=re.compile("完成所有评审意见已全部提交的申报")).click()
    expect(page.get_by_text("已完成评审的申报：1 件。")).to_be_visible()
    assert state_of(nomination) == NominationState.SCORED

    # The ranking, computed by the database, and the proposal by quota.
    page.get_by_role("link", name="评审结果").click()
    page.goto(f"/reviews/ranking/{nomination.category_id}/")
    expect(page.get_by_role("cell", name="王小满")).to_be_visible()
    screenshot("review-5-ranking")
    page.goto(f"/reviews/propose/{nomination.category_id}/")
    page.get_by_label("名额 N").fill("1")
    page.get_by_role("button", name="提出拟表彰").click()
    expect(page.get_by_text("已提出拟表彰 1 件：王小满。")).to_be_visible()
    assert state_of(nomination) == NominationState.PROPOSED

    # The evaluation committee's decision, with its minutes.
    minutes = tmp_path / "评审委员会会议纪要.png"
    minutes.write_bytes(PNG_1X1)
    page.goto(f"/reviews/decision/{nomination.category_id}/")
    page.get_by_label("决定日期").fill(datetime.date.today().isoformat())
    page.get_by_label("赞成票").fill("7")
    page.get_by_label("会议纪要（PDF、图片或 Word 文件）").set_input_files(minutes)
    page.get_by_role("button", name="记录决定").click()
    expect(page.get_by_text(re.compile("已记录评审委员会的决定"))).to_be_visible()

    # The public notice (公示), five working days from the last working day.
    today = timezone.localdate()
    calendar_for(today)
    page.goto("/reviews/notice/")
    page.get_by_label("公示开始日期").fill(last_working_day(today).isoformat())
    page.get_by_label("公示期（工作日）").fill("5")
    page.get_by_role("button", name="发布公示").click()
    expect(page.get_by_text("公示已发布。")).to_be_visible()
    assert state_of(nomination) == NominationState.ON_NOTICE

    # Anyone reads the notice; an objection without a real name is refused, then lodged.
    page.context.clear_cookies()
    page.goto("/notice/")
    expect(page.get_by_role("cell", name="王小满")).to_be_visible()
    assert "13800000000" not in page.content()  # the notice shows no phone, age or ethnicity
    screenshot("review-6-public-notice")
    page.goto("/notice/objection/")
    page.get_by_label("异议对象").select_option(str(nomination.pk))
    page.get_by_label("异议的事实和理由").fill("所附荣誉证书的获奖时间与事实不符。")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_text("异议须署真实姓名；匿名异议不予受理。")).to_be_visible()
    expect(page.get_by_label("异议的事实和理由")).to_have_value(
        "所附荣誉证书的获奖时间与事实不符。"
    )
    page.get_by_label("真实姓名").fill("张群众")
    page.get_by_label("联系方式（手机、固定电话或电子邮箱）").fill("13912345678")
    page.get_by_role("button", name="提交异议").click()
    screenshot("review-7-objection")
    objection = Objection.objects.get()

    # The secretariat investigates and dismisses it; the period ends; results are published.
    log_in(page, "secretariat")
    page.goto(f"/reviews/objections/{objection.pk}/")
    expect(page.get_by_text("13912345678")).to_be_visible()  # the secretariat sees the contact
    page.get_by_label("异议不成立").check()
    page.get_by_label("调查核实情况").fill("经核实，证书真实有效，获奖时间与档案一致。")
    page.get_by_role("button", name="记录处理结果").click()
    expect(page.get_by_text("异议已处理：异议不成立。")).to_be_visible()
    PublicNotice.objects.update(  # time passes: the period ends
        starts_on=today - datetime.timedelta(days=8), ends_on=today - datetime.timedelta(days=1)
    )
    page.goto("/reviews/notice/")
    page.get_by_role("button", name="发布评选结果").click()
    expect(page.get_by_text("评选结果已发布：表彰 1 件。")).to_be_visible()
    assert state_of(nomination) == NominationState.AWARDED

    # The public results, and the certificate verified by its number.
    page.context.clear_cookies()
    page.goto("/results/")
    expect(page.get_by_role("cell", name="王小满")).to_be_visible()
    screenshot("review-8-results")
    page.goto("/verify/?number=2018-YH-GR-001")
    expect(page.get_by_text("王小满")).to_be_visible()
    screenshot("review-9-verify")
    assert "13912345678" not in page.content()
