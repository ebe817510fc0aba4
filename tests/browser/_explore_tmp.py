import pytest
from playwright.sync_api import Page, expect
from manyi.demo.services import load_demo
from manyi.nominations.models import Nomination
from manyi.campaigns.models import Category
from manyi.testing import valid_form
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

def test_x(live_server, page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("applicant")
    page.get_by_label("密码").fill("manyi-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    page.goto("/nominations/new/individual/")
    cat = Category.objects.get(kind="individual")
    from manyi.nominations.queries import criteria_of, rubric_for
    print(criteria_of(rubric_for(cat)), cat.self_score_threshold)
    f = page.locator("#nomination-form")
    f.locator('[name="name"]').press_sequentially("王小满")
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存")
    print(page.url, list(Nomination.objects.values_list("pk","data")))
    f.locator('[name="ethnicity"]').press_sequentially("汉族")
    page.wait_for_timeout(2000)
    print(page.url, list(Nomination.objects.values_list("pk","data")))
    print(f.get_attribute("hx-post"))
