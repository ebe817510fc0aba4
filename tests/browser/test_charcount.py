"""static/js/charcount.js counts as manyi.core.text.count_characters does, in Chromium."""

from pathlib import Path

import pytest

from manyi.core.text import count_characters

CHARCOUNT_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "charcount.js"


def classes(page, selector: str) -> list[str]:
    return page.evaluate("s => [...document.querySelector(s).classList]", selector)


BROWSER_SAMPLES = [
    "用户满意服务",
    "Hello, world 2018",
    "满意，服务！（一）“好”。",
    "用户\u3000满意\n\n第二段\t完",
    "用\u200b户\ufeff\u00ad\u200d",
    "𠮷野家😀",
    "Cafe\u0301 \u1100\u1161 q\u0307",
    "\u00a0\u2028\u2029\u202f\u205f\u1680\u180e",
]

PAGE = """<!doctype html><meta charset="utf-8">
<textarea id="deeds" data-char-max="5" data-char-counter="deeds-count"></textarea>
<p id="deeds-count"></p>
<textarea id="report" data-char-min="3" data-char-counter="report-count"></textarea>
<p id="report-count"></p>
"""


@pytest.fixture
def counter_page(page):
    """A bare page with static/js/charcount.js loaded."""
    page.set_content(PAGE)
    page.add_script_tag(path=CHARCOUNT_JS)
    return page


@pytest.mark.browser
def test_charcount_js_counts_like_count_characters(counter_page):
    deeds = counter_page.locator("#deeds")
    for sample in BROWSER_SAMPLES:
        deeds.fill(sample)
        count = count_characters(sample)
        assert counter_page.text_content("#deeds-count") == f"已输入 {count} / 5 字", sample


@pytest.mark.browser
def test_charcount_js_marks_over_and_under(counter_page):
    counter_page.locator("#deeds").fill("𠮷" * 5)
    assert classes(counter_page, "#deeds-count") == []
    counter_page.locator("#deeds").fill("𠮷" * 6)
    assert counter_page.text_content("#deeds-count") == "已输入 6 / 5 字"
    assert classes(counter_page, "#deeds-count") == ["over"]
    counter_page.locator("#report").fill("一二")
    assert counter_page.text_content("#report-count") == "已输入 2 字，应不少于 3 字"
    assert classes(counter_page, "#report-count") == ["under"]
    counter_page.locator("#report").fill("一二三")
    assert classes(counter_page, "#report-count") == []


@pytest.mark.browser
def test_charcount_js_counts_fields_added_later(counter_page):
    counter_page.evaluate(
        """() => {
            const box = document.createElement("div");
            box.innerHTML = `<input id="later" value="服务 标兵" data-char-max="3"
                data-char-min="1" data-char-counter="later-count"><span id="later-count"></span>`;
            document.body.append(box);
            box.dispatchEvent(new CustomEvent("htmx:load", {bubbles: true}));
        }"""
    )
    assert counter_page.text_content("#later-count") == "已输入 4 字，应为 1–3 字"
    assert classes(counter_page, "#later-count") == ["over"]
    counter_page.locator("#later").fill("好")
    assert counter_page.text_content("#later-count") == "已输入 1 字，应为 1–3 字"
