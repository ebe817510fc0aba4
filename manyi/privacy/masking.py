"""Who sees the sensitive personal fields of a form, and how they look to the others. One place:
list pages, the nomination and scoring pages, and the Excel exports ask it.

Sensitive (个人信息保护法: data whose leak harms the person, or that judging does not need):
民族, 政治面貌 and 年龄 (出生年月) by their code, 通信地址; 手机 and 电子邮箱 by their type, and
a mobile typed into a 电话 field (which takes a fixed line or a mobile).

- FULL: the owner (who filed it), the recommender of its organization (the employer, which
  must check the form it seals) and the secretariat (which checks it): in detail pages.
- HIDDEN: judges. Judging needs none of these fields (the rubrics score service, not the
  person), so they are left out, not even masked.
- MASKED: everyone else, and every list and export unless the secretariat asks in full.
"""

import hmac
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.conf import settings

from manyi.accounts.models import Role
from manyi.core.formats import MOBILE_RE
from manyi.nominations.formspecs import Field, FieldType, FormSpec
from manyi.privacy.consents import PERSON_KINDS

MASK = "***"
SENSITIVE_CODES = frozenset({"ethnicity", "political_status", "age", "birth_month", "address"})
SENSITIVE_TYPES = frozenset({FieldType.MOBILE, FieldType.EMAIL, FieldType.AGE})
WITHHELD_SUFFIX = "**"


class Audience(StrEnum):
    FULL = "full"
    MASKED = "masked"
    HIDDEN = "hidden"


def is_sensitive(field_: Field, value: str = "") -> bool:
    return (
        field_.code in SENSITIVE_CODES
        or field_.type in SENSITIVE_TYPES
        or (field_.type == FieldType.PHONE and bool(MOBILE_RE.fullmatch(value.strip())))
    )


def masked(field_: Field, value: str) -> str:
    """A personal value hidden: a mobile keeps its first 3 and last 4 digits (138****0000),
    anything else sensitive becomes ***. An empty or non-sensitive value is unchanged."""
    bare = value.strip()
    if not bare or not is_sensitive(field_, bare):
        return value
    if MOBILE_RE.fullmatch(bare):
        return f"{bare[:3]}****{bare[-4:]}"
    return MASK


def for_the_record(spec: FormSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    """A form's data as the audit trail keeps it: each sensitive value replaced by a keyed
    digest (***#1a2b3c4d), which tells two versions apart and shows nothing of the value. The
    trail is append-only and outlives the erasure of the person's data: it keeps none of the
    sensitive fields (is_sensitive), only what the form's other fields say."""
    fields = {f.code: f for f in spec.fields}
    kept: dict[str, Any] = {}
    for code, value in data.items():
        field_ = fields.get(code)
        if (
            field_ is not None
            and isinstance(value, str)
            and value.strip()
            and is_sensitive(field_, value)
        ):
            key = settings.SECRET_KEY.encode()
            value = f"{MASK}#{hmac.new(key, value.encode(), 'sha256').hexdigest()[:8]}"
        kept[code] = value
    return kept


def audience(user, nomination=None) -> Audience:
    """How `user` sees the sensitive fields of `nomination` (None: a list of many)."""
    if not (user and user.is_authenticated and user.is_active):
        return Audience.MASKED
    if user.role == Role.JUDGE:
        return Audience.HIDDEN
    if user.role == Role.SECRETARIAT:
        return Audience.FULL
    if nomination is None:
        return Audience.MASKED
    if nomination.applicant_id == user.pk:
        return Audience.FULL
    if (
        user.role in (Role.RECOMMENDER, Role.COMMITTEE)
        and user.organization_id
        and user.organization_id == nomination.organization_id
    ):
        return Audience.FULL
    return Audience.MASKED


def shown(field_: Field, value: str, seen_by: Audience) -> str:
    """The value of one field as `seen_by` sees it."""
    if seen_by == Audience.FULL or not is_sensitive(field_, value):
        return value
    if seen_by == Audience.HIDDEN:
        return ""
    return masked(field_, value)


def visible_data(user, nomination, fields: list[Field], data: dict[str, str]) -> dict[str, str]:
    """The form's data as `user` may see it: the sensitive fields masked or left out."""
    seen_by = audience(user, nomination)
    if seen_by == Audience.FULL:
        return data
    result = dict(data)
    for field_ in fields:
        value = str(data.get(field_.code, ""))
        if value:
            result[field_.code] = shown(field_, value, seen_by)
    return result


def public_name(name: str, *, kind: str, withheld: bool) -> str:
    """The name on the public notice and results. A person who withdrew consent to publication
    (个人信息保护法 art. 25) is shown by the first character of the name only (王**); a team's,
    unit's or achievement's name is not a person's and is shown as filed."""
    if not withheld or kind not in PERSON_KINDS or not name:
        return name
    return name[:1] + WITHHELD_SUFFIX
