"""All the data held about a person, as one zip (个人信息保护法 art. 45: 查阅、复制; art. 45(3)
portability): `data.json` (machine-readable), `说明.txt` (a readable summary) and `files/` (the
files they or others uploaded to their filings).

What it holds: the account, every consent with its text, every filing of theirs with every
field as typed, its state changes, signatures, honours, self-scores and award; the list of
its attachments and the files; their notifications; objections lodged with their e-mail or
mobile as contact. Not included: the judges' individual scores and opinions and the mystery
visit's evidence (the association's confidential review material, not data about the person
that they gave or that identifies them); they are summarized by the published result.
"""

import io
import json
import re
import zipfile
from typing import Any

from django.db.models import Q
from django.utils import timezone

from manyi.accounts.models import User
from manyi.core.models import Notification
from manyi.nominations.models import CONFIDENTIAL_SLOTS, Nomination
from manyi.privacy.queries import consents_of
from manyi.reviews.models import Award, Objection

UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _safe(name: str) -> str:
    return UNSAFE.sub("_", name).strip("._")[:80] or "file"


def collect(user: User) -> dict[str, Any]:
    """Everything held about `user`, as plain data (a fixed number of queries)."""
    nominations = list(
        Nomination.objects.filter(applicant=user)
        .select_related("campaign", "category", "organization")
        .prefetch_related(
            "transitions", "signatures", "honours", "attachments", "self_scores__criterion"
        )
        .order_by("created_at", "pk")
    )
    awards = {a.nomination_id: a for a in Award.objects.filter(nomination__in=nominations)}
    contacts = [c for c in (user.email, user.mobile) if c]
    objections: list[Objection] = []
    if contacts:
        matches = Q()
        for contact in contacts:
            matches |= Q(contact__icontains=contact)
        objections = list(Objection.objects.filter(matches).select_related("nomination"))
    return {
        "generated_at": _when(timezone.now()),
        "account": {
            "username": user.username,
            "name": user.display_name,
            "email": user.email,
            "mobile": user.mobile,
            "role": user.get_role_display(),
            "organization": str(user.organization) if user.organization_id else None,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "purpose_label": str(c.get_purpose_display()),
                "nomination": c.nomination_id,
                "text_version": c.text_version,
                "text": c.text,
                "given_at": _when(c.given_at),
                "ip": c.ip,
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in consents_of(user)
        ],
        "nominations": [_nomination(n, awards.get(n.pk)) for n in nominations],
        "notifications": [
            {"message": n.message, "link": n.link, "created_at": _when(n.created_at)}
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "objections": [
            {
                "nomination": o.nomination_id,
                "nomination_title": str(o.nomination),
                "name": o.name,
                "contact": o.contact,
                "grounds": o.grounds,
                "lodged_at": _when(o.lodged_at),
                "status": str(o.get_status_display()),
            }
            for o in objections
        ],
    }


def _nomination(n: Nomination, award: Award | None) -> dict[str, Any]:
    return {
        "id": n.pk,
        "campaign": str(n.campaign),
        "category": str(n.category),
        "organization": str(n.organization),
        "state": str(n.get_state_display()),
        "title": n.title,
        "data": n.data,
        "locked_name": n.locked_name,
        "locked_members": n.locked_members,
        "filed_at": _when(n.filed_at),
        "created_at": _when(n.created_at),
        "self_scores": {str(s.criterion): s.points for s in n.self_scores.all()},
        "signatures": [
            {"name": s.name, "signed_at": _when(s.signed_at)} for s in n.signatures.all()
        ],
        "honours": [
            {
                "awarded_on": h.awarded_on.isoformat(),
                "issuer": h.issuer,
                "name": h.name,
                "level": str(h.get_level_display()),
            }
            for h in n.honours.all()
        ],
        "attachments": [
            {
                "id": a.pk,
                "slot": a.slot,
                "name": a.original_name,
                "type": a.file_kind,
                "size": a.size,
                "uploaded_at": _when(a.uploaded_at),
                "in_zip": _path(n, a) if _included(a) else None,
            }
            for a in n.attachments.all()
        ],
        "transitions": [
            {
                "action": t.action,
                "from": t.source,
                "to": t.target,
                "at": _when(t.at),
                "comment": t.comment,
            }
            for t in n.transitions.all()
        ],
        "award": {"number": award.number, "name": award.name} if award else None,
    }


def _included(attachment) -> bool:
    return bool(attachment.file) and attachment.slot not in CONFIDENTIAL_SLOTS


def _path(nomination: Nomination, attachment) -> str:
    return f"files/{nomination.pk}/{attachment.pk}-{_safe(attachment.original_name)}"


def summary(data: dict[str, Any]) -> str:
    """The readable summary (说明.txt), in Chinese."""
    account = data["account"]
    lines = [
        "本文件是用户满意服务评选管理系统中与您有关的全部个人信息的副本。",
        f"生成时间：{data['generated_at']}",
        "data.json 为完整数据（机器可读），files/ 为申报材料文件。",
        "",
        "【账号】",
        f"登录名：{account['username']}",
        f"姓名：{account['name']}",
        f"电子邮箱：{account['email'] or '—'}",
        f"手机号码：{account['mobile'] or '—'}",
        f"角色：{account['role']}",
        f"所在单位：{account['organization'] or '—'}",
        "",
        f"【同意记录】共{len(data['consents'])}项",
    ]
    for c in data["consents"]:
        withdrawn = f"，已于{c['withdrawn_at']}撤回" if c["withdrawn_at"] else ""
        lines.append(
            f"- {c['purpose_label']}（版本{c['text_version']}），{c['given_at']}{withdrawn}"
        )
    lines += ["", f"【申报】共{len(data['nominations'])}份"]
    for n in data["nominations"]:
        lines.append(f"- {n['category']}：{n['title'] or '（未填名称）'}，{n['state']}")
        lines.append(f"  附件{len(n['attachments'])}个，办理记录{len(n['transitions'])}条")
    lines += [
        "",
        f"【站内消息】共{len(data['notifications'])}条",
        f"【以您的联系方式提出的异议】共{len(data['objections'])}件",
        "",
        "评审专家的个人评分和意见、神秘客暗访证据属于评审保密材料，未包含在内。",
        "如需更正或删除个人信息，请联系秘书处。",
    ]
    return "\n".join(lines) + "\n"


def personal_data_zip(user: User) -> bytes:
    """The zip of everything held about `user`."""
    data = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("说明.txt", summary(data))
        for nomination in Nomination.objects.filter(applicant=user).prefetch_related("attachments"):
            for attachment in nomination.attachments.all():
                if not _included(attachment):
                    continue
                try:
                    with attachment.file.open("rb") as source:
                        archive.writestr(_path(nomination, attachment), source.read())
                except OSError:  # a file missing from storage: listed in data.json all the same
                    continue
    return buffer.getvalue()
