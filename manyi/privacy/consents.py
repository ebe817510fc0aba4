"""What a person consents to, in which words, and which filings need which consent.

个人信息保护法 (PIPL) art. 14 and 17: consent is informed (purpose, data, recipients,
retention, rights), specific and freely given; art. 23 (providing personal information to
another processor) and art. 25 (making it public) each need the person's **separate consent**
(单独同意). So every purpose here is its own checkbox with its own text, never bundled.

The texts are legal statements kept verbatim with each record (like the seed's commitments):
they are written in Chinese, versioned, and a record always stores the version and the text the
person saw. Change a text: raise NOTICE_VERSION, never edit the words of a published version.

The choices of the form are kept in the draft's data like every other input (keys
`consent_<purpose>`), so nothing ticked is lost; filing records them
(services.record_filing_consents).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NOTICE_VERSION = "2026-1"


class Purpose(models.TextChoices):
    REGISTRATION = "registration", _("Privacy notice at registration")
    PROCESSING = "processing", _("Processing for this campaign")
    TRANSFER = "transfer", _("Employer provides the nominee's data to the association")
    PUBLICATION = "publication", _("Name published in the public notice and results")
    MEMBERS = "members", _("Members' consent attested by the applicant")


# Kinds whose form is about natural persons (the nominee; a team's or an achievement's members).
PERSON_KINDS = frozenset({"individual", "manager"})
MEMBER_KINDS = frozenset({"team", "achievement"})
# Which consents filing a kind needs. A unit (附件5) and a coaching request (附件7) are about an
# enterprise: only its contact persons' data, for this campaign, is processed.
REQUIRED: dict[str, tuple[Purpose, ...]] = {
    "individual": (Purpose.PROCESSING, Purpose.TRANSFER, Purpose.PUBLICATION),
    "manager": (Purpose.PROCESSING, Purpose.TRANSFER, Purpose.PUBLICATION),
    "team": (Purpose.PROCESSING, Purpose.TRANSFER, Purpose.PUBLICATION, Purpose.MEMBERS),
    "achievement": (Purpose.PROCESSING, Purpose.TRANSFER, Purpose.PUBLICATION, Purpose.MEMBERS),
    "unit": (Purpose.PROCESSING,),
    "coaching_request": (Purpose.PROCESSING,),
}


def retention_years() -> int:
    return int(getattr(settings, "PRIVACY_RETENTION_YEARS", 5))


def notice_text() -> str:
    """The privacy notice (个人信息处理规则) shown at registration and on /privacy/notice/."""
    years = retention_years()
    return "\n".join(
        [
            "一、处理目的：组织用户满意服务评选（申报、推荐、形式审查、评审、公示、异议处理、"
            "结果发布、证书和牌匾制作），并就评选事务与您联系。",
            "二、收集的个人信息：注册时收集姓名、手机号码、电子邮箱、所在单位、登录名和密码"
            "（仅保存不可逆的散列值）；申报时收集申报表所列信息，其中民族、政治面貌、年龄、"
            "手机号码、电子邮箱、通信地址等仅供本人、所在单位推荐部门和秘书处审核使用，"
            "在列表和导出中屏蔽，不向评审专家提供。",
            "三、接收方：质量协会及其用户委员会秘书处；推荐您的单位及地区、行业用委；评审专家"
            "（仅评审所需信息）；经您单独同意后，姓名在公示和结果中向社会公开。",
            f"四、保存期限：自您最后一次使用本系统或最后一项评选结果发布之日起{years}年；"
            "期满后秘书处删除或匿名化您的个人信息，评分和评选结果以匿名方式保留。",
            "五、您的权利：查阅、复制（可随时下载本人全部数据）、更正、删除个人信息，"
            "撤回同意（撤回不影响撤回前基于同意已进行的处理），以及要求解释处理规则。"
            "行使权利请登录后进入“我的个人信息”，或联系秘书处。",
            "六、未满十四周岁的未成年人不得注册。",
        ]
    )


FILING_TEXTS: dict[Purpose, str] = {
    Purpose.PROCESSING: (
        "本人同意质量协会为本年度用户满意服务评选处理本申报表所填的个人信息"
        "（申报、推荐、形式审查、评审、异议处理、发布结果和制作证书），保存期限依"
        "《个人信息处理规则》。"
    ),
    Purpose.TRANSFER: (
        "【单独同意】本人同意所在单位（推荐部门）将被推荐人的个人信息提供给质量协会及其"
        "用户委员会，用于本次评选的推荐和审核。"
    ),
    Purpose.PUBLICATION: (
        "【单独同意】本人同意在评选公示和结果公布中公开被推荐人（或班组、成果）的名称"
        "及所在单位。公示发布前可随时撤回此项同意，撤回后公示和结果不显示本人姓名。"
    ),
    Purpose.MEMBERS: ("本人确认已取得名单中每位班组成员（课题组成员）对上述处理和公开的同意。"),
}


@dataclass(frozen=True)
class Choice:
    purpose: Purpose
    key: str
    text: str
    separate: bool  # 单独同意


def key_of(purpose: Purpose) -> str:
    return f"consent_{purpose.value}"


def filing_choices(kind: str) -> list[Choice]:
    """The consent checkboxes of a form of `kind`, in order."""
    return [
        Choice(p, key_of(p), FILING_TEXTS[p], p in (Purpose.TRANSFER, Purpose.PUBLICATION))
        for p in REQUIRED.get(kind, ())
    ]


def consent_keys(kind: str) -> list[str]:
    """The input names of the consent checkboxes (nominations.forms.form_keys adds them)."""
    return [c.key for c in filing_choices(kind)]


MISSING = {
    Purpose.PROCESSING: "请勾选同意为本次评选处理申报表中的个人信息。",
    Purpose.TRANSFER: "请单独勾选同意所在单位向质量协会提供被推荐人的个人信息。",
    Purpose.PUBLICATION: "请单独勾选同意在公示和结果中公开名称。",
    Purpose.MEMBERS: "请勾选确认已取得全体成员对处理和公开其个人信息的同意。",
}


def missing_consents(kind: str, data: dict[str, str]) -> list[str]:
    """What filing a form of `kind` lacks: one message per consent not given."""
    return [MISSING[c.purpose] for c in filing_choices(kind) if not data.get(c.key)]


def given(kind: str) -> dict[str, str]:
    """Every consent of a kind ticked, as the form sends it (the demo and tests file with it)."""
    return dict.fromkeys(consent_keys(kind), "1")
