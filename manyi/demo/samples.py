"""Complete, correct sample filings of every kind: what the demo files, and what the tests
start from. Plain data and the services; no test library."""

import datetime
import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from manyi.nominations import services
from manyi.nominations.eligibility import CONDITIONS
from manyi.nominations.formspecs import FORMS
from manyi.nominations.queries import criteria_of, rubric_for
from manyi.privacy import consents

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def png_upload(name: str = "证书.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_1X1, content_type="image/png")


def docx_upload(characters: int, name: str = "总结.docx") -> SimpleUploadedFile:
    """A real .docx whose body counts exactly `characters` characters (Han, no spaces)."""
    document = docx.Document()
    text = ("用户满意服务" * (characters // 6 + 1))[:characters]
    for start in range(0, characters, 500):
        document.add_paragraph(text[start : start + 500])
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def full_marks(category) -> dict[str, str]:
    """A self-assessment with every criterion at its maximum (100 points)."""
    return {f"score_{pk}": str(maximum) for pk, _name, maximum in criteria_of(rubric_for(category))}


def valid_form(kind: str, category=None) -> dict[str, str]:
    """A complete, correct form of a kind, as a careful applicant would type it."""
    common = {"address": "首府市友好路1号", "postcode": "830000", "industry": "服务业"}
    person = {
        **common,
        "name": "王小满",
        "gender": "女",
        "age": "35",
        "ethnicity": "汉族",
        "political_status": "中共党员",
        "education": "本科",
        "position": "班长",
        "title": "助理工程师",
        "employer": "自治区示范供电公司",
        "employer_nature": "国有企业",
        "duties": "负责营业厅客户服务。",
        "work_history": "2010年至今在营业厅工作。",
        "deeds_summary": "十年如一日热情服务客户。",
        "deeds_detail": "详细事迹……",
    }
    forms: dict[str, dict[str, str]] = {
        "individual": {
            **person,
            "post": "营业厅柜员",
            "supervisor_name": "客户服务中心",
            "supervisor_person": "李主任",
            "supervisor_phone": "0991-1234567",
            "signer": "王小满",
        },
        "manager": {
            **person,
            "name": "张经理",
            "mobile": "13800000000",
            "email": "zhang@example.com",
            "contact_department_name": "质量管理部",
            "contact_department_phone": "0991-7654321",
            "signer": "张经理",
        },
        "team": {
            **common,
            "team_name": "示范营业厅服务班",
            "headcount": "3",
            "managers": "1",
            "technicians": "1",
            "party_members": "2",
            "leader": "赵班长",
            "leader_position": "班长",
            "leader_landline": "0991-1234567",
            "leader_mobile": "13900000000",
            "leader_email": "team@example.com",
            "employer": "自治区示范供电公司",
            "employer_nature": "国有企业",
            "supervisor_name": "客户服务中心",
            "supervisor_person": "李主任",
            "supervisor_phone": "13700000000",
            "duties": "营业厅业务受理。",
            "deeds_summary": "班组连续三年零投诉。",
            "deeds_detail": "班组详细事迹……",
            "members": "赵班长\n钱成员\n孙成员",
            "signer": "赵班长",
            "member_signatures": "赵班长\n钱成员\n孙成员",
        },
        "unit": {
            "unit_name": "自治区示范水务公司",
            "industry": "服务业",
            "satisfaction_score": "86.5",
            "compliance": "符合",
            "valid_questionnaires": "1200",
            "survey_start": "2017-12-05",
            "survey_end": "2018-01-20",
            "service_results": "智慧水务服务平台。",
            "evidence_true": "1",
            "evidence_complete": "1",
            "evidence_valid": "1",
        },
        "achievement": {
            "address": "首府市友好路1号",
            "postcode": "830000",
            "recommending_body": "首府市用委",
            "presenting": "是",
            "achievement_name": "“一次都不跑”办电服务",
            "enterprise": "自治区示范供电公司",
            "contact_department": "营销部",
            "contact_person": "王小满",
            "mobile": "13800000001",
            "members": "王小满\n李推荐\n赵班长",
            "outline": "一、背景\n二、做法\n三、成效",
        },
        "coaching_request": {
            "unit_name": "自治区示范供电公司",
            "leader": "刘总",
            "leader_phone": "0991-1111111",
            "leader_email": "liu@example.com",
            "responsible": "王小满",
            "responsible_phone": "13800000000",
            "responsible_email": "wang@example.com",
            "address": "首府市友好路1号",
            "postcode": "830000",
            "coaching_1": "1",
            "coaching_3": "1",
            "coaching_3_remark": "希望五月完成",
        },
    }
    data = dict(forms[kind])
    for number, condition in enumerate(CONDITIONS[kind], start=1):
        if condition.check == "declared":
            data[f"declare_{number}"] = "1"
    data |= consents.given(kind)  # 个人信息: every consent the kind needs, ticked
    if category is not None:
        data |= full_marks(category)
    return data


def attach_requirements(nomination, by) -> None:
    """What a complete filing of the nomination's kind has attached: honours, Word documents."""
    spec = FORMS[nomination.category.kind]
    if spec.has_honours:
        services.add_honour(
            nomination,
            awarded_on=datetime.date(2017, 5, 1),
            issuer="自治区总工会",
            name="优秀服务标兵",
            level="provincial",
            scan=png_upload(),
            by=by,
        )
    for slot in spec.attachments:
        if slot.required:
            characters = slot.min_chars or slot.max_chars or 100
            services.add_attachment(nomination, slot.code, docx_upload(characters), by=by)
