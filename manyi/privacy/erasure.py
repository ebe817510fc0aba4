"""Erasure of a person's personal data after the retention period (个人信息保护法 art. 19, 47):
the secretariat erases; scores, rankings, decisions and awards stay, anonymized.

What is erased, for a person (a user account):
- their filings: every field of the form becomes 已删除, except the self-scores, the declared
  conditions and ticks, and — for a team, unit or achievement — its name, which is not a
  person's and is the identity of a result; an individual's or manager's name becomes 已删除
  (title, award name). Members' names become 已删除 one for one (the count stays, so the
  ≤10 rule still reads true). Signatures and honours' texts become 已删除.
- every attachment of their filings: the file is deleted from storage once the erasure has
  committed; the row stays, named 已删除, so endorsements and visits that point to it hold.
- their notifications and e-mails; their login records (django-axes); objections lodged with
  their e-mail or mobile as contact are anonymized.
- the account: deactivated, no usable password, name, login, e-mail and mobile replaced.
- consents are kept as proof (what text, when), with the name and address removed.

- the words others wrote about them — judges' opinions, recommendation opinions, formal-check
  notes, reasons of returns and releases, mystery visits, objections and their investigation —
  are kept, with every name of the person (and of their team's members) replaced by 已删除.

Kept whole: scores, self-scores, review states, rankings, decisions, transitions, award numbers.
The locked fields' trigger (nominations migration 0004) lets the one UPDATE that sets
`erased_at` replace the members.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from manyi.accounts.models import User
from manyi.accounts.permissions import is_secretariat
from manyi.audit.services import record
from manyi.campaigns.phases import chinese_date
from manyi.core.models import Notification, OutboxMessage
from manyi.nominations.formspecs import FORMS, FieldType
from manyi.nominations.models import Attachment, Honour, Nomination, Signature, Transition
from manyi.privacy.consents import PERSON_KINDS, retention_years
from manyi.privacy.models import Consent
from manyi.reviews.models import (
    Assignment,
    Award,
    Endorsement,
    FormalCheck,
    MysteryVisit,
    Objection,
    Review,
)

ERASED = "已删除"
# What erasure keeps in a form's data: scores, declared conditions, coaching ticks, consents.
KEPT_PREFIXES = ("score_", "declare_", "coaching_", "consent_", "plaque_opt_in")


@dataclass(frozen=True)
class Erasure:
    user_id: int
    nominations: int
    files: int
    consents: int


def erasable_from(
    user: User,
    changed: datetime.datetime | None = None,
    awarded: datetime.datetime | None = None,
) -> datetime.date:
    """个人信息的保存期限: PRIVACY_RETENTION_YEARS after the person's last activity — the latest
    of the account's creation, its last login, the last change to one of its filings
    (`changed`), the publication of one of their awards (`awarded`)."""
    moments = [user.date_joined, user.last_login, changed, awarded]
    start = timezone.localdate(max(m for m in moments if m is not None))
    years = retention_years()
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def erasable_on(user: User) -> datetime.date:
    found = Nomination.objects.filter(applicant=user).aggregate(
        changed=Max("updated_at"), awarded=Max("award__published_at")
    )
    return erasable_from(user, found["changed"], found["awarded"])


def is_erased(user: User) -> bool:
    return not user.is_active and user.display_name == ERASED


def check_erasable(user: User, *, today: datetime.date | None = None) -> None:
    day = erasable_on(user)
    if (today or timezone.localdate()) < day:
        raise ValidationError(
            f"个人信息保存期限未满，自{chinese_date(day)}起方可删除“{user.display_name}”的个人信息。",
            code="retention",
        )


def erased_data(kind: str, data: dict) -> dict:
    spec = FORMS[kind]
    result = {}
    for key, value in data.items():
        keep_name = key == spec.name_field and kind not in PERSON_KINDS
        if key.startswith(KEPT_PREFIXES) or keep_name:
            result[key] = value
        else:
            result[key] = ERASED if value else value
    for field_ in spec.fields:  # keep a checkbox a checkbox
        if field_.type == FieldType.CHECKBOX and field_.code in data:
            result[field_.code] = data[field_.code]
    return result


@transaction.atomic
def erase_personal_data(user: User, *, by: User, today: datetime.date | None = None) -> Erasure:
    """Erase `user`'s personal data (see the module docstring). Only the secretariat; refused
    before the retention period ends, with the day it becomes possible; never oneself.
    Atomic: a failure leaves everything as it was (files are deleted after the commit)."""
    if not is_secretariat(by):
        raise PermissionDenied("只有秘书处可以删除个人信息。")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == by.pk:
        raise ValidationError("不能删除本人正在使用的账号的个人信息。", code="self")
    if is_erased(user):
        return Erasure(user.pk, 0, 0, 0)
    check_erasable(user, today=today)
    now = timezone.now()
    nominations = list(
        Nomination.objects.select_for_update().select_related("category").filter(applicant=user)
    )
    ids = [n.pk for n in nominations]
    _scrub_names(ids, _names_of(user, nominations))
    for nomination in nominations:
        kind = nomination.category.kind
        nomination.data = erased_data(kind, nomination.data)
        if kind in PERSON_KINDS:
            nomination.title = ERASED
            nomination.locked_name = ERASED if nomination.locked_name else ""
        nomination.locked_members = [ERASED] * len(nomination.locked_members)
        nomination.erased_at = now
        # One UPDATE that sets erased_at with the members: the only change the trigger allows.
        nomination.save(
            update_fields=["data", "title", "locked_name", "locked_members", "erased_at"]
        )
    Signature.objects.filter(nomination_id__in=ids).update(name=ERASED)
    Honour.objects.filter(nomination_id__in=ids).update(issuer=ERASED, name=ERASED)
    Award.objects.filter(nomination_id__in=ids, nomination__category__kind__in=PERSON_KINDS).update(
        name=ERASED
    )
    attachments = list(Attachment.objects.filter(nomination_id__in=ids).exclude(file=""))
    names = [a.file.name for a in attachments]
    storage = Attachment._meta.get_field("file").storage
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(
        file="", original_name=ERASED
    )
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    contacts = [c for c in (user.email, user.mobile) if c]
    if contacts:
        matches = Q()
        for contact in contacts:
            matches |= Q(contact__icontains=contact)
        Objection.objects.filter(matches).update(name=ERASED, contact=ERASED)
    Notification.objects.filter(user=user).delete()
    OutboxMessage.objects.filter(recipient=user).delete()
    consents = Consent.objects.filter(user=user).update(
        person_name=ERASED, ip=None, anonymized_at=now
    )
    _forget_logins(user.username)
    user.username = f"erased-{user.pk}"
    user.display_name = ERASED
    user.first_name = user.last_name = user.email = user.mobile = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    erasure = Erasure(user.pk, len(nominations), len(names), consents)
    # The trail keeps that it happened and how much, never what was erased.
    record(by, "privacy.erase", user, after=dataclasses.asdict(erasure), nomination=None)
    return erasure


# The free texts others wrote about a nomination, by model: erasure keeps them, without names.
FREE_TEXTS = (
    (Review, ("comment",)),
    (Endorsement, ("opinion",)),
    (FormalCheck, ("notes",)),
    (Assignment, ("released_reason",)),
    (MysteryVisit, ("place", "finding")),
    (Objection, ("grounds", "investigation")),
    (Transition, ("comment",)),
)


def _names_of(user: User, nominations: list[Nomination]) -> list[str]:
    """Every name under which the person (or a member of their team) appears, longest first;
    single characters are left alone (they would erase half of any text)."""
    names = {user.display_name, f"{user.last_name}{user.first_name}"}
    for nomination in nominations:
        if nomination.category.kind in PERSON_KINDS:
            names |= {nomination.title, nomination.locked_name}
            names.add(nomination.data.get(FORMS[nomination.category.kind].name_field, ""))
        names |= set(nomination.locked_members)
    kept = {name.strip() for name in names if name and len(name.strip()) >= 2}
    return sorted(kept - {ERASED}, key=len, reverse=True)


def _scrub_names(ids: list[int], names: list[str]) -> None:
    if not names:
        return
    for model, fields in FREE_TEXTS:
        changed = []
        for row in model.objects.filter(nomination_id__in=ids).only("pk", *fields):
            texts = {f: getattr(row, f) for f in fields}
            for name in names:
                texts = {f: text.replace(name, ERASED) for f, text in texts.items()}
            if texts != {f: getattr(row, f) for f in fields}:
                for f, text in texts.items():
                    setattr(row, f, text)
                changed.append(row)
        model.objects.bulk_update(changed, fields)


def _forget_logins(username: str) -> None:
    """django-axes keeps login attempts by user name and address."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()
