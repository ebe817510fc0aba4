"""Every change of personal-information records: registration with consent, the consents of a
filing, withdrawal. Erasure is in erasure.py, the download in personal_data.py."""

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from manyi.accounts.models import Organization, OrganizationKind, Role, User
from manyi.core.notify import tell
from manyi.nominations.models import Nomination, NominationState
from manyi.privacy.consents import (
    FILING_TEXTS,
    NOTICE_VERSION,
    Purpose,
    filing_choices,
    notice_text,
)
from manyi.privacy.models import Consent

# How many accounts one address may register in an hour: enough for an office behind one
# gateway, too few for a script.
REGISTRATIONS_PER_HOUR = 10
# Once the notice is published the name has been made public: withdrawing cannot undo that.
PUBLISHED_STATES = frozenset(
    {NominationState.ON_NOTICE, NominationState.AWARDED, NominationState.NOT_AWARDED}
)


def registration_problems(
    *, username: str, mobile: str, email: str, ip: str | None
) -> dict[str, str]:
    """Duplicates and abuse, field by field, in Chinese."""
    problems = {}
    if User.objects.filter(username__iexact=username).exists():
        problems["username"] = "该登录名已被使用，请换一个。"
    if mobile and User.objects.filter(mobile=mobile).exists():
        problems["mobile"] = "该手机号码已注册。如忘记密码，请联系秘书处。"
    if email and User.objects.filter(email__iexact=email).exists():
        problems["email"] = "该电子邮箱已注册。如忘记密码，请联系秘书处。"
    if ip:
        hour_ago = timezone.now() - datetime.timedelta(hours=1)
        recent = Consent.objects.filter(
            purpose=Purpose.REGISTRATION, ip=ip, given_at__gte=hour_ago
        ).count()
        if recent >= REGISTRATIONS_PER_HOUR:
            problems["__all__"] = "此网络地址注册过于频繁，请一小时后再试。"
    return problems


@transaction.atomic
def register_applicant(
    *,
    username: str,
    password: str,
    display_name: str,
    mobile: str,
    email: str,
    organization: Organization,
    consent: bool,
    ip: str | None = None,
) -> User:
    """Self-registration (申报人): an applicant of an employer, who may file at once; the
    consent to the privacy notice is recorded with its version, time and address. Refused
    without consent, for a duplicate login, mobile or e-mail, or a weak password."""
    if not consent:
        raise ValidationError({"consent": "请阅读并同意《个人信息处理规则》后再注册。"})
    if organization.kind != OrganizationKind.EMPLOYER:
        raise ValidationError({"organization": "请选择您所在的单位。"})
    problems = registration_problems(username=username, mobile=mobile, email=email, ip=ip)
    if problems:
        raise ValidationError(problems)
    user = User(
        username=username,
        display_name=display_name,
        mobile=mobile,
        email=email,
        role=Role.APPLICANT,
        organization=organization,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    Consent.objects.create(
        user=user,
        person_name=display_name,
        purpose=Purpose.REGISTRATION,
        text_version=NOTICE_VERSION,
        text=notice_text(),
        given_at=timezone.now(),
        ip=ip,
    )
    return user


def record_filing_consents(
    nomination: Nomination, *, by: User, ip: str | None = None, person_name: str = ""
) -> list[Consent]:
    """Record the consents ticked on a form being filed, each its own row with its date.
    A purpose already recorded for this nomination (a resubmission after a return) is not
    recorded again, and a withdrawal stands: the box still ticked in the returned form does not
    silently give the consent back. The caller (nominations.services.file_nomination) has
    checked they were all ticked."""
    now = timezone.now()
    recorded = set(Consent.objects.filter(nomination=nomination).values_list("purpose", flat=True))
    new = [
        Consent(
            user=by,
            person_name=person_name[:100],
            nomination=nomination,
            purpose=choice.purpose,
            text_version=NOTICE_VERSION,
            text=FILING_TEXTS[choice.purpose],
            given_at=now,
            ip=ip,
        )
        for choice in filing_choices(nomination.category.kind)
        if nomination.data.get(choice.key) and choice.purpose not in recorded
    ]
    return Consent.objects.bulk_create(new)


@transaction.atomic
def withdraw_consent(consent: Consent, *, by: User) -> Consent:
    """Withdraw the consent to publication (撤回同意) before the notice: from then on the public
    notice and results show only the first character of the name (masking.public_name), and
    the secretariat is told. After the notice is published, the name has been made public
    already: the withdrawal is refused with the reason, and the person may ask the
    secretariat. Other consents are the basis of the filing itself: withdrawing them means
    withdrawing the filing (or erasure), not this button."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.user_id != by.pk:
        raise PermissionDenied
    if consent.withdrawn_at is not None:
        return consent
    if consent.purpose != Purpose.PUBLICATION or consent.nomination is None:
        raise ValidationError(
            "此项同意是申报的处理基础，不能单独撤回；如需停止处理，请撤回申报或联系秘书处。",
            code="not_withdrawable",
        )
    if consent.nomination.state in PUBLISHED_STATES:
        raise ValidationError(
            "公示已发布，撤回不影响撤回前已进行的公开；如需处理，请联系秘书处。",
            code="published",
        )
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    secretariat = User.objects.filter(role=Role.SECRETARIAT, is_active=True)
    tell(
        secretariat,
        f"申报“{consent.nomination}”的申报人已撤回公开姓名的同意：公示和结果将只显示姓氏。",
        email=False,
    )
    return consent
