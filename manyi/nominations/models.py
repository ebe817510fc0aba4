from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Organization
from manyi.campaigns.models import Campaign, Category


class NominationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed")


class Nomination(models.Model):
    """The filled form of one candidate (推荐表 / 申报表).

    The filing issue adds the forms' fields; the review issue adds the later states.
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
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="nomination_filed_has_date",
                condition=models.Q(state="draft") | models.Q(filed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} #{self.pk}"
