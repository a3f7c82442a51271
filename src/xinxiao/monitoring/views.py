"""Derived views of an indicator series: YoY, MoM, YTD, versus 2019, CAGR from a base year, holiday YoY.

The pure functions take a frame with ``period, value, numerator, denominator`` (see ``query``) and
return it with ``base_period``, ``base_value`` and ``change``. A change is growth in % for levels and
the difference in percentage points for indicators in ``%`` (a share that goes from 30 % to 33 % is
+3 pp, not +10 %). YoY compares the same calendar period a year earlier: 2024-03-01 with 2023-03-01,
and 29 February has no counterpart (its change is empty rather than compared with 28 February).
YTD cumulates levels from 1 January, and for a quotient cumulates numerator and denominator.
Holiday YoY compares the same lunar days for 春节 (day −k … +k around 正月初一) and the same
calendar days for fixed holidays. Official indicators keep their published growth (可比口径).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Final, Literal

import numpy as np
import pandas as pd

from xinxiao import reference
from xinxiao.monitoring.indicators import Indicator

View = Literal["level", "yoy", "mom", "ytd", "vs2019", "cagr"]
VIEWS: Final[tuple[View, ...]] = ("level", "yoy", "mom", "ytd", "vs2019", "cagr")
Alignment = Literal["lunar", "calendar"]
ViewGrain = Literal["day", "month", "year"]
VIEW_COLUMNS: Final = ("period", "value", "numerator", "denominator", "base_period", "base_value", "change")


def same_day_last_year(day: date, years: int = 1) -> date | None:
    """The same calendar day ``years`` earlier; None for 29 February without a counterpart.

    >>> same_day_last_year(date(2024, 3, 1)), same_day_last_year(date(2024, 2, 29))
    (datetime.date(2023, 3, 1), None)
    """
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return None


def previous_period(period: date, grain: ViewGrain) -> date:
    """The period before ``period`` at ``grain`` (periods are first days).

    >>> previous_period(date(2024, 1, 1), "month"), previous_period(date(2024, 3, 1), "day")
    (datetime.date(2023, 12, 1), datetime.date(2024, 2, 29))
    """
    if grain == "day":
        return period - timedelta(days=1)
    if grain == "month":
        return date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)
    return date(period.year - 1, 1, 1)


def growth(value: float, base: float, *, percent: bool) -> float:
    """Change from ``base`` to ``value``: growth in %, or percentage points for a share.

    >>> growth(110.0, 100.0, percent=False), growth(33.0, 30.0, percent=True), growth(1.0, 0.0, percent=False)
    (10.0, 3.0, nan)
    """
    if pd.isna(value) or pd.isna(base):
        return float("nan")
    if percent:
        return float(value - base)
    return float((value - base) / base * 100.0) if base != 0 else float("nan")


def compare(
    frame: pd.DataFrame, base_of: Callable[[date], date | None], *, percent: bool, history: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each period against the period ``base_of`` names, looked up in ``history`` (default: ``frame``)."""
    source = frame if history is None else history
    values = dict(zip(source["period"], source["value"], strict=True))
    out = frame.copy()
    out["base_period"] = [base_of(p) for p in out["period"]]
    out["base_value"] = [values.get(b, np.nan) if b is not None else np.nan for b in out["base_period"]]
    out["change"] = [growth(v, b, percent=percent) for v, b in zip(out["value"], out["base_value"], strict=True)]
    return out.astype({"base_value": "float64", "change": "float64"})


def yoy(frame: pd.DataFrame, grain: ViewGrain, *, percent: bool) -> pd.DataFrame:
    """Year on year: the same day, month or year one year earlier.

    >>> f = pd.DataFrame({"period": [date(2023, 3, 1), date(2024, 3, 1)], "value": [100.0, 125.0]})
    >>> list(yoy(f, "month", percent=False)["change"])
    [nan, 25.0]
    """
    return compare(frame, same_day_last_year, percent=percent)


def mom(frame: pd.DataFrame, grain: ViewGrain, *, percent: bool) -> pd.DataFrame:
    """Period on period: the previous day, month or year."""
    return compare(frame, lambda p: previous_period(p, grain), percent=percent)


def versus_year(frame: pd.DataFrame, *, base_year: int = 2019, percent: bool) -> pd.DataFrame:
    """Each period against the same period of ``base_year`` (before the pandemic for 2019)."""
    return compare(frame, lambda p: same_day_last_year(p, p.year - base_year), percent=percent)


def cagr(frame: pd.DataFrame, *, base_year: int) -> pd.DataFrame:
    """Compound annual growth in % from the same period of ``base_year``; empty for earlier periods.

    >>> f = pd.DataFrame({"period": [date(2019, 1, 1), date(2021, 1, 1)], "value": [100.0, 121.0]})
    >>> [round(c, 6) for c in cagr(f, base_year=2019)["change"]]
    [nan, 10.0]
    """
    out = versus_year(frame, base_year=base_year, percent=False)
    years = np.array([p.year - base_year for p in out["period"]], dtype="float64")
    ratio = out["value"].to_numpy("float64") / out["base_value"].to_numpy("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where((years > 0) & (ratio > 0), (np.abs(ratio) ** (1.0 / np.maximum(years, 1)) - 1.0) * 100, np.nan)
    out["change"] = rate
    return out


def ytd(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """Cumulated from 1 January: sums for levels, cumulated parts for quotients (``base_*`` empty)."""
    out = frame.sort_values("period").reset_index(drop=True)
    years = [p.year for p in out["period"]]
    if indicator.is_ratio:
        numerator = out.groupby(years)["numerator"].cumsum()
        denominator = out.groupby(years)["denominator"].cumsum()
        factor = 100.0 if indicator.percent else 1.0
        out = out.assign(numerator=numerator, denominator=denominator, value=numerator / denominator * factor)
    elif indicator.additive:
        out = out.assign(value=out.groupby(years)["value"].cumsum())
    else:
        raise ValueError(f"{indicator.id} does not add up over time, so it has no year-to-date view")
    return out.assign(base_period=None, base_value=np.nan, change=np.nan)


def holiday_days(
    first: date, last: date, alignment: Alignment, year: int
) -> list[tuple[int, date, date | None]]:  # fmt: skip
    """Day offset, day, and the aligned day in ``year`` for each day of a holiday window.

    Lunar windows keep each day's distance from 春节 (2024-02-10 is 初一, aligned with 2023-01-22);
    calendar windows keep the month and day.

    >>> holiday_days(date(2024, 2, 9), date(2024, 2, 11), "lunar", 2023)[1]
    (0, datetime.date(2024, 2, 10), datetime.date(2023, 1, 22))
    >>> holiday_days(date(2024, 10, 1), date(2024, 10, 2), "calendar", 2023)[0]
    (0, datetime.date(2024, 10, 1), datetime.date(2023, 10, 1))
    """
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if alignment == "lunar":
        anchor, target = (
            reference.calendar.spring_festival(_festival_year(first)),
            reference.calendar.spring_festival(year),
        )
        return [((d - anchor).days, d, target + (d - anchor)) for d in days]
    return [((d - first).days, d, same_day_last_year(d, first.year - year)) for d in days]


def _festival_year(day: date) -> int:
    """The year whose 春节 a day near 春节 belongs to (late December counts towards the next)."""
    return day.year + 1 if day.month == 12 else day.year


def holiday_yoy(
    daily: pd.DataFrame, last_year: pd.DataFrame, days: Sequence[tuple[int, date, date | None]], indicator: Indicator
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Holiday days against their aligned days a year earlier, and the window's total against last year's."""
    now, then = daily.set_index("period"), last_year.set_index("period")
    percent = indicator.percent
    rows = []
    for offset, day, base in days:
        value, base_value = _get(now, day), _get(then, base)
        rows.append(
            {"offset": offset, "period": day, "value": value, "base_period": base, "base_value": base_value,
             "change": growth(value, base_value, percent=percent)}
        )  # fmt: skip
    value = _total(now, [d for _, d, _ in days], indicator)
    base_value = _total(then, [b for *_, b in days if b is not None], indicator)
    total = {"value": value, "base_value": base_value, "change": growth(value, base_value, percent=percent)}
    return pd.DataFrame(rows), total


def _get(frame: pd.DataFrame, day: date | None) -> float:
    return float(frame["value"].get(day, np.nan)) if day is not None else float("nan")


def _total(frame: pd.DataFrame, days: list[date], indicator: Indicator) -> float:
    rows = frame.loc[[d for d in days if d in frame.index]]
    if rows.empty:
        return float("nan")
    if indicator.is_ratio:
        denominator = float(rows["denominator"].sum())
        factor = 100.0 if indicator.percent else 1.0
        return float(rows["numerator"].sum()) / denominator * factor if denominator else float("nan")
    return float(rows["value"].sum()) if indicator.additive else float("nan")


def apply_view(
    frame: pd.DataFrame, indicator: Indicator, grain: ViewGrain, view: View, *, base_year: int = 2019
) -> pd.DataFrame:  # fmt: skip
    """A view over an already fetched frame; the change is in ``change``.

    The frame must reach back far enough (a year for YoY, to 1 January for YTD, to ``base_year`` for
    vs2019 and CAGR): ``view_service.indicator_view`` fetches that history itself. Official YoY and
    YTD should come from the published figures (``view_service``), not from here.
    """
    percent = indicator.percent
    derived: dict[str, Callable[[], pd.DataFrame]] = {
        "yoy": lambda: yoy(frame, grain, percent=percent),
        "mom": lambda: mom(frame, grain, percent=percent),
        "vs2019": lambda: versus_year(frame, base_year=base_year, percent=percent),
        "cagr": lambda: cagr(frame, base_year=base_year),
        "ytd": lambda: ytd(frame, indicator),
    }
    if view == "level":
        return frame.assign(base_period=None, base_value=np.nan, change=np.nan)
    if view not in derived:
        raise ValueError(f"view {view!r} must be one of {list(VIEWS)}")
    return derived[view]()
