"""Every change of a nomination: start, save a draft, attach, list honours, file."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from manyi.accounts.models import User
from manyi.audit import services as audit
from manyi.campaigns.models import Category
from manyi.campaigns.phases import check_filing_open, chinese_date
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
    Transition,
)
from manyi.nominations.notifications import announce
from manyi.nominations.permissions import actors, can_file
from manyi.nominations.queries import Assessment, assess, criteria_of, rubric_for
from manyi.nominations.validation import split_names
from manyi.nominations.workflow import STEPS
from manyi.privacy.consents import missing_consents
from manyi.privacy.masking import for_the_record
from manyi.privacy.services import record_filing_consents


class StaleDraft(ValidationError):
    """The draft changed since the page was loaded (another window, another person)."""


class FilingRefused(ValidationError):
    def __init__(self, assessment: Assessment, consents: list[str] | None = None) -> None:
        self.assessment = assessment
        messages = [p.message for p in assessment.problems] + [
            f"推荐条件第{r.number}条：{r.reason}" for r in assessment.eligibility if r.blocks_filing
        ]
        super().__init__(messages + (consents or []), code="filing_refused")


class TransitionRefused(ValidationError):
    pass


def transition(nomination: Nomination, action: str, *, by: User, comment: str = "") -> Nomination:
    """Move a nomination by one step of the workflow table (workflow.STEPS) and record it.

    Refused when the step does not start from the nomination's state, when the user does not
    stand in the step's role towards it, or when the step needs a reason and none is given.
    The caller holds the row lock (select_for_update) inside its transaction.
    """
    step = STEPS[action]
    if step.actor not in actors(by, nomination):
        raise PermissionDenied(f"您不能对此申报进行“{step.label}”操作。")
    if nomination.state not in step.sources:
        raise TransitionRefused(
            f"申报当前状态为“{nomination.get_state_display()}”，不能进行“{step.label}”操作。",
            code="wrong_state",
        )
    if step.needs_comment and not comment.strip():
        raise TransitionRefused(f"“{step.label}”须写明理由。", code="comment_required")
    source = nomination.state
    nomination.state = step.target
    nomination.version += 1
    nomination.save(update_fields=["state", "version", "updated_at"])
    Transition.objects.create(
        nomination=nomination,
        action=action,
        source=source,
        target=step.target,
        by=by,
        at=timezone.now(),
        comment=comment.strip(),
    )
    audit.record(
        by,
        f"nomination.{action}",
        nomination,
        before={"state": source},
        after={"state": step.target},
        note=comment.strip(),
    )
    announce(nomination, step, comment.strip())
    return nomination


def locked_for_update(nomination: Nomination) -> Nomination:
    """The nomination read again under its row lock, with what the rules read of it. Only the
    nomination's row is locked (`of`): locking the joined campaign and category rows as well
    would make every save of every draft of a category wait for the others on PostgreSQL."""
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("campaign", "category", "organization")
        .get(pk=nomination.pk)
    )


def start_nomination(category: Category, *, by: User) -> Nomination:
    """A new draft of a category, by someone allowed to file it."""
    if not can_file(by, category):
        raise PermissionDenied
    nomination = Nomination.objects.create(
        campaign=category.campaign,
        category=category,
        applicant=by,
        organization=by.organization,
    )
    audit.record(by, "nomination.start", nomination, after={"category": category.pk})
    return nomination


def _ensure_editable(nomination: Nomination, by: User) -> None:
    if not by.has_perm("nominations.change_nomination", nomination):
        raise PermissionDenied("申报已提交，不能再修改。")


@transaction.atomic
def save_draft(
    nomination: Nomination, data: dict[str, str], *, by: User, version: int | None = None
) -> Nomination:
    """Keep the form exactly as typed. Refused when the draft changed since `version` (the
    version the page was loaded with): the second writer is told, and keeps what they typed."""
    nomination = locked_for_update(nomination)
    _ensure_editable(nomination, by)
    if version is not None and version != nomination.version:
        raise StaleDraft(
            "此草稿已在其他窗口或由他人修改过。您填写的内容仍保留在本页面，请复制保存后刷新页面。",
            code="stale",
        )
    spec = FORMS[nomination.category.kind]
    if nomination.filed_at is not None:  # 申报备案后不予修改: the form cannot change them
        data = {**data, **locked_inputs(spec, nomination)}
    before = dict(nomination.data)
    nomination.data = data
    nomination.title = data.get(spec.name_field, "").strip()[:200]
    nomination.version += 1
    nomination.save(update_fields=["data", "title", "version", "updated_at"])
    audit.record(
        by,
        "nomination.save_draft",
        nomination,
        before=for_the_record(spec, before),
        after=for_the_record(spec, data),
        if_changed=True,
    )
    return nomination


def slot_of(spec: FormSpec, code: str) -> AttachmentSlot:
    for slot in spec.attachments:
        if slot.code == code:
            return slot
    raise ValidationError("没有这一类附件。", code="no_slot")


def store_file(
    nomination: Nomination,
    slot: str,
    upload: UploadedFile,
    kind: FileKind,
    by: User,
    characters: int | None = None,
) -> Attachment:
    """Keep an uploaded file (already checked) under a random name, outside the web root."""
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
    audit.record(by, "attachment.add", attachment, after=audit.snapshot(attachment))
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
            audit.record(by, "attachment.replace", old, before=audit.snapshot(old))
            delete_file_on_commit(old.file)
            old.delete()
    return store_file(nomination, slot.code, upload, kind, by, characters)


def delete_file_on_commit(file: FieldFile) -> None:
    """Delete a stored file only once its row's deletion is committed: a failure later in the
    transaction rolls the row back, and the file it names must still be there."""
    storage, name = file.storage, file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def remove_attachment(attachment: Attachment, *, by: User) -> None:
    _ensure_editable(attachment.nomination, by)
    if hasattr(attachment, "honour"):
        raise ValidationError("此文件是奖励证书复印件，请删除对应的奖励。", code="honour_scan")
    audit.record(by, "attachment.remove", attachment, before=audit.snapshot(attachment))
    delete_file_on_commit(attachment.file)
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
    attachment = store_file(nomination, HONOUR_SCAN.code, scan, kind, by, None)
    honour = Honour.objects.create(
        nomination=nomination,
        awarded_on=awarded_on,
        issuer=issuer,
        name=name,
        level=level,
        scan=attachment,
    )
    audit.record(by, "honour.add", honour, after=audit.snapshot(honour))
    return honour


@transaction.atomic
def remove_honour(honour: Honour, *, by: User) -> None:
    _ensure_editable(honour.nomination, by)
    audit.record(by, "honour.remove", honour, before=audit.snapshot(honour))
    scan = honour.scan
    honour.delete()
    delete_file_on_commit(scan.file)
    scan.delete()


@transaction.atomic
def file_nomination(nomination: Nomination, *, by: User, ip: str | None = None) -> Nomination:
    """File (申报): every rule of the form and every hard condition of eligibility must hold,
    within the filing window, and every consent of the kind must be ticked (privacy.consents:
    the separate consents 单独同意 each its own box). Atomic, and idempotent: filing a filed
    nomination (a double click) changes nothing. Writes the self-scores, the signatures, the
    consent records (with `ip`) and the locked fields."""
    nomination = locked_for_update(nomination)
    if nomination.applicant_id != by.pk:
        raise PermissionDenied
    if not nomination.is_editable:
        return nomination
    resubmitting = nomination.state == NominationState.RETURNED
    if resubmitting:
        check_correction_deadline(nomination)
    else:
        check_filing_open(nomination.campaign, nomination.category.kind)
    rubric = rubric_for(nomination.category)
    assessment = assess(nomination, rubric=rubric, filing=True)
    no_consent = missing_consents(nomination.category.kind, nomination.data)
    if not assessment.can_file or no_consent:
        raise FilingRefused(assessment, no_consent)
    spec = FORMS[nomination.category.kind]
    data = nomination.data
    if resubmitting:
        check_locked_fields_unchanged(nomination, spec)
        nomination.self_scores.all().delete()
        nomination.signatures.all().delete()
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
    record_filing_consents(
        nomination, by=by, ip=ip, person_name=data.get("signer", "").strip() or by.display_name
    )
    if not resubmitting:
        nomination.locked_name, nomination.locked_members = locked_values(spec, data)
        nomination.filed_at = now
    nomination.title = data.get(spec.name_field, "").strip()[:200]
    nomination.correction_deadline = None
    nomination.save()
    filed = {**audit.snapshot(nomination), "data": for_the_record(spec, nomination.data)}
    audit.record(by, "nomination.file_record", nomination, after=filed)
    return transition(nomination, "resubmit" if resubmitting else "file", by=by)


def locked_values(spec: FormSpec, data: dict[str, str]) -> tuple[str, list[str]]:
    """What 申报备案后不予修改 freezes at the first filing: the name and the members."""
    locked = {f.code for f in spec.locked_fields}
    name = data.get(spec.name_field, "").strip() if spec.name_field in locked else ""
    members = split_names(data.get("members", "")) if "members" in locked else []
    return name, members


def locked_inputs(spec: FormSpec, nomination: Nomination) -> dict[str, str]:
    """The locked fields as the form shows them (members one a line)."""
    inputs = {}
    for field in spec.locked_fields:
        if field.code == "members":
            inputs[field.code] = "\n".join(nomination.locked_members)
        else:
            inputs[field.code] = nomination.locked_name
    return inputs


def check_locked_fields_unchanged(nomination: Nomination, spec: FormSpec) -> None:
    name, members = locked_values(spec, nomination.data)
    if (name, members) != (nomination.locked_name, nomination.locked_members):
        labels = "、".join(f"“{f.label}”" for f in spec.locked_fields)
        raise ValidationError(
            f"{labels}申报备案后不予修改，请恢复为备案时的内容。", code="locked_changed"
        )


def check_correction_deadline(nomination: Nomination) -> None:
    deadline = nomination.correction_deadline
    if deadline is not None and timezone.localdate() > deadline:
        raise ValidationError(
            f"补正期限为{chinese_date(deadline)}，已过期限，不予受理。",
            code="correction_overdue",
        )
