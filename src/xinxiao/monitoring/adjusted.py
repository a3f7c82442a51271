"""Seasonally and festival-adjusted views of an indicator's monthly series (STL always, X-13 when installed).

The monthly levels come from the indicator layer (scope, registry, cache and synthetic flag apply); the
adjustment itself is ``adjustment.adjust_stl`` or ``x13.adjust_x13``. A merged 1–2月 official figure sits
at February with January missing, which is how both methods expect it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pandas as pd
from sqlalchemy.orm import Session

from xinxiao.analytics import AnalyticsEngine
from xinxiao.core import InvalidInput, Principal
from xinxiao.monitoring import official_query, query
from xinxiao.monitoring.adjustment import Adjustment, adjust_stl
from xinxiao.monitoring.indicators import get_indicator
from xinxiao.monitoring.query import CubeSources
from xinxiao.monitoring.x13 import adjust_x13

Method = Literal["stl", "x13"]


def monthly_levels(frame: pd.DataFrame) -> pd.Series:
    """An indicator frame's monthly levels on a PeriodIndex; a row ending in another month sits at its end.

    >>> rows = pd.DataFrame({"period": [date(2024, 1, 1), date(2024, 3, 1)],
    ...                      "period_end": [date(2024, 2, 29), date(2024, 3, 31)], "value": [10.0, 6.0]})
    >>> monthly_levels(rows).to_dict()
    {Period('2024-02', 'M'): 10.0, Period('2024-03', 'M'): 6.0}
    """
    ends = frame["period_end"] if "period_end" in frame.columns else frame["period"]
    index = pd.PeriodIndex(pd.to_datetime(ends), freq="M")
    return pd.Series(frame["value"].to_numpy("float64"), index=index).dropna()


def adjusted_view(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: CubeSources | None,
    indicator_id: str,
    start: date,
    end: date,
    region: str | None = None,
    method: Method = "stl",
) -> dict[str, Any]:
    """The indicator's monthly levels with the adjusted series, factors and festival effects, ready to show."""
    if get_indicator(indicator_id).percent:
        raise InvalidInput("季节调整只适用于总量指标, 不适用于占比", field="indicator_id", value=indicator_id)
    series = query.indicator_series(
        session,
        actor=actor,
        engine=engine,
        cubes=cubes,
        indicator_id=indicator_id,
        start=start,
        end=end,
        region=region,
        grain="month",
    )
    levels = monthly_levels(series.frame)
    if series.indicator.is_official:
        levels = _with_merged_jan_feb(session, series, levels)
    result = adjust_x13(levels) if method == "x13" else adjust_stl(levels)
    return {"meta": series.meta() | {"method": result.method}, **_shape(result)}


def _with_merged_jan_feb(session: Session, series: query.IndicatorSeries, levels: pd.Series) -> pd.Series:
    """Official monthly levels plus each published 1–2月 total, at February (January stays missing)."""
    ytd, _ = official_query.official_frame(
        session, indicator=series.indicator, region=series.region, start=series.start, end=series.end, kind="ytd"
    )
    merged = ytd[[d.month == 2 for d in ytd["period_end"]]] if not ytd.empty else ytd
    combined = pd.concat([levels, monthly_levels(merged)]) if not merged.empty else levels
    return combined[~combined.index.duplicated(keep="first")].sort_index()


def _shape(result: Adjustment) -> dict[str, Any]:
    columns = {
        "observed": result.observed,
        "adjusted": result.adjusted,
        "seasonal": result.seasonal,
        "holiday": result.holiday,
        "trend": result.trend,
    }
    frame = pd.DataFrame(columns)
    rows = [
        {"period": str(period), **{k: (None if pd.isna(v) else round(float(v), 6)) for k, v in row.items()}}
        for period, row in frame.iterrows()
    ]
    effects = {name: {"coef": e.coef, "se": e.se} for name, e in result.effects.items()}
    return {"rows": rows, "effects": effects}
