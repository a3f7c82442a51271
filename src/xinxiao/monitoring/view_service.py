"""Views of indicators as services: a series with a derived view, holiday YoY, and values for alerts.

The history a view needs (last year for YoY, 1 January for YTD, the base year for 2019 and CAGR) is
fetched with the series and cut off afterwards, so the first periods of a range have their base.
Official indicators show their published growth (可比口径) as YoY and their published YTD figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from xinxiao.analytics import AnalyticsEngine
from xinxiao.core import InvalidInput, NotFound, Principal
from xinxiao.monitoring import official_query, views
from xinxiao.monitoring.indicators import Grain, Indicator, get_indicator
from xinxiao.monitoring.query import CubeSources, Filters, IndicatorSeries, frame_records, indicator_series
from xinxiao.monitoring.views import View
from xinxiao.monitoring.windows import window_defs


@dataclass(frozen=True)
class IndicatorView:
    """A series with a derived view: ``frame`` adds ``base_period``, ``base_value`` and ``change``."""

    series: IndicatorSeries
    view: View
    change_unit: str | None  # "%" for growth, "pp" for a share's change, None for levels and YTD
    base_year: int | None = None

    def meta(self) -> dict[str, Any]:
        """The series metadata plus the view, the unit of ``change`` and the base year."""
        return self.series.meta() | {"view": self.view, "change_unit": self.change_unit, "base_year": self.base_year}

    def records(self) -> list[dict[str, Any]]:
        """The rows as plain dicts; missing numbers become None."""
        return frame_records(self.series.frame)


def indicator_view(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: CubeSources | None,
    indicator_id: str,
    start: date,
    end: date,
    region: str | None = None,
    grain: Grain = "month",
    view: View = "level",
    filters: Filters | None = None,
    base_year: int = 2019,
) -> IndicatorView:
    """The indicator with a derived view (level, yoy, mom, ytd, vs2019, cagr) from ``start`` to ``end``."""
    if view not in views.VIEWS:
        raise InvalidInput(f"view {view!r} must be one of {list(views.VIEWS)}", field="view")
    indicator = get_indicator(indicator_id)
    base = base_year if view in ("vs2019", "cagr") else None
    history = _history_start(view, grain, start, base_year)
    full = indicator_series(
        session, actor=actor, engine=engine, cubes=cubes, indicator_id=indicator_id, start=history, end=end,
        region=region, grain=grain, filters=filters,
    )  # fmt: skip
    if indicator.is_official and view in ("yoy", "ytd"):
        frame = _published(session, full, view)
    else:
        frame = _derive(full.frame, indicator, grain, view, base_year)
    first = _period_of(start, grain)
    frame = frame[[p >= first for p in frame["period"]]].reset_index(drop=True)
    unit = None if view in ("level", "ytd") else ("pp" if indicator.percent and view != "cagr" else "%")
    return IndicatorView(replace(full, start=start, frame=frame), view, unit, base)


def _period_of(day: date, grain: Grain) -> date:
    if grain == "day":
        return day
    return date(day.year, day.month if grain == "month" else 1, 1)


def _history_start(view: View, grain: Grain, start: date, base_year: int) -> date:
    first = _period_of(start, grain)
    if view == "yoy":
        return date(first.year - 1, first.month, 1)
    if view == "mom":
        return views.previous_period(first, grain)
    if view == "ytd":
        return date(first.year, 1, 1)
    if view in ("vs2019", "cagr"):
        return min(first, date(base_year, 1, 1))
    return start


def _derive(frame: pd.DataFrame, indicator: Indicator, grain: Grain, view: View, base_year: int) -> pd.DataFrame:
    if view == "ytd" and not (indicator.is_ratio or indicator.additive):
        raise InvalidInput(f"指标 {indicator.id} 不可累计 (no year-to-date view)", field="view")
    return views.apply_view(frame, indicator, grain, view, base_year=base_year)


def _published(session: Session, series: IndicatorSeries, view: View) -> pd.DataFrame:
    """Official YoY and YTD exactly as published: growth on the comparable basis is never recomputed."""
    frame = series.frame
    if view == "ytd":
        frame, _ = official_query.official_frame(
            session, indicator=series.indicator, region=series.region, start=series.start, end=series.end, kind="ytd"
        )
    return frame.assign(base_period=None, base_value=np.nan, change=frame["yoy_pct"].astype("float64"))


@dataclass(frozen=True)
class HolidayView:
    """A holiday window day by day against the aligned days a year earlier, and in total."""

    series: IndicatorSeries  # this year's daily figures and the metadata
    code: str
    year: int
    alignment: str
    days: pd.DataFrame  # offset, period, value, base_period, base_value, change
    total: dict[str, float]
    change_unit: str

    def records(self) -> list[dict[str, Any]]:
        """The days as plain dicts; missing numbers become None."""
        return frame_records(self.days)


def holiday_view(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: CubeSources | None,
    indicator_id: str,
    code: str,
    year: int,
    region: str | None = None,
    filters: Filters | None = None,
    days: int | None = None,
) -> HolidayView:
    """Holiday YoY: 春节 on the same lunar days (day −k … +k), fixed holidays on the same calendar days."""
    defn = window_defs().get(code)
    span = defn.dates_for(year) if defn else None
    if defn is None or span is None:
        raise NotFound(f"活动窗口 {code} {year} 不存在")
    if days is not None and defn.alignment == "lunar":  # 春节 day −k … +k
        festival = span[0] + timedelta(days=int(defn.rule.get("lunar", {}).get("before", 0)))
        span = festival - timedelta(days=days), festival + timedelta(days=days)
    aligned = views.holiday_days(span[0], span[1], defn.alignment, year - 1)  # type: ignore[arg-type]
    bases = [b for *_, b in aligned if b is not None]

    def daily(first: date, last: date) -> IndicatorSeries:
        return indicator_series(
            session, actor=actor, engine=engine, cubes=cubes, indicator_id=indicator_id, region=region,
            start=first, end=last, grain="day", filters=filters,
        )  # fmt: skip

    now, then = daily(*span), daily(min(bases), max(bases))
    frame, total = views.holiday_yoy(now.frame, then.frame, aligned, now.indicator)
    unit = "pp" if now.indicator.percent else "%"
    return HolidayView(now, code, year, defn.alignment, frame, total, unit)


@dataclass
class IndicatorValues:
    """Indicator values for alert rules (``alerts.Values``): a few years of history up to a date."""

    session: Session
    actor: Principal
    engine: AnalyticsEngine
    cubes: CubeSources | None
    history_years: int = 3

    def series(self, indicator_id: str, region_adcode: str, grain: str, end: date, *, view: str = "level") -> pd.Series:
        """The indicator at ``grain`` up to ``end``, indexed by period start; ``view`` is level or yoy."""
        if grain not in ("day", "month", "year") or view not in ("level", "yoy"):
            raise InvalidInput(f"alerts read level or yoy at day, month or year, not {view!r} at {grain!r}")
        start = date(end.year - self.history_years, 1, 1)
        result = indicator_view(
            self.session, actor=self.actor, engine=self.engine, cubes=self.cubes, indicator_id=indicator_id,
            start=start, end=end, region=region_adcode, grain=grain, view=view,  # type: ignore[arg-type]
        )  # fmt: skip
        frame = result.series.frame
        column = "value" if view == "level" else "change"
        values = pd.Series(frame[column].to_numpy("float64"), index=list(frame["period"]), name=indicator_id)
        values.attrs["synthetic"] = result.series.synthetic  # alerts on synthetic data say so
        return values
