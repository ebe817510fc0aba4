"""What makes a form complete and correct: one function per rule, each with a Chinese message.

`data` is the form as typed (strings keyed by field code). Saving a draft reports the format
problems of what has been typed; filing also reports what is missing. Nothing here writes.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from manyi.campaigns.scoring import check_score
from manyi.core import formats
from manyi.core.text import check_length
from manyi.nominations.formspecs import Field, FieldType, FormSpec

NON_FIELD = "__all__"


@dataclass(frozen=True)
class Problem:
    field: str  # a field code, an attachment slot, "score_<criterion id>", or NON_FIELD
    message: str


def split_names(text: str) -> list[str]:
    """Names one a line (also accepted: separated by 、，, ; ；)."""
    for separator in "、，,;；":
        text = text.replace(separator, "\n")
    return [name.strip() for name in text.splitlines() if name.strip()]


def _format_check(field: Field) -> Callable[[str], object] | None:
    match field.type:
        case FieldType.MOBILE:
            return formats.validate_mobile
        case FieldType.LANDLINE:
            return formats.validate_landline
        case FieldType.PHONE:
            return formats.validate_phone
        case FieldType.POSTCODE:
            return formats.validate_postcode
        case FieldType.EMAIL:
            return formats.validate_email
        case FieldType.AGE:
            return formats.parse_age
        case FieldType.DATE:
            return formats.parse_date
        case FieldType.INTEGER:
            return lambda v: formats.parse_integer(v, minimum=field.minimum, maximum=field.maximum)
        case FieldType.DECIMAL:
            return lambda v: formats.parse_decimal(v, minimum=Decimal(0), maximum=Decimal(100))
        case FieldType.CHOICE:
            return lambda v: _check_choice(field, v)
        case FieldType.NAMES:
            return lambda v: check_names(split_names(v), label=field.label, at_most=field.max_items)
        case FieldType.TEXT | FieldType.TEXTAREA:
            return lambda v: check_length(v, at_most=field.max_chars or 200, label=field.label)
    return None


def _check_choice(field: Field, value: str) -> None:
    if value not in field.choices:
        raise ValidationError(f"请从“{'、'.join(field.choices)}”中选择一项。", code="choice")


def check_names(names: list[str], *, label: str, at_most: int | None) -> None:
    """A list of people: at most `at_most` (课题组成员 10人以内), none twice."""
    if at_most is not None and len(names) > at_most:
        raise ValidationError(
            f"“{label}”最多 {at_most} 人，现填写了 {len(names)} 人。", code="too_many"
        )
    twice = [name for name, count in Counter(names).items() if count > 1]
    if twice:
        raise ValidationError(f"“{label}”中“{'、'.join(twice)}”重复填写。", code="twice")


def field_problems(spec: FormSpec, data: Mapping[str, str], *, filing: bool) -> list[Problem]:
    """Format problems of what is typed; when filing, also each required field left empty."""
    problems: list[Problem] = []
    for field in spec.fields:
        value = data.get(field.code, "").strip()
        if not value:
            if filing and field.required:
                problems.append(Problem(field.code, f"请填写“{field.label}”。"))
            continue
        check = _format_check(field)
        if check is None:
            continue
        try:
            check(value)
        except ValidationError as error:
            problems.extend(Problem(field.code, message) for message in error.messages)
    return problems


def team_composition_problems(data: Mapping[str, str]) -> list[Problem]:
    """附件3 班组人员构成: managers, technicians and party members each within the total,
    managers and technicians together no more than the total, and as many members listed."""
    try:
        total = int(data.get("headcount", ""))
    except ValueError:
        return []
    problems = []
    parts = {}
    for code, label in (
        ("managers", "管理人员"),
        ("technicians", "技术人员"),
        ("party_members", "共产党员"),
    ):
        try:
            parts[code] = int(data.get(code, ""))
        except ValueError:
            continue
        if parts[code] > total:
            problems.append(
                Problem(code, f"{label}（{parts[code]}人）不能多于总人数（{total}人）。")
            )
    if parts.get("managers", 0) + parts.get("technicians", 0) > total:
        problems.append(
            Problem(
                "technicians",
                f"管理人员与技术人员合计 {parts['managers'] + parts['technicians']} 人，"
                f"多于总人数 {total} 人。",
            )
        )
    members = split_names(data.get("members", ""))
    if members and len(members) != total:
        problems.append(
            Problem("members", f"班组成员名单有 {len(members)} 人，与总人数 {total} 人不一致。")
        )
    return problems


def survey_problems(data: Mapping[str, str]) -> list[Problem]:
    """附件5 调查时间: the survey ends on or after the day it started."""
    try:
        start = formats.parse_date(data.get("survey_start", ""))
        end = formats.parse_date(data.get("survey_end", ""))
    except ValidationError:
        return []
    if end < start:
        return [Problem("survey_end", "调查结束时间不能早于启动时间。")]
    return []


def score_problems(
    criteria: list[tuple[int, str, int]], data: Mapping[str, str], *, filing: bool
) -> list[Problem]:
    """The self-assessment: each criterion scored with a whole number from 0 to its maximum.
    `criteria` are (id, name, maximum)."""
    problems = []
    for criterion_id, name, maximum in criteria:
        key = f"score_{criterion_id}"
        raw = data.get(key, "").strip()
        if not raw:
            if filing:
                problems.append(Problem(key, f"请为“{name}”自评打分。"))
            continue
        try:
            check_score(raw, maximum=maximum, criterion=name)
        except ValidationError as error:
            problems.extend(Problem(key, message) for message in error.messages)
    return problems


def self_total(criteria: list[tuple[int, str, int]], data: Mapping[str, str]) -> int:
    """The self-assessment total of the valid scores typed so far."""
    points = []
    for criterion_id, _name, maximum in criteria:
        try:
            points.append(
                check_score(data.get(f"score_{criterion_id}", "").strip(), maximum=maximum)
            )
        except ValidationError:
            continue
    return sum(points)


def signature_problems(spec: FormSpec, data: Mapping[str, str], *, filing: bool) -> list[Problem]:
    """郑重承诺: the signer types their own name as written on the form; for a team, every
    member listed signs too. A wrong name is reported at once; a missing one when filing."""
    if not spec.commitment:
        return []
    problems = []
    expected = data.get("leader" if spec.team_signatures else spec.name_field, "").strip()
    signed = data.get("signer", "").strip()
    if not signed:
        if filing:
            problems.append(
                Problem("signer", f"请在“{spec.signer_label}”处输入姓名，以接受以上承诺。")
            )
    elif expected and signed != expected:
        problems.append(
            Problem("signer", f"承诺人签名“{signed}”与表中填写的姓名“{expected}”不一致。")
        )
    if spec.team_signatures:
        members = split_names(data.get("members", ""))
        signatures = split_names(data.get("member_signatures", ""))
        missing = [m for m in members if m not in signatures]
        if filing and members and missing:
            problems.append(
                Problem("member_signatures", f"以下班组成员尚未签字承诺：{'、'.join(missing)}。")
            )
        strangers = [s for s in signatures if s not in members]
        if strangers:
            problems.append(
                Problem("member_signatures", f"签字人“{'、'.join(strangers)}”不在班组成员名单中。")
            )
    return problems


def coaching_problems(spec: FormSpec, data: Mapping[str, str], *, filing: bool) -> list[Problem]:
    """附件7: at least one coaching item ticked, or another project described (when filing);
    remarks within their length."""
    if not spec.coaching_items:
        return []
    problems = []
    for i, item in enumerate(spec.coaching_items, start=1):
        try:
            check_length(data.get(f"coaching_{i}_remark", ""), at_most=200, label=f"{item} 备注")
        except ValidationError as error:
            problems.extend(Problem(f"coaching_{i}_remark", m) for m in error.messages)
    try:
        check_length(data.get("coaching_other", ""), at_most=1000, label="其他项目")
    except ValidationError as error:
        problems.extend(Problem("coaching_other", m) for m in error.messages)
    ticked = any(data.get(f"coaching_{i}") for i in range(1, len(spec.coaching_items) + 1))
    if filing and not ticked and not data.get("coaching_other", "").strip():
        problems.append(Problem("coaching_other", "请至少勾选一项所需辅导，或填写其他项目。"))
    return problems
