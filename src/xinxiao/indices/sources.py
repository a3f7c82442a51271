"""Collecting a definition's indicator values for the units of a region and period.

Values come through the other domains' public services, so the caller's region scope applies to every
read: the monitoring indicators (``rank_subregions`` for child regions, ``indicator_series`` filtered to a
place for places), the merchant registry's statistics, and an uploaded CSV in COINr's iData layout for
what no module measures yet (complaints, resolution). Every value keeps its source and vintage.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from xinxiao import merchants, monitoring
from xinxiao.analytics import AnalyticsEngine
from xinxiao.core import InvalidInput, Principal
from xinxiao.indices.definitions import Definition, IndicatorSource
from xinxiao.reference import region_tree

_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Period:
    """A month (``2026-10``) or a year (``2026``) with its first and last day."""

    label: str
    start: date
    end: date

    @property
    def kind(self) -> str:
        """``month`` or ``year``."""
        return "month" if len(self.label) == 7 else "year"

    def year_before(self) -> Period:
        """The same period one year earlier."""
        label = f"{self.start.year - 1}" + self.label[4:]
        return parse_period(label)


def parse_period(text: str) -> Period:
    """``YYYY-MM`` or ``YYYY`` as a period.

    >>> parse_period("2024-02").end, parse_period("2025").start
    (datetime.date(2024, 2, 29), datetime.date(2025, 1, 1))
    """
    match = _PERIOD.match(text.strip())
    if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        raise InvalidInput(f"period {text!r} must be YYYY-MM (a month) or YYYY (a year)", field="period")
    year = int(match.group(1))
    if match.group(2) is None:
        return Period(text.strip(), date(year, 1, 1), date(year, 12, 31))
    month = int(match.group(2))
    return Period(text.strip(), date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


@dataclass
class Inputs:
    """The indicator values per unit (index = unit code), the unit names, and each column's provenance."""

    values: pd.DataFrame
    names: pd.Series
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    synthetic: bool = False

    def idata(self) -> pd.DataFrame:
        """The values in COINr's iData layout (``uCode``, ``uName``, one column per indicator)."""
        frame = self.values.copy()
        frame.insert(0, "uName", self.names.reindex(frame.index))
        return frame.rename_axis("uCode").reset_index()


@dataclass
class Context:
    """What a collection reads through: session, caller, analytics engine, the lake's cubes, an input CSV."""

    session: Session
    actor: Principal
    engine: AnalyticsEngine
    cubes: monitoring.CubeSources | None
    region: str
    period: Period
    csv: pd.DataFrame | None = None
    units: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, county)
    synthetic: bool = False
    places: bool = False  # the units are places (read one by one through their county), not child regions


def collect(context: Context, definition: Definition) -> Inputs:
    """Every indicator of ``definition`` for the units of ``context.region`` in ``context.period``."""
    context.units, context.places = _units(context, definition), definition.units == "places"
    if not context.units:
        raise InvalidInput(f"{context.region} has no {definition.units} to compare for {definition.name_zh}")
    index = pd.Index([u[0] for u in context.units], name="uCode", dtype=object)
    columns: dict[str, pd.Series] = {}
    provenance: dict[str, dict[str, Any]] = {}
    for code, source in definition.sources.items():
        columns[code], provenance[code] = _value(context, source, context.period)
    values = pd.DataFrame(columns, index=index, dtype=float).replace([np.inf, -np.inf], np.nan)
    names = pd.Series([u[1] for u in context.units], index=index, name="uName")
    return Inputs(values[list(definition.framework.indicators)], names, provenance, context.synthetic)


def _units(context: Context, definition: Definition) -> list[tuple[str, str, str]]:
    if definition.units == "places":
        places = merchants.list_places(context.session, actor=context.actor, region=context.region)
        chosen = [p for p in places if p.kind == definition.place_kind]
        context.synthetic = context.synthetic or any(p.synthetic for p in chosen)
        return [(p.code, p.name, p.region_adcode) for p in sorted(chosen, key=lambda p: p.code)]
    children = region_tree().effective_children(context.region)
    return [(c.adcode, c.short_name, c.adcode) for c in children]


def _value(context: Context, source: IndicatorSource, period: Period) -> tuple[pd.Series, dict[str, Any]]:
    values, note = _base(context, source, period)
    if source.view == "yoy":
        before, _ = _base(context, source, period.year_before())
        values = (values / before.where(before != 0) - 1.0) * 100.0
        note["view"] = f"同比: {period.label} 对 {period.year_before().label}"
    if source.over is not None:
        over, over_note = _value(context, source.over, period)
        values = values / over.where(over != 0) * (source.scale or 100.0)
        note["over"] = over_note
    return values, note


def _base(context: Context, source: IndicatorSource, period: Period) -> tuple[pd.Series, dict[str, Any]]:
    readers = {"monitoring": _monitoring, "merchants": _merchants, "csv": _csv}
    return readers[source.kind](context, source, period)


def _monitoring(context: Context, source: IndicatorSource, period: Period) -> tuple[pd.Series, dict[str, Any]]:
    filters = {k: list(v) for k, v in source.filters.items()}
    kwargs: dict[str, Any] = {
        "actor": context.actor,
        "engine": context.engine,
        "cubes": context.cubes,
        "indicator_id": source.name,
    }
    if context.places:  # one query per place, through the county it lies in
        return _per_place(context, source, period, filters, kwargs)
    ranking = monitoring.rank_subregions(
        context.session, start=period.start, end=period.end, region=context.region, filters=filters, **kwargs
    )
    context.synthetic = context.synthetic or ranking.series.synthetic
    values = ranking.frame.set_index("adcode")["value"].astype(float)
    return values.reindex([u[0] for u in context.units]), _note(source, ranking.series)


def _per_place(
    context: Context, source: IndicatorSource, period: Period, filters: dict[str, list[str]], kwargs: dict[str, Any]
) -> tuple[pd.Series, dict[str, Any]]:
    values, series = {}, None
    for code, _name, county in context.units:
        series = monitoring.indicator_series(
            context.session,
            start=period.start,
            end=period.end,
            region=county,
            grain="month" if period.kind == "month" else "year",
            filters={**filters, "place": [code]},
            **kwargs,
        )
        context.synthetic = context.synthetic or series.synthetic
        frame = series.frame
        values[code] = float(frame["value"].iloc[0]) if len(frame) and pd.notna(frame["value"].iloc[0]) else np.nan
    return pd.Series(values, dtype=float), _note(source, series)


def _note(source: IndicatorSource, series: monitoring.IndicatorSeries | None) -> dict[str, Any]:
    note: dict[str, Any] = {
        "source": f"monitoring:{source.name}",
        "filters": {k: list(v) for k, v in source.filters.items()},
    }
    if series is not None:
        note |= {"unit": series.indicator.unit, "vintage": series.vintage, "synthetic": series.synthetic}
    return note


def _merchants(context: Context, source: IndicatorSource, period: Period) -> tuple[pd.Series, dict[str, Any]]:
    kwargs: dict[str, Any] = {"actor": context.actor, "engine": context.engine, "region": context.region}
    rows = {r.key: r for r in merchants.summary(context.session, dimension="region", **kwargs)}
    codes = [u[0] for u in context.units]
    count = pd.Series({c: float(rows[c].merchants) if c in rows else np.nan for c in codes}, dtype=float)
    if source.name == "merchants":
        values = count
    elif source.name == "digital_rate":
        values = pd.Series({c: 100.0 * rows[c].digital_rate if c in rows else np.nan for c in codes}, dtype=float)
    elif source.name == "above_quota_share":
        above = pd.Series({c: float(rows[c].above_quota) if c in rows else np.nan for c in codes}, dtype=float)
        values = 100.0 * above / count.where(count > 0)
    else:
        new = merchants.new_above_quota(context.session, **kwargs)
        per = {r.key: float(r.new_above_quota) for r in new if r.year == period.start.year}
        values = 1000.0 * pd.Series({c: per.get(c, 0.0) for c in codes}, dtype=float) / count.where(count > 0)
    return values, {"source": f"merchants:{source.name}", "vintage": "商户库当前状态 (运行时点)"}


def _csv(context: Context, source: IndicatorSource, period: Period) -> tuple[pd.Series, dict[str, Any]]:
    if context.csv is None:
        raise InvalidInput(f"this index needs an input CSV with the column {source.name}", field="input")
    if source.name not in context.csv.columns:
        raise InvalidInput(f"the input CSV has no column {source.name}", field=source.name)
    values = pd.to_numeric(context.csv[source.name], errors="coerce").astype(float)
    return values.reindex([u[0] for u in context.units]), {"source": f"csv:{source.name}", "vintage": "上传文件"}


def read_input_csv(path: Path, definition: Definition) -> pd.DataFrame:
    """An uploaded input CSV in COINr's iData layout (``uCode`` plus the definition's CSV columns), checked."""
    try:
        frame = pd.read_csv(path, dtype={"uCode": str}, encoding="utf-8-sig")
    except UnicodeDecodeError:
        frame = pd.read_csv(path, dtype={"uCode": str}, encoding="gb18030")
    if "uCode" not in frame.columns:
        raise InvalidInput(f"{path.name}: line 1: the column uCode is missing", file=path.name, field="uCode")
    for column in definition.csv_columns:
        if column not in frame.columns:
            raise InvalidInput(f"{path.name}: line 1: the column {column} is missing", file=path.name, field=column)
        bad = _first_bad_number(frame[column])
        if bad is not None:
            line, value = bad
            raise InvalidInput(
                f"{path.name}: line {line}, column {column}: {value!r} is not a number", file=path.name, field=column
            )
    duplicated = frame["uCode"][frame["uCode"].duplicated()]
    if len(duplicated):
        line = int(duplicated.index[0]) + 2
        raise InvalidInput(f"{path.name}: line {line}: uCode {duplicated.iloc[0]} repeats", file=path.name)
    return frame.set_index("uCode")


def _first_bad_number(column: pd.Series) -> tuple[int, Any] | None:
    numbers = pd.to_numeric(column, errors="coerce")
    bad = column.notna() & numbers.isna()
    if not bad.any():
        return None
    position = int(np.flatnonzero(bad.to_numpy())[0])
    return position + 2, column.iloc[position]


def describe_sources(definition: Definition) -> Mapping[str, str]:
    """A one-line description of each indicator's source, for the method page and the annex."""
    return {code: _describe(source) for code, source in definition.sources.items()}


def _describe(source: IndicatorSource) -> str:
    text = f"{source.kind}:{source.name}"
    if source.filters:
        text += " [" + "; ".join(f"{k}={','.join(v)}" for k, v in source.filters.items()) + "]"
    if source.view == "yoy":
        text += " 同比%"
    if source.over is not None:
        text += f" ÷ {_describe(source.over)}" + (f" × {source.scale:g}" if source.scale else " × 100")
    return text
