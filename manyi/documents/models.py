"""The documents app's one table: the campaign archive jobs the secretariat starts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from manyi.campaigns.models import Campaign


class ArchiveState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ArchiveJob(models.Model):
    """One build of a campaign's archive (.zip of every filed form and attachment), run by the
    task worker; `done` of `total` nominations written so far."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ArchiveState.choices, default=ArchiveState.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    # Relative to MEDIA_ROOT (outside the web root): served only by the download view.
    path = models.CharField(_("file"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign archive")
        verbose_name_plural = _("campaign archives")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="archive_done_within_total", condition=Q(done__lte=models.F("total"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (ArchiveState.DONE, ArchiveState.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
