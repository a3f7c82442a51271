"""Indicator series: an indicator for a region, period range, grain and filters, computed over the cubes.

One ibis expression per query runs on the analytics engine (DuckDB or Spark): each source cube is
filtered (dates, region by adcode prefix, dimension filters) and summed into the indicator's base
measures per period; an indicator over two cubes (online share, conversion) stacks the two partial sums
and adds them up per period; then the formula turns the sums into the value, with numerator and
denominator beside it when the formula is a quotient. Money is converted from 分 to the unit.

The principal's scope applies to every query (a region outside it is ``NotFound``); filters are only
those the registry allows for the indicator. Every result carries its unit, source, 口径, vintage and
whether the data is synthetic. Official indicators are read from the official series store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import pandas as pd
import pyarrow as pa
from sqlalchemy.orm import Session

from xinxiao.analytics import AnalyticsEngine, TableSource
from xinxiao.core import NATIONAL, InvalidInput, NotFound, Principal
from xinxiao.monitoring import official_query
from xinxiao.monitoring.cache import VersionedLRU
from xinxiao.monitoring.cube_expr import COLUMNS, FrozenFilters, QueryGrain, Spec, expression, tidy
from xinxiao.monitoring.indicators import CUBES, GRAINS, Grain, Indicator, get_indicator
from xinxiao.monitoring.schema import FeedKind
from xinxiao.reference import region_tree

Filters = Mapping[str, Sequence[str | bool]]
_TRUE: Final = frozenset({"true", "1", "yes", "是", "夜间"})
_FALSE: Final = frozenset({"false", "0", "no", "否", "日间"})
RESULTS: VersionedLRU[pd.DataFrame] = VersionedLRU()


@dataclass(frozen=True, slots=True)
class CubeSources:
    """The lake's cubes as the engine reads them, with the lake version they belong to.

    ``version`` keys the cache (a new lake version invalidates it); ``synthetic`` says whether any
    delivery behind the lake was synthetic; ``vintage`` is shown beside every figure (e.g. the time
    of the last committed delivery).
    """

    tables: Mapping[FeedKind, TableSource]
    version: str
    synthetic: bool = False
    vintage: str | None = None


@dataclass(frozen=True)
class IndicatorSeries:
    """An indicator's values for a region and period range; ``frame`` has ``COLUMNS`` (+ ``yoy_pct``)."""

    indicator: Indicator
    region: str
    grain: QueryGrain  # "total": one row over the whole range, no period
    start: date
    end: date
    filters: FrozenFilters
    frame: pd.DataFrame
    vintage: str
    synthetic: bool
    notes: tuple[str, ...] = field(default=())

    def meta(self) -> dict[str, Any]:
        """Metadata to show beside the figures: unit, source, 口径, vintage, synthetic flag."""
        ind = self.indicator
        return {
            "indicator_id": ind.id,
            "name_zh": ind.name_zh,
            "name_en": ind.name_en,
            "unit": ind.unit,
            "source": list(ind.sources),
            "caliber": ind.caliber,
            "indicator_version": ind.version,
            "region": self.region,
            "grain": self.grain,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "filters": {dim: list(values) for dim, values in self.filters},
            "vintage": self.vintage,
            "synthetic": self.synthetic,
            "notes": list(self.notes),
        }

    def records(self) -> list[dict[str, Any]]:
        """The rows as plain dicts; missing numbers become None."""
        return frame_records(self.frame)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a result frame as JSON-ready dicts: dates as ISO text, NaN as None."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{str(k): v.isoformat() if isinstance(v, date) else v for k, v in row.items()} for row in rows]


def indicator_series(
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
    filters: Filters | None = None,
) -> IndicatorSeries:
    """The indicator for ``region`` (default: the actor's scope) from ``start`` to ``end`` at ``grain``."""
    indicator = get_indicator(indicator_id)
    # National official figures are published for everyone; every other region goes through the scope.
    code = NATIONAL if indicator.is_official and region == NATIONAL else resolve_region(actor, region)
    _check_range(indicator, grain, start, end)
    frozen = freeze_filters(indicator, filters)
    if indicator.is_official:
        frame, vintage = official_query.official_frame(session, indicator=indicator, region=code, start=start, end=end)
        synthetic = bool(frame.attrs.get("synthetic", False))
        return IndicatorSeries(
            indicator, code, grain, start, end, frozen, official_query.regrain(frame, grain), vintage, synthetic
        )
    sources = _require(cubes)
    frame = cube_frame(engine, sources, indicator, region=code, start=start, end=end, grain=grain, filters=frozen)
    vintage = sources.vintage or f"lake v{sources.version}"
    return IndicatorSeries(indicator, code, grain, start, end, frozen, frame, vintage, sources.synthetic)


def resolve_region(actor: Principal, region: str | None) -> str:
    """The region to query: ``region`` if it lies in the actor's scope (else ``NotFound``), or the scope."""
    code = actor.scope.narrow(region).adcode
    if code != NATIONAL and region_tree().get(code) is None:
        raise NotFound(f"地区 {code} 不存在")
    return code


def _check_range(indicator: Indicator, grain: str, start: date, end: date) -> None:
    if grain not in GRAINS:
        raise InvalidInput(f"grain {grain!r} must be one of {list(GRAINS)}", field="grain")
    if indicator.grain == "month" and grain == "day":
        raise InvalidInput(f"指标 {indicator.id} 只有月度数据 (no daily figures)", field="grain")
    if end < start:
        raise InvalidInput(f"the range ends ({end}) before it starts ({start})", field="to")


def _require(cubes: CubeSources | None) -> CubeSources:
    if cubes is None:
        raise NotFound("数据湖中还没有可用的指标立方体 (no cube has been built yet)")
    return cubes


def freeze_filters(indicator: Indicator, filters: Filters | None) -> FrozenFilters:
    """Filters checked against the indicator's allowed dimensions, as a sorted hashable tuple."""
    frozen: list[tuple[str, tuple[str, ...]]] = []
    for dim, raw in sorted((filters or {}).items()):
        values = tuple(sorted({str(v).strip() for v in ([raw] if isinstance(raw, str | bool) else raw)}))
        if not values:
            continue
        if dim == "region" or dim not in indicator.dims:
            allowed = [d for d in indicator.dims if d != "region"]
            reason = "use the region parameter" if dim == "region" else f"allowed: {allowed}"
            raise InvalidInput(f"指标 {indicator.id} 不能按 {dim} 筛选 ({reason})", field=dim)
        if dim == "night":
            values = tuple(sorted({str(_truth(v)) for v in values}))
        frozen.append((dim, values))
    return tuple(frozen)


def _truth(value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise InvalidInput(f"night must be true or false, not {value!r}", field="night")


def cube_frame(
    engine: AnalyticsEngine,
    cubes: CubeSources,
    indicator: Indicator,
    *,
    region: str,
    start: date,
    end: date,
    grain: QueryGrain,
    filters: FrozenFilters = (),
) -> pd.DataFrame:
    """The indicator's frame (``COLUMNS``) over the cubes, cached per query and lake version."""
    key = ("series", indicator.id, indicator.version, region, start, end, grain, filters)
    spec = Spec(indicator, region, start, end, grain, filters, None)
    result = RESULTS.get_or_compute(key, cubes.version, lambda: _run(engine, cubes, spec))
    return result.copy()


def child_frame(
    engine: AnalyticsEngine, cubes: CubeSources, indicator: Indicator, *, region: str, start: date, end: date,
    filters: FrozenFilters = (),
) -> pd.DataFrame:  # fmt: skip
    """One row per child region of ``region`` (``child``, value, numerator, denominator) over the range."""
    tree = region_tree()
    mapping = [(county, child.adcode) for child in tree.effective_children(region)
               for county in tree.county_codes_under(child.adcode)]  # fmt: skip
    if not mapping:
        return pd.DataFrame(columns=["child", *COLUMNS[1:]])
    key = ("children", indicator.id, indicator.version, region, start, end, filters)
    table = pa.table({"county": [m[0] for m in mapping], "child": [m[1] for m in mapping]})
    spec = Spec(indicator, region, start, end, "total", filters, table)
    result = RESULTS.get_or_compute(key, cubes.version, lambda: _run(engine, cubes, spec))
    return result.copy()


def _run(engine: AnalyticsEngine, cubes: CubeSources, spec: Spec) -> pd.DataFrame:
    kinds = [CUBES[c] for c in spec.indicator.sources]  # type: ignore[index]
    missing = [kind for kind in kinds if kind not in cubes.tables]
    if missing:
        raise NotFound(f"数据湖中没有 {missing[0]} 立方体 (no {missing[0]} cube yet)")
    tables: dict[str, TableSource] = {kind: cubes.tables[kind] for kind in kinds}
    if spec.children is not None:
        tables["children"] = spec.children
    frame = engine.execute(lambda t: expression(t, spec), tables)
    return tidy(frame, spec.grain, spec.children is not None)


@dataclass(frozen=True)
class Ranking:
    """An indicator for each child region of ``region`` over one period range, best first."""

    series: IndicatorSeries  # the parent's own figure over the range, and the metadata
    frame: pd.DataFrame  # adcode, name, value, numerator, denominator, rank

    def records(self) -> list[dict[str, Any]]:
        """The rows as plain dicts; missing numbers become None."""
        return frame_records(self.frame)


def rank_subregions(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: CubeSources | None,
    indicator_id: str,
    start: date,
    end: date,
    region: str | None = None,
    filters: Filters | None = None,
) -> Ranking:
    """The indicator per child region (province → 市州, prefecture → counties) from ``start`` to ``end``.

    ``series`` of the result holds the region's own figure over the whole range (one row, no period).
    """
    indicator = get_indicator(indicator_id)
    code = resolve_region(actor, region)
    _check_range(indicator, "month", start, end)
    frozen = freeze_filters(indicator, filters)
    if indicator.is_official:
        own, vintage = official_query.official_frame(session, indicator=indicator, region=code, start=start, end=end)
        total = _official_total(own, start, end)
        children = _official_children(session, indicator, code, start, end)
        synthetic = bool(own.attrs.get("synthetic", False) or children.attrs.get("synthetic", False))
    else:
        sources = _require(cubes)
        total = cube_frame(engine, sources, indicator, region=code, start=start, end=end, grain="total", filters=frozen)
        children = child_frame(engine, sources, indicator, region=code, start=start, end=end, filters=frozen)
        vintage, synthetic = sources.vintage or f"lake v{sources.version}", sources.synthetic
    series = IndicatorSeries(indicator, code, "total", start, end, frozen, total, vintage, synthetic)
    return Ranking(series, _ranked(children, code))


def _official_total(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """The sum of the monthly levels when every month of the range is published, else no row."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    complete = len(frame) == months and bool(frame["value"].notna().all())
    rows = [{"value": float(frame["value"].sum()), "numerator": None, "denominator": None}] if complete else []
    return pd.DataFrame(rows, columns=list(COLUMNS[1:])).astype("float64")


def _official_children(session: Session, indicator: Indicator, region: str, start: date, end: date) -> pd.DataFrame:
    frames, synthetic = [], False
    for child in region_tree().effective_children(region):
        frame, _ = official_query.official_frame(
            session, indicator=indicator, region=child.adcode, start=start, end=end
        )
        synthetic = synthetic or bool(frame.attrs.get("synthetic", False))
        frames.append(_official_total(frame, start, end).assign(child=child.adcode))
    result = pd.concat(frames) if frames else pd.DataFrame(columns=["child", *COLUMNS[1:]])
    result.attrs["synthetic"] = synthetic
    return result


def _ranked(frame: pd.DataFrame, region: str) -> pd.DataFrame:
    tree = region_tree()
    children = tree.effective_children(region)
    known = frame.set_index("child") if not frame.empty else pd.DataFrame(columns=list(COLUMNS[1:]))
    rows = [
        {
            "adcode": child.adcode,
            "name": child.short_name,
            **{c: known[c].get(child.adcode) for c in COLUMNS[1:]},
        }
        for child in children
    ]
    out = pd.DataFrame(rows, columns=["adcode", "name", *COLUMNS[1:]]).astype(dict.fromkeys(COLUMNS[1:], "float64"))
    out["rank"] = out["value"].rank(ascending=False, method="min").astype("Int64")
    return out.sort_values(["rank", "adcode"], na_position="last").reset_index(drop=True)
