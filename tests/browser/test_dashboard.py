"""The secretariat's dashboard in the browser with the demo campaign: every chart drawn by
ECharts under the strict CSP (no console error, no CSP violation), every table holding the
numbers of manyi.dashboard.stats. Saves test-output/screenshots/dashboard.png."""

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import translation
from playwright.sync_api import ConsoleMessage, Page, expect

from manyi.accounts.models import User
from manyi.campaigns.models import Campaign
from manyi.dashboard import stats
from manyi.demo.services import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

# Recorded before any page script runs (an init script is not subject to the page's CSP).
WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(page: Page, live_server, username: str) -> None:
    """A session for the demo account, as after logging in (the login page has its own test)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def is_error(message: ConsoleMessage) -> bool:
    # The browser asks for /favicon.ico by itself; the site has none (not the dashboard's).
    return message.type == "error" and not message.location["url"].endswith("/favicon.ico")


def table_rows(page: Page, slug: str) -> list[list[str]]:
    return page.locator(f'table[data-table="{slug}"] tbody tr').evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))"
    )


def test_the_dashboard_draws_every_chart_with_its_table(page: Page, screenshot, live_server):
    assert finders.find("echarts/echarts.min.js"), "ECharts is missing: run `make install` (npm ci)"
    page.set_default_timeout(15_000)
    load_demo()
    campaign = Campaign.objects.get(year=2018)
    with translation.override("zh-hans"):
        expected = {chart.slug: chart for chart in stats.dashboard(campaign)}
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} {m.location}") if is_error(m) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.add_init_script(WATCH_CSP)
    sign_in(page, live_server, "secretariat")

    page.goto("/")
    page.get_by_role("link", name="统计看板").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("统计看板")
    canvases = page.locator(".dash-canvas")
    expect(canvases).to_have_count(9)
    for index in range(9):
        expect(canvases.nth(index).locator("canvas")).to_have_count(1)
    drawn = page.evaluate(
        """() => Array.from(document.querySelectorAll('.dash-canvas')).map(el => {
             const chart = echarts.getInstanceByDom(el);
             return chart ? chart.getOption().series.length : 0;
           })"""
    )
    assert all(series >= 1 for series in drawn), drawn
    for slug, chart in expected.items():
        assert table_rows(page, slug) == (
            [[str(v) for v in row] for row in chart.rows] or [["暂无数据。"]]
        ), slug
    # the demo's numbers, as the secretariat sees them
    assert ["用户满意服务先进个人", "4"] in table_rows(page, "category")
    assert ["调查中", "1"] in table_rows(page, "objections")
    assert page.evaluate("window.__violations") == []
    assert errors == []
    path = screenshot("dashboard")
    assert path.stat().st_size > 50_000


def test_the_numbers_download_from_the_page(page: Page, live_server):
    load_demo()
    sign_in(page, live_server, "secretariat")
    page.goto("/dashboard/2018/")

    with page.expect_download() as download:
        page.locator("#state").get_by_role("link", name="CSV").click()

    assert download.value.suggested_filename == "2018-state.csv"
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "状态,申报数"
