"""Working days (工作日) for the public notice of proposed winners (公示).

The notice runs for N working days ("公示期 N 个工作日"; the secretariat's default is
NOTICE_WORKING_DAYS = 5). A working day is Monday to Friday unless it is a public holiday
(法定节假日), plus the weekend days the State Council makes working days to bridge a holiday
(调休上班). The calendar is plain data: one YAML file a year under data/calendar/, copied from
国务院办公厅关于…年部分节假日安排的通知. This module is pure Python (no Django); the
secretariat's calendar model, when it comes, hands its dates to WorkCalendar.

Counting convention: the start day is working day 1 when it is a working day; otherwise day 1 is
the next working day. So a 5-working-day notice starting Monday 2018-07-16, with no holiday in
between, runs 2018-07-16 to Friday 2018-07-20, both days included.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

NOTICE_WORKING_DAYS = 5
CALENDAR_DIR = Path(__file__).resolve().parents[2] / "data" / "calendar"
WEEKEND = (5, 6)  # date.weekday(): Saturday, Sunday
ONE_DAY = timedelta(days=1)


def _iso(days: Iterable[date]) -> str:
    return "、".join(day.isoformat() for day in sorted(days))


@dataclass(frozen=True)
class WorkCalendar:
    """Public holidays (any day of the week) and make-up working days (weekend days, 调休上班)."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable of dates, but keep the frozen, hashable sets the type promises.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"{_iso(both)} 既列为节假日又列为调休上班日，只能是其中一种。")

    def is_working_day(self, day: date) -> bool:
        """Mon–Fri unless a holiday; Saturday and Sunday only when a make-up working day."""
        if day.weekday() in WEEKEND:
            return day in self.workdays
        return day not in self.holidays

    def __or__(self, other: WorkCalendar) -> WorkCalendar:
        """Both calendars at once (e.g. 2018 | 2019); a date one holds off and the other on is
        refused as at construction."""
        return WorkCalendar(self.holidays | other.holidays, self.workdays | other.workdays)


def _first_working_day(day: date, calendar: WorkCalendar) -> date:
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(start: date, n: int, calendar: WorkCalendar) -> date:
    """The date of the n-th working day, counting `start` as day 1 if it is a working day.

    For a notice of 公示期 N 个工作日 starting on `start`, add_working_days(start, N, calendar) is
    its last day, included. If `start` is not a working day (a weekend, a holiday), day 1 is the
    next working day. Examples, no holidays: Monday 2018-07-16, n=5 → Friday 2018-07-20;
    Friday 2018-07-20, n=5 → Thursday 2018-07-26; Saturday 2018-07-21, n=1 → Monday 2018-07-23.

    n must be a whole number >= 1; ValueError otherwise.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"工作日数应为不小于 1 的整数，收到 {n!r}。")
    day = _first_working_day(start, calendar)
    for _ in range(n - 1):
        day = _first_working_day(day + ONE_DAY, calendar)
    return day


def working_days_between(first: date, last: date, calendar: WorkCalendar) -> int:
    """How many working days from `first` to `last`, both included (0 when last < first)."""
    count = 0
    day = first
    while day <= last:
        count += calendar.is_working_day(day)
        day += ONE_DAY
    return count


def notice_period(start: date, working_days: int, calendar: WorkCalendar) -> tuple[date, date]:
    """(first, last) working day of a notice of `working_days` working days from `start`.

    `first` is `start` itself when it is a working day, else the next one; both ends included.
    """
    last = add_working_days(start, working_days, calendar)
    return _first_working_day(start, calendar), last


def _days(entries: Any, key: str, year: int) -> set[date]:
    """The dates of the `holidays` or `workdays` list: [{name, days: [dates]}, ...]."""
    if entries is None:
        return set()
    if not isinstance(entries, list):
        raise ValueError(f"{key} 应为列表（每项含 name 和 days）。")
    found: set[date] = set()
    for entry in entries:
        if not isinstance(entry, Mapping) or not entry.get("name") or "days" not in entry:
            raise ValueError(f"{key} 的每一项应有 name 和 days：{entry!r}")
        name = entry["name"]
        days = entry["days"]
        if not isinstance(days, list) or not days:
            raise ValueError(f"{key}“{name}”的 days 应为非空的日期列表。")
        for day in days:
            # YAML reads 2018-02-15 as a date; a quoted or malformed one stays text.
            if isinstance(day, datetime.datetime) or not isinstance(day, date):
                raise ValueError(f"{key}“{name}”中的 {day!r} 不是日期（应写作 2018-02-15）。")
            if day.year != year:
                raise ValueError(f"{key}“{name}”中的 {day.isoformat()} 不在 {year} 年。")
            if day in found:
                raise ValueError(f"{key} 中 {day.isoformat()} 重复列出。")
            found.add(day)
    return found


def load_calendar(data: Mapping[str, Any]) -> WorkCalendar:
    """The calendar of one data/calendar/<year>.yaml, already parsed.

    ``{year, source, holidays: [{name, days}], workdays: [{name, days}]}``; every date must lie
    in `year`, and every workday (调休上班) must be a Saturday or Sunday.
    """
    if not isinstance(data, Mapping):
        raise ValueError("节假日安排应为 YAML 映射（year、source、holidays、workdays）。")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"year 应为年份整数，收到 {year!r}。")
    holidays = _days(data.get("holidays"), "holidays", year)
    workdays = _days(data.get("workdays"), "workdays", year)
    weekdays = {day for day in workdays if day.weekday() not in WEEKEND}
    if weekdays:
        raise ValueError(f"调休上班日应为周六或周日：{_iso(weekdays)} 不是。")
    return WorkCalendar(frozenset(holidays), frozenset(workdays))


def read_calendar_file(path: str | Path) -> WorkCalendar:
    """load_calendar() of a YAML file, e.g. CALENDAR_DIR / "2018.yaml"."""
    return load_calendar(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
