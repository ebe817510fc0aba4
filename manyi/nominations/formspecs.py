"""The forms of the seed (附件2-7) as data: every field in its printed order, with its label.

Labels, notes and commitment clauses are the seed's wording, verbatim (the seed's own faults
included, e.g. 附件4 "杰出管理的推荐条件"). Field codes are the English names the code uses; the
Chinese label is what users see. Rendering, validation, Word export and import all read these.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from manyi.campaigns.models import CategoryKind
from manyi.core.uploads import FileKind

MB = 1024 * 1024
INDUSTRIES = ("服务业", "制造业（服务）", "其他")  # 从事行业 / 所在行业 / 行业: exactly one
COMPLIANCE = ("符合", "不符合")  # 附件5 是否符合相关规范
EVIDENCE_RESULTS = ("真实", "齐全", "有效", "其他")  # 附件5 证实性材料复核结果
GENDERS = ("男", "女")
YES_NO = ("是", "否")


class FieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    INTEGER = "integer"
    DECIMAL = "decimal"
    CHOICE = "choice"
    DATE = "date"
    MOBILE = "mobile"
    LANDLINE = "landline"  # 座机, 传真: a fixed line
    PHONE = "phone"  # 电话: a fixed line or a mobile
    POSTCODE = "postcode"
    EMAIL = "email"
    AGE = "age"
    NAMES = "names"  # one name a line: 课题组成员名单, 班组成员
    CHECKBOX = "checkbox"


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = True
    max_chars: int | None = None  # counted by core.text.count_characters
    choices: tuple[str, ...] = ()
    max_items: int | None = None  # NAMES
    minimum: int | None = None  # INTEGER
    maximum: int | None = None
    locked: bool = False  # 申报备案后不予修改
    note: str = ""  # the seed's words beside the field, e.g. （附复印件）
    group: str = ""  # fields printed in one cell share a group label, e.g. 所在单位主管部门


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class AttachmentSlot:
    code: str
    label: str
    accept: tuple[FileKind, ...]
    required: bool = False
    max_bytes: int = 20 * MB
    min_chars: int | None = None  # for a Word document: counted from its text
    max_chars: int | None = None
    many: bool = False


@dataclass(frozen=True)
class FormSpec:
    kind: CategoryKind
    ref: str  # 附件2
    title: str
    sections: tuple[Section, ...]
    name_field: str  # the field that names the candidate (plaques, lists)
    commitment_heading: str = ""
    commitment: tuple[str, ...] = ()
    signer_label: str = ""
    team_signatures: bool = False  # 班组成员承诺签字: every member listed signs
    attachments: tuple[AttachmentSlot, ...] = ()
    has_honours: bool = False
    honours_label: str = "何时、何地受过何种奖励（附复印件）"
    self_assessment: bool = False
    plaque_optional: bool = False  # 荣誉牌匾遵循自愿制作原则
    coaching_items: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())  # 要求 / 备注, verbatim
    # Boxes of the paper form that others fill later (the recommender's opinion and seal, the
    # judges' opinion): shown on the form so the applicant sees the whole sheet.
    later: tuple[tuple[str, str], ...] = ()

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, code: str) -> Field:
        return next(f for f in self.fields if f.code == code)

    @property
    def locked_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.locked)


F = FieldType
IMAGE_OR_PDF = (FileKind.PNG, FileKind.JPEG, FileKind.PDF)
# 附件2/3/4: the box the recommender fills after filing.
RECOMMENDER_OPINION = (("推荐部门意见", "由推荐部门审核后填写，单位负责人签字并加盖公章。"),)
HONOUR_SCAN = AttachmentSlot(
    "honour_scan", "证书复印件（图片或PDF）", IMAGE_OR_PDF, max_bytes=10 * MB
)
EVIDENCE = AttachmentSlot(
    "evidence", "证实性材料（图片、PDF 或 Word）", (*IMAGE_OR_PDF, FileKind.DOCX), many=True
)


def _supervisor(prefix: str, title: str, person: str) -> tuple[Field, ...]:
    """The one cell of 附件2/3/4 that holds the supervising department and how to reach it."""
    return (
        Field(f"{prefix}_name", f"{title}名称", group=title),
        *((Field(f"{prefix}_person", person, group=title),) if person else ()),
        Field(f"{prefix}_phone", "电话", F.PHONE, group=title),
        Field(f"{prefix}_fax", "传真", F.LANDLINE, required=False, group=title),
    )


INDIVIDUAL = FormSpec(
    kind=CategoryKind.INDIVIDUAL,
    ref="附件2",
    title="用户满意服务先进个人推荐表",
    name_field="name",
    sections=(
        Section(
            "基本情况",
            (
                Field("name", "姓名"),
                Field("gender", "性别", F.CHOICE, choices=GENDERS),
                Field("age", "年龄", F.AGE),
                Field("ethnicity", "民族"),
                Field("political_status", "政治面貌"),
                Field("education", "学历"),
                Field("position", "职务"),
                Field("title", "职称", required=False),
                Field("post", "工作岗位"),
                Field("industry", "从事行业", F.CHOICE, choices=INDUSTRIES),
                Field("employer", "工作单位"),
                Field("employer_nature", "单位性质"),
                Field("address", "通信地址"),
                Field("postcode", "邮编", F.POSTCODE),
                *_supervisor("supervisor", "所在单位主管部门", "负责人"),
            ),
        ),
        Section(
            "工作情况",
            (
                Field("duties", "岗位主要职责", F.TEXTAREA, max_chars=3000),
                Field("work_history", "工作经历", F.TEXTAREA, max_chars=3000),
            ),
        ),
        Section(
            "先进事迹",
            (
                Field(
                    "deeds_summary", "个人主要先进事迹（限500字以内）", F.TEXTAREA, max_chars=500
                ),
                Field("deeds_detail", "详细事迹材料另附，3000字以内", F.TEXTAREA, max_chars=3000),
            ),
        ),
    ),
    has_honours=True,
    self_assessment=True,
    commitment_heading="申请人郑重承诺：",
    commitment=(
        "一、已充分了解用户满意服务先进个人的推荐条件，并严格遵守；",
        "二、所提交申报材料真实、准确、有效，并愿意承担相应责任；",
        "三、获得用户满意服务先进个人荣誉后，将从本组织和行业实际出发，深入了解用户需求，"
        "不断提升专业技能和用户满意服务理念，努力持续实现内、外部顾客“双满意”；",
        "四、获得用户满意服务先进个人荣誉后，义务向组织内外传播用户满意理念和实现用户满意的"
        "典型经验，充分发挥示范、标杆作用；",
        "五、获得用户满意服务先进个人荣誉后，严格按规定宣传和使用所获得的荣誉、奖牌。",
    ),
    signer_label="承诺人",
    later=RECOMMENDER_OPINION,
    attachments=(EVIDENCE,),
)

TEAM = FormSpec(
    kind=CategoryKind.TEAM,
    ref="附件3",
    title="用户满意服务先进班组推荐表",
    name_field="team_name",
    sections=(
        Section(
            "班组情况",
            (
                Field("team_name", "班组名称", locked=True, note="申报备案后不予修改"),
                Field("industry", "所在行业", F.CHOICE, choices=INDUSTRIES),
                Field(
                    "headcount", "总人数", F.INTEGER, minimum=1, maximum=10000, group="班组人员构成"
                ),
                Field(
                    "managers",
                    "管理人员",
                    F.INTEGER,
                    minimum=0,
                    maximum=10000,
                    group="班组人员构成",
                ),
                Field(
                    "technicians",
                    "技术人员",
                    F.INTEGER,
                    minimum=0,
                    maximum=10000,
                    group="班组人员构成",
                ),
                Field(
                    "party_members",
                    "共产党员",
                    F.INTEGER,
                    minimum=0,
                    maximum=10000,
                    group="班组人员构成",
                ),
                Field("leader", "班组负责人"),
                Field("leader_position", "职务"),
                Field("leader_landline", "座机", F.LANDLINE),
                Field("leader_mobile", "手机", F.MOBILE),
                Field("leader_email", "电子邮箱", F.EMAIL),
                Field("employer", "工作单位"),
                Field("employer_nature", "单位性质"),
                Field("address", "通信地址"),
                Field("postcode", "邮编", F.POSTCODE),
                *_supervisor("supervisor", "所在班组主管部门", "联系人"),
            ),
        ),
        Section(
            "工作情况",
            (Field("duties", "班组主要工作职责", F.TEXTAREA, max_chars=3000),),
        ),
        Section(
            "先进事迹",
            (
                Field(
                    "deeds_summary",
                    "班组主要先进事迹（限500字以内，详细事迹另附，字数3000字以内）",
                    F.TEXTAREA,
                    max_chars=500,
                ),
                Field("deeds_detail", "详细事迹（3000字以内）", F.TEXTAREA, max_chars=3000),
            ),
        ),
        Section(
            "班组成员",
            (
                Field(
                    "members",
                    "班组成员名单（每行一人，与总人数一致）",
                    F.NAMES,
                    max_items=10000,
                ),
            ),
        ),
    ),
    has_honours=True,
    self_assessment=True,
    commitment_heading="申请班组郑重承诺：",
    commitment=(
        "一、已充分了解用户满意服务先进班组的推荐条件并严格遵守；",
        "二、所提交申报材料真实、准确、有效，并愿意承担相应责任；",
        "三、获得用户满意服务先进班组荣誉后，将从本组织和行业实际出发，深入了解用户需求，"
        "不断提升专业技能和用户满意服务理念，努力持续实现内、外部顾客“双满意”；",
        "四、获得用户满意服务先进班组荣誉后，义务向组织内外部传播用户满意理念和实现用户满意的"
        "典型经验，充分发挥示范、标杆作用；",
        "五、获得用户满意服务先进班组荣誉后，严格按规定宣传和使用所获得的荣誉、奖牌。",
    ),
    signer_label="班组负责人",
    later=RECOMMENDER_OPINION,
    team_signatures=True,
    plaque_optional=True,
    attachments=(
        AttachmentSlot(
            "team_summary",
            "班组经验总结材料（Word文本格式，字数5000字以内）",
            (FileKind.DOCX,),
            required=True,
            max_chars=5000,
        ),
        AttachmentSlot("member_signatures", "班组成员承诺签字页（扫描件，可选）", IMAGE_OR_PDF),
        EVIDENCE,
    ),
    notes=(
        "要求：",
        "1) 推荐表是制作荣誉牌匾的重要依据，请认真准确填写，特别注意班组名称准确无误，"
        "申报备案后不予修改，出现遗漏、差错情况后果自负，并加盖公章原件及电子版一份。",
        "2) 请准确填写推荐表，并加盖公章，出现差错后果自负，附班组自我评分表原件及电子版一份。",
        "3) 班组经验总结材料Word文本格式及电子版一份，字数5000字以内。",
        "备注：班组荣誉牌匾遵循自愿制作原则, 有意向制作的请与质协秘书处联系。",
        "联系人：刘老师  13579250952",
    ),
)

MANAGER = FormSpec(
    kind=CategoryKind.MANAGER,
    ref="附件4",
    title="用户满意服务杰出管理者推荐表",
    name_field="name",
    sections=(
        Section(
            "基本情况",
            (
                Field("name", "姓名"),
                Field("age", "年龄", F.AGE),
                Field("political_status", "政治面貌"),
                Field("education", "学历"),
                Field("gender", "性别", F.CHOICE, choices=GENDERS),
                Field("ethnicity", "民族"),
                Field("position", "职务"),
                Field("title", "职称", required=False),
                Field("employer", "工作单位"),
                Field("employer_nature", "单位性质"),
                Field("mobile", "手机", F.MOBILE),
                Field("email", "电子邮箱", F.EMAIL),
                Field("address", "通信地址"),
                Field("postcode", "邮编", F.POSTCODE),
                *_supervisor("contact_department", "所在单位联系部门", ""),
                Field("industry", "行业", F.CHOICE, choices=INDUSTRIES),
            ),
        ),
        Section(
            "工作情况",
            (
                Field("duties", "主要岗位职责", F.TEXTAREA, max_chars=3000),
                Field("work_history", "从事服务业主要工作经历", F.TEXTAREA, max_chars=3000),
            ),
        ),
        Section(
            "主要业绩",
            (
                Field(
                    "deeds_summary",
                    "主要业绩和用户满意服务模式（限500字以内，详细描述另附文字材料，限3000字左右）",
                    F.TEXTAREA,
                    max_chars=500,
                ),
                Field("deeds_detail", "详细描述（限3000字左右）", F.TEXTAREA, max_chars=3000),
            ),
        ),
    ),
    has_honours=True,
    self_assessment=True,
    commitment_heading="申报人郑重承诺：",
    commitment=(
        "一、已充分了解用户满意服务杰出管理的推荐条件，并严格遵守；",
        "二、所提交申报材料真实、准确、有效，并愿意承担相应责任；",
        "三、获得用户满意服务杰出管理者荣誉后，将从本组织和行业实际出发，带领班组深入了解用户需求，"
        "不断探索用户满意服务新模式和用户满意服务理念，持续实现内、外部顾客“双满意”，"
        "为企业提升绩效做出应有的贡献；",
        "四、获得用户满意服务杰出管理者荣誉后，义务向组织内外部传播用户满意理念和实现用户满意的"
        "典型经验，充分发挥示范、标杆作用；",
        "五、获得用户满意服务杰出管理者荣誉后，严格按规定宣传和使用所获得的荣誉、奖牌。",
    ),
    signer_label="承诺人签字",
    later=RECOMMENDER_OPINION,
    attachments=(EVIDENCE,),
)

UNIT = FormSpec(
    kind=CategoryKind.UNIT,
    ref="附件5",
    title="自治区用户满意服务先进单位推荐表",
    name_field="unit_name",
    later=(
        ("推荐意见", "地区、行业用委（质协）填写推荐意见并加盖公章。"),
        ("评审意见", "（本栏由评审机构填写）"),
    ),
    sections=(
        Section(
            "被推荐单位",
            (
                Field("unit_name", "被推荐单位（企业）名称"),
                Field("industry", "行业类别", F.CHOICE, choices=INDUSTRIES),
            ),
        ),
        Section(
            "证实性材料复核情况",
            (
                Field("satisfaction_score", "被推荐企业满意度得分", F.DECIMAL),
                Field("compliance", "是否符合相关规范", F.CHOICE, choices=COMPLIANCE),
                Field(
                    "valid_questionnaires", "有效问卷数量", F.INTEGER, minimum=1, maximum=10_000_000
                ),
                Field("survey_start", "调查时间（启动）", F.DATE, group="调查时间"),
                Field("survey_end", "调查时间（结束）", F.DATE, group="调查时间"),
                Field("service_results", "优质服务成果情况", F.TEXTAREA, max_chars=3000),
            ),
        ),
        Section(
            "证实性材料复核结果",
            (
                Field(
                    "evidence_true", "真实", F.CHECKBOX, required=False, group="证实性材料复核结果"
                ),
                Field(
                    "evidence_complete",
                    "齐全",
                    F.CHECKBOX,
                    required=False,
                    group="证实性材料复核结果",
                ),
                Field(
                    "evidence_valid", "有效", F.CHECKBOX, required=False, group="证实性材料复核结果"
                ),
                Field("evidence_other", "其他", F.TEXT, required=False, group="证实性材料复核结果"),
            ),
        ),
    ),
    plaque_optional=True,
    attachments=(
        AttachmentSlot(
            "unit_summary",
            "企业先进总结材料（Word文本格式，字数5000字以上）",
            (FileKind.DOCX,),
            required=True,
            min_chars=5000,
        ),
        EVIDENCE,
    ),
    notes=(
        "备注：",
        "1. 此表由推荐机构（部门）填写，盖章有效；",
        "2. 优质服务成果是指单位三年内在提升服务质量方面所取的显著成果。",
        "3. 是否符合相关规范：是指企业与相关法律、法规、国家标准、行业标准要求的符合性；",
        "4. 调查时间是指调查的启动时间至结束时间。"
        "数据应以{survey_after}后组织的用户满意度调查为准；",
        "5. 初审意见包括企业在产业/行业中重要性、用户评价、用户满意度测评及推荐意见等。",
        "要求：企业先进总结材料Word文本格式及电子版一份，字数5000字以上。",
        "备注：企业荣誉牌匾遵循自愿制作原则, 有意向制作的请与质协秘书处联系。",
        "联系人：刘老师  13579250952",
    ),
)

ACHIEVEMENT = FormSpec(
    kind=CategoryKind.ACHIEVEMENT,
    ref="附件6",
    title="自治区优质服务成果申报表",
    name_field="achievement_name",
    sections=(
        Section(
            "申报信息",
            (
                Field("recommending_body", "推荐地区、部门、行办"),
                Field("presenting", "是否与会发表", F.CHOICE, choices=YES_NO),
                Field(
                    "achievement_name", "优质服务成果名称", locked=True, note="申报备案后不予修改"
                ),
                Field("enterprise", "企业名称（名称与公章一致）"),
                Field("address", "详细通讯地址"),
                Field("postcode", "邮编", F.POSTCODE),
                Field("contact_department", "联系部门"),
                Field("contact_person", "直接联系人"),
                Field("mobile", "手机", F.MOBILE),
                Field(
                    "members",
                    "课题组成员名单（10人以内）",
                    F.NAMES,
                    max_items=10,
                    locked=True,
                    note="每行一人；申报备案后不予修改",
                ),
                Field("outline", "成果内容：（提纲性列出）", F.TEXTAREA, max_chars=3000),
            ),
        ),
    ),
    attachments=(
        AttachmentSlot(
            "achievement_report",
            "优质服务成果报告（Word文本格式，不少于5000字）",
            (FileKind.DOCX,),
            required=True,
            min_chars=5000,
        ),
    ),
    notes=(
        "要求：",
        "1) 申报表是制作荣誉证书的重要依据，请认真准确填写，特别注意优质服务成果名称、"
        "课题组成员申报备案后不予修改，出现遗漏、差错情况后果自负，并加盖公章原件及电子版一份。",
        "2) 优质服务成果报告Word文本格式及电子版一份，不少于5000字。",
        "3) {year}年度优质服务成果发布赛具体时间另行通知。",
    ),
)

COACHING_REQUEST = FormSpec(
    kind=CategoryKind.COACHING_REQUEST,
    ref="附件7",
    title="实施用户满意工程项目辅导申请回执表",
    name_field="unit_name",
    sections=(
        Section(
            "申请单位",
            (
                Field("unit_name", "单位名称（公章）"),
                Field("leader", "主管领导"),
                Field("leader_phone", "电话", F.PHONE),
                Field("leader_email", "邮箱", F.EMAIL),
                Field("responsible", "负责人"),
                Field("responsible_phone", "电话", F.PHONE),
                Field("responsible_email", "邮箱", F.EMAIL),
                Field("address", "通信地址"),
                Field("postcode", "邮编", F.POSTCODE),
            ),
        ),
    ),
    coaching_items=(
        "1、用户满意工程项目（人或事）的发掘辅导",
        "2、用户满意工程项目立项及培育的辅导",
        "3、用户满意工程项目宣传设计及模式设计的辅导",
        "4、用户满意工程项目申报材料编写辅导",
        "5、用户满意工程项目发表技巧设计及表现辅导",
    ),
    notes=("请于{coaching_deadline}前反馈至指定邮箱。",),
)

COACHING_OTHER_LABEL = "6、 其他项目："
COACHING_OTHER_NOTE = (
    "（包括用户满意工程以外的其他活动，如QC、质量信得过班组、标准化、卓越绩效，"
    "安全风险等质量管理活动的内容）。"
)

FORMS: dict[str, FormSpec] = {
    spec.kind: spec for spec in (INDIVIDUAL, TEAM, MANAGER, UNIT, ACHIEVEMENT, COACHING_REQUEST)
}
