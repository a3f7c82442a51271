"""Calendar shapes of the synthetic feeds: seasonality, weekdays, 春节 and fixed holidays, promotions, growth.

Everything is a vectorised function of an array of days (``datetime64[D]``) and the parameters in
``data/synthetic.yaml``; the generators multiply these factors into expected daily volumes. 春节 windows
are placed by the lunar calendar (``reference.calendar.spring_festival``), so they move with the year.

>>> days = day_range(date(2024, 2, 8), date(2024, 2, 12))
>>> spring_offsets(days).tolist()
[-2, -1, 0, 1, 2]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import yaml

from xinxiao import reference
from xinxiao.core import InvalidInput

SHAPE_PATH: Final = Path(__file__).parent / "data" / "synthetic.yaml"
PROFILES: Final = ("diqing", "hubei")

Days = npt.NDArray[np.datetime64]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@cache
def load_shape() -> dict[str, Any]:
    """The parsed ``data/synthetic.yaml`` (read once)."""
    data: dict[str, Any] = yaml.safe_load(SHAPE_PATH.read_text(encoding="utf-8"))
    return data


def profile_shape(profile: str) -> dict[str, Any]:
    """The parameters of one profile (``diqing`` or ``hubei``); unknown names raise ``InvalidInput``."""
    profiles: dict[str, Any] = load_shape()["profiles"]
    if profile not in profiles:
        raise InvalidInput(
            f"unknown synthetic profile {profile!r}; choose one of {', '.join(profiles)}", field="profile"
        )
    return dict(profiles[profile])


def day_range(start: date, end: date) -> Days:
    """Every day from ``start`` to ``end`` inclusive as ``datetime64[D]``; an empty range raises ``InvalidInput``.

    >>> day_range(date(2024, 1, 30), date(2024, 2, 1)).astype(str).tolist()
    ['2024-01-30', '2024-01-31', '2024-02-01']
    """
    if end < start:
        raise InvalidInput(f"end {end} is before start {start}", field="end")
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)


def _parts(days: Days) -> tuple[Ints, Ints, Ints]:
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, dom


@cache
def _festival(year: int) -> np.datetime64:
    return np.datetime64(reference.calendar.spring_festival(year), "D")


def spring_offsets(days: Days) -> Ints:
    """Days from the nearest 春节 (正月初一 = 0): late-year days count towards next year's festival."""
    years, _, _ = _parts(days)
    span = np.arange(int(years.min()), int(years.max()) + 2)
    festival = np.array([_festival(int(y)) for y in span])
    this = days - festival[years - span[0]]
    following = days - festival[years - span[0] + 1]
    return np.asarray(np.where(following.astype(np.int64) >= -60, following, this), dtype=np.int64)


def _month_day(text: str) -> int:
    month, day = text.split("-")
    return int(month) * 100 + int(day)


def window_mask(days: Days, window: Mapping[str, Any]) -> Bools:
    """Which days fall in a window: ``{start: "MM-DD", end: "MM-DD"}`` yearly, or ``{sf: [from, to]}`` around 春节.

    >>> days = day_range(date(2023, 12, 30), date(2024, 1, 2))
    >>> window_mask(days, {"start": "12-31", "end": "01-01"}).tolist()
    [False, True, True, False]
    """
    if "sf" in window:
        low, high = window["sf"]
        offsets = spring_offsets(days)
        return np.asarray((offsets >= low) & (offsets <= high), dtype=np.bool_)
    _, months, dom = _parts(days)
    md = months * 100 + dom
    first, last = _month_day(window["start"]), _month_day(window["end"])
    if first <= last:
        return (md >= first) & (md <= last)
    return (md >= first) | (md <= last)


def windows_factor(days: Days, windows: Sequence[Mapping[str, Any]]) -> Floats:
    """The product of the ``factor`` of every window each day falls in (1 outside all of them)."""
    factor = np.ones(len(days))
    for window in windows:
        factor[window_mask(days, window)] *= float(window["factor"])
    return factor


def monthly_factor(days: Days, monthly: Sequence[float]) -> Floats:
    """Month-of-year factors, normalised to mean 1 over the twelve months."""
    table = np.asarray(monthly, dtype=np.float64)
    _, months, _ = _parts(days)
    return np.asarray(table[months - 1] / table.mean(), dtype=np.float64)


def weekday_factor(days: Days, weekday: Sequence[float]) -> Floats:
    """Day-of-week factors (Monday first)."""
    monday_based = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    return np.asarray(np.asarray(weekday, dtype=np.float64)[monday_based], dtype=np.float64)


def growth_factor(days: Days, rate: float) -> Floats:
    """``(1 + rate) ** years`` since the reference date, compounded by the day.

    >>> float(growth_factor(np.array(["2025-01-01"], dtype="datetime64[D]"), 0.10)[0].round(3))
    1.1
    """
    base_day = np.datetime64(load_shape()["reference_date"], "D")
    years = (days - base_day).astype(np.float64) / 365.25
    return np.asarray((1.0 + rate) ** years, dtype=np.float64)


def resident_factors(days: Days, profile: str, groups: Sequence[str]) -> Floats:
    """Resident spending multipliers, shape (days, groups): season x weekday x holiday windows."""
    shape, cal = profile_shape(profile), load_shape()["calendar"]
    base = monthly_factor(days, shape["monthly"]["resident"]) * weekday_factor(days, cal["weekday"]["resident"])
    columns = [base * windows_factor(days, cal["resident"].get(g, cal["resident"]["default"])) for g in groups]
    return np.stack(columns, axis=1)


def tourist_factor(days: Days, profile: str) -> Floats:
    """Visitor spending multipliers by day: tourist season x weekday x holiday windows."""
    shape, cal = profile_shape(profile), load_shape()["calendar"]
    season = monthly_factor(days, shape["monthly"]["tourist"]) * weekday_factor(days, cal["weekday"]["tourist"])
    return season * windows_factor(days, cal["tourist"])


def online_factor(days: Days) -> Floats:
    """Online promotion multipliers by day (网上年货节, 618, 双11, 双12; 春节 logistics pause)."""
    return windows_factor(days, load_shape()["calendar"]["online"])
