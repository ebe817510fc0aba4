"""State changes of the documents app: keeping an imported form as a draft nomination.

The archive's job services live in archive.py (start_archive, run_archive_job)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from manyi.accounts.models import Role, User
from manyi.campaigns.models import Campaign, Category, Criterion
from manyi.documents.docxreading import Reading, squeeze
from manyi.documents.selfassessment import SELF_ASSESSMENT_KINDS
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination


class ImportRefused(Exception):
    """A valid reading that cannot become a draft (no such category, an owner who may not file
    it); the message is in Chinese."""


@dataclass(frozen=True)
class Imported:
    reading: Reading
    nomination: Nomination | None = None
    refusal: str = ""


def owners() -> QuerySet[User]:
    """The accounts a draft may be imported for: applicants and committees with an
    organization (who files what: nominations.permissions.can_file)."""
    return (
        User.objects.filter(
            is_active=True,
            role__in=[Role.APPLICANT, Role.COMMITTEE],
            organization__isnull=False,
        )
        .select_related("organization")
        .order_by("organization__name", "username")
    )


@transaction.atomic
def import_form(reading: Reading, *, campaign: Campaign, owner: User) -> Nomination:
    """Keep one valid reading as a draft nomination of `owner` (all of it, or nothing): the
    category of its kind in the campaign, the fields as read, the self-scores matched to the
    campaign's rubric by criterion name."""
    if not reading.ok or reading.kind is None:
        raise ImportRefused("文件有问题，未导入。")
    if reading.kind in SELF_ASSESSMENT_KINDS:
        raise ImportRefused("单独的自评表不能创建申报草稿：请与申报表一起导入。")
    try:
        category = campaign.categories.select_related("rubric").get(kind=reading.kind)
    except Category.DoesNotExist:
        raise ImportRefused(f"{campaign.year}年度的评选活动没有这一类别。") from None
    try:
        nomination = filing.start_nomination(category, by=owner)
    except PermissionDenied:
        raise ImportRefused(
            f"账户“{owner.display_name or owner.username}”不能填报“{category.title}”。"
        ) from None
    data = dict(reading.data)
    data.update(self_score_inputs(reading, category))
    return filing.save_draft(nomination, data, by=owner)


def self_score_inputs(reading: Reading, category: Category) -> dict[str, str]:
    """The self-scores read from the file's 附件1-x, as the draft form keeps them
    (`score_<criterion id>`), matched by the criterion's name without white space."""
    if not reading.scores or category.rubric_id is None:
        return {}
    criteria = Criterion.objects.filter(item__rubric_id=category.rubric_id)
    by_name = {squeeze(c.name): c.pk for c in criteria}
    return {
        f"score_{by_name[name]}": str(points)
        for name, points in reading.scores.items()
        if name in by_name
    }


@transaction.atomic
def import_readings(readings: list[Reading], *, campaign: Campaign, owner: User) -> list[Imported]:
    """Each valid reading kept as a draft, each in its own savepoint (`import_form`): a file
    that cannot be kept leaves nothing behind and does not stop the others. One commit for the
    batch: on PostgreSQL a durable commit (a WAL flush) costs more than reading a file."""
    results = []
    for reading in readings:
        if not reading.ok:
            results.append(Imported(reading))
            continue
        try:
            results.append(Imported(reading, import_form(reading, campaign=campaign, owner=owner)))
        except ImportRefused as refusal:
            results.append(Imported(reading, refusal=str(refusal)))
    return results
