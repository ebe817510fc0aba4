"""推荐条件 (附件1, and the conditions of 附件5/附件6): each condition of a category, judged.

Each condition is data: the seed's wording (years written relative to the campaign) and how it
is judged —
- `self_score`: the self-assessment total reaches the category's threshold (80分以上);
- `honours`: at least one honour listed with its certificate scan (曾获…荣誉称号);
- `declared`: only a person can judge it (爱岗敬业, 近三年无重大投诉 …): the applicant declares
  it, with evidence attached, and the recommender attests it later;
- `survey_start`, `compliance`, `members`, `document_length`: read from the form.
A condition not met blocks filing; a declared one waits for the recommender's attestation.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError

from manyi.campaigns.models import Campaign
from manyi.campaigns.phases import chinese_date
from manyi.core.formats import parse_date
from manyi.nominations.formspecs import FormSpec
from manyi.nominations.validation import split_names


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    DECLARED = "declared"  # declared by the applicant, to be attested by the recommender
    ATTESTED = "attested"


STATUS_LABELS = {
    Status.MET: "符合",
    Status.NOT_MET: "不符合",
    Status.DECLARED: "已声明，待推荐单位确认",
    Status.ATTESTED: "推荐单位已确认",
}


@dataclass(frozen=True)
class Condition:
    text: str  # the seed's wording; {satisfaction_year} and {survey_after} follow the campaign
    check: str
    slot: str = ""  # for document_length: the attachment slot


@dataclass(frozen=True)
class Result:
    number: int
    text: str
    check: str
    status: Status
    reason: str

    @property
    def blocks_filing(self) -> bool:
        return self.status == Status.NOT_MET

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Facts:
    """What the judgement reads: the form as typed and what is attached."""

    campaign: Campaign
    threshold: int | None
    data: Mapping[str, str]
    self_total: int
    honours: int
    document_characters: Mapping[str, int]  # attachment slot -> characters counted
    attested: frozenset[int] = frozenset()  # numbers of the conditions the recommender attested


C = Condition
CONDITIONS: dict[str, tuple[Condition, ...]] = {
    "individual": (
        C("工作在服务一线的从业人员，按照自评标准评分达到80分以上的", "self_score"),
        C("爱岗敬业、遵纪守法、热情服务", "declared"),
        C("努力学习、钻研技术、敢于创新、开拓进取", "declared"),
        C("具有用户至上的价值观和服务观，在本职岗位上能以实际行动全心全意为用户服务", "declared"),
        C(
            "用户满意服务业绩突出，得到社会认可，曾获国家、省、市级或行业系统内与本职岗位工作相关的荣誉称号",
            "honours",
        ),
        C("近三年无重大投诉事件发生，无违法违纪情况", "declared"),
    ),
    "team": (
        C("一线基层服务班组（包括站、所、队等），按照标准评分达到80分以上的", "self_score"),
        C("爱岗敬业、合法经营、明礼诚信、科学管理、用户至上", "declared"),
        C("勇于实践、开拓创新，具有良好的团队精神", "declared"),
        C(
            "积极推进和实施用户满意工程，整体服务质量水平较高，创造了良好的社会或经济效益",
            "declared",
        ),
        C("注重用户评价工作，做到有目标、有制度、有成效", "declared"),
        C(
            "用户满意服务业绩突出，得到社会认可，曾获国家、省（区）、市级或行业系统内与本职岗位工作相关的荣誉称号",
            "honours",
        ),
        C(
            "班组经具有满意度调查资质的第三方机构测评结果显示{satisfaction_year}年用户满意度较高",
            "declared",
        ),
        C("班组及所在组织近三年无重大投诉和质量、安全、环保事故，无违法违纪情况", "declared"),
    ),
    "manager": (
        C("推进用户满意工程的企业高层质量管理人员，按照标准评分达到80分以上", "self_score"),
        C("爱岗敬业、具有先进、科学、系统的管理思想及用户满意理念", "declared"),
        C("开拓创新，具有丰富的管理经验和卓越的管理绩效", "declared"),
        C("科学策划，有效组织，系统实施用户满意工程", "declared"),
        C("所领导的组织具有良好的社会效益", "declared"),
        C(
            "本人的内外部用户满意度评价较高，得到社会认可，曾获国家、省、市级或行业系统内与本职岗位工作相关的荣誉称号",
            "honours",
        ),
        C(
            "所在组织经具有满意度调查资质的第三方机构测评结果显示{satisfaction_year}年用户满意度较高",
            "declared",
        ),
        C("所在组织和个人近三年无重大投诉和质量、安全、环保事故，无违法违纪情况", "declared"),
    ),
    "unit": (
        C("数据应以{survey_after}后组织的用户满意度调查为准", "survey_start"),
        C("企业与相关法律、法规、国家标准、行业标准要求的符合性", "compliance"),
        C(
            "企业先进总结材料Word文本格式及电子版一份，字数5000字以上",
            "document_length",
            "unit_summary",
        ),
    ),
    "achievement": (
        C("课题组成员名单（10人以内）", "members"),
        C(
            "优质服务成果报告Word文本格式及电子版一份，不少于5000字",
            "document_length",
            "achievement_report",
        ),
    ),
    "coaching_request": (),
}


def condition_text(condition: Condition, campaign: Campaign) -> str:
    day = campaign.earliest_survey_start
    return condition.text.format(
        satisfaction_year=campaign.satisfaction_year,
        survey_after=chinese_date(day),
    )


def evaluate(spec: FormSpec, facts: Facts) -> list[Result]:
    """Every condition of the category with its status and the reason."""
    return [
        Result(
            number,
            condition_text(condition, facts.campaign),
            condition.check,
            *_judge(spec, number, condition, facts),
        )
        for number, condition in enumerate(CONDITIONS[spec.kind], start=1)
    ]


def _judge(spec: FormSpec, number: int, condition: Condition, facts: Facts) -> tuple[Status, str]:
    data = facts.data
    match condition.check:
        case "self_score":
            threshold = facts.threshold or 0
            if facts.self_total >= threshold:
                return Status.MET, f"自评总分 {facts.self_total} 分，达到 {threshold} 分。"
            return Status.NOT_MET, f"自评总分 {facts.self_total} 分，未达到 {threshold} 分。"
        case "honours":
            if facts.honours:
                status = Status.ATTESTED if number in facts.attested else Status.DECLARED
                return status, f"已填写 {facts.honours} 项奖励并附证书复印件。"
            return Status.NOT_MET, "尚未填写所获荣誉称号及证书复印件。"
        case "declared":
            if number in facts.attested:
                return Status.ATTESTED, "推荐单位已确认。"
            if data.get(f"declare_{number}"):
                return Status.DECLARED, "申报人已声明符合，待推荐单位确认。"
            return Status.NOT_MET, "申报人尚未声明符合此条件。"
        case "survey_start":
            earliest = facts.campaign.earliest_survey_start
            try:
                start = parse_date(data.get("survey_start", ""))
            except ValidationError:
                return Status.NOT_MET, "尚未填写调查启动时间。"
            if start >= earliest:
                return Status.MET, f"调查启动于 {start:%Y-%m-%d}，在 {earliest:%Y-%m-%d} 或之后。"
            return Status.NOT_MET, f"调查启动于 {start:%Y-%m-%d}，早于 {earliest:%Y-%m-%d}。"
        case "compliance":
            if data.get("compliance") == "符合":
                return Status.MET, "推荐机构复核为“符合”。"
            if data.get("compliance") == "不符合":
                return Status.NOT_MET, "推荐机构复核为“不符合”。"
            return Status.NOT_MET, "尚未填写是否符合相关规范。"
        case "members":
            count = len(split_names(data.get("members", "")))
            if 1 <= count <= 10:
                return Status.MET, f"课题组成员 {count} 人。"
            return Status.NOT_MET, f"课题组成员 {count} 人，应为 1 至 10 人。"
        case "document_length":
            slot = next(s for s in spec.attachments if s.code == condition.slot)
            at_least = slot.min_chars or 0
            count = facts.document_characters.get(condition.slot)
            if count is None:
                return Status.NOT_MET, "尚未上传Word文档。"
            if count >= at_least:
                return Status.MET, f"文档共 {count} 字，不少于 {at_least} 字。"
            return Status.NOT_MET, f"文档共 {count} 字，少于 {at_least} 字。"
    raise ValueError(f"unknown check {condition.check!r}")
