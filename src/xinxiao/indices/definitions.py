"""The indices Xinxiao ships (新型消费活力指数, 消费环境评价 and its templates), kept as YAML data.

A definition is an iMeta table (indicators and aggregates with COINr's columns) plus, per indicator, where
its value comes from (``source``) and its 口径 (``caliber``); the build steps; the spec alternatives the
uncertainty analysis varies; and what the units are (the child regions of a region, or the places of a
kind inside it). ``docs/indices.md`` describes the source forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import pandas as pd
import yaml

from xinxiao.core import InvalidInput, NotFound
from xinxiao.indices.framework import IMETA_COLUMNS, Framework, read_imeta
from xinxiao.indices.spec import BuildSpec, parse_steps

UnitKind = Literal["regions", "places"]
SOURCE_KINDS = ("monitoring", "merchants", "csv")
MERCHANT_MEASURES = ("digital_rate", "above_quota_share", "new_above_quota_per_1000", "merchants")


@dataclass(frozen=True)
class IndicatorSource:
    """Where one indicator's value comes from: a monitoring indicator, the merchant registry or a CSV column."""

    kind: str  # monitoring | merchants | csv
    name: str  # the monitoring indicator id, the merchant measure or the CSV column
    filters: Mapping[str, tuple[str, ...]]
    view: str | None = None  # "yoy": growth over the same period a year earlier, in %
    over: IndicatorSource | None = None  # a denominator: value = 100 × this ÷ over (or × scale)
    scale: float | None = None


@dataclass(frozen=True)
class Definition:
    """One shipped index: framework, sources and 口径, build steps, uncertainty, units."""

    id: str
    version: int
    name_zh: str
    name_en: str
    basis: str
    units: UnitKind
    place_kind: str | None
    periods: tuple[str, ...]
    framework: Framework
    spec: BuildSpec
    sources: Mapping[str, IndicatorSource]
    calibers: Mapping[str, str]
    names_en: Mapping[str, str]
    uncertainty: tuple[Mapping[str, Any], ...]
    templates: tuple[str, ...]

    @property
    def csv_columns(self) -> list[str]:
        """The columns an uploaded input CSV must carry for this index."""
        columns = []
        for source in self.sources.values():
            columns += [s.name for s in (source, source.over) if s is not None and s.kind == "csv"]
        return sorted(set(columns))


def parse_source(data: Any, where: str) -> IndicatorSource:
    """Read a ``source`` mapping such as ``{monitoring: online_retail, view: yoy}``.

    >>> parse_source({"csv": "complaints", "over": {"monitoring": "payment_turnover"}, "scale": 10000}, "x").over.name
    'payment_turnover'
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{where}: source must be a mapping", field="source")
    kinds = [k for k in SOURCE_KINDS if k in data]
    if len(kinds) != 1:
        raise InvalidInput(f"{where}: source names exactly one of {', '.join(SOURCE_KINDS)}", field="source")
    kind = kinds[0]
    name = str(data[kind])
    if kind == "merchants" and name not in MERCHANT_MEASURES:
        raise InvalidInput(f"{where}: merchants measure {name!r} is not one of {', '.join(MERCHANT_MEASURES)}")
    if data.get("view") not in (None, "yoy"):
        raise InvalidInput(f"{where}: view {data.get('view')!r} is not supported (yoy)", field="view")
    filters = {str(k): tuple(str(v) for v in vs) for k, vs in (data.get("filters") or {}).items()}
    over = parse_source(data["over"], f"{where} over") if data.get("over") is not None else None
    scale = float(data["scale"]) if data.get("scale") is not None else None
    return IndicatorSource(kind, name, filters, data.get("view"), over, scale)


def parse_definition(data: Mapping[str, Any], where: str) -> Definition:
    """Check a definition mapping and build its framework and spec; errors name the file and the entry."""
    indicators = list(data.get("indicators") or [])
    if not indicators:
        raise InvalidInput(f"{where}: a definition lists its indicators", file=where, field="indicators")
    rows = [_meta_row(r, "Indicator", 1) for r in indicators] + [
        _meta_row(r, "Aggregate", None) for r in data["aggregates"]
    ]
    framework = read_imeta(pd.DataFrame(rows, columns=list(IMETA_COLUMNS)))
    units = data.get("units", "regions")
    if units not in ("regions", "places") or (units == "places" and not data.get("place_kind")):
        raise InvalidInput(f"{where}: units must be 'regions' or 'places' (with place_kind)", file=where, field="units")
    return Definition(
        id=str(data["id"]),
        version=int(data["version"]),
        name_zh=str(data["name_zh"]),
        name_en=str(data["name_en"]),
        basis=str(data.get("basis", "")),
        units=units,
        place_kind=data.get("place_kind"),
        periods=tuple(data.get("periods", ("month", "year"))),
        framework=framework,
        spec=parse_steps(data.get("steps"), where),
        sources={r["iCode"]: parse_source(r.get("source"), f"{where}: {r['iCode']}") for r in indicators},
        calibers={r["iCode"]: str(r.get("caliber", "")) for r in indicators},
        names_en={r["iCode"]: str(r.get("name_en", r["iCode"])) for r in [*indicators, *data["aggregates"]]},
        uncertainty=tuple(data.get("uncertainty") or ()),
        templates=tuple(data.get("templates") or ()),
    )


def _meta_row(row: Mapping[str, Any], kind: str, level: int | None) -> dict[str, Any]:
    meta = {column: row.get(column) for column in IMETA_COLUMNS}
    meta["Type"] = kind
    meta["Level"] = row.get("Level", level)
    meta["Direction"] = row.get("Direction", 1)  # an aggregate points the way its children do
    return meta


@cache
def _definitions() -> dict[str, Definition]:
    folder = resources.files("xinxiao.indices").joinpath("data", "definitions")
    found: dict[str, Definition] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            definition = parse_definition(yaml.safe_load(entry.read_text("utf-8")), entry.name)
            found[definition.id] = definition
    return found


def list_definitions() -> list[Definition]:
    """Every shipped index definition, the main indices before their templates."""
    return sorted(_definitions().values(), key=lambda d: (d.id.count("_"), d.id))


def get_definition(name: str) -> Definition:
    """The shipped definition named ``name`` (``vitality``, ``environment``, ``environment_night`` …)."""
    try:
        return _definitions()[name]
    except KeyError:
        known = ", ".join(sorted(_definitions()))
        raise NotFound(f"no index named {name!r} (known: {known})") from None
