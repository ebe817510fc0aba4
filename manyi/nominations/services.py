"""Every change of a nomination: start, save a draft, attach, list honours, file."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from manyi.accounts.models import User
from manyi.campaigns.models import Category
from manyi.campaigns.phases import check_filing_open
from manyi.core.uploads import FileKind, check_upload, docx_character_count
from manyi.nominations.formspecs import FORMS, HONOUR_SCAN, AttachmentSlot, FormSpec
from manyi.nominations.models import (
    Attachment,
    Honour,
    HonourLevel,
    Nomination,
    NominationState,
    SelfScore,
    Signature,
)
from manyi.nominations.permissions import can_file
from manyi.nominations.queries import Assessment, assess, criteria_of, rubric_for
from manyi.nominations.validation import split_names


class StaleDraft(ValidationError):
    """The draft changed since the page was loaded (another window, another person)."""


class FilingRefused(ValidationError):
    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment
        messages = [p.message for p in assessment.problems] + [
            f"推荐条件第{r.number}条：{r.reason}" for r in assessment.eligibility if r.blocks_filing
        ]
        super().__init__(messages, code="filing_refused")


def start_nomination(category: Category, *, by: User) -> Nomination:
    """A new draft of a category, by someone allowed to file it."""
    if not can_file(by, category):
        raise PermissionDenied
    return Nomination.objects.create(
        campaign=category.campaign,
        category=category,
        applicant=by,
        organization=by.organization,
    )


def _ensure_editable(nomination: Nomination, by: User) -> None:
    if not by.has_perm("nominations.change_nomination", nomination):
        raise PermissionDenied("申报已提交，不能再修改。")


@transaction.atomic
def save_draft(
    nomination: Nomination, data: dict[str, str], *, by: User, version: int | None = None
) -> Nomination:
    """Keep the form exactly as typed. Refused when the draft changed since `version` (the
    version the page was loaded with): the second writer is told, and keeps what they typed."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    _ensure_editable(nomination, by)
    if version is not None and version != nomination.version:
        raise StaleDraft(
            "此草稿已在其他窗口或由他人修改过。您填写的内容仍保留在本页面，请复制保存后刷新页面。",
            code="stale",
        )
    spec = FORMS[nomination.category.kind]
    nomination.data = data
    nomination.title = data.get(spec.name_field, "").strip()[:200]
    nomination.version += 1
    nomination.save(update_fields=["data", "title", "version", "updated_at"])
    return nomination


def slot_of(spec: FormSpec, code: str) -> AttachmentSlot:
    for slot in spec.attachments:
        if slot.code == code:
            return slot
    raise ValidationError("没有这一类附件。", code="no_slot")


def _store(
    nomination: Nomination,
    slot: str,
    upload: UploadedFile,
    kind: FileKind,
    by: User,
    characters: int | None,
) -> Attachment:
    token = secrets.token_hex(16)
    attachment = Attachment(
        nomination=nomination,
        slot=slot,
        token=token,
        original_name=(upload.name or "file")[:255],
        file_kind=kind,
        size=upload.size or 0,
        characters=characters,
        uploaded_by=by,
    )
    attachment.file.save(token, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachment(
    nomination: Nomination, slot_code: str, upload: UploadedFile, *, by: User
) -> Attachment:
    """Attach a file, checked by its content; a Word document is counted. A slot that holds
    one file (the summary, the report) keeps only the newest."""
    _ensure_editable(nomination, by)
    slot = slot_of(FORMS[nomination.category.kind], slot_code)
    kind = check_upload(upload, accept=slot.accept, max_bytes=slot.max_bytes)
    characters = docx_character_count(upload) if kind == FileKind.DOCX else None
    if not slot.many:
        for old in nomination.attachments.filter(slot=slot.code):
            old.file.delete(save=False)
            old.delete()
    return _store(nomination, slot.code, upload, kind, by, characters)


@transaction.atomic
def remove_attachment(attachment: Attachment, *, by: User) -> None:
    _ensure_editable(attachment.nomination, by)
    if hasattr(attachment, "honour"):
        raise ValidationError("此文件是奖励证书复印件，请删除对应的奖励。", code="honour_scan")
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def add_honour(
    nomination: Nomination,
    *,
    awarded_on: datetime.date,
    issuer: str,
    name: str,
    level: str,
    scan: UploadedFile,
    by: User,
) -> Honour:
    """何时、何地受过何种奖励（附复印件）: an honour with its certificate scan."""
    _ensure_editable(nomination, by)
    if level not in HonourLevel.values:
        raise ValidationError("请选择奖励级别。", code="level")
    kind = check_upload(scan, accept=HONOUR_SCAN.accept, max_bytes=HONOUR_SCAN.max_bytes)
    attachment = _store(nomination, HONOUR_SCAN.code, scan, kind, by, None)
    return Honour.objects.create(
        nomination=nomination,
        awarded_on=awarded_on,
        issuer=issuer,
        name=name,
        level=level,
        scan=attachment,
    )


@transaction.atomic
def remove_honour(honour: Honour, *, by: User) -> None:
    _ensure_editable(honour.nomination, by)
    scan = honour.scan
    honour.delete()
    scan.file.delete(save=False)
    scan.delete()


@transaction.atomic
def file_nomination(nomination: Nomination, *, by: User) -> Nomination:
    """File (申报): every rule of the form and every hard condition of eligibility must hold,
    within the filing window. Atomic, and idempotent: filing a filed nomination (a double
    click) changes nothing. Writes the self-scores, the signatures and the locked fields."""
    nomination = (
        Nomination.objects.select_for_update()
        .select_related("campaign", "category")
        .get(pk=nomination.pk)
    )
    if nomination.applicant_id != by.pk:
        raise PermissionDenied
    if not nomination.is_draft:
        return nomination
    check_filing_open(nomination.campaign, nomination.category.kind)
    rubric = rubric_for(nomination.category)
    assessment = assess(nomination, rubric=rubric, filing=True)
    if not assessment.can_file:
        raise FilingRefused(assessment)
    spec = FORMS[nomination.category.kind]
    data = nomination.data
    now = timezone.now()
    SelfScore.objects.bulk_create(
        SelfScore(nomination=nomination, criterion_id=pk, points=int(data[f"score_{pk}"]))
        for pk, _name, _max in criteria_of(rubric)
    )
    signers = [data["signer"].strip()] if spec.commitment else []
    if spec.team_signatures:
        signers += [n for n in split_names(data.get("member_signatures", "")) if n not in signers]
    Signature.objects.bulk_create(
        Signature(nomination=nomination, name=n, signed_at=now) for n in signers
    )
    locked = {f.code for f in spec.locked_fields}
    nomination.locked_name = (
        data.get(spec.name_field, "").strip() if spec.name_field in locked else ""
    )
    nomination.locked_members = split_names(data.get("members", "")) if "members" in locked else []
    nomination.title = data.get(spec.name_field, "").strip()[:200]
    nomination.state = NominationState.FILED
    nomination.filed_at = now
    nomination.version += 1
    nomination.save()
    return nomination
