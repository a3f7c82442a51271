"""China's statutory holidays, 调休 make-up workdays and lunar festival dates.

The holiday table is data: ``data/holidays.csv`` (columns ``date, kind, name, year``; ``kind`` is
``holiday`` or ``workday``; ``year`` is the year of the 国务院办公厅 notice, which differs from the
date's year for late-December 元旦 rows). It is read lazily once; nothing here imports
``chinese_calendar`` at run time. ``build_holiday_table`` regenerates the rows from that package and a
test keeps the shipped table in step with it. See ``data/PROVENANCE-holidays.md``.

Dates outside ``covered_years()`` raise ``CalendarOutOfRange``: we never guess a future arrangement.
A date is covered when its calendar year is; note that a later notice can still move late December
of the last covered year (元旦 has sometimes started on 30 December).

Working-day arithmetic follows ``numpy.busday_offset(..., roll="forward")``: a date that is not a
workday first rolls forward to the next workday, then moves ``n`` workdays. ``workdays_between``
counts workdays in the half-open interval ``[start, end)``, negative when ``end < start`` (like
``numpy.busday_count``), so ``workdays_between(d, add_workdays(d, n)) == n`` always holds. For a
statutory deadline counted from a start day that is itself not counted (民法典 第201条), use
``workday_deadline``.

Lunar festival dates come from ``lunar_python`` and work for years 1–9999.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Literal, cast

from lunar_python import Lunar

HolidayKind = Literal["holiday", "workday"]
HOLIDAY_TABLE_COLUMNS = ("date", "kind", "name", "year")
HOLIDAY_TABLE_FILE = "holidays.csv"

# chinese_calendar's English holiday names → the names the 国务院办公厅 notices use.
_CHINESE_CALENDAR_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarOutOfRange(ValueError):
    """A date lies outside the years the holiday table covers."""


@dataclass(frozen=True, slots=True)
class HolidayRow:
    """One row of the holiday table: a day off or a 调休 workday, under the notice of ``year``."""

    day: date
    kind: HolidayKind
    name: str
    year: int


@dataclass(frozen=True, slots=True)
class HolidayPeriod:
    """A run of consecutive days off around a statutory holiday, adjoining weekends included."""

    name: str
    first: date
    last: date

    @property
    def days(self) -> int:
        """How many calendar days the period lasts."""
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True)
class _Table:
    rows: dict[date, HolidayRow]
    years: range
    first_day: date
    end_day: date  # the day after the last covered day
    workdays: list[int]  # ordinals of every workday in the covered years, ascending


def format_holiday_csv(rows: Iterable[HolidayRow]) -> str:
    """Write holiday rows as the CSV text of ``data/holidays.csv``, sorted by date.

    >>> print(format_holiday_csv([HolidayRow(date(2024, 2, 4), "workday", "春节", 2024)]), end="")
    date,kind,name,year
    2024-02-04,workday,春节,2024
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HOLIDAY_TABLE_COLUMNS)
    for row in sorted(rows, key=lambda r: r.day):
        writer.writerow([row.day.isoformat(), row.kind, row.name, row.year])
    return out.getvalue()


def parse_holiday_csv(text: str) -> list[HolidayRow]:
    """Read and check the CSV text of a holiday table; raise ``ValueError`` naming the bad line.

    >>> parse_holiday_csv("date,kind,name,year\\n2024-02-04,workday,春节,2024\\n")
    [HolidayRow(day=datetime.date(2024, 2, 4), kind='workday', name='春节', year=2024)]
    """
    reader = csv.reader(io.StringIO(text))
    if tuple(next(reader, ())) != HOLIDAY_TABLE_COLUMNS:
        raise ValueError(f"holiday table must start with the header {','.join(HOLIDAY_TABLE_COLUMNS)}")
    rows: dict[date, HolidayRow] = {}
    for line_no, fields in enumerate(reader, start=2):
        row = _parse_row(fields, line_no)
        if row.day in rows:
            raise ValueError(f"holiday table line {line_no}: {row.day} appears twice")
        rows[row.day] = row
    return list(rows.values())


def _parse_row(fields: list[str], line_no: int) -> HolidayRow:
    try:
        day_text, kind, name, year_text = fields
        row = HolidayRow(date.fromisoformat(day_text), cast(HolidayKind, kind), name, int(year_text))
    except ValueError as exc:
        raise ValueError(f"holiday table line {line_no}: {exc}") from None
    if kind not in ("holiday", "workday") or not name:
        raise ValueError(f"holiday table line {line_no}: kind must be holiday or workday, with a name")
    if row.year not in (row.day.year, row.day.year + 1):
        raise ValueError(f"holiday table line {line_no}: notice year {row.year} does not fit {row.day}")
    if kind == "workday" and row.day.weekday() < 5:
        raise ValueError(f"holiday table line {line_no}: {row.day} is a weekday, not a 调休 workday")
    return row


@cache
def holiday_rows() -> tuple[HolidayRow, ...]:
    """Every row of the shipped holiday table, in date order."""
    text = resources.files("xinxiao.reference").joinpath("data", HOLIDAY_TABLE_FILE).read_text("utf-8")
    return tuple(sorted(parse_holiday_csv(text), key=lambda r: r.day))


@cache
def _table() -> _Table:
    rows = {row.day: row for row in holiday_rows()}
    notice_years = {row.year for row in rows.values()}
    if not notice_years:
        raise ValueError(f"the holiday table {HOLIDAY_TABLE_FILE} has no rows")
    years = range(min(notice_years), max(notice_years) + 1)
    missing = sorted(set(years) - notice_years)
    if missing:
        raise ValueError(f"holiday table has no rows for {missing}; every covered year needs its notice")
    first_day, end_day = date(years.start, 1, 1), date(years.stop, 1, 1)
    ordinals = range(first_day.toordinal(), end_day.toordinal())
    workdays = [o for o in ordinals if _is_workday_in(rows, date.fromordinal(o))]
    return _Table(rows, years, first_day, end_day, workdays)


def _is_workday_in(rows: dict[date, HolidayRow], day: date) -> bool:
    row = rows.get(day)
    return row.kind == "workday" if row else day.weekday() < 5


def covered_years() -> range:
    """The calendar years the holiday table covers.

    >>> covered_years()[0]
    2004
    """
    return _table().years


def _out_of_range(year: int) -> CalendarOutOfRange:
    years = _table().years
    return CalendarOutOfRange(
        f"{year}年不在节假日表覆盖范围({years.start}–{years.stop - 1}年)内: 请按《国务院办公厅关于{year}年"
        f"部分节假日安排的通知》在 xinxiao/reference/data/{HOLIDAY_TABLE_FILE} 追加该年的放假(holiday)"
        f"与调休上班(workday)行, 见 PROVENANCE-holidays.md. (year {year} is outside the holiday table "
        f"{years.start}-{years.stop - 1}; append its rows to {HOLIDAY_TABLE_FILE})"
    )


def _reject_datetimes(*days: date) -> None:
    for day in days:
        if isinstance(day, datetime):  # a datetime never equals a date key: refuse rather than answer wrong
            raise TypeError(f"pass a date, not a datetime: {day!r}")


def _check(day: date) -> _Table:
    _reject_datetimes(day)
    table = _table()
    if day.year not in table.years:
        raise _out_of_range(day.year)
    return table


def is_workday(d: date) -> bool:
    """Whether ``d`` is a working day: a weekday that is no holiday, or a 调休 weekend workday.

    >>> is_workday(date(2024, 2, 4)), is_workday(date(2024, 10, 1))
    (True, False)
    """
    return _is_workday_in(_check(d).rows, d)


def is_holiday(d: date) -> bool:
    """Whether ``d`` is a day off: a statutory holiday or a weekend not moved to a workday.

    >>> is_holiday(date(2025, 1, 28)), is_holiday(date(2024, 2, 4))
    (True, False)
    """
    return not is_workday(d)


def holiday_name(d: date) -> str | None:
    """The name of the holiday period ``d`` falls in (adjoining weekends included), else None.

    A 调休 workday has no holiday name.

    >>> holiday_name(date(2024, 2, 10)), holiday_name(date(2024, 2, 4)), holiday_name(date(2024, 3, 2))
    ('春节', None, None)
    """
    _check(d)
    return _period_names().get(d)


@cache
def _period_names() -> dict[date, str]:
    names: dict[date, str] = {}
    for year in covered_years():
        for period in holiday_periods(year):
            names.update((period.first + timedelta(i), period.name) for i in range(period.days))
    return names


def holiday_periods(year: int) -> list[HolidayPeriod]:
    """The holiday periods that the notice for ``year`` arranges, in date order.

    A period is a run of table holidays stretched over adjoining ordinary weekends (the notices'
    "与周末连休"); a run that joins two festivals is named after both, e.g. "国庆节、中秋节".

    >>> [(p.name, p.first.isoformat(), p.days) for p in holiday_periods(2024)][:2]
    [('元旦', '2023-12-30', 3), ('春节', '2024-02-10', 8)]
    """
    table = _table()
    if year not in table.years:
        raise _out_of_range(year)
    days = sorted(r.day for r in table.rows.values() if r.year == year and r.kind == "holiday")
    periods: list[HolidayPeriod] = []
    for period in (_period(table, run) for run in _runs(days)):
        # Two runs of one festival split by a plain weekend day (端午 2015) stretch into one period.
        if periods and period.first <= periods[-1].last:
            period = _join(periods.pop(), period)
        periods.append(period)
    return periods


def _runs(days: list[date]) -> Iterator[list[date]]:
    run: list[date] = []
    for day in days:
        if run and day - run[-1] > timedelta(days=1):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


def _period(table: _Table, run: list[date]) -> HolidayPeriod:
    first, last = run[0], run[-1]
    one = timedelta(days=1)
    while first - one >= table.first_day and not _is_workday_in(table.rows, first - one):
        first -= one
    while last + one < table.end_day and not _is_workday_in(table.rows, last + one):
        last += one
    return HolidayPeriod(_join_names(table.rows[d].name for d in run), first, last)


def _join(earlier: HolidayPeriod, later: HolidayPeriod) -> HolidayPeriod:
    names = _join_names([*earlier.name.split("、"), *later.name.split("、")])
    return HolidayPeriod(names, earlier.first, max(earlier.last, later.last))


def _join_names(names: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(names))


def add_workdays(d: date, n: int) -> date:
    """Roll ``d`` forward to a workday, then move ``n`` workdays (back when ``n`` is negative).

    ``n == 0`` gives ``d`` itself when it is a workday, else the next workday.

    >>> add_workdays(date(2024, 9, 30), 1), add_workdays(date(2024, 10, 5), -1)
    (datetime.date(2024, 10, 8), datetime.date(2024, 9, 30))
    """
    table = _check(d)
    return _workday_at(table, bisect_left(table.workdays, d.toordinal()) + n)


def workday_deadline(start: date, n: int) -> date:
    """The ``n``-th workday after ``start`` (n >= 1), ``start`` itself not counted (民法典 第201条).

    >>> workday_deadline(date(2024, 9, 28), 1), workday_deadline(date(2024, 9, 27), 1)
    (datetime.date(2024, 9, 29), datetime.date(2024, 9, 29))
    """
    if n < 1:
        raise ValueError(f"a deadline needs at least one workday, got {n}")
    table = _check(start)
    return _workday_at(table, bisect_right(table.workdays, start.toordinal()) + n - 1)


def _workday_at(table: _Table, index: int) -> date:
    if index < 0:
        raise _out_of_range(table.years.start - 1)
    if index >= len(table.workdays):
        raise _out_of_range(table.years.stop)
    return date.fromordinal(table.workdays[index])


def workdays_between(start: date, end: date) -> int:
    """The number of workdays in ``[start, end)``; negative when ``end`` is before ``start``.

    ``end`` may be the day after the last covered day.

    >>> workdays_between(date(2024, 9, 28), date(2024, 10, 9))
    3
    """
    _reject_datetimes(start, end)
    table = _table()
    low, high = sorted((start, end))
    if low < table.first_day:
        raise _out_of_range(low.year)
    if high > table.end_day:
        raise _out_of_range(high.year)
    return bisect_left(table.workdays, end.toordinal()) - bisect_left(table.workdays, start.toordinal())


def build_holiday_table() -> list[HolidayRow]:
    """Rebuild the holiday rows from the ``chinesecalendar`` package (for tests and upkeep only)."""
    from chinese_calendar import constants  # only here: the run time reads the CSV, never this

    kinds: tuple[tuple[HolidayKind, dict[date, str]], ...] = (
        ("holiday", constants.holidays),
        ("workday", constants.workdays),
    )
    rows = [_row_from_chinese_calendar(day, kind, name) for kind, days in kinds for day, name in days.items()]
    return sorted(rows, key=lambda r: r.day)


def _row_from_chinese_calendar(day: date, kind: HolidayKind, english: str) -> HolidayRow:
    name = _CHINESE_CALENDAR_NAMES[english]
    # 元旦 arrangements that start in late December belong to the next year's notice.
    year = day.year + 1 if name == "元旦" and day.month == 12 else day.year
    return HolidayRow(day, kind, name, year)


def _lunar_to_solar(year: int, month: int, day: int) -> date:
    if not 1 <= year <= 9999:
        raise ValueError(f"lunar dates are supported for years 1–9999, not {year}")
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(int(solar.getYear()), int(solar.getMonth()), int(solar.getDay()))


def spring_festival(year: int) -> date:
    """春节, the first day of the first lunar month (正月初一) of ``year``.

    >>> spring_festival(2024), spring_festival(2025)
    (datetime.date(2024, 2, 10), datetime.date(2025, 1, 29))
    """
    return _lunar_to_solar(year, 1, 1)


def lantern_festival(year: int) -> date:
    """元宵节, the fifteenth day of the first lunar month (正月十五).

    >>> lantern_festival(2024)
    datetime.date(2024, 2, 24)
    """
    return _lunar_to_solar(year, 1, 15)


def dragon_boat(year: int) -> date:
    """端午节, the fifth day of the fifth lunar month (五月初五).

    >>> dragon_boat(2024)
    datetime.date(2024, 6, 10)
    """
    return _lunar_to_solar(year, 5, 5)


def mid_autumn(year: int) -> date:
    """中秋节, the fifteenth day of the eighth lunar month (八月十五).

    >>> mid_autumn(2024)
    datetime.date(2024, 9, 17)
    """
    return _lunar_to_solar(year, 8, 15)


def lunar_aligned(d: date, year: int) -> date:
    """The date in ``year`` as far from that year's 春节 as ``d`` is from the 春节 of ``d.year``.

    >>> lunar_aligned(date(2024, 2, 12), 2025)  # 初三 → 初三
    datetime.date(2025, 1, 31)
    """
    return spring_festival(year) + (d - spring_festival(d.year))
