"""Recommendation (推荐) and the formal check (形式审查): every change, one function each."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from manyi.accounts.models import User
from manyi.audit import services as audit
from manyi.campaigns.phases import chinese_date
from manyi.core.text import check_length
from manyi.core.uploads import FileKind, check_upload
from manyi.nominations.eligibility import Status
from manyi.nominations.models import Nomination, NominationState
from manyi.nominations.queries import assess
from manyi.nominations.services import locked_for_update, store_file, transition
from manyi.reviews.models import Endorsement, FormalCheck, Quota

SEAL = (FileKind.PNG, FileKind.JPEG, FileKind.PDF)
SEAL_MAX_BYTES = 10 * 1024 * 1024
# Nominations that hold a recommender's place: endorsed and not since returned or ended.
HOLDING_A_PLACE = (
    NominationState.ENDORSED,
    NominationState.CHECKED,
    NominationState.IN_REVIEW,
    NominationState.SCORED,
    NominationState.PROPOSED,
    NominationState.ON_NOTICE,
    NominationState.AWARDED,
    NominationState.NOT_AWARDED,
)

CHECK_ITEMS = {
    "form_complete": "推荐表填写完整、准确",
    "seal_present": "推荐意见已签字并加盖公章（已上传盖章页）",
    "attachments_present": "要求的附件齐全",
    "eligibility_met": "符合推荐条件（推荐单位已确认）",
}


def current_endorsements(nomination_ids: Iterable[int]):
    return Endorsement.objects.filter(nomination_id__in=nomination_ids, withdrawn=False)


def places_used(nomination: Nomination) -> int:
    return Endorsement.objects.filter(
        withdrawn=False,
        organization_id=nomination.organization_id,
        nomination__campaign_id=nomination.campaign_id,
        nomination__category_id=nomination.category_id,
        nomination__state__in=HOLDING_A_PLACE,
    ).count()


def attestable(nomination: Nomination) -> list[int]:
    """The conditions only a person can judge, which the recommender attests (declared ones)."""
    return [r.number for r in assess(nomination).eligibility if r.status == Status.DECLARED]


@transaction.atomic
def endorse(
    nomination: Nomination,
    *,
    by: User,
    opinion: str,
    signer: str,
    seal: UploadedFile | None,
    attested: Iterable[int],
) -> Endorsement:
    """推荐: the recommender's opinion, signed by the responsible person, with the sealed page,
    attesting every condition the applicant declared. Refused beyond the quota (推荐名额)."""
    nomination = locked_for_update(nomination)
    problems = []
    try:
        check_length(opinion, at_most=1000, label="推荐意见")
    except ValidationError as error:
        problems += error.messages
    if not opinion.strip():
        problems.append("请填写推荐意见。")
    if not signer.strip():
        problems.append("请填写单位负责人姓名（签字）。")
    if seal is None:
        problems.append("请上传签字并加盖公章的推荐表页面（图片或PDF）。")
    missing = sorted(set(attestable(nomination)) - set(attested))
    if missing:
        problems.append(
            "请逐条确认申报人声明的推荐条件（第"
            + "、".join(str(n) for n in missing)
            + "条）；不能确认的，请退回申报人。"
        )
    if problems:
        raise ValidationError(problems, code="endorsement_incomplete")
    kind = check_upload(seal, accept=SEAL, max_bytes=SEAL_MAX_BYTES)  # type: ignore[arg-type]
    quota = (
        Quota.objects.select_for_update()
        .filter(
            campaign_id=nomination.campaign_id,
            organization_id=nomination.organization_id,
            category_id=nomination.category_id,
        )
        .first()
    )
    used = places_used(nomination)
    if quota is not None and used >= quota.places:
        raise ValidationError(
            f"“{nomination.category.title}”的推荐名额为 {quota.places} 名，已全部使用，"
            "不能再推荐。",
            code="quota_full",
        )
    transition(nomination, "endorse", by=by, comment=opinion)
    endorsement = Endorsement.objects.create(
        nomination=nomination,
        organization_id=nomination.organization_id,
        by=by,
        opinion=opinion.strip(),
        signer=signer.strip(),
        seal=store_file(nomination, "seal", seal, kind, by),  # type: ignore[arg-type]
        attested=sorted(set(attested)),
        rank=used + 1,
        at=timezone.now(),
    )
    audit.record(by, "endorsement.create", endorsement, after=audit.snapshot(endorsement))
    return endorsement


@transaction.atomic
def return_to_applicant(nomination: Nomination, *, by: User, reasons: str) -> Nomination:
    """The recommender sends a filing back to the applicant for correction, saying why."""
    return transition(locked_for_update(nomination), "return_to_applicant", by=by, comment=reasons)


@transaction.atomic
def move_rank(endorsement: Endorsement, *, by: User, up: bool) -> None:
    """The recommender orders what it endorses: swap with the neighbour above or below."""
    siblings = list(
        Endorsement.objects.select_for_update()
        .filter(
            withdrawn=False,
            organization_id=endorsement.organization_id,
            nomination__campaign_id=endorsement.nomination.campaign_id,
            nomination__category_id=endorsement.nomination.category_id,
        )
        .order_by("rank", "pk")
    )
    index = next(i for i, e in enumerate(siblings) if e.pk == endorsement.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for rank, item in enumerate(siblings, start=1):
        if item.rank != rank:
            audit.record(
                by, "endorsement.rank", item, before={"rank": item.rank}, after={"rank": rank}
            )
            item.rank = rank
            item.save(update_fields=["rank"])


def suggested_checklist(nomination: Nomination) -> dict[str, bool]:
    """What the record shows for each item of the formal check; the secretariat confirms."""
    assessment = assess(nomination, filing=True)
    endorsement = current_endorsements([nomination.pk]).first()
    missing_files = [p for p in assessment.problems if p.message.startswith("请上传")]
    return {
        "form_complete": not [p for p in assessment.problems if p not in missing_files],
        "seal_present": endorsement is not None,
        "attachments_present": not missing_files,
        "eligibility_met": all(
            r.status == Status.MET or (endorsement and r.number in endorsement.attested)
            for r in assessment.eligibility
        ),
    }


@transaction.atomic
def formal_check(
    nomination: Nomination,
    *,
    by: User,
    items: dict[str, bool],
    notes: str = "",
    deadline: datetime.date | None = None,
) -> FormalCheck:
    """形式审查: every item met accepts the nomination; otherwise it goes back to the applicant
    with everything missing listed at once (一次性告知) and a deadline for the correction, after
    which it is not accepted (不予受理)."""
    nomination = locked_for_update(nomination)
    failed = [label for key, label in CHECK_ITEMS.items() if not items.get(key)]
    now = timezone.now()
    if not failed:
        transition(nomination, "accept", by=by, comment=notes)
        outcome, deadline = FormalCheck.Outcome.ACCEPTED, None
    else:
        if deadline is None or deadline < timezone.localdate():
            raise ValidationError("退回补正须规定补正期限（不早于今天）。", code="deadline")
        reasons = "；".join(failed) + (f"。{notes.strip()}" if notes.strip() else "")
        comment = f"请于{chinese_date(deadline)}前补正：{reasons}"
        transition(nomination, "return_for_correction", by=by, comment=comment)
        nomination.correction_deadline = deadline
        nomination.save(update_fields=["correction_deadline"])
        current_endorsements([nomination.pk]).update(withdrawn=True)
        outcome = FormalCheck.Outcome.RETURNED
    check = FormalCheck.objects.create(
        nomination=nomination,
        by=by,
        at=now,
        notes=notes.strip(),
        outcome=outcome,
        deadline=deadline,
        **{key: bool(items.get(key)) for key in CHECK_ITEMS},
    )
    audit.record(by, "formal_check.create", check, after=audit.snapshot(check))
    return check


def accept_many(nominations: Iterable[Nomination], *, by: User) -> tuple[list[str], list[str]]:
    """Bulk formal check: accept each nomination whose checklist the record fully meets, each
    checked and recorded on its own; the others are left for a check by hand."""
    accepted, left = [], []
    for nomination in nominations:
        name = str(nomination)
        items = suggested_checklist(nomination)
        if nomination.state != NominationState.ENDORSED or not all(items.values()):
            left.append(name)
            continue
        formal_check(nomination, by=by, items=items)
        accepted.append(name)
    return accepted, left


def refuse_overdue(*, by: User, today: datetime.date | None = None) -> list[Nomination]:
    """不予受理: every return for correction whose deadline has passed, each recorded with the
    reason. Each is its own transaction, so one failure leaves the others done."""
    today = today or timezone.localdate()
    refused = []
    overdue = Nomination.objects.filter(
        state=NominationState.RETURNED, correction_deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in overdue:
        with transaction.atomic():
            nomination = locked_for_update(Nomination(pk=pk))
            if nomination.state != NominationState.RETURNED:
                continue
            deadline = nomination.correction_deadline
            refused.append(
                transition(
                    nomination,
                    "refuse",
                    by=by,
                    comment=f"补正期限{chinese_date(deadline)}已过，未补正，不予受理。",  # type: ignore[arg-type]
                )
            )
    return refused
