"""Objections (异议) to the public notice: lodged by anyone with a real name and a contact during
the notice period, decided by the secretariat (upheld: the nomination leaves the list and is not
awarded), the objector told of the outcome by e-mail when they gave one.

Every change is one function here, atomic, moving nominations only through
`manyi.nominations.services.transition`.
"""

import datetime
import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from manyi.accounts.models import User
from manyi.audit import services as audit
from manyi.campaigns.phases import chinese_date
from manyi.core.formats import LANDLINE_RE, MOBILE_RE, validate_email
from manyi.core.text import check_length, reject_control_characters
from manyi.core.uploads import FileKind, check_uploads
from manyi.nominations.models import Nomination, NominationState
from manyi.nominations.services import transition
from manyi.reviews.models import (
    Objection,
    ObjectionEvidence,
    PublicNotice,
)
from manyi.reviews.results import MB, check_secretariat, stored_name

logger = logging.getLogger(__name__)

EVIDENCE = (FileKind.PDF, FileKind.PNG, FileKind.JPEG, FileKind.DOCX)
EVIDENCE_MAX_BYTES = 10 * MB
EVIDENCE_MAX_FILES = 10
GROUNDS_MAX_CHARACTERS = 3000
# What people type instead of a name when they do not want to give one.
NOT_A_NAME = frozenset({"匿名", "无名氏", "无", "不详", "某某", "群众", "知情人"})


@transaction.atomic
def lodge_objection(
    notice: PublicNotice,
    *,
    nomination_id: int | None,
    name: str,
    contact: str,
    grounds: str,
    evidence: Sequence[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Objection:
    """异议: anyone may object to a nomination on the notice, during the notice period, under
    a real name with a contact, stating the grounds, with evidence files (checked by content,
    at most 10 files of 10 MB). An anonymous objection (no real name or no contact) and one
    outside the period are refused (不予受理) with the reason; every problem is listed at once."""
    today = today or timezone.localdate()
    period = f"{chinese_date(notice.starts_on)}至{chinese_date(notice.ends_on)}"
    if today > notice.ends_on:
        raise ValidationError(f"公示期为{period}，已经结束；逾期提出的异议不予受理。", code="late")
    if today < notice.starts_on:
        raise ValidationError(f"公示期为{period}，尚未开始，暂不受理异议。", code="early")
    name, contact, grounds = name.strip(), contact.strip(), grounds.strip()
    problems: list[str] = []
    for text, label in ((name, "真实姓名"), (contact, "联系方式"), (grounds, "异议的事实和理由")):
        try:
            reject_control_characters(text, label=label)
        except ValidationError as error:
            problems += error.messages
    if not name or name in NOT_A_NAME:
        problems.append("异议须署真实姓名；匿名异议不予受理。")
    if not contact:
        problems.append("请留下联系方式（电话或电子邮箱）；没有联系方式的异议不予受理。")
    elif not _is_contact(contact):
        problems.append(f"联系方式“{contact}”应为手机号码、带区号的固定电话或电子邮箱。")
    nomination = (
        Nomination.objects.filter(
            pk=nomination_id, campaign_id=notice.campaign_id, state=NominationState.ON_NOTICE
        ).first()
        if nomination_id
        else None
    )
    if nomination is None:
        problems.append("请选择公示名单中的异议对象。")
    if not grounds:
        problems.append("请写明异议的事实和理由。")
    else:
        try:
            check_length(grounds, at_most=GROUNDS_MAX_CHARACTERS, label="异议的事实和理由")
        except ValidationError as error:
            problems += error.messages
    if len(evidence) > EVIDENCE_MAX_FILES:
        problems.append(f"证明材料最多上传 {EVIDENCE_MAX_FILES} 个文件。")
    kinds, refused = check_uploads(
        evidence[:EVIDENCE_MAX_FILES], accept=EVIDENCE, max_bytes=EVIDENCE_MAX_BYTES
    )
    problems += refused
    if problems:
        raise ValidationError(problems, code="objection_refused")
    objection = Objection.objects.create(
        notice=notice,
        nomination=nomination,
        name=name,
        contact=contact,
        grounds=grounds,
        lodged_at=timezone.now(),
    )
    for upload, kind in zip(evidence, kinds, strict=True):
        item = ObjectionEvidence(
            objection=objection, original_name=(upload.name or "file")[:255], file_kind=kind
        )
        item.file.save(stored_name(kind), upload, save=False)
        item.save()
    audit.record(None, "objection.lodge", objection, after={"evidence": len(kinds)})
    return objection


@transaction.atomic
def decide_objection(
    objection: Objection, *, by: User, upheld: bool, investigation: str
) -> Objection:
    """The secretariat records the investigation (调查核实) and the outcome. Upheld: the
    nomination is not awarded (not_award, with the investigation as the reason). Dismissed: it
    stays on the notice. Both parties are told by e-mail after the commit: the applicant
    (without the objector's name or contact) and the objector, when the contact is an e-mail
    address. A decided objection is not decided again."""
    check_secretariat(by)
    objection = (
        Objection.objects.select_for_update()
        .select_related("nomination__category", "nomination__applicant")
        .get(pk=objection.pk)
    )
    if objection.status != Objection.Status.OPEN:
        raise ValidationError(
            f"该异议已于{chinese_date(timezone.localdate(objection.decided_at))}处理"  # type: ignore[arg-type]
            f"（{objection.get_status_display()}），不能重复处理。",
            code="decided",
        )
    investigation = investigation.strip()
    if not investigation:
        raise ValidationError("请填写调查核实情况。", code="investigation")
    reject_control_characters(investigation, label="调查核实情况")
    nomination = Nomination.objects.select_for_update().get(pk=objection.nomination_id)
    if upheld and nomination.state != NominationState.NOT_AWARDED:
        transition(
            nomination,
            "not_award",
            by=by,
            comment=f"公示期间异议经调查核实成立，不予表彰。{investigation}",
        )
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.investigation = investigation
    objection.decided_by = by
    objection.decided_at = timezone.now()
    objection.save(update_fields=["status", "investigation", "decided_by", "decided_at"])
    decided = audit.snapshot(objection, ["status", "investigation", "decided_at"])
    audit.record(by, "objection.decide", objection, before={"status": "open"}, after=decided)
    messages = outcome_emails(objection)
    transaction.on_commit(lambda: send_emails(messages))
    return objection


def outcome_emails(objection: Objection) -> list[EmailMessage]:
    """The e-mails that tell both parties the outcome of an objection: to the applicant,
    naming neither the objector nor their contact, and to the objector if they gave an e-mail
    address."""
    nomination = objection.nomination
    name = nomination.locked_name or nomination.title
    upheld = objection.status == Objection.Status.UPHELD
    outcome = (
        "经调查核实，异议成立，该申报不予表彰。"
        if upheld
        else "经调查核实，异议不成立，维持原公示结果。"
    )
    subject = f"关于“{name}”公示期间异议的处理结果"
    messages = []
    if nomination.applicant.email:
        messages.append(
            EmailMessage(
                subject,
                f"{nomination.applicant.display_name or nomination.applicant.username}：\n\n"
                f"您的申报“{name}”（{nomination.category.title}）在公示期间收到异议。"
                f"{outcome}\n\n调查核实情况：{objection.investigation}\n\n"
                "如有疑问，请与评选秘书处联系。",
                to=[nomination.applicant.email],
            )
        )
    if is_email(objection.contact):
        messages.append(
            EmailMessage(
                subject,
                f"{objection.name}：\n\n您于{chinese_date(timezone.localdate(objection.lodged_at))}"
                f"对“{name}”（{nomination.category.title}）提出的异议已处理完毕。{outcome}\n\n"
                f"调查核实情况：{objection.investigation}\n\n感谢您对评选工作的监督。",
                to=[objection.contact],
            )
        )
    return messages


def not_told(objection: Objection) -> list[str]:
    """Whom the e-mails of `outcome_emails` cannot reach, for the secretariat to tell otherwise."""
    missing = []
    if not objection.nomination.applicant.email:
        missing.append("申报人未登记电子邮箱，请另行告知申报人处理结果。")
    if not is_email(objection.contact):
        missing.append(f"异议人未留电子邮箱，请按其联系方式（{objection.contact}）另行告知。")
    return missing


def send_emails(messages: Sequence[EmailMessage]) -> None:
    """Send after the commit; a mail server failure is logged, never undoes the decision."""
    if not messages:
        return
    try:
        get_connection().send_messages(list(messages))
    except Exception:  # the decision stands; the secretariat tells them otherwise
        logger.exception("objection outcome e-mails not sent: %s", [m.to for m in messages])


def is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _is_contact(text: str) -> bool:
    return bool(MOBILE_RE.fullmatch(text) or LANDLINE_RE.fullmatch(text)) or is_email(text)
