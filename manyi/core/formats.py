"""Field formats shared by every form: one function per format, each with its Chinese message.

Each `validate_*` takes the text as typed and raises ValidationError; `parse_*` also returns the
value. Surrounding white space is the caller's to strip.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext as _

MOBILE_RE = re.compile(r"1\d{10}")
# 0991-1234567, 0991 1234567, (0991)1234567, 09911234567, with an extension -123 or 转123;
# 400/800 service numbers.
LANDLINE_RE = re.compile(
    r"(?:(?:0\d{2,3}[- ]?|[(（]0\d{2,3}[)）])\d{7,8}(?:(?:-|转)\d{1,6})?)"
    r"|(?:[48]00[- ]?\d{3}[- ]?\d{4})"
)
POSTCODE_RE = re.compile(r"\d{6}")
DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
AGE_RANGE = (16, 100)


def validate_mobile(value: str) -> None:
    """A mainland mobile number: 11 digits, the first of them 1 (手机)."""
    if not MOBILE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("Mobile number “%(value)s” must be 11 digits starting with 1.") % {"value": value},
            code="mobile",
        )


def validate_landline(value: str) -> None:
    """A fixed line with its area code (座机, 传真): 0991-1234567, (0991)1234567, 400-…."""
    if not LANDLINE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("Landline “%(value)s” must be an area code and number, e.g. 0991-1234567.")
            % {"value": value},
            code="landline",
        )


def validate_phone(value: str) -> None:
    """A telephone (电话): a fixed line with its area code, or a mobile."""
    if not (LANDLINE_RE.fullmatch(value or "") or MOBILE_RE.fullmatch(value or "")):
        raise ValidationError(
            _(
                "Telephone “%(value)s” must be a landline with its area code "
                "(e.g. 0991-1234567) or an 11-digit mobile."
            )
            % {"value": value},
            code="phone",
        )


def validate_postcode(value: str) -> None:
    """A postcode (邮编): 6 digits."""
    if not POSTCODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("Postcode “%(value)s” must be 6 digits.") % {"value": value}, code="postcode"
        )


def validate_email(value: str) -> None:
    try:
        django_validate_email(value)
    except ValidationError:
        raise ValidationError(
            _("E-mail address “%(value)s” is not valid.") % {"value": value}, code="email"
        ) from None


def parse_age(value: str) -> int:
    """An age (年龄) in whole years, 16 to 100."""
    low, high = AGE_RANGE
    if not value.isdecimal() or not low <= int(value) <= high:
        raise ValidationError(
            _("Age must be a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            code="age",
        )
    return int(value)


def parse_integer(value: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if not value.isdecimal():
        raise ValidationError(
            _("“%(value)s” is not a whole number.") % {"value": value}, code="int"
        )
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValidationError(
            _("%(value)s is outside %(minimum)s to %(maximum)s.")
            % {"value": number, "minimum": minimum, "maximum": maximum},
            code="int_range",
        )
    return number


def parse_decimal(value: str, *, minimum: Decimal, maximum: Decimal, places: int = 2) -> Decimal:
    try:
        number = Decimal(value)
        exponent = number.as_tuple().exponent
        if not isinstance(exponent, int) or -exponent > places:  # NaN, Infinity, or too precise
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” must be a number with at most %(places)s decimals.")
            % {"value": value, "places": places},
            code="decimal",
        ) from None
    if not minimum <= number <= maximum:
        raise ValidationError(
            _("%(value)s is outside %(minimum)s to %(maximum)s.")
            % {"value": value, "minimum": minimum, "maximum": maximum},
            code="decimal_range",
        )
    return number


def parse_date(value: str) -> datetime.date:
    """A date as people write it: 2018-03-01, 2018/3/1, 2018.3.1, 2018年3月1日."""
    match = DATE_RE.fullmatch(value.strip())
    try:
        if not match:
            raise ValueError
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date; write it as 2018-03-01.") % {"value": value},
            code="date",
        ) from None
