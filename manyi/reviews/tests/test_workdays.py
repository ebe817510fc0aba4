from datetime import date, timedelta

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from manyi.reviews.workdays import (
    CALENDAR_DIR,
    NOTICE_WORKING_DAYS,
    WorkCalendar,
    add_working_days,
    load_calendar,
    notice_period,
    read_calendar_file,
    working_days_between,
)

NONE = WorkCalendar(frozenset(), frozenset())
CAL_2018 = read_calendar_file(CALENDAR_DIR / "2018.yaml")
CAL_2019 = read_calendar_file(CALENDAR_DIR / "2019.yaml")
BOTH = CAL_2018 | CAL_2019


def span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def d(text: str) -> date:
    return date.fromisoformat(text)


# The State Council's notices, typed a second way (as ranges) to check the YAML against.
EXPECTED = {
    2018: {
        "holidays": {d("2018-01-01"), d("2018-06-18"), d("2018-09-24")}
        | span(d("2018-02-15"), d("2018-02-21"))
        | span(d("2018-04-05"), d("2018-04-07"))
        | span(d("2018-04-29"), d("2018-05-01"))
        | span(d("2018-10-01"), d("2018-10-07"))
        | span(d("2018-12-30"), d("2018-12-31")),
        "workdays": {
            d("2018-02-11"),
            d("2018-02-24"),
            d("2018-04-08"),
            d("2018-04-28"),
            d("2018-09-29"),
            d("2018-09-30"),
            d("2018-12-29"),
        },
    },
    2019: {
        "holidays": {d("2019-01-01"), d("2019-04-05"), d("2019-06-07"), d("2019-09-13")}
        | span(d("2019-02-04"), d("2019-02-10"))
        | span(d("2019-05-01"), d("2019-05-04"))
        | span(d("2019-10-01"), d("2019-10-07")),
        "workdays": {
            d("2019-02-02"),
            d("2019-02-03"),
            d("2019-04-28"),
            d("2019-05-05"),
            d("2019-09-29"),
            d("2019-10-12"),
        },
    },
}


# --- no holidays ---------------------------------------------------------------------------


def test_five_days_from_monday_end_on_friday():
    assert add_working_days(d("2018-07-16"), 5, NONE) == d("2018-07-20")


def test_five_days_from_friday_end_on_thursday_across_the_weekend():
    assert add_working_days(d("2018-07-20"), 5, NONE) == d("2018-07-26")


def test_saturday_start_makes_monday_day_one():
    assert add_working_days(d("2018-07-21"), 1, NONE) == d("2018-07-23")
    assert add_working_days(d("2018-07-21"), 5, NONE) == d("2018-07-27")
    assert notice_period(d("2018-07-21"), 5, NONE) == (d("2018-07-23"), d("2018-07-27"))


def test_one_day_from_a_working_day_is_that_day():
    assert add_working_days(d("2018-07-18"), 1, NONE) == d("2018-07-18")
    assert notice_period(d("2018-07-18"), 1, NONE) == (d("2018-07-18"), d("2018-07-18"))


def test_default_notice_is_five_working_days():
    assert NOTICE_WORKING_DAYS == 5
    assert notice_period(d("2018-07-16"), NOTICE_WORKING_DAYS, NONE) == (
        d("2018-07-16"),
        d("2018-07-20"),
    )


@pytest.mark.parametrize("n", [0, -1, -30, True, 1.5, 5.0, "5", None])
def test_refuses_what_is_not_a_whole_number_of_at_least_one(n):
    with pytest.raises(ValueError) as error:
        add_working_days(d("2018-07-16"), n, NONE)
    assert str(error.value) == f"工作日数应为不小于 1 的整数，收到 {n!r}。"
    with pytest.raises(ValueError):
        notice_period(d("2018-07-16"), n, NONE)


# --- the 2018 and 2019 calendars -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2018-07-16", True),  # Monday
        ("2018-07-21", False),  # Saturday
        ("2018-10-01", False),  # Monday, 国庆节
        ("2018-10-06", False),  # Saturday, 国庆节
        ("2018-09-29", True),  # Saturday, 国庆节调休
        ("2018-09-30", True),  # Sunday, 国庆节调休
        ("2018-04-28", True),  # Saturday, 劳动节调休
        ("2018-12-29", True),  # Saturday, 2019年元旦调休
        ("2018-12-31", False),  # Monday, 2019年元旦
    ],
)
def test_is_working_day_in_2018(day, working):
    assert CAL_2018.is_working_day(d(day)) is working


def test_notice_across_national_day_2018_counts_the_make_up_weekend():
    # 9/28 Fri, 9/29 Sat (调休), 9/30 Sun (调休), 10/1–10/7 国庆节, 10/8 Mon, 10/9 Tue.
    assert add_working_days(d("2018-09-28"), 5, CAL_2018) == d("2018-10-09")
    assert notice_period(d("2018-09-28"), 5, CAL_2018) == (d("2018-09-28"), d("2018-10-09"))
    assert working_days_between(d("2018-09-28"), d("2018-10-09"), CAL_2018) == 5


def test_without_the_calendar_the_same_notice_ends_earlier():
    assert add_working_days(d("2018-09-28"), 5, NONE) == d("2018-10-04")


def test_notice_starting_on_a_holiday_begins_after_it():
    assert notice_period(d("2018-10-01"), 5, CAL_2018) == (d("2018-10-08"), d("2018-10-12"))


def test_notice_across_labour_day_2018_counts_saturday_april_28():
    # 4/27 Fri, 4/28 Sat (调休), 4/29–5/1 劳动节, 5/2 Wed, 5/3 Thu.
    assert add_working_days(d("2018-04-27"), 3, CAL_2018) == d("2018-05-02")
    assert add_working_days(d("2018-04-27"), 4, CAL_2018) == d("2018-05-03")
    assert add_working_days(d("2018-04-28"), 1, CAL_2018) == d("2018-04-28")
    assert add_working_days(d("2018-04-26"), 5, CAL_2018) == d("2018-05-03")


def test_notice_across_new_year_2019_needs_both_files():
    # 12/28 Fri, 12/29 Sat (调休), 12/30–1/1 元旦, 1/2 Wed.
    assert add_working_days(d("2018-12-28"), 3, BOTH) == d("2019-01-02")
    assert add_working_days(d("2018-12-28"), 3, CAL_2018) == d("2019-01-01")


def test_notice_across_labour_day_2019_follows_the_adjusted_schedule():
    # 4/28 Sun (调休), 4/29 Mon, 4/30 Tue, 5/1–5/4 劳动节, 5/5 Sun (调休), 5/6 Mon.
    assert add_working_days(d("2019-04-28"), 5, CAL_2019) == d("2019-05-06")


# --- counting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "count"),
    [
        ("2018-07-16", "2018-07-16", 1),  # one working day, both ends included
        ("2018-07-16", "2018-07-20", 5),
        ("2018-07-16", "2018-07-23", 6),
        ("2018-07-21", "2018-07-22", 0),  # a weekend
        ("2018-07-21", "2018-07-23", 1),
        ("2018-07-20", "2018-07-16", 0),  # last before first: nothing
    ],
)
def test_working_days_between_counts_both_ends(first, last, count):
    assert working_days_between(d(first), d(last), NONE) == count


def test_working_days_between_uses_the_calendar():
    assert working_days_between(d("2018-10-01"), d("2018-10-07"), CAL_2018) == 0
    assert working_days_between(d("2018-09-29"), d("2018-09-30"), CAL_2018) == 2
    # 2018: 365 days, 104 of them Saturday or Sunday, 18 holidays on weekdays
    # (1/1; 2/15, 2/16, 2/19–2/21; 4/5, 4/6; 4/30, 5/1; 6/18; 9/24; 10/1–10/5; 12/31),
    # 7 make-up working days: 365 - 104 - 18 + 7.
    assert working_days_between(d("2018-01-01"), d("2018-12-31"), CAL_2018) == 250


# --- the calendar itself ------------------------------------------------------------------------


def test_a_date_both_holiday_and_workday_is_refused():
    with pytest.raises(ValueError) as error:
        WorkCalendar(frozenset({d("2018-09-29")}), frozenset({d("2018-09-29")}))
    assert str(error.value) == "2018-09-29 既列为节假日又列为调休上班日，只能是其中一种。"


def test_combining_calendars_refuses_a_date_on_both_sides():
    off = WorkCalendar(frozenset({d("2018-09-29")}), frozenset())
    with pytest.raises(ValueError):
        off | CAL_2018


def test_calendar_is_frozen_and_keeps_frozensets():
    calendar = WorkCalendar({d("2018-10-01")}, [d("2018-09-29")])
    assert calendar.holidays == frozenset({d("2018-10-01")})
    assert isinstance(calendar.workdays, frozenset)
    with pytest.raises(AttributeError):
        calendar.holidays = frozenset()  # type: ignore[misc]


# --- properties -------------------------------------------------------------------------------

starts = st.dates(min_value=date(2017, 12, 1), max_value=date(2019, 12, 31))
counts = st.integers(min_value=1, max_value=30)


@given(start=starts, n=counts, calendar=st.sampled_from([NONE, CAL_2018, CAL_2019, BOTH]))
def test_the_nth_working_day_is_n_working_days_from_the_start(start, n, calendar):
    end = add_working_days(start, n, calendar)
    first, last = notice_period(start, n, calendar)
    assert last == end
    assert calendar.is_working_day(first)
    assert calendar.is_working_day(end)
    assert working_days_between(start, end, calendar) == n
    assert working_days_between(first, end, calendar) == n
    assert working_days_between(start, first, calendar) == 1


@st.composite
def calendars(draw):
    window = st.dates(min_value=date(2018, 1, 1), max_value=date(2018, 3, 31))
    holidays = draw(st.frozensets(window, max_size=40))
    weekends = window.filter(lambda day: day.weekday() >= 5 and day not in holidays)
    return WorkCalendar(holidays, draw(st.frozensets(weekends, max_size=10)))


@given(
    calendar=calendars(),
    start=st.dates(min_value=date(2017, 12, 1), max_value=date(2018, 4, 30)),
    n=counts,
)
def test_the_property_holds_for_any_calendar(calendar, start, n):
    end = add_working_days(start, n, calendar)
    assert calendar.is_working_day(end)
    assert working_days_between(start, end, calendar) == n
    assert add_working_days(end, 1, calendar) == end


# --- the YAML files ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2018, 2019])
def test_calendar_file_matches_the_state_council_notice(year):
    calendar = read_calendar_file(CALENDAR_DIR / f"{year}.yaml")
    assert calendar.holidays == EXPECTED[year]["holidays"]
    assert calendar.workdays == EXPECTED[year]["workdays"]


@pytest.mark.parametrize("year", [2018, 2019])
def test_calendar_file_is_well_formed(year):
    data = yaml.safe_load((CALENDAR_DIR / f"{year}.yaml").read_text(encoding="utf-8"))
    assert data["year"] == year
    assert data["source"].startswith(f"国务院办公厅关于{year}年部分节假日安排的通知")
    holidays = [day for entry in data["holidays"] for day in entry["days"]]
    workdays = [day for entry in data["workdays"] for day in entry["days"]]
    assert all(isinstance(day, date) and day.year == year for day in holidays + workdays)
    # Holidays may fall on any day; make-up working days are only ever a Saturday or Sunday.
    assert [day for day in workdays if day.weekday() < 5] == []
    assert len(set(holidays)) == len(holidays)
    assert set(holidays).isdisjoint(workdays)


# --- load_calendar ----------------------------------------------------------------------------


def test_load_calendar_reads_the_structure():
    calendar = load_calendar(
        {
            "year": 2018,
            "source": "test",
            "holidays": [{"name": "国庆节", "days": [date(2018, 10, 1), date(2018, 10, 2)]}],
            "workdays": [{"name": "国庆节调休", "days": [date(2018, 9, 29)]}],
        }
    )
    assert calendar == WorkCalendar(
        frozenset({date(2018, 10, 1), date(2018, 10, 2)}), frozenset({date(2018, 9, 29)})
    )


def test_load_calendar_without_workdays():
    data = {"year": 2018, "holidays": [{"name": "元旦", "days": [d("2018-01-01")]}]}
    assert load_calendar(data) == WorkCalendar(frozenset({d("2018-01-01")}), frozenset())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"year": 2018, "workdays": [{"name": "调休", "days": [date(2018, 9, 28)]}]},
            "调休上班日应为周六或周日：2018-09-28 不是。",
        ),
        (
            {"year": 2018, "holidays": [{"name": "元旦", "days": [date(2019, 1, 1)]}]},
            "holidays“元旦”中的 2019-01-01 不在 2018 年。",
        ),
        (
            {"year": 2018, "holidays": [{"name": "元旦", "days": ["2018-1-1"]}]},
            "holidays“元旦”中的 '2018-1-1' 不是日期（应写作 2018-02-15）。",
        ),
        (
            {
                "year": 2018,
                "holidays": [
                    {"name": "国庆节", "days": [date(2018, 10, 1)]},
                    {"name": "又一个", "days": [date(2018, 10, 1)]},
                ],
            },
            "holidays 中 2018-10-01 重复列出。",
        ),
        (
            {"year": 2018, "holidays": [{"name": "国庆节", "days": []}]},
            "holidays“国庆节”的 days 应为非空的日期列表。",
        ),
        ({"holidays": []}, "year 应为年份整数，收到 None。"),
        (
            {
                "year": 2018,
                "holidays": [{"name": "国庆节", "days": [date(2018, 9, 29)]}],
                "workdays": [{"name": "国庆节调休", "days": [date(2018, 9, 29)]}],
            },
            "2018-09-29 既列为节假日又列为调休上班日，只能是其中一种。",
        ),
    ],
)
def test_load_calendar_refuses_bad_data(data, message):
    with pytest.raises(ValueError) as error:
        load_calendar(data)
    assert str(error.value) == message


def test_read_calendar_file(tmp_path):
    path = tmp_path / "2018.yaml"
    path.write_text(
        "year: 2018\nsource: 测试\nholidays:\n  - name: 端午节\n    days: [2018-06-18]\n"
        "workdays:\n  - name: 调休\n    days: [2018-04-28]\n",
        encoding="utf-8",
    )
    assert read_calendar_file(path) == WorkCalendar(
        frozenset({d("2018-06-18")}), frozenset({d("2018-04-28")})
    )
