import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from manyi.core import formats


@pytest.mark.parametrize("value", ["13800000000", "19912345678"])
def test_mobile_accepts_11_digits_starting_with_1(value):
    formats.validate_mobile(value)


@pytest.mark.parametrize(
    "value", ["1380000000", "23800000000", "138000000001", "138-0000-0000", ""]
)
def test_mobile_refuses_anything_else(value):
    with pytest.raises(ValidationError) as error:
        formats.validate_mobile(value)
    assert error.value.messages == [f"手机号码“{value}”应为以 1 开头的 11 位数字。"]


@pytest.mark.parametrize(
    "value",
    [
        "0991-1234567",
        "0991 12345678",
        "(0991)1234567",
        "（010）12345678",
        "01012345678",
        "0991-1234567-801",
        "0991-1234567转801",
        "400-123-4567",
    ],
)
def test_landline_accepts_area_code_forms(value):
    formats.validate_landline(value)


@pytest.mark.parametrize("value", ["1234567", "13800000000", "0991-123", "电话"])
def test_landline_refuses_numbers_without_area_code_and_mobiles(value):
    with pytest.raises(ValidationError) as error:
        formats.validate_landline(value)
    assert error.value.messages == [f"座机号码“{value}”应包含区号，例如 0991-1234567。"]


def test_phone_accepts_a_landline_or_a_mobile():
    formats.validate_phone("0991-1234567")
    formats.validate_phone("13800000000")
    with pytest.raises(ValidationError):
        formats.validate_phone("12345")


@pytest.mark.parametrize(
    ("value", "ok"), [("830000", True), ("83000", False), ("8300001", False), ("83000a", False)]
)
def test_postcode_is_six_digits(value, ok):
    if ok:
        formats.validate_postcode(value)
    else:
        with pytest.raises(ValidationError) as error:
            formats.validate_postcode(value)
        assert error.value.messages == [f"邮编“{value}”应为 6 位数字。"]


def test_email():
    formats.validate_email("wang@example.com")
    with pytest.raises(ValidationError) as error:
        formats.validate_email("wang@")
    assert error.value.messages == ["电子邮箱“wang@”格式不正确。"]


@pytest.mark.parametrize(("value", "expected"), [("16", 16), ("35", 35), ("100", 100)])
def test_age_in_range(value, expected):
    assert formats.parse_age(value) == expected


@pytest.mark.parametrize("value", ["15", "101", "三十", "-1", "35.5"])
def test_age_out_of_range_or_not_a_number(value):
    with pytest.raises(ValidationError) as error:
        formats.parse_age(value)
    assert error.value.messages == ["年龄应为 16 至 100 之间的整数。"]


@pytest.mark.parametrize(
    "value", ["2018-03-01", "2018/3/1", "2018.3.1", "2018年3月1日", " 2018 年 3 月 1 日 "]
)
def test_dates_as_people_write_them(value):
    assert formats.parse_date(value) == datetime.date(2018, 3, 1)


@pytest.mark.parametrize("value", ["2018-02-30", "3月1日", "yesterday", "2018-13-01"])
def test_not_a_date(value):
    with pytest.raises(ValidationError) as error:
        formats.parse_date(value)
    assert error.value.messages == [f"“{value}”不是有效日期，请按 2018-03-01 的格式填写。"]


def test_decimal_score():
    assert formats.parse_decimal("86.5", minimum=Decimal(0), maximum=Decimal(100)) == Decimal(
        "86.5"
    )
    for bad in ["86.555", "NaN", "Infinity", "abc"]:
        with pytest.raises(ValidationError):
            formats.parse_decimal(bad, minimum=Decimal(0), maximum=Decimal(100))
    with pytest.raises(ValidationError) as error:
        formats.parse_decimal("101", minimum=Decimal(0), maximum=Decimal(100))
    assert error.value.messages == ["101 超出 0 至 100 的范围。"]
