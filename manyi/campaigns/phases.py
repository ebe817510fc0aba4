"""Deadlines: when a kind of filing is accepted. One place for the windows and their messages.

Every date is inclusive and read in the campaign's time zone (Asia/Shanghai): a window that closes
on 5月31日 accepts filings until 23:59:59 that day. The coaching request has its own deadline
(附件7 "请于5月15日前反馈"); every other kind is filed in the campaign's filing window. The
secretariat extends a window by changing the campaign's dates in the admin.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.campaigns.models import Campaign, CategoryKind


def filing_window(campaign: Campaign, kind: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day on which a nomination of `kind` may be filed."""
    if kind == CategoryKind.COACHING_REQUEST:
        return campaign.filing_opens, campaign.coaching_request_deadline
    return campaign.filing_opens, campaign.filing_closes


def today() -> datetime.date:
    return timezone.localdate()


def check_filing_open(campaign: Campaign, kind: str, on: datetime.date | None = None) -> None:
    """Refuse filing outside the window, with the dates in the message."""
    on = on or today()
    opens, closes = filing_window(campaign, kind)
    if on < opens:
        raise ValidationError(
            _("Filing opens on %(opens)s; it is not open yet.") % {"opens": chinese_date(opens)},
            code="filing_not_open",
        )
    if on > closes:
        raise ValidationError(
            _("The deadline was %(closes)s; filing is closed.") % {"closes": chinese_date(closes)},
            code="filing_closed",
        )


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
