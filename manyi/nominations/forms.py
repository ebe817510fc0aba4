"""Reading what the browser sent: the nomination form (kept as typed), honours and uploads."""

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from manyi.core.formats import parse_date
from manyi.nominations.eligibility import CONDITIONS
from manyi.nominations.formspecs import FormSpec
from manyi.nominations.models import HonourLevel
from manyi.privacy.consents import consent_keys

# C0/C1 control characters other than tab, line feed and carriage return: never typed, and
# PostgreSQL refuses NUL. They are removed at the edge, and the user is told.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_VALUE = 20_000  # characters in one input; the longest field allows 3000


def form_keys(spec: FormSpec, criterion_ids: Iterable[int]) -> list[str]:
    """Every input name the form of `spec` may send, in the form's order."""
    keys = [f.code for f in spec.fields]
    keys += [f"score_{pk}" for pk in criterion_ids]
    keys += [f"declare_{n}" for n in range(1, len(CONDITIONS[spec.kind]) + 1)]
    for i in range(1, len(spec.coaching_items) + 1):
        keys += [f"coaching_{i}", f"coaching_{i}_remark"]
    if spec.coaching_items:
        keys.append("coaching_other")
    if spec.commitment:
        keys.append("signer")
    if spec.team_signatures:
        keys.append("member_signatures")
    if spec.plaque_optional:
        keys.append("plaque_opt_in")
    keys += consent_keys(spec.kind)  # 个人信息: the consents ticked, kept with the draft
    return keys


def read_form(
    spec: FormSpec, post: QueryDict, criterion_ids: Iterable[int]
) -> tuple[dict[str, str], list[str]]:
    """The form's inputs as typed (unknown names ignored), and notices about what was cleaned."""
    data: dict[str, str] = {}
    notices: list[str] = []
    for key in form_keys(spec, criterion_ids):
        value = post.get(key, "")
        if not value:
            continue
        cleaned = CONTROL.sub("", value)
        if cleaned != value:
            notices.append("已删除输入中的不可见控制字符。")
        if len(cleaned) > MAX_VALUE:
            notices.append(f"一项输入超过 {MAX_VALUE} 字，已截断。")
            cleaned = cleaned[:MAX_VALUE]
        data[key] = cleaned
    return data, list(dict.fromkeys(notices))


class ChineseDateField(forms.CharField):
    def to_python(self, value: str | None):  # type: ignore[override]
        value = super().to_python(value)
        return parse_date(value) if value else None


class HonourForm(forms.Form):
    """何时、何地受过何种奖励（附复印件）: one honour."""

    awarded_on = ChineseDateField(label="获奖时间", widget=forms.DateInput(attrs={"type": "date"}))
    issuer = forms.CharField(label="授予单位（何地）", max_length=200)
    name = forms.CharField(label="奖励名称", max_length=200)
    level = forms.ChoiceField(label="级别", choices=[("", "请选择"), *HonourLevel.choices])
    scan = forms.FileField(label="证书复印件（图片或PDF）")

    def clean(self):
        cleaned = super().clean()
        for key in ("issuer", "name"):
            if CONTROL.search(cleaned.get(key) or ""):
                self.add_error(key, ValidationError("请勿输入控制字符。"))
        return cleaned
