"""The audit trail (审计日志): one append-only row per change of a nomination, score, review,
decision or rubric, and per login event.

Rows are written only by `manyi.audit.record` (from the services, inside their transaction) and
by the login receivers. Nothing updates them: a database trigger (migration
0002_append_only_trigger) refuses every UPDATE and the DELETE of rows younger than
`triggers.MINIMUM_RETENTION_DAYS`; `manage.py prune_audit` deletes older ones.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # No database constraint and no cascade: a user removed later leaves their events whole
    # (the trigger refuses the UPDATE a SET_NULL would make); `actor_name` keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    nomination_id = models.BigIntegerField(_("nomination id"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name or '-'} {self.action}"

    @property
    def who(self) -> str:
        return self.actor_name or str(_("anonymous"))
