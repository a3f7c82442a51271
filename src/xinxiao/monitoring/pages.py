"""Monitoring pages: the regional dashboard, data sources and freshness, windows and their effects."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from xinxiao.core import InvalidInput, NotFound, Principal
from xinxiao.http import (
    AnalyticsDep,
    AppState,
    CurrentPrincipal,
    PagePrincipal,
    SessionDep,
    region_breadcrumb,
    render,
    scope_context,
)
from xinxiao.http.deps import get_state
from xinxiao.http.i18n import translate
from xinxiao.http.templating import language
from xinxiao.monitoring import (
    adjusted,
    dashboard,
    deliveries,
    effects,
    lake,
    official,
    service,
    view_service,
    windows,
)
from xinxiao.monitoring.query import CubeSources, frame_records
from xinxiao.reference import drillable, get_region

router = APIRouter(prefix="/monitoring", include_in_schema=False)
api = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])
StateDep = Annotated[AppState, Depends(get_state)]


def _cubes(state: StateDep) -> CubeSources:
    return service.cube_sources(state.settings)


CubesDep = Annotated[CubeSources, Depends(_cubes)]


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` as the first day of that month; None when absent.

    >>> parse_month("2024-02"), parse_month(None)
    (datetime.date(2024, 2, 1), None)
    """
    if not text:
        return None
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as exc:
        raise InvalidInput("月份格式应为 YYYY-MM", field="month", value=text) from exc


def _dashboard(
    request: Request, state: AppState, session: SessionDep, actor: Principal, engine: AnalyticsDep, **kw: Any
) -> dashboard.Dashboard:
    cubes = service.cube_sources(state.settings)
    if cubes.version == "0":
        raise NotFound("监测数据湖尚无数据: 请先导入支付、订单或客流数据")
    month = parse_month(kw.get("month")) or service.default_month(state.settings)
    return dashboard.build(
        session, actor=actor, engine=engine, cubes=cubes, month=month, region=kw.get("region"), rank_by=kw["rank_by"]
    )


@api.get("/dashboard", summary="The monitoring dashboard of a region for a month")
def dashboard_api(
    request: Request,
    state: StateDep,
    session: SessionDep,
    actor: CurrentPrincipal,
    engine: AnalyticsDep,
    region: str | None = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    rank_by: str = dashboard.TREND_ID,
) -> dict[str, Any]:
    """KPI cards with YoY (published growth for official figures), daily and monthly payment turnover over three
    years, and the ranking of sub-regions; every figure with unit, source, vintage and the synthetic flag."""
    result = _dashboard(request, state, session, actor, engine, region=region, month=month, rank_by=rank_by)
    return _dashboard_data(result)


def _dashboard_data(result: dashboard.Dashboard) -> dict[str, Any]:
    return {
        "region": result.region,
        "month": result.month.strftime("%Y-%m"),
        "kpis": [k.__dict__ for k in result.kpis],
        "daily": result.daily,
        "monthly": result.monthly,
        "ranking": result.ranking,
        "synthetic": result.synthetic,
    }


@router.get("", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    actor: PagePrincipal,
    engine: AnalyticsDep,
    region: str | None = None,
    month: str | None = None,
    rank_by: str = dashboard.TREND_ID,
) -> Response:
    """KPI cards, time series, choropleth with drill-down and the ranking of sub-regions."""
    context = _common(session, actor, state)
    if state.settings and service.cube_sources(state.settings).version == "0":
        return render(request, "monitoring/dashboard.html", context | {"empty": True})
    result = _dashboard(request, state, session, actor, engine, region=region, month=month, rank_by=rank_by)
    data = _dashboard_data(result)
    data["drillable"] = [r["adcode"] for r in result.ranking["rows"] if drillable(r["adcode"])]
    data["labels"] = {k: translate(f"monitoring.{k}", language(request)) for k in ("daily", "monthly", "yoy")}
    context |= {
        "empty": False,
        "d": result,
        "data": data,
        "node_name": _name(session, result.region),
        "breadcrumb": region_breadcrumb(session, actor, result.region),
        "map_available": drillable(result.region),
        "rank_ids": dashboard.RANK_IDS,
        "rank_by": rank_by,
        "synthetic": context["synthetic"] or result.synthetic,
    }
    return render(request, "monitoring/dashboard.html", context)


def _common(session: SessionDep, actor: Principal, state: AppState) -> dict[str, Any]:
    cubes = service.cube_sources(state.settings)
    return scope_context(session, actor) | {"synthetic": cubes.synthetic, "synthetic_banner": "monitoring.banner"}


def _name(session: SessionDep, adcode: str) -> str:
    return "全国" if adcode == "000000" else get_region(session, adcode=adcode).name


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, state: StateDep, session: SessionDep, actor: PagePrincipal) -> Response:
    """Each feed's freshness and gaps, the latest deliveries, and the official series held."""
    today = service.latest_day(state.settings)
    context = _common(session, actor, state) | {
        "freshness": lake.all_freshness(service.lake_of(state.settings), days=60, today=today),
        "deliveries": deliveries.list_deliveries(session, limit=50),
        "official": official.list_indicators_with_series(session, scope=actor.scope),
        "today": today,
    }
    return render(request, "monitoring/sources.html", context)


@router.get("/windows", response_class=HTMLResponse)
def windows_page(
    request: Request, state: StateDep, session: SessionDep, actor: PagePrincipal, year: int | None = None
) -> Response:
    """Holiday, promotion, event and voucher windows of a year."""
    shown = year or (service.latest_day(state.settings) or date.today()).year
    rows = windows.list_windows(session, actor=actor, year=shown)
    context = _common(session, actor, state) | {"rows": rows, "year": shown, "years": range(shown - 3, shown + 2)}
    return render(request, "monitoring/windows.html", context)


@router.get("/windows/{code}/{year}", response_class=HTMLResponse)
def window_page(
    code: str,
    year: int,
    request: Request,
    session: SessionDep,
    actor: PagePrincipal,
    engine: AnalyticsDep,
    cubes: CubesDep,
    state: StateDep,
    region: str | None = None,
) -> Response:
    """One window: turnover, count, night and non-local share, uplift with intervals, the daily curve."""
    result = effects.window_effect(
        session, actor=actor, engine=engine, cubes=cubes, code=code, year=year, region=region
    )
    data = result.to_dict()
    holiday = view_service.holiday_view(
        session, actor=actor, engine=engine, cubes=cubes, indicator_id="payment_turnover", code=code, year=year,
        region=result.region,
    )  # fmt: skip
    context = _common(session, actor, state) | {
        "e": data,
        "holiday": {"rows": holiday.records(), "total": _finite(holiday.total), "unit": holiday.change_unit},
        "region_name": _name(session, result.region),
        "daily": frame_records(result.daily),
        "synthetic": data["synthetic"],
    }
    return render(request, "monitoring/window.html", context)


@api.get(
    "/indicators/{indicator_id}/adjusted", summary="An indicator's seasonally and festival-adjusted monthly series"
)
def adjusted_api(
    indicator_id: str,
    session: SessionDep,
    actor: CurrentPrincipal,
    engine: AnalyticsDep,
    state: StateDep,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    region: str | None = None,
    method: adjusted.Method = "stl",
) -> dict[str, Any]:
    """Monthly levels with the adjusted series, seasonal and festival factors and trend, and each festival's
    effect (log points per unit of its regressor, with standard error). `method=stl` always works; `x13` needs
    the optional X-13ARIMA-SEATS extra (501 otherwise). At least three years of months are needed."""
    cubes = service.cube_sources(state.settings)
    return adjusted.adjusted_view(
        session,
        actor=actor,
        engine=engine,
        cubes=None if cubes.version == "0" else cubes,
        indicator_id=indicator_id,
        start=start,
        end=end,
        region=region,
        method=method,
    )


@api.get("/windows/{code}/{year}/yoy", summary="A holiday window day by day against the aligned days a year earlier")
def holiday_yoy_api(
    code: str,
    year: int,
    session: SessionDep,
    actor: CurrentPrincipal,
    engine: AnalyticsDep,
    cubes: CubesDep,
    indicator: str = "payment_turnover",
    region: str | None = None,
    days: Annotated[int | None, Query(ge=0, le=30)] = None,
) -> dict[str, Any]:
    """Holiday YoY: 春节 on the same lunar days (day −k … +k with `days=k`), fixed holidays on the same calendar
    days; each day with its aligned day last year and the change, and the window in total."""
    result = view_service.holiday_view(
        session, actor=actor, engine=engine, cubes=cubes, indicator_id=indicator, code=code, year=year,
        region=region, days=days,
    )  # fmt: skip
    return {"meta": result.series.meta(), "alignment": result.alignment, "rows": result.records(),
            "total": _finite(result.total), "change_unit": result.change_unit}  # fmt: skip


def _finite(numbers: dict[str, float]) -> dict[str, float | None]:
    """NaN (no figure) as None, for JSON and templates."""
    return {k: None if math.isnan(v) else v for k, v in numbers.items()}
