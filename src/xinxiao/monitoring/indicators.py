"""The indicator registry (``data/indicators.yaml``): base measures per cube and indicators over them.

Loading checks everything a query relies on, and a bad entry fails with the file, line, indicator
and field: a formula naming an unknown measure (the token is named), measures from a cube the
indicator does not declare, a dimension one of its cubes lacks, a unit that does not fit the
formula (an amount of money needs a money unit, a ratio needs ``%``, ``倍`` or a count unit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, cast

import pyarrow as pa
import yaml

from xinxiao.core import InvalidInput, NotFound
from xinxiao.monitoring.formula import Formula, FormulaError, parse_formula
from xinxiao.monitoring.schema import CHANNELS, CUBE_SCHEMAS, ORIGIN_BANDS, FeedKind

CubeName = Literal["payments_cube", "orders_cube", "footfall_cube"]
CUBES: Final[dict[CubeName, FeedKind]] = {
    "payments_cube": "payments",
    "orders_cube": "orders",
    "footfall_cube": "footfall",
}
OFFICIAL: Final = "official"
Grain = Literal["day", "month", "year"]
GRAINS: Final[tuple[Grain, ...]] = ("day", "month", "year")
MeasureKind = Literal["money", "count", "people", "payers"]
REGISTRY_FILE: Final = "indicators.yaml"

# A filter dimension → the cube column it filters.
DIMENSIONS: Final[dict[str, str]] = {
    "region": "region_adcode",
    "industry": "industry_code",
    "channel": "channel",
    "night": "night",
    "origin_band": "origin_band",
    "place": "place_code",
    "category": "category",
    "platform": "platform",
}
# 分 per unit for units that carry money; other units are ratios or counts.
MONEY_UNITS: Final[dict[str, int]] = {
    "元": 100,
    "万元": 1_000_000,
    "亿元": 10_000_000_000,
    "元每笔": 100,
    "元每人次": 100,
}
PLAIN_UNITS: Final = ("%", "倍", "笔", "人次")
_ENUMS: Final[dict[str, tuple[str, ...]]] = {"channel": CHANNELS, "origin_band": ORIGIN_BANDS}


@dataclass(frozen=True, slots=True)
class Condition:
    """A row filter of a measure: ``column`` equal to, in, not in the values, or not null."""

    column: str
    op: Literal["in", "not_in", "not_null"]
    values: tuple[str | bool, ...] = ()


@dataclass(frozen=True, slots=True)
class Measure:
    """A base measure: the sum of an integer cube column over the rows matching ``where``."""

    name: str
    cube: CubeName
    column: str
    kind: MeasureKind
    name_zh: str
    where: tuple[Condition, ...] = ()
    additive: bool = True

    @property
    def money(self) -> int:
        """1 when the measure is an amount of money (分), else 0."""
        return 1 if self.kind == "money" else 0


@dataclass(frozen=True, slots=True)
class Indicator:
    """One registry entry; cube indicators carry a formula, official ones an ``official_id``."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    sources: tuple[str, ...]
    grain: Grain
    dims: tuple[str, ...]
    caliber: str
    version: int
    formula: Formula | None = None
    official_id: str | None = None
    measures: tuple[Measure, ...] = ()

    @property
    def is_official(self) -> bool:
        """Whether the figures come from the official series store."""
        return self.sources == (OFFICIAL,)

    @property
    def is_ratio(self) -> bool:
        """Whether the formula is a quotient (its YTD is the ratio of cumulated parts)."""
        return self.formula is not None and self.formula.parts() is not None

    @property
    def additive(self) -> bool:
        """Whether values of periods add up (a sum of additive measures, no quotient)."""
        return not self.is_ratio and all(m.additive for m in self.measures)

    @property
    def percent(self) -> bool:
        """Whether the unit is a percentage (changes are then percentage points)."""
        return self.unit == "%"

    def scale(self, money_power: int | None) -> float:
        """Multiplier from raw cube units to display units for a term of the given power of 分."""
        fen_per_unit = MONEY_UNITS.get(self.unit, 100)  # ratios show their money parts in 元
        return float(fen_per_unit) ** -(money_power or 0)

    def describe(self) -> dict[str, Any]:
        """The registry entry as plain data (API, CLI)."""
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit": self.unit,
            "source": list(self.sources),
            "formula": self.formula.text if self.formula else None,
            "official_id": self.official_id,
            "grain": self.grain,
            "dims": list(self.dims),
            "caliber": self.caliber,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class Registry:
    """The loaded registry: measures by name and indicators by id, in file order."""

    version: int
    measures: Mapping[str, Measure]
    indicators: Mapping[str, Indicator]

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id; ``NotFound`` otherwise."""
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise NotFound(f"指标 {indicator_id} 不存在 (unknown indicator {indicator_id!r})") from None


@cache
def registry() -> Registry:
    """The shipped registry, loaded and checked once."""
    text = resources.files("xinxiao.monitoring").joinpath("data", REGISTRY_FILE).read_text("utf-8")
    return load_registry(text)


def get_indicator(indicator_id: str) -> Indicator:
    """An indicator of the shipped registry by id; ``NotFound`` when unknown."""
    return registry().get(indicator_id)


def list_indicators() -> list[Indicator]:
    """Every indicator of the shipped registry, in file order."""
    return list(registry().indicators.values())


def load_registry(text: str, *, filename: str = REGISTRY_FILE) -> Registry:
    """Parse and check registry YAML; ``InvalidInput`` names the file, line, indicator and field.

    >>> text = '''
    ... measures: {payments_cube: {amount_fen: {column: amount_fen, kind: money, name_zh: 交易额}}}
    ... indicators:
    ...   - {id: t, name_zh: 交易额, name_en: Turnover, unit: 万元, source: payments_cube,
    ...      formula: amount_fen, grain: day, dims: [region], caliber: 合计, version: 1}
    ... '''
    >>> load_registry(text).get("t").scale(1)
    1e-06
    """
    try:
        data = yaml.safe_load(text)
        lines = _indicator_lines(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{filename}: not valid YAML: {exc}", file=filename) from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise InvalidInput(f"{filename}: needs the mappings 'measures' and the list 'indicators'", file=filename)
    measures = _measures(data.get("measures") or {}, filename)
    indicators: dict[str, Indicator] = {}
    for index, entry in enumerate(data["indicators"]):
        where = _Where(filename, lines[index] if index < len(lines) else 0, str(_get(entry, "id")))
        indicator = _indicator(entry, measures, where)
        if indicator.id in indicators:
            raise where.error("id", "appears twice")
        indicators[indicator.id] = indicator
    return Registry(int(data.get("registry_version", 1)), measures, indicators)


def _get(entry: object, key: str) -> object:
    return entry.get(key) if isinstance(entry, dict) else None


def _indicator_lines(text: str) -> list[int]:
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "indicators" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


@dataclass(frozen=True, slots=True)
class _Where:
    filename: str
    line: int
    indicator: str

    def error(self, field: str, reason: str, **extra: str) -> InvalidInput:
        detail = f"{self.filename} line {self.line}: indicator {self.indicator!r}, field {field!r}: {reason}"
        return InvalidInput(detail, file=self.filename, line=self.line, indicator=self.indicator, field=field, **extra)


def _measures(data: Mapping[str, Any], filename: str) -> dict[str, Measure]:
    measures: dict[str, Measure] = {}
    for cube, entries in data.items():
        if cube not in CUBES:
            raise InvalidInput(f"{filename}: measures of unknown cube {cube!r}", file=filename, field="measures")
        for name, spec in (entries or {}).items():
            if name in measures:
                raise InvalidInput(f"{filename}: measure {name!r} defined twice", file=filename, field=name)
            measures[name] = _measure(name, cube, spec, filename)
    return measures


def _measure(name: str, cube: CubeName, spec: Mapping[str, Any], filename: str) -> Measure:
    schema = CUBE_SCHEMAS[CUBES[cube]]
    column, kind = spec.get("column"), spec.get("kind")

    def fail(reason: str) -> InvalidInput:
        return InvalidInput(f"{filename}: measure {name!r} of {cube}: {reason}", file=filename, field=name)

    if column not in schema.names or not pa.types.is_integer(schema.field(column).type):
        raise fail(f"column {column!r} is not an integer column of the cube")
    if kind not in ("money", "count", "people", "payers"):
        raise fail(f"kind {kind!r} must be money, count, people or payers")
    where = tuple(_condition(col, rule, schema, fail) for col, rule in (spec.get("where") or {}).items())
    additive = bool(spec.get("additive", True))
    return Measure(name, cube, str(column), kind, str(spec.get("name_zh") or name), where, additive)


def _condition(column: str, rule: Any, schema: pa.Schema, fail: Any) -> Condition:
    if column not in schema.names:
        raise fail(f"filter column {column!r} is not in the cube")
    if isinstance(rule, dict) and rule.get("not_null") is True:
        return Condition(column, "not_null")
    op: Literal["in", "not_in"] = "not_in" if isinstance(rule, dict) and "not_in" in rule else "in"
    raw = rule["not_in"] if op == "not_in" else rule
    values = tuple(raw) if isinstance(raw, list) else (raw,)
    is_bool = pa.types.is_boolean(schema.field(column).type)
    if any(isinstance(v, bool) != is_bool or not isinstance(v, str | bool) for v in values):
        raise fail(f"filter on {column!r} needs {'true/false' if is_bool else 'text'} values, got {values!r}")
    unknown = [v for v in values if column in _ENUMS and v not in _ENUMS[column]]
    if unknown:
        raise fail(f"filter on {column!r}: unknown values {unknown}")
    return Condition(column, op, values)


def _indicator(entry: Any, measures: Mapping[str, Measure], where: _Where) -> Indicator:
    if not isinstance(entry, dict):
        raise where.error("-", "each indicator must be a mapping")
    for field in ("id", "name_zh", "name_en", "unit", "source", "grain", "caliber", "version"):
        if entry.get(field) in (None, ""):
            raise where.error(field, "is required")
    sources = tuple(entry["source"]) if isinstance(entry["source"], list) else (str(entry["source"]),)
    unit, grain = str(entry["unit"]), entry["grain"]
    if unit not in MONEY_UNITS and unit not in PLAIN_UNITS:
        raise where.error("unit", f"{unit!r} is not one of {[*MONEY_UNITS, *PLAIN_UNITS]}")
    if grain not in ("day", "month"):
        raise where.error("grain", f"{grain!r} must be day or month")
    dims = tuple(str(d) for d in entry.get("dims") or ("region",))
    base = {
        "id": str(entry["id"]),
        "name_zh": str(entry["name_zh"]),
        "name_en": str(entry["name_en"]),
        "unit": unit,
        "sources": sources,
        "grain": grain,
        "dims": dims,
        "caliber": " ".join(str(entry["caliber"]).split()),
        "version": int(entry["version"]),
    }
    if sources == (OFFICIAL,):
        return _official(entry, base, where)
    return _cube_indicator(entry, base, measures, where)


def _official(entry: Mapping[str, Any], base: dict[str, Any], where: _Where) -> Indicator:
    if entry.get("formula"):
        raise where.error("formula", "an official indicator is read from the series store and has no formula")
    if base["dims"] != ("region",):
        raise where.error("dims", "official series can only be filtered by region")
    return Indicator(**base, official_id=str(entry.get("official_id") or base["id"]))


def _cube_indicator(
    entry: Mapping[str, Any], base: dict[str, Any], ms: Mapping[str, Measure], where: _Where
) -> Indicator:
    if unknown := [s for s in base["sources"] if s not in CUBES]:
        raise where.error("source", f"unknown source {unknown[0]!r}; use {[*CUBES, OFFICIAL]}")
    try:
        formula = parse_formula(str(entry.get("formula") or ""))
    except FormulaError as exc:
        raise where.error("formula", str(exc), token=exc.token) from None
    for token in sorted(formula.names):
        if token not in ms:
            raise where.error("formula", f"unknown measure {token!r}", token=token)
    measures = tuple(ms[name] for name in sorted(formula.names))
    if {m.cube for m in measures} != set(base["sources"]):
        used = sorted({m.cube for m in measures})
        raise where.error("source", f"the formula reads {used}, but the indicator declares {list(base['sources'])}")
    _check_dims(base["dims"], base["sources"], where)
    _check_unit(formula, measures, base["unit"], where)
    return Indicator(**base, formula=formula, measures=measures)


def _check_dims(dims: tuple[str, ...], sources: tuple[str, ...], where: _Where) -> None:
    if "region" not in dims:
        raise where.error("dims", "region must be allowed")
    for dim in dims:
        column = DIMENSIONS.get(dim)
        if column is None:
            raise where.error("dims", f"unknown dimension {dim!r}; use {list(DIMENSIONS)}", token=dim)
        for cube in sources:
            if column not in CUBE_SCHEMAS[CUBES[cast(CubeName, cube)]].names:
                raise where.error("dims", f"dimension {dim!r} is not a column of {cube}", token=dim)


def _check_unit(formula: Formula, measures: tuple[Measure, ...], unit: str, where: _Where) -> None:
    money = {m.name: m.money for m in measures}
    try:
        power = formula.money_power(money.__getitem__)
    except FormulaError as exc:
        raise where.error("formula", str(exc), token=exc.token) from None
    if power not in (0, 1):
        raise where.error("formula", f"the result has 分 to the power {power}; only amounts and ratios are shown")
    wants = 1 if unit in MONEY_UNITS else 0
    if power != wants:
        kind = "an amount of money" if power == 1 else "a ratio or count"
        raise where.error("unit", f"the formula gives {kind}, which cannot be shown in {unit!r}")
