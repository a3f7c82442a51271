"""Tests for the statutory holiday table, working-day arithmetic and lunar festival dates."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import date, datetime, timedelta
from importlib import resources

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinxiao.reference.calendar import (
    CalendarOutOfRange,
    HolidayPeriod,
    HolidayRow,
    add_workdays,
    build_holiday_table,
    covered_years,
    dragon_boat,
    format_holiday_csv,
    holiday_name,
    holiday_periods,
    holiday_rows,
    is_holiday,
    is_workday,
    lantern_festival,
    lunar_aligned,
    mid_autumn,
    parse_holiday_csv,
    spring_festival,
    workday_deadline,
    workdays_between,
)

FIRST, LAST = covered_years()[0], covered_years()[-1]
FESTIVALS = {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}


def _shipped_csv() -> str:
    return resources.files("xinxiao.reference").joinpath("data", "holidays.csv").read_text("utf-8")


def test_shipped_table_matches_chinesecalendar() -> None:
    """Drift check: every year chinesecalendar knows must match the shipped CSV row for row."""
    built = build_holiday_table()
    built_years = {row.year for row in built}
    shipped = [row for row in holiday_rows() if row.year in built_years]
    assert shipped == built
    assert built_years <= set(covered_years())


def test_shipped_csv_is_in_canonical_form() -> None:
    assert _shipped_csv() == format_holiday_csv(holiday_rows())


def test_covered_years() -> None:
    assert covered_years() == range(2004, LAST + 1)
    assert LAST >= 2026


def test_is_workday_agrees_with_chinesecalendar_on_every_covered_day() -> None:
    day, end = date(FIRST, 1, 1), date(LAST + 1, 1, 1)
    while day < end:
        assert is_workday(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_table_names_are_the_notices_names() -> None:
    special = "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"
    assert {row.name for row in holiday_rows()} == FESTIVALS | {special}
    assert {row.day for row in holiday_rows() if row.name == special} == {
        date(2015, 9, 3),
        date(2015, 9, 4),
        date(2015, 9, 6),
    }


def test_notice_year_differs_only_for_december_new_year() -> None:
    moved = [row for row in holiday_rows() if row.year != row.day.year]
    assert moved
    assert all(row.name == "元旦" and row.day.month == 12 and row.year == row.day.year + 1 for row in moved)


@pytest.mark.parametrize(
    ("day", "workday", "name"),
    [
        (date(2024, 2, 10), False, "春节"),
        (date(2024, 2, 4), True, None),  # Sunday, 调休 workday before 春节
        (date(2024, 2, 18), True, None),  # Sunday, 调休 workday after 春节
        (date(2024, 2, 9), True, None),  # 除夕 2024 was still a working day
        (date(2025, 1, 28), False, "春节"),  # 除夕 is a statutory holiday from 2025 on
        (date(2025, 1, 26), True, None),
        (date(2025, 2, 8), True, None),
        (date(2024, 10, 1), False, "国庆节"),
        (date(2024, 10, 7), False, "国庆节"),
        (date(2024, 10, 8), True, None),
        (date(2024, 9, 29), True, None),
        (date(2024, 10, 12), True, None),
        (date(2024, 6, 8), False, "端午节"),  # plain Saturday joined to 端午 ("与周末连休")
        (date(2024, 3, 2), False, None),  # plain Saturday
        (date(2024, 3, 4), True, None),  # plain Monday
        (date(2023, 12, 31), False, "元旦"),  # belongs to the 2024 notice
        (date(2025, 10, 6), False, "国庆节、中秋节"),
        (date(2026, 2, 15), False, "春节"),
        (date(2026, 2, 28), True, None),
    ],
)
def test_known_days(day: date, workday: bool, name: str | None) -> None:
    assert is_workday(day) is workday
    assert is_holiday(day) is not workday
    assert holiday_name(day) == name


def _periods(year: int) -> list[tuple[str, date, date, int]]:
    return [(p.name, p.first, p.last, p.days) for p in holiday_periods(year)]


def test_holiday_periods_2024() -> None:
    assert _periods(2024) == [
        ("元旦", date(2023, 12, 30), date(2024, 1, 1), 3),
        ("春节", date(2024, 2, 10), date(2024, 2, 17), 8),
        ("清明节", date(2024, 4, 4), date(2024, 4, 6), 3),
        ("劳动节", date(2024, 5, 1), date(2024, 5, 5), 5),
        ("端午节", date(2024, 6, 8), date(2024, 6, 10), 3),
        ("中秋节", date(2024, 9, 15), date(2024, 9, 17), 3),
        ("国庆节", date(2024, 10, 1), date(2024, 10, 7), 7),
    ]


def test_holiday_periods_2025() -> None:
    assert _periods(2025) == [
        ("元旦", date(2025, 1, 1), date(2025, 1, 1), 1),
        ("春节", date(2025, 1, 28), date(2025, 2, 4), 8),
        ("清明节", date(2025, 4, 4), date(2025, 4, 6), 3),
        ("劳动节", date(2025, 5, 1), date(2025, 5, 5), 5),
        ("端午节", date(2025, 5, 31), date(2025, 6, 2), 3),
        ("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8), 8),
    ]


def test_holiday_period_split_by_a_weekend_is_one_period() -> None:
    dragon = [p for p in holiday_periods(2015) if p.name == "端午节"]
    assert dragon == [HolidayPeriod("端午节", date(2015, 6, 20), date(2015, 6, 22))]


@pytest.mark.parametrize("year", list(covered_years()))
def test_holiday_periods_are_disjoint_days_off(year: int) -> None:
    periods = holiday_periods(year)
    assert all(a.last < b.first for a, b in itertools.pairwise(periods))
    for period in periods:
        days = [period.first + timedelta(i) for i in range(period.days)]
        assert not any(is_workday(d) for d in days if d.year in covered_years())
    assert {"元旦", "春节", "劳动节"} <= {n for p in periods for n in p.name.split("、")}


@pytest.mark.parametrize("year", list(covered_years()))
def test_lunar_festivals_fall_in_the_table_holidays(year: int) -> None:
    assert holiday_name(spring_festival(year)) == "春节"
    if year >= 2008:  # 端午 and 中秋 became statutory holidays in 2008
        assert holiday_name(dragon_boat(year)) == "端午节"
        assert is_holiday(mid_autumn(year))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 9, 30), 1, date(2024, 10, 8)),  # across 国庆
        (date(2024, 9, 27), 1, date(2024, 9, 29)),  # onto the 调休 Sunday
        (date(2024, 9, 27), 3, date(2024, 10, 8)),
        (date(2024, 10, 1), 0, date(2024, 10, 8)),  # n=0 on a holiday rolls forward
        (date(2024, 10, 8), 0, date(2024, 10, 8)),  # n=0 on a workday stays
        (date(2024, 10, 3), 1, date(2024, 10, 9)),  # rolls to 10-08, then one more
        (date(2024, 10, 8), -1, date(2024, 9, 30)),
        (date(2024, 10, 5), -1, date(2024, 9, 30)),
        (date(2025, 1, 27), 1, date(2025, 2, 5)),  # across 春节 2025
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 2, 7), 1, date(2025, 2, 8)),  # onto the 调休 Saturday
        (date(2024, 2, 8), 1, date(2024, 2, 9)),
        (date(2024, 2, 9), 1, date(2024, 2, 18)),
        (date(2024, 3, 1), 5, date(2024, 3, 8)),
        (date(2024, 3, 2), 5, date(2024, 3, 11)),
    ],
)
def test_add_workdays(start: date, n: int, expected: date) -> None:
    assert add_workdays(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2024, 9, 28), date(2024, 10, 9), 3),
        (date(2024, 10, 9), date(2024, 9, 28), -3),
        (date(2024, 10, 1), date(2024, 10, 8), 0),
        (date(2024, 10, 8), date(2024, 10, 8), 0),
        (date(2025, 1, 27), date(2025, 2, 6), 2),  # 1-27 and 2-05; the end day is not counted
        (date(2024, 1, 1), date(2025, 1, 1), 251),  # 262 weekdays - 19 holidays + 8 调休 days
        (date(2025, 1, 1), date(2026, 1, 1), 248),  # 261 - 18 + 5
        (date(2026, 1, 1), date(2027, 1, 1), 248),  # 261 - 19 + 6; the end may be the day after the table
    ],
)
def test_workdays_between(start: date, end: date, count: int) -> None:
    assert workdays_between(start, end) == count


def test_workdays_in_the_last_covered_year() -> None:
    end = date(LAST + 1, 1, 1)
    naive = sum(is_workday(date(LAST, 1, 1) + timedelta(i)) for i in range((end - date(LAST, 1, 1)).days))
    assert workdays_between(date(LAST, 1, 1), end) == naive


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 9, 28), 1, date(2024, 9, 29)),  # received Saturday: first workday after it
        (date(2024, 9, 30), 1, date(2024, 10, 8)),
        (date(2024, 9, 30), 7, date(2024, 10, 15)),  # 10-08 … 10-11, the 调休 Saturday 10-12, 10-14, 10-15
        (date(2025, 1, 25), 7, date(2025, 2, 10)),  # 1-26, 1-27, 2-05, 2-06, 2-07, 2-08, 2-10
    ],
)
def test_workday_deadline(start: date, n: int, expected: date) -> None:
    assert workday_deadline(start, n) == expected
    assert workdays_between(start + timedelta(1), expected + timedelta(1)) == n


def test_workday_deadline_needs_a_positive_count() -> None:
    with pytest.raises(ValueError, match="at least one"):
        workday_deadline(date(2024, 1, 2), 0)


OUT_OF_RANGE_CALLS = [
    lambda: is_workday(date(LAST + 1, 1, 4)),
    lambda: is_holiday(date(LAST + 1, 1, 1)),
    lambda: holiday_name(date(LAST + 1, 2, 1)),
    lambda: holiday_periods(LAST + 1),
    lambda: add_workdays(date(LAST + 1, 1, 4), 1),
    lambda: add_workdays(date(LAST, 12, 31), 5),
    lambda: workdays_between(date(LAST, 12, 1), date(LAST + 1, 1, 2)),
    lambda: workday_deadline(date(LAST, 12, 31), 3),
]


@pytest.mark.parametrize("call", OUT_OF_RANGE_CALLS)
def test_after_the_table_fails_loudly(call: object) -> None:
    with pytest.raises(CalendarOutOfRange, match=rf"{LAST + 1}年.*holidays\.csv") as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, ValueError)
    assert "国务院办公厅关于" in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_workday(date(FIRST - 1, 12, 31)),
        lambda: holiday_periods(FIRST - 1),
        lambda: add_workdays(date(FIRST, 1, 5), -10),
        lambda: workdays_between(date(FIRST - 1, 12, 31), date(FIRST, 2, 1)),
    ],
)
def test_before_the_table_fails_loudly(call: object) -> None:
    with pytest.raises(CalendarOutOfRange, match=f"{FIRST - 1}年"):
        call()  # type: ignore[operator]


COVERED_DAYS = st.dates(min_value=date(FIRST, 1, 1), max_value=date(LAST - 1, 12, 31))


@given(COVERED_DAYS, st.integers(0, 240))
def test_add_then_count_gives_n(start: date, n: int) -> None:
    assert workdays_between(start, add_workdays(start, n)) == n


@given(COVERED_DAYS.filter(lambda d: d.year > FIRST), st.integers(-240, 0))
def test_add_then_count_gives_n_backwards(start: date, n: int) -> None:
    assert workdays_between(start, add_workdays(start, n)) == n


@given(COVERED_DAYS, st.integers(1, 30))
def test_add_workdays_matches_stepping(start: date, n: int) -> None:
    day = start
    while not is_workday(day):
        day += timedelta(1)
    for _ in range(n):
        day += timedelta(1)
        while not is_workday(day):
            day += timedelta(1)
    assert add_workdays(start, n) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day,kind,name,year\n", "header"),
        ("date,kind,name,year\n2024-02-30,holiday,春节,2024\n", "line 2"),
        ("date,kind,name,year\n2024-02-10,rest,春节,2024\n", "kind must be"),
        ("date,kind,name,year\n2024-02-10,holiday,,2024\n", "kind must be"),
        ("date,kind,name,year\n2024-02-10,holiday,春节,2026\n", "notice year"),
        ("date,kind,name,year\n2024-02-05,workday,春节,2024\n", "weekday"),
        ("date,kind,name,year\n2024-02-10,holiday,春节,2024\n2024-02-10,holiday,春节,2024\n", "twice"),
        ("date,kind,name,year\n2024-02-10,holiday,春节\n", "line 2"),
    ],
)
def test_parse_holiday_csv_rejects_bad_rows(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_holiday_csv(text)


def test_format_then_parse_round_trips() -> None:
    rows = [
        HolidayRow(date(2027, 1, 1), "holiday", "元旦", 2027),
        HolidayRow(date(2026, 12, 26), "workday", "元旦", 2027),
    ]
    assert parse_holiday_csv(format_holiday_csv(rows)) == sorted(rows, key=lambda r: r.day)


@pytest.mark.parametrize(
    ("year", "spring", "lantern", "dragon", "autumn"),
    [
        (2023, date(2023, 1, 22), date(2023, 2, 5), date(2023, 6, 22), date(2023, 9, 29)),
        (2024, date(2024, 2, 10), date(2024, 2, 24), date(2024, 6, 10), date(2024, 9, 17)),
        (2025, date(2025, 1, 29), date(2025, 2, 12), date(2025, 5, 31), date(2025, 10, 6)),
        (2026, date(2026, 2, 17), date(2026, 3, 3), date(2026, 6, 19), date(2026, 9, 25)),
        (2020, date(2020, 1, 25), date(2020, 2, 8), date(2020, 6, 25), date(2020, 10, 1)),  # leap 4th month
        (2017, date(2017, 1, 28), date(2017, 2, 11), date(2017, 5, 30), date(2017, 10, 4)),  # leap 6th month
    ],
)
def test_lunar_festivals(year: int, spring: date, lantern: date, dragon: date, autumn: date) -> None:
    assert (spring_festival(year), lantern_festival(year)) == (spring, lantern)
    assert (dragon_boat(year), mid_autumn(year)) == (dragon, autumn)


@pytest.mark.parametrize("year", [0, 10000])
def test_lunar_festivals_outside_supported_years(year: int) -> None:
    with pytest.raises(ValueError, match="1–9999"):
        spring_festival(year)


@given(st.integers(1901, 2199), st.integers(1901, 2199), st.integers(-15, 15))
def test_lunar_aligned_keeps_the_offset_from_spring_festival(source: int, target: int, k: int) -> None:
    day = spring_festival(source) + timedelta(k)
    assert lunar_aligned(day, target) == spring_festival(target) + timedelta(k)
    assert lunar_aligned(lunar_aligned(day, target), source) == day


def test_lunar_aligned_maps_eve_to_eve() -> None:
    assert lunar_aligned(date(2024, 2, 9), 2025) == date(2025, 1, 28)


def test_datetimes_are_refused() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        is_workday(datetime(2024, 10, 1, 12))
    with pytest.raises(TypeError, match="not a datetime"):
        workdays_between(date(2024, 10, 1), datetime(2024, 10, 9))


def test_run_time_reads_the_csv_not_chinese_calendar() -> None:
    script = (
        "import sys, datetime\n"
        "from xinxiao.reference import calendar\n"
        "assert calendar.is_workday(datetime.date(2024, 2, 4))\n"
        "assert calendar.holiday_periods(2025)\n"
        "assert 'chinese_calendar' not in sys.modules, 'chinese_calendar was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
