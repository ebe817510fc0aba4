from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Organization
from manyi.campaigns.models import Campaign, Category
from manyi.nominations.models import Attachment, Nomination


class Quota(models.Model):
    """推荐名额: how many nominations of a category a recommender may endorse in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="quotas")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="quotas")
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("recommendation quota")
        verbose_name_plural = _("recommendation quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "category"], name="quota_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.category}: {self.places}"


class Endorsement(models.Model):
    """推荐部门意见 (推荐意见 for a unit): the recommender's opinion, the responsible person's
    name, the sealed page, the conditions attested, and the recommender's ranking."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="endorsements"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("opinion"))
    signer = models.CharField(_("responsible person"), max_length=100)
    seal = models.OneToOneField(
        Attachment, on_delete=models.PROTECT, related_name="endorsement", verbose_name=_("seal")
    )
    attested = models.JSONField(_("conditions attested"), default=list, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"))
    at = models.DateTimeField(_("endorsed at"))
    withdrawn = models.BooleanField(default=False)  # superseded after a return for correction

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination"],
                condition=Q(withdrawn=False),
                name="one_current_endorsement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.nomination}"


class FormalCheck(models.Model):
    """The secretariat's formal check (形式审查), item by item. A return for correction lists
    everything missing at once (一次性告知) with the deadline for the correction."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="formal_checks"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("checked at"))
    form_complete = models.BooleanField(_("form complete"))
    seal_present = models.BooleanField(_("seal present"))
    attachments_present = models.BooleanField(_("attachments present"))
    eligibility_met = models.BooleanField(_("eligibility met"))
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    deadline = models.DateField(_("correction deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("formal check")
        verbose_name_plural = _("formal checks")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                name="returned_check_has_deadline",
                condition=Q(outcome="accepted") | Q(deadline__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination}: {self.get_outcome_display()}"
