"""The monitoring dashboard of a region: KPI cards with YoY, time series, sub-region ranking.

Everything here is composed from ``query.indicator_series`` and ``query.rank_subregions``, so the
principal's scope, the registry's units and 口径, the cache and the synthetic flag all apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

import pandas as pd
from sqlalchemy.orm import Session

from xinxiao.analytics import AnalyticsEngine
from xinxiao.core import Principal
from xinxiao.monitoring import query
from xinxiao.monitoring.query import CubeSources

KPI_IDS: Final = (
    "retail_sales",
    "payment_turnover",
    "avg_ticket",
    "night_share",
    "nonlocal_share",
    "online_retail",
    "footfall",
    "voucher_leverage",
)
TREND_ID: Final = "payment_turnover"
RANK_IDS: Final = ("payment_turnover", "night_share", "nonlocal_share", "avg_ticket")
TREND_YEARS: Final = 3


@dataclass(frozen=True)
class Kpi:
    """One card: the indicator's value for the month, the same month a year earlier and the change."""

    meta: dict[str, Any]
    period: str
    value: float | None
    last_year: float | None
    change: float | None  # % for levels; percentage points for shares
    change_kind: str  # "pct" | "pp" | "published"


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard page and its API show for one region and month."""

    region: str
    month: date
    kpis: list[Kpi]
    daily: dict[str, Any]
    monthly: dict[str, Any]
    ranking: dict[str, Any]
    synthetic: bool
    notes: list[str] = field(default_factory=list)


def month_start(day: date) -> date:
    """The first day of ``day``'s month.

    >>> month_start(date(2024, 2, 29))
    datetime.date(2024, 2, 1)
    """
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month.

    >>> month_end(date(2024, 2, 10)), month_end(date(2023, 12, 5))
    (datetime.date(2024, 2, 29), datetime.date(2023, 12, 31))
    """
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def shift_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (negative: before).

    >>> shift_months(date(2024, 3, 15), -12), shift_months(date(2024, 11, 1), 2)
    (datetime.date(2023, 3, 1), datetime.date(2025, 1, 1))
    """
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def build(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: CubeSources,
    month: date,
    region: str | None = None,
    rank_by: str = TREND_ID,
) -> Dashboard:
    """The dashboard for ``region`` (default: the actor's scope) with cards for ``month``."""
    code = query.resolve_region(actor, region)
    first = month_start(month)
    kpis = [_kpi(session, actor, engine, cubes, ind, code, first) for ind in KPI_IDS]
    daily = _series(session, actor, engine, cubes, code, shift_months(first, -12 * TREND_YEARS + 1), first, "day")
    monthly = _series(session, actor, engine, cubes, code, shift_months(first, -12 * TREND_YEARS + 1), first, "month")
    ranking = query.rank_subregions(
        session,
        actor=actor,
        engine=engine,
        cubes=cubes,
        indicator_id=rank_by,
        start=first,
        end=month_end(first),
        region=code,
    )
    return Dashboard(
        region=code,
        month=first,
        kpis=kpis,
        daily=daily,
        monthly=monthly,
        ranking={"meta": ranking.series.meta(), "rows": ranking.records()},
        synthetic=cubes.synthetic or any(k.meta.get("synthetic") for k in kpis),
    )


def _kpi(
    session: Session,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: CubeSources,
    indicator_id: str,
    region: str,
    first: date,
) -> Kpi:
    series = query.indicator_series(
        session,
        actor=actor,
        engine=engine,
        cubes=cubes,
        indicator_id=indicator_id,
        start=shift_months(first, -12),
        end=month_end(first),
        region=region,
        grain="month",
    )
    frame = series.frame
    now, before = _at(frame, first), _at(frame, shift_months(first, -12))
    value = None if now is None else _number(now["value"])
    last_year = None if before is None else _number(before["value"])
    change, kind = _change(series, now, value, last_year)
    return Kpi(series.meta(), first.strftime("%Y-%m"), value, last_year, change, kind)


def _change(
    series: query.IndicatorSeries, now: pd.Series | None, value: float | None, last_year: float | None
) -> tuple[float | None, str]:
    """Published growth for official figures; otherwise computed from the cube (pp for shares)."""
    if series.indicator.is_official:
        published = None if now is None else _number(now.get("yoy_pct"))
        return published, "published"
    if value is None or last_year is None:
        return None, "pp" if series.indicator.percent else "pct"
    if series.indicator.percent:
        return round(value - last_year, 2), "pp"
    return (round((value / last_year - 1) * 100, 1) if last_year else None), "pct"


def _at(frame: pd.DataFrame, period: date) -> pd.Series | None:
    if frame.empty:
        return None
    periods = pd.to_datetime(frame["period"]).dt.date
    hit = frame[periods == period]
    return None if hit.empty else hit.iloc[0]


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value)  # type: ignore[arg-type]


def _series(
    session: Session,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: CubeSources,
    region: str,
    start: date,
    last_month: date,
    grain: str,
) -> dict[str, Any]:
    series = query.indicator_series(
        session,
        actor=actor,
        engine=engine,
        cubes=cubes,
        indicator_id=TREND_ID,
        start=start,
        end=month_end(last_month),
        region=region,
        grain=grain,  # type: ignore[arg-type]
    )
    return {"meta": series.meta(), "rows": [{"period": r["period"], "value": r["value"]} for r in series.records()]}
