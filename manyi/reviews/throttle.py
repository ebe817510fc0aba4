"""How often the public may post an objection (异议): a fixed window counted in Django's cache.

The objection form needs no login, so a robot could fill the secretariat's queue (and the
media folder) with it. Per address: at most OBJECTION_POSTS_PER_IP posts an hour, refused or not
(each one checks uploaded files). Per contact (the phone or e-mail given): at most
OBJECTION_LODGED_PER_CONTACT objections lodged a day. Counted in the default cache: with several
app servers configure a shared one (README, Production), or each server counts on its own.
"""

import datetime
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

OBJECTION_POSTS_PER_IP = 10
OBJECTION_IP_WINDOW = 60 * 60  # seconds
OBJECTION_LODGED_PER_CONTACT = 3
OBJECTION_CONTACT_WINDOW = 24 * 60 * 60


@dataclass(frozen=True)
class Limited:
    """A refusal: when the person may try again."""

    retry_at: datetime.datetime

    @property
    def message(self) -> str:
        minutes = max(1, round((self.retry_at - timezone.now()).total_seconds() / 60))
        at = timezone.localtime(self.retry_at).strftime("%H:%M")
        return (
            f"提交过于频繁，请在 {minutes} 分钟后（{at} 以后）再提交；"
            "您填写的内容已保留在下方，证明材料需要重新选择。"
        )


def _key(scope: str, who: str) -> str:
    return f"manyi:throttle:{scope}:{who.strip().lower()}"


def _window(key: str, window: int) -> tuple[int, float]:
    """The count and start of the current window of `key` (a fresh window when it ended)."""
    count, start = cache.get(key, (0, 0.0))
    if time.time() - start >= window:
        return 0, time.time()
    return count, start


def _refusal(start: float, window: int) -> Limited:
    return Limited(retry_at=datetime.datetime.fromtimestamp(start + window, tz=datetime.UTC))


def check(scope: str, who: str, *, limit: int, window: int) -> Limited | None:
    """Refused when `who` has used up `limit` in the current window of `scope`."""
    count, start = _window(_key(scope, who), window)
    return _refusal(start, window) if count >= limit else None


def hit(scope: str, who: str, *, window: int) -> None:
    """Count one use of `scope` by `who`."""
    key = _key(scope, who)
    count, start = _window(key, window)
    cache.set(key, (count + 1, start), timeout=int(start + window - time.time()) + 1)


def objection_post(ip: str) -> Limited | None:
    """Count a post of the objection form from `ip`; refused above the hourly limit."""
    refused = check("objection-ip", ip, limit=OBJECTION_POSTS_PER_IP, window=OBJECTION_IP_WINDOW)
    if refused is None:
        hit("objection-ip", ip, window=OBJECTION_IP_WINDOW)
    return refused


def objection_contact(contact: str) -> Limited | None:
    """Refused when `contact` has lodged the daily number of objections already."""
    return check(
        "objection-contact",
        contact,
        limit=OBJECTION_LODGED_PER_CONTACT,
        window=OBJECTION_CONTACT_WINDOW,
    )


def objection_lodged(contact: str) -> None:
    hit("objection-contact", contact, window=OBJECTION_CONTACT_WINDOW)
