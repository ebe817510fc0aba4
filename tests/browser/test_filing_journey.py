"""The filing journey in a real browser: one filing of each of the six kinds, typed as a person
types it, with autosave, the live counters, honours and Word documents attached through the
page, one refused filing recovered without retyping, and the individual form on a phone."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from manyi.campaigns.models import Category
from manyi.demo.services import DEMO_PASSWORD, load_demo
from manyi.nominations.forms import form_keys
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination
from manyi.testing import PNG_1X1, docx_upload, valid_form

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
FILER = {"unit": "committee"}  # 附件5 is filled by the recommending body; the rest by applicants
DOCUMENT_CHARACTERS = {"team_summary": 4800, "unit_summary": 5200, "achievement_report": 5200}
INVALID = re.compile(r"\binvalid\b")  # the red frame of a field with a problem
FORM_POST = re.compile(r"/nominations/(new/[a-z_]+|\d+)/$")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def form_data(kind: str) -> dict[str, str]:
    """What a careful applicant types (manyi.testing.valid_form), for the inputs the form has:
    valid_form("achievement") also carries an "industry" that 附件6 does not ask for."""
    category = Category.objects.get(kind=kind)
    data = valid_form(kind, category)
    names = form_keys(
        FORMS[kind], [int(k.removeprefix("score_")) for k in data if k.startswith("score_")]
    )
    return {name: value for name, value in data.items() if name in names}


def log_in_and_open(page: Page, username: str, kind: str) -> None:
    """Follow the link to a new form: the login page comes first, then the form."""
    page.set_default_timeout(10_000)
    page.goto(f"/nominations/new/{kind}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("用户名").press_sequentially(username)
    page.get_by_label("密码").press_sequentially(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(rf"/nominations/new/{kind}/$"))
    page.wait_for_load_state()  # autosave listens from DOMContentLoaded on
    expect(page.get_by_role("heading", level=1)).to_have_text(FORMS[kind].title)
    expect(page.locator("#autosave-status")).to_have_text("开始填写后将自动保存草稿")


def input_named(page: Page, name: str) -> Locator:
    return page.locator("#nomination-form").locator(f'[name="{name}"]')


def enter(page: Page, name: str, value: str) -> None:
    """Type, tick or pick the value of one input as a person would."""
    field = input_named(page, name)
    kind = field.first.get_attribute("type")
    if kind == "radio":
        field.and_(page.locator(f'[value="{value}"]')).check()
    elif kind == "checkbox":
        expect(field).to_have_count(1)
        field.check()
    elif kind == "date":  # a date picker: Chromium takes the ISO date
        field.fill(value)
    else:
        expect(field).to_have_count(1)
        field.press_sequentially(value)


def retype(page: Page, name: str, value: str) -> None:
    """Correct one input: select what is there and type over it."""
    field = input_named(page, name)
    field.select_text()
    field.press("Backspace")
    field.press_sequentially(value)


def expect_value(page: Page, name: str, value: str) -> None:
    field = input_named(page, name)
    kind = field.first.get_attribute("type")
    if kind == "radio":
        expect(field.and_(page.locator(f'[value="{value}"]'))).to_be_checked()
    elif kind == "checkbox":
        expect(field).to_be_checked()
    else:
        expect(field).to_have_value(value)


def carries(response: Response, data: dict[str, str]) -> bool:
    """The response of an autosave that sent every value of `data`."""
    request = response.request
    if request.method != "POST" or not FORM_POST.search(urlsplit(request.url).path):
        return False
    if request.headers.get("hx-request") != "true":
        return False
    sent = parse_qs(request.post_data or "", keep_blank_values=True)
    return all(
        [v.replace("\r\n", "\n") for v in sent.get(key, [])] == [value]
        for key, value in data.items()
    )


def autosaved(page: Page, data: dict[str, str]):
    """Wrap typing: on leaving, the draft autosaved with everything in `data` has come back."""
    return page.expect_response(lambda response: carries(response, data) and response.ok)


def add_honour(page: Page, tmp_path: Path) -> None:
    scan = tmp_path / "优秀服务标兵证书.png"
    scan.write_bytes(PNG_1X1)
    honours = page.locator("#honours")
    expect(honours).to_contain_text("尚未填写奖励。")
    honours.get_by_label("获奖时间").fill("2017-05-01")
    honours.get_by_label("授予单位（何地）").press_sequentially("自治区总工会")
    honours.get_by_label("奖励名称").press_sequentially("优秀服务标兵")
    honours.get_by_label("级别").select_option(label="省（市）级或行业系统")
    honours.get_by_label("证书复印件（图片或PDF）").set_input_files(scan)
    honours.get_by_role("button", name="添加奖励").click()
    row = page.locator("#honours table.honours tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("2017年5月")
    expect(row).to_contain_text("优秀服务标兵")
    expect(row).to_contain_text(scan.name)


def attach_documents(page: Page, kind: str, tmp_path: Path) -> None:
    """A Word document in each required slot, through the slot's own 上传 button."""
    for slot in FORMS[kind].attachments:
        if not slot.required:
            continue
        characters = DOCUMENT_CHARACTERS[slot.code]
        document = tmp_path / f"{slot.code}-申报材料.docx"
        document.write_bytes(docx_upload(characters).read())
        box = page.locator(f"#slot-{slot.code}")
        box.locator(f"#upload-{slot.code}").set_input_files(document)
        box.get_by_role("button", name="上传").click()
        expect(page.locator(f"#slot-{slot.code} .files")).to_contain_text(document.name)
        expect(page.locator(f"#slot-{slot.code} .files")).to_contain_text(f"{characters} 字")
        expect(page.locator(f"#slot-{slot.code} .errorlist li")).to_have_count(0)


def file_and_check(page: Page, kind: str, expected: dict[str, str]) -> Nomination:
    page.get_by_role("button", name="提交申报").click()
    page.wait_for_url(re.compile(r"/nominations/\d+/(view|file)/$"))
    refused = page.locator("#refused")
    assert not refused.count(), f"filing refused: {refused.inner_text()}"
    expect(page).to_have_url(re.compile(r"/nominations/\d+/view/$"))
    expect(page.locator(".messages")).to_have_text("申报已提交。")
    expect(page.locator(".state.state-filed")).to_be_visible()
    nomination = Nomination.objects.get(category__kind=kind)  # autosave never starts a 2nd draft
    assert nomination.state == "filed"
    assert {k: v.replace("\r\n", "\n") for k, v in nomination.data.items()} == expected
    return nomination


def test_individual_is_refused_then_filed_without_retyping(page: Page, screenshot, tmp_path):
    load_demo(filings=False)
    page.set_viewport_size(DESKTOP)
    log_in_and_open(page, "applicant", "individual")
    good = form_data("individual")
    scores = [key for key in good if key.startswith("score_")]
    low = {scores[-2]: "5", scores[-1]: "5"}  # 20 + 20 points become 5 + 5: 70 in all
    typed = {**good, "postcode": "83000", **low}

    # The counter of 个人主要先进事迹（限500字以内） follows the typing.
    counter = page.locator("#count-deeds_summary")
    expect(counter).to_have_text("已输入 0 / 500 字")
    deeds = typed["deeds_summary"]
    enter(page, "deeds_summary", deeds[:5])
    expect(counter).to_have_text("已输入 5 / 500 字")
    input_named(page, "deeds_summary").press_sequentially(deeds[5:])
    expect(counter).to_have_text(f"已输入 {len(deeds)} / 500 字")
    expect(page).to_have_url(re.compile(r"/nominations/\d+/$"))  # the draft exists now

    with autosaved(page, typed):
        for name, value in typed.items():
            if name != "deeds_summary":
                enter(page, name, value)
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存")
    expect(page.locator("#self-total")).to_have_text("70")
    expect(page.locator("#errors-postcode")).to_have_text("邮编“83000”应为 6 位数字。")
    expect(page.locator("#field-postcode")).to_have_class(INVALID)
    expect(page.locator("#condition-1")).to_have_text("不符合：自评总分 70 分，未达到 80 分。")
    add_honour(page, tmp_path)
    expect(page.locator("#condition-5")).to_contain_text("已填写 1 项奖励并附证书复印件。")

    page.get_by_role("button", name="提交申报").click()
    expect(page.locator(".messages")).to_have_text("尚不能提交，请按提示修改后再提交。")
    refused = page.get_by_role("alert")
    expect(refused.get_by_role("heading")).to_have_text("尚不能提交，请修改以下各项：")
    expect(refused.locator("li")).to_have_text(
        ["邮编“83000”应为 6 位数字。", "推荐条件第1条：自评总分 70 分，未达到 80 分。"]
    )
    screenshot("filing-individual-refused")
    for name, value in typed.items():  # nothing typed is lost
        expect_value(page, name, value)
    expect(page.locator("#self-total")).to_have_text("70")
    expect(page.locator("#honours table.honours tbody tr")).to_have_count(1)

    page.set_viewport_size(PHONE)
    screenshot("filing-individual-phone")
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= PHONE["width"], (
        f"the form scrolls sideways on a phone: {scroll_width} px"
    )
    page.set_viewport_size(DESKTOP)

    corrections = {"postcode": good["postcode"], **{key: good[key] for key in low}}
    with autosaved(page, {**typed, **corrections}):
        for name, value in corrections.items():
            retype(page, name, value)
    expect(page.locator("#self-total")).to_have_text("100")
    expect(page.locator("#errors-postcode")).to_be_empty()
    expect(page.locator("#field-postcode")).not_to_have_class(INVALID)
    expect(page.locator("#nomination-form .errorlist li")).to_have_count(0)
    expect(page.locator("#condition-1")).to_have_text("符合：自评总分 100 分，达到 80 分。")
    screenshot("filing-individual-filled")

    nomination = file_and_check(page, "individual", good)
    assert sum(s.points for s in nomination.self_scores.all()) == 100
    assert [s.name for s in nomination.signatures.all()] == ["王小满"]
    assert nomination.honours.count() == 1


@pytest.mark.parametrize("kind", ["team", "manager", "achievement", "coaching_request", "unit"])
def test_each_other_kind_is_filed(page: Page, screenshot, tmp_path, kind):
    load_demo(filings=False)
    page.set_viewport_size(DESKTOP)
    log_in_and_open(page, FILER.get(kind, "applicant"), kind)
    data = form_data(kind)

    with autosaved(page, data):
        for name, value in data.items():
            enter(page, name, value)
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存")
    expect(page.locator("#nomination-form .errorlist li")).to_have_count(0)  # none left over
    if FORMS[kind].self_assessment:
        expect(page.locator("#self-total")).to_have_text("100")
    if FORMS[kind].has_honours:
        add_honour(page, tmp_path)
    attach_documents(page, kind, tmp_path)
    expect(page.locator(".status-not_met")).to_have_count(0)
    screenshot(f"filing-{kind}-filled")

    nomination = file_and_check(page, kind, data)
    assert nomination.attachments.filter(slot__in=list(DOCUMENT_CHARACTERS)).count() == sum(
        slot.required for slot in FORMS[kind].attachments
    )


def test_an_upload_on_a_slow_connection_is_not_dropped_by_autosave(page: Page, tmp_path):
    """On a slow line the autosave of choosing the file is still under way when 上传 is
    pressed, and the applicant types on: the upload must still happen (it once waited in the
    form's autosave queue, where the next autosave replaced it)."""
    load_demo(filings=False)
    log_in_and_open(page, "applicant", "individual")
    enter(page, "name", "王小满")
    expect(page.locator("#upload-evidence")).to_be_visible()  # the draft exists
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    evidence = tmp_path / "用户表扬信.png"
    evidence.write_bytes(PNG_1X1)
    page.locator("#upload-evidence").set_input_files(evidence)
    page.locator("#slot-evidence").get_by_role("button", name="上传").click()
    enter(page, "ethnicity", "汉族")
    expect(page.locator("#slot-evidence .files")).to_contain_text(evidence.name, timeout=15_000)
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存", timeout=15_000)
    nomination = Nomination.objects.get()
    assert [a.original_name for a in nomination.attachments.all()] == [evidence.name]
