"""The character-counting rule, length limits and control characters (manyi.core.text)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from manyi.core.text import check_length, count_characters, reject_control_characters

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True, scope="module")
def _in_chinese() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


def messages(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return error.value.messages


def classes(page, selector: str) -> list[str]:
    return page.evaluate("s => [...document.querySelector(s).classList]", selector)


# --- count_characters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("用户满意服务", 6),
        ("Hello, world 2018", 15),  # letters, digits and the comma; not the two spaces
        ("满意，服务！（一）“好”。", 13),  # full-width punctuation counts 1 each
        ("用户\u3000满意", 4),  # the ideographic space is white space
        ("一\n二\r\n三\u2028四\u2029五", 5),  # line and paragraph breaks of every kind
        ("一\t二 三\u00a0四", 4),  # tab, space, no-break space
        ("用\u200b户", 2),  # zero-width space (Cf)
        ("\ufeff用户", 2),  # byte order mark (Cf)
        ("用\u00ad户\u200d", 2),  # soft hyphen and zero-width joiner (Cf)
        ("𠮷野家", 3),  # an astral Han character counts 1 (String.length in JS says 2)
        ("😀", 1),
        ("Cafe\u0301", 4),  # e + combining acute: NFC composes é
        ("\u1100\u1161", 1),  # Hangul jamo: NFC composes 가
        ("q\u0307", 2),  # no precomposed form: the mark stays and counts
        ("\x00用\x1b户\x85", 2),  # control characters are invisible
        ("", 0),
        (" \u3000\n\t", 0),
    ],
)
def test_count_characters_follows_the_rule(text, expected):
    assert count_characters(text) == expected


def test_count_characters_ignores_layout_of_a_real_paragraph():
    text = "  本人自2010年起从事供电服务工作，\n\n  荣获“优秀服务标兵”称号。\u3000\u3000"
    assert count_characters(text) == 31


# --- check_length -------------------------------------------------------------------------


def test_check_length_accepts_exactly_the_maximum():
    check_length("字" * 500, at_most=500, label="个人主要先进事迹")


def test_check_length_refuses_one_over_the_maximum():
    with pytest.raises(ValidationError) as error:
        check_length("字" * 501, at_most=500, label="个人主要先进事迹")
    assert messages(error) == ["“个人主要先进事迹”限 500 字，现为 501 字（不计空格）。"]
    assert error.value.code == "too_long"


def test_check_length_names_label_limit_and_count():
    with pytest.raises(ValidationError) as error:
        check_length("事迹" * 261 + "好", at_most=500, label="个人主要先进事迹")
    assert messages(error) == ["“个人主要先进事迹”限 500 字，现为 523 字（不计空格）。"]


def test_check_length_does_not_count_spaces_and_line_breaks():
    text = "\n\n".join(["\u3000\u3000" + "字" * 100] * 5) + "   \n"
    check_length(text, at_most=500, label="个人主要先进事迹")


def test_check_length_counts_an_astral_character_once():
    check_length("𠮷" * 500, at_most=500, label="个人主要先进事迹")


def test_check_length_refuses_below_the_minimum():
    with pytest.raises(ValidationError) as error:
        check_length("字" * 4812, at_least=5000, label="优质服务成果报告")
    assert messages(error) == ["“优质服务成果报告”应不少于 5000 字，现为 4812 字（不计空格）。"]
    assert error.value.code == "too_short"


def test_check_length_accepts_exactly_the_minimum():
    check_length("字" * 5000, at_least=5000, label="优质服务成果报告")


def test_check_length_without_label():
    with pytest.raises(ValidationError) as too_long:
        check_length("字" * 3001, at_most=3000)
    with pytest.raises(ValidationError) as too_short:
        check_length("字" * 9, at_least=10)
    assert messages(too_long) == ["限 3000 字，现为 3001 字（不计空格）。"]
    assert messages(too_short) == ["应不少于 10 字，现为 9 字（不计空格）。"]


def test_check_length_checks_both_bounds():
    check_length("字" * 10, at_least=10, at_most=10)
    with pytest.raises(ValidationError):
        check_length("字" * 11, at_least=10, at_most=10)
    with pytest.raises(ValidationError):
        check_length("字" * 9, at_least=10, at_most=10)


def test_check_length_in_english():
    with pytest.raises(ValidationError) as error:
        check_length("字" * 501, at_most=500, label="Deeds")
    with translation.override("en"):  # the message is translated when it is shown
        assert messages(error) == [
            "“Deeds” is limited to 500 characters; it has 501 (spaces not counted)."
        ]


# --- reject_control_characters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code_point"),
    [
        ("服务\x00标兵", "U+0000"),  # NUL: PostgreSQL refuses it
        ("服务\x1b[31m", "U+001B"),  # escape (C0)
        ("服务\x7f", "U+007F"),  # delete
        ("服务\x85", "U+0085"),  # next line (C1)
        ("\x0b垂直制表", "U+000B"),  # vertical tab: C0, though white space
    ],
)
def test_reject_control_characters_names_field_and_character(text, code_point):
    with pytest.raises(ValidationError) as error:
        reject_control_characters(text, label="个人主要先进事迹")
    assert messages(error) == [
        f"“个人主要先进事迹”含有无法保存的不可见控制字符（{code_point}），请删除。"
    ]
    assert error.value.code == "control_character"


def test_reject_control_characters_allows_tab_and_line_breaks():
    reject_control_characters("第一段\t说明\r\n第二段\n　　第三段\u200b", label="事迹")


def test_reject_control_characters_without_label():
    with pytest.raises(ValidationError) as error:
        reject_control_characters("a\x00")
    assert messages(error) == ["文字中含有无法保存的不可见控制字符（U+0000），请删除。"]
