from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from manyi.nominations.models import Nomination
from manyi.privacy.consents import Purpose


class Consent(models.Model):
    """One consent given by a person for one purpose: who, to which text (version and words),
    when, from where; withdrawn when. Kept as proof after erasure, with the person anonymized.
    Never edited except to record a withdrawal or the anonymization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    person_name = models.CharField(_("name"), max_length=100, blank=True)
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        related_name="consents",
        null=True,
        blank=True,
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    text = models.TextField(_("text"))
    given_at = models.DateTimeField(_("given at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at", "pk"]
        indexes = [models.Index(fields=["nomination", "purpose"])]
        constraints = [
            models.CheckConstraint(
                name="consent_filing_has_nomination",
                condition=Q(purpose=Purpose.REGISTRATION) | Q(nomination__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["nomination", "purpose"],
                condition=Q(withdrawn_at__isnull=True, nomination__isnull=False),
                name="one_active_consent_per_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.given_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
