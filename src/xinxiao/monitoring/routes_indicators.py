"""Indicator and window routes under /api/v1/monitoring: the registry, series with views, window effects."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from xinxiao.core import InvalidInput
from xinxiao.http import AnalyticsDep, AppState, CurrentPrincipal, SessionDep
from xinxiao.http.deps import get_state
from xinxiao.monitoring import effects, service, view_service, windows
from xinxiao.monitoring.indicators import Grain, get_indicator, list_indicators
from xinxiao.monitoring.query import CubeSources
from xinxiao.monitoring.views import View

api = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])
StateDep = Annotated[AppState, Depends(get_state)]
FILTER_DIMS = ("industry", "channel", "night", "origin_band", "place", "category", "platform")


def lake_cubes(state: StateDep) -> CubeSources | None:
    """The cubes of the lake's current snapshot (None while the lake is empty)."""
    sources = service.cube_sources(state.settings)
    return None if sources.version == "0" else sources


CubesDep = Annotated[CubeSources | None, Depends(lake_cubes)]


@api.get("/indicators", summary="The indicator registry")
def registry(actor: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every indicator: id, names, unit, formula, source, grain, allowed filters, 口径 and version."""
    return [indicator.describe() for indicator in list_indicators()]


def _filters(
    industry: Annotated[list[str] | None, Query()] = None,
    channel: Annotated[list[str] | None, Query()] = None,
    night: Annotated[list[str] | None, Query()] = None,
    origin_band: Annotated[list[str] | None, Query()] = None,
    place: Annotated[list[str] | None, Query()] = None,
    category: Annotated[list[str] | None, Query()] = None,
    platform: Annotated[list[str] | None, Query()] = None,
) -> dict[str, list[str]]:
    """Dimension filters from repeatable query parameters (only the indicator's allowed ones are accepted)."""
    values = {"industry": industry, "channel": channel, "night": night, "origin_band": origin_band,
              "place": place, "category": category, "platform": platform}  # fmt: skip
    return {dim: v for dim, v in values.items() if v}


FiltersDep = Annotated[dict[str, list[str]], Depends(_filters)]


@api.get("/indicators/{indicator_id}", summary="An indicator's series for a region, with a derived view")
def series(
    indicator_id: str,
    session: SessionDep,
    actor: CurrentPrincipal,
    engine: AnalyticsDep,
    cubes: CubesDep,
    filters: FiltersDep,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    region: str | None = None,
    grain: Grain = "month",
    view: View = "level",
    base_year: int = 2019,
) -> dict[str, Any]:
    """Values per period (plus numerator, denominator, base and change for views), with unit, source, 口径,
    vintage and the synthetic flag. A region outside your scope is 404; a filter the indicator does not
    allow is 422."""
    get_indicator(indicator_id)
    result = view_service.indicator_view(
        session, actor=actor, engine=engine, cubes=cubes, indicator_id=indicator_id, start=start, end=end,
        region=region, grain=grain, view=view, filters=filters, base_year=base_year,
    )  # fmt: skip
    return {"meta": result.meta(), "rows": result.records()}


@api.get("/windows", summary="Holiday, promotion, event and voucher windows")
def list_windows(
    session: SessionDep, actor: CurrentPrincipal, year: int | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """The windows that concern your region (national ones and those on your line of the region tree)."""
    if kind is not None and kind not in windows.KINDS:
        raise InvalidInput(f"kind must be one of {list(windows.KINDS)}", field="kind")
    return [_window(w) for w in windows.list_windows(session, actor=actor, year=year, kind=kind)]


def _window(w: Any) -> dict[str, Any]:
    keys = ("code", "year", "name_zh", "name_en", "kind", "region_adcode", "start_date", "end_date", "alignment",
            "budget_yuan", "note", "synthetic")  # fmt: skip
    return {k: getattr(w, k) for k in keys}


@api.get("/windows/{code}/{year}/effect", summary="A window's effect: turnover, shares and uplift with interval")
def window_effect(
    code: str,
    year: int,
    session: SessionDep,
    actor: CurrentPrincipal,
    engine: AnalyticsDep,
    cubes: CubesDep,
    region: str | None = None,
    baseline_weeks: Annotated[int, Query(ge=1, le=12)] = 4,
) -> dict[str, Any]:
    """Turnover, count, night and non-local share, and the uplift of daily turnover over last year's aligned
    window and the weeks before, each with a 90 % bootstrap interval from the baseline's variability."""
    result = effects.window_effect(
        session, actor=actor, engine=engine, cubes=cubes, code=code, year=year, region=region,
        baseline_weeks=baseline_weeks,
    )  # fmt: skip
    return result.to_dict()
