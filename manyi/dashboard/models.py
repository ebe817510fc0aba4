from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from manyi.campaigns.models import Campaign


class SentReminder(models.Model):
    """A deadline reminder sent to one person: kept so that a reminder goes out once, however
    often the scheduled task runs (reminders.send_reminders)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    deadline = models.CharField(_("deadline"), max_length=30)
    due_on = models.DateField(_("due on"))
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "campaign", "deadline", "due_on", "days_before"],
                name="reminder_sent_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.deadline} {self.due_on} (-{self.days_before})"
