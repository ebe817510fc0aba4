"""The files of a nomination through the API: attachments (申报材料, 证实性材料) and honours
with their certificate scans (何时、何地受过何种奖励（附复印件）), uploaded as multipart forms.

The same services and rules as the form's page: a file is checked by its content against the
slot's types and size (core/uploads: zip bombs, macros, XXE refused), a Word document is
counted, a slot that holds one file keeps the newest; only the owner of an editable draft may
change them. The mystery visit's evidence is review material and is not offered here.
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status, UploadedFile

from manyi.api.access import ID, user_of
from manyi.api.errors import ERRORS, Refused
from manyi.api.schemas import AttachmentOut, HonourIn, HonourOut
from manyi.nominations import services as filing
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Attachment, Honour
from manyi.nominations.permissions import get_nomination_for_user, may_see_attachment

files = Router(tags=["files"])


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "slot": attachment.slot,
        "name": attachment.original_name,
        "kind": attachment.file_kind,
        "size": attachment.size,
        "characters": attachment.characters,
        "uploaded_at": attachment.uploaded_at,
    }


def honour_out(honour: Honour) -> dict[str, Any]:
    return {
        "id": honour.pk,
        "awarded_on": honour.awarded_on,
        "issuer": honour.issuer,
        "name": honour.name,
        "level": honour.level,
        "scan": attachment_out(honour.scan),
    }


@files.get(
    "/nominations/{nomination_id}/attachments",
    response={200: list[AttachmentOut], **ERRORS},
    summary="申报的附件",
)
def list_attachments(request: HttpRequest, nomination_id: int = ID):
    user = user_of(request)
    nomination = get_nomination_for_user(user, nomination_id)
    return [attachment_out(a) for a in nomination.attachments.all() if may_see_attachment(user, a)]


@files.post(
    "/nominations/{nomination_id}/attachments/{slot}",
    response={201: AttachmentOut, **ERRORS},
    summary="上传附件（multipart，文件字段 file）",
)
def upload_attachment(
    request: HttpRequest, slot: str, file: File[UploadedFile], nomination_id: int = ID
):
    """Attach `file` in the slot `slot` of a draft (the slots of its form: 404 `no_slot` lists
    them). Refused (422) by its content, type or size, with the reason."""
    user = user_of(request)
    nomination = get_nomination_for_user(user, nomination_id, edit=True)
    slots = [s.code for s in FORMS[nomination.category.kind].attachments]
    if slot not in slots:
        raise Refused(404, "no_slot", "此类申报表没有这一类附件。", {"slots": slots})
    return Status(201, attachment_out(filing.add_attachment(nomination, slot, file, by=user)))


@files.delete("/attachments/{attachment_id}", response={204: None, **ERRORS}, summary="删除附件")
def delete_attachment(request: HttpRequest, attachment_id: int = ID):
    user = user_of(request)
    attachment = get_object_or_404(Attachment, pk=attachment_id)
    get_nomination_for_user(user, attachment.nomination_id, edit=True)  # 404/403 as the page
    filing.remove_attachment(attachment, by=user)
    return Status(204, None)


@files.get(
    "/nominations/{nomination_id}/honours",
    response={200: list[HonourOut], **ERRORS},
    summary="申报的奖励（附复印件）",
)
def list_honours(request: HttpRequest, nomination_id: int = ID):
    nomination = get_nomination_for_user(user_of(request), nomination_id)
    return [honour_out(h) for h in nomination.honours.select_related("scan")]


@files.post(
    "/nominations/{nomination_id}/honours",
    response={201: HonourOut, **ERRORS},
    summary="添加奖励（multipart：awarded_on, issuer, name, level 与复印件 scan）",
)
def add_honour(
    request: HttpRequest,
    honour: Form[HonourIn],
    scan: File[UploadedFile],
    nomination_id: int = ID,
):
    user = user_of(request)
    nomination = get_nomination_for_user(user, nomination_id, edit=True)
    added = filing.add_honour(nomination, **honour.dict(), scan=scan, by=user)
    return Status(201, honour_out(added))


@files.delete("/honours/{honour_id}", response={204: None, **ERRORS}, summary="删除奖励")
def delete_honour(request: HttpRequest, honour_id: int = ID):
    user = user_of(request)
    honour = get_object_or_404(Honour, pk=honour_id)
    get_nomination_for_user(user, honour.nomination_id, edit=True)
    filing.remove_honour(honour, by=user)
    return Status(204, None)
