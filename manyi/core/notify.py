"""Telling people: in the application, by e-mail now, or by e-mail once the secretariat
releases it (the outbox). One place, so every message goes the same way."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from manyi.core.models import Notification, OutboxMessage

SUBJECT_PREFIX = "【用户满意服务评选】"
logger = logging.getLogger(__name__)


def _send(subject: str, body: str, address: str) -> None:
    """Send one e-mail after the data is committed; a mail server's failure is logged and
    never undoes or breaks the work it reports."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        logger.exception("e-mail to %s failed: %s", address, subject)


def tell(
    users: Iterable, message: str, *, link: str = "", email: bool = True, hold: bool = False
) -> None:
    """Notify each user in the application and, if they have an address, by e-mail: at once
    (after the transaction commits), or held in the outbox when `hold`."""
    for user in users:
        Notification.objects.create(user=user, message=message, link=link)
        if not (email and user.email):
            continue
        subject = SUBJECT_PREFIX + message[:60]
        body = f"{user.display_name or user.username}，您好：\n\n{message}\n"
        if link:
            body += f"\n查看：{link}\n"
        if hold:
            OutboxMessage.objects.create(recipient=user, subject=subject, body=body)
        else:
            address = user.email
            transaction.on_commit(lambda s=subject, b=body, a=address: _send(s, b, a))


@transaction.atomic
def release(messages: Iterable[OutboxMessage], *, by) -> int:
    """Send held e-mails and record who released them; each is sent once."""
    count = 0
    for message in messages:
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.released_at is not None:
            continue
        message.released_at = timezone.now()
        message.released_by = by
        message.save(update_fields=["released_at", "released_by"])
        recipient = message.recipient.email
        transaction.on_commit(lambda m=message, r=recipient: _send(m.subject, m.body, r))
        count += 1
    return count


def mark_read(user) -> None:
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
