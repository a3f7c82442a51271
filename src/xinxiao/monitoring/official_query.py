"""Official indicators for the indicator layer: monthly levels and published growth, latest vintage.

The rows come from the official series store (``monitoring_series``); for each month the latest
vintage wins. A merged January–February release is one row starting in January; its period is
January and it is labelled. Published YoY (可比口径) is carried as ``yoy_pct`` and never recomputed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.monitoring.indicators import Indicator
from xinxiao.monitoring.models import Series

COLUMNS = ("period", "period_end", "value", "numerator", "denominator", "yoy_pct", "derived")


def official_frame(
    session: Session,
    *,
    indicator: Indicator,
    region: str,
    start: date,
    end: date,
    as_of: date | None = None,
    kind: str = "month",
) -> tuple[pd.DataFrame, str]:
    """Monthly (or ``ytd``) rows of an official indicator in ``[start, end]``, latest vintage, and that vintage.

    A ``ytd`` row's period is the month it runs up to.
    """
    query = (
        select(Series)
        .where(
            Series.indicator_id == (indicator.official_id or indicator.id),
            Series.region_adcode == region,
            Series.period_kind == kind,
            _period(kind) >= date(start.year, start.month, 1),
            _period(kind) <= end,
        )
        .order_by(_period(kind), Series.vintage)
    )
    if as_of is not None:
        query = query.where(Series.vintage <= as_of)
    latest: dict[date, Series] = {}
    for row in session.scalars(query):
        latest[_start(row, kind)] = row  # ordered by vintage: the last one wins
    rows = [_row(r, indicator, kind) for r in latest.values()]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    vintage = max((r.vintage for r in latest.values()), default=None)
    return frame, f"发布日期 {vintage.isoformat()}" if vintage else "无发布数"


def _period(kind: str) -> Any:
    return Series.period_end if kind == "ytd" else Series.period_start


def _start(row: Series, kind: str) -> date:
    return date(row.period_end.year, row.period_end.month, 1) if kind == "ytd" else row.period_start


def _row(row: Series, indicator: Indicator, kind: str) -> tuple[object, ...]:
    value = _convert(row.value, row.unit, indicator.unit)
    return (_start(row, kind), row.period_end, value, None, None, row.yoy_pct, row.derived)


_YUAN = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "100m_yuan": 1e8, "10k_yuan": 1e4, "yuan": 1.0}


def _convert(value: float | None, unit: str, target: str) -> float | None:
    """A stored value in the indicator's unit (亿元 ↔ 万元 ↔ 元); other units must match.

    >>> _convert(1.5, "100m_yuan", "万元")
    15000.0
    """
    if value is None or unit == target:
        return value
    if unit in _YUAN and target in _YUAN:
        return value * _YUAN[unit] / _YUAN[target]
    raise ValueError(f"cannot convert {unit!r} to {target!r}")


def regrain(frame: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Official monthly levels summed to years when asked (complete years only); growth stays monthly."""
    if grain != "year" or frame.empty:
        return frame
    years = frame.assign(period=[date(p.year, 1, 1) for p in frame["period"]])
    summed = years.groupby("period", as_index=False).agg(value=("value", "sum"), months=("value", "count"))
    summed = summed[summed["months"] == 12].drop(columns="months")  # a year only when every month is in
    return summed.assign(numerator=float("nan"), denominator=float("nan")).reset_index(drop=True)
