"""Official indicators for the indicator layer: monthly levels and published growth, latest vintage.

The rows come from the official series store (``official.latest``): for each month the latest vintage
wins, and a published figure beats one derived by differencing YTD releases. A merged January–February
release is one row starting in January; its period is January. Published YoY (可比口径) is carried as
``yoy_pct`` and never recomputed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from xinxiao.core import Scope
from xinxiao.monitoring import official
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

    Rows come from ``official.latest`` (a published figure beats a derived one of the same period); a
    ``ytd`` row's period is the month it runs up to. The caller has checked the region against the scope.
    """
    last = date(end.year + end.month // 12, end.month % 12 + 1, 1) - timedelta(days=1)
    rows = official.latest(
        session, scope=Scope(region), indicator_id=indicator.official_id or indicator.id, region_adcode=region,
        as_of=as_of, period_kind=kind, start=date(start.year, start.month, 1), end=last,
    )  # fmt: skip
    latest = {_start(row, kind): row for row in rows}
    frame = pd.DataFrame([_row(r, indicator, kind) for r in latest.values()], columns=list(COLUMNS))
    vintage = max((r.vintage for r in latest.values()), default=None)
    frame.attrs["synthetic"] = any(r.synthetic for r in latest.values())  # pages label synthetic figures
    return frame, f"发布日期 {vintage.isoformat()}" if vintage else "无发布数"


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
