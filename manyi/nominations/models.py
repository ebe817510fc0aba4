from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Organization
from manyi.campaigns.models import Campaign, Category, Criterion


class HonourLevel(models.TextChoices):
    """荣誉级别, as the rubrics grade honours."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省（市）级或行业系统"
    UNIT = "unit", "单位"


class NominationState(models.TextChoices):
    """Where a nomination stands. The moves between states are the table of workflow.py."""

    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed, awaiting recommendation")
    RETURNED = "returned", _("Returned for correction")
    ENDORSED = "endorsed", _("Recommended, awaiting formal check")
    CHECKED = "checked", _("Accepted after formal check")
    IN_REVIEW = "in_review", _("In review")
    SCORED = "scored", _("Scored")
    PROPOSED = "proposed", _("Proposed")
    ON_NOTICE = "on_notice", _("On public notice")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


EDITABLE_STATES = (NominationState.DRAFT, NominationState.RETURNED)


class Nomination(models.Model):
    """The filled form of one candidate (推荐表 / 申报表), of one of the six kinds.

    While a draft, `data` holds every input exactly as typed (nothing is lost on a validation
    error); filing validates it (services.file_nomination). The fields the seed locks after filing
    (申报备案后不予修改: 班组名称, 优质服务成果名称 and its members) are copied to `locked_name`
    and `locked_members`, which a database trigger keeps unchanged once `filed_at` is set.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="nominations"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="nominations"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=NominationState.choices, default=NominationState.DRAFT
    )
    title = models.CharField(_("candidate"), max_length=200, blank=True)
    data = models.JSONField(_("form data"), default=dict, blank=True)
    locked_name = models.CharField(_("name as filed"), max_length=200, blank=True)
    locked_members = models.JSONField(_("members as filed"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # 一次性告知: a filing returned for correction must be resubmitted by this day, or it is
    # not accepted (不予受理).
    correction_deadline = models.DateField(_("correction deadline"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    # 个人信息保护法: set once when the personal data is erased (manyi.privacy.erasure); the
    # locked-fields trigger lets that one UPDATE replace the members' names (migration 0004).
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            # The ranking of a category reads its nominations in a state by organization and
            # title from this index alone, never the rows (each holds a whole form).
            models.Index(
                fields=["category", "state", "organization", "title"], name="nomination_by_category"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="nomination_filed_has_date",
                condition=Q(state="draft") | Q(filed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.category} #{self.pk}"

    @property
    def kind(self) -> str:
        return self.category.kind

    @property
    def is_draft(self) -> bool:
        return self.state == NominationState.DRAFT

    @property
    def is_editable(self) -> bool:
        """A draft, or a filing returned for correction (退回修改)."""
        return self.state in EDITABLE_STATES


class Transition(models.Model):
    """One move of a nomination from a state to another: who, when, why. Never edited."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=40)
    source = models.CharField(_("from"), max_length=20, choices=NominationState.choices)
    target = models.CharField(_("to"), max_length=20, choices=NominationState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.source} → {self.target}"


class SelfScore(models.Model):
    """The applicant's own score of one criterion (自评), written when the nomination is filed."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="self_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("self-assessment score")
        verbose_name_plural = _("self-assessment scores")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "criterion"], name="self_score_once_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


# Files the review keeps from the applicant and recommender: the mystery visit's evidence.
CONFIDENTIAL_SLOTS = frozenset({"mystery_visit"})


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the user: the original name is kept in a field.
    return f"nominations/{instance.nomination_id}/{instance.slot}/{instance.token}"


class Attachment(models.Model):
    """An uploaded file of a nomination: a Word summary, a certificate scan, evidence."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments")
    slot = models.CharField(_("slot"), max_length=40)
    token = models.CharField(max_length=40, unique=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    file_kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    characters = models.PositiveIntegerField(_("characters"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Honour(models.Model):
    """何时、何地受过何种奖励（附复印件）: one past honour with its certificate scan."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="honours")
    awarded_on = models.DateField(_("date"))
    issuer = models.CharField(_("issuer"), max_length=200)
    name = models.CharField(_("honour"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=HonourLevel.choices)
    scan = models.OneToOneField(
        Attachment, on_delete=models.PROTECT, related_name="honour", verbose_name=_("scan")
    )

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["awarded_on", "pk"]

    def __str__(self) -> str:
        return f"{self.awarded_on:%Y-%m} {self.issuer} {self.name}"


class Signature(models.Model):
    """The acceptance of a form's commitments (郑重承诺) by one person typing their name."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="signatures")
    name = models.CharField(_("name"), max_length=100)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
