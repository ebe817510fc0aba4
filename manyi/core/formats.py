"""Field formats shared by every form: one function per format, with its Chinese message."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"1\d{10}")


def validate_mobile(value: str) -> None:
    """A mainland mobile number: 11 digits, the first of them 1 (手机)."""
    if not MOBILE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("Mobile number “%(value)s” must be 11 digits starting with 1."),
            code="mobile",
            params={"value": value},
        )
