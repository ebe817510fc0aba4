"""The login journey in a real browser: Chinese page, demo login, phone width, wrong password."""

import pytest
from playwright.sync_api import Page, expect

from manyi.demo.services import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def fill_login_form(page: Page, username: str, password: str) -> None:
    """Type as a person does, key by key, then press the button."""
    page.get_by_label("用户名").press_sequentially(username)
    page.get_by_label("密码").press_sequentially(password)
    page.get_by_role("button", name="登录").click()


def test_applicant_logs_in_and_a_wrong_password_is_refused(live_server, page: Page, screenshot):
    load_demo()
    login_url = f"{live_server.url}/accounts/login/"

    page.set_viewport_size(DESKTOP)
    page.goto(login_url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    screenshot("login-desktop")
    page.set_viewport_size(PHONE)
    screenshot("login-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the login page scrolls sideways on a 360 px phone"
    )

    page.set_viewport_size(DESKTOP)
    fill_login_form(page, "applicant", DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("2018年度用户满意服务评选")
    expect(page.locator(".who")).to_contain_text("王小满 · 申报人")
    screenshot("home-applicant")

    page.get_by_role("button", name="退出").click()
    page.goto(login_url)
    page.set_viewport_size(PHONE)
    fill_login_form(page, "applicant", "not-the-password")
    expect(page).to_have_url(login_url)
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的用户名和密码。")
    expect(page.get_by_label("用户名")).to_have_value("applicant")
    expect(page.get_by_label("密码")).to_have_value("")
    screenshot("login-wrong-password-phone")
