"""The ibis expression behind an indicator query, the same on DuckDB and Spark.

Each source cube is filtered (dates, region by adcode prefix, dimension filters) and summed into the
indicator's base measures per period key; the parts of a two-cube indicator are stacked (UNION ALL, a
missing measure as 0) and summed again, then the formula turns the sums into value, numerator and
denominator in display units. Sums are of integers and exact; they become NULL on Spark for no rows
and are filled with 0 on both engines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from xinxiao.core import adcode_prefix
from xinxiao.monitoring.indicators import CUBES, DIMENSIONS, Condition, Indicator

QueryGrain = Literal["day", "month", "year", "total"]
FrozenFilters = tuple[tuple[str, tuple[str, ...]], ...]
COLUMNS: Final = ("period", "value", "numerator", "denominator")


@dataclass(frozen=True)
class Spec:
    """What one cube query computes."""

    indicator: Indicator
    region: str
    start: date
    end: date
    grain: QueryGrain
    filters: FrozenFilters
    children: pa.Table | None


def _keys(t: ir.Table, grain: QueryGrain, children: ir.Table | None) -> dict[str, ir.Value]:
    keys: dict[str, ir.Value] = {}
    if grain == "day":
        keys["day"] = t["date"]
    if grain in ("month", "year"):
        keys["year"] = t["date"].year().cast("int64")
    if grain == "month":
        keys["month"] = t["date"].month().cast("int64")
    if children is not None:
        keys["child"] = t["child"]
    return keys


def expression(t: Mapping[str, ir.Table], spec: Spec) -> ir.Table:
    """The indicator per period key (and child region) over the bound cubes."""
    indicator = spec.indicator
    names = [m.name for m in indicator.measures]
    parts = [_part(t, spec, cube, names) for cube in indicator.sources]
    stacked = parts[0] if len(parts) == 1 else ibis.union(*parts)
    keys = [c for c in stacked.columns if c not in names]
    sums = {name: stacked[name].sum() for name in names}
    summed = stacked.group_by(keys).aggregate(**sums) if keys else stacked.aggregate(**sums)
    values = _value_columns(indicator, {name: summed[name] for name in names})
    return summed.select(*keys, **values).order_by(keys) if keys else summed.select(**values)


def _part(t: Mapping[str, ir.Table], spec: Spec, cube: str, names: list[str]) -> ir.Table:
    table = t[CUBES[cube]]  # type: ignore[index]
    conditions = [table["date"] >= ibis.literal(spec.start), table["date"] <= ibis.literal(spec.end)]
    if (region := _region_condition(table["region_adcode"], spec.region)) is not None:
        conditions.append(region)
    conditions += [_filter_condition(table, dim, values) for dim, values in spec.filters]
    table = table.filter(*conditions)
    children = t.get("children")
    if children is not None:
        table = table.join(children, table["region_adcode"] == children["county"])
    keys = _keys(table, spec.grain, children)
    sums = {name: _measure_sum(table, spec, name, cube) for name in names}
    return table.group_by(**keys).aggregate(**sums) if keys else table.aggregate(**sums)


def _measure_sum(table: ir.Table, spec: Spec, name: str, cube: str) -> ir.Value:
    measure = next(m for m in spec.indicator.measures if m.name == name)
    if measure.cube != cube:
        return ibis.literal(0, "int64")  # this part does not carry the measure: it adds nothing
    where = [_condition(table, c) for c in measure.where]
    column = table[measure.column]
    total = column.sum(where=ibis.and_(*where)) if where else column.sum()
    return total.fill_null(0).cast("int64")  # Spark sums no rows to NULL, DuckDB too: both become 0


def _condition(table: ir.Table, cond: Condition) -> ir.BooleanValue:
    column = table[cond.column]
    if cond.op == "not_null":
        return column.notnull()
    if cond.op == "not_in":
        return column.notin(list(cond.values))
    return column.isin(list(cond.values))


def _region_condition(column: ir.StringValue, region: str) -> ir.BooleanValue | None:
    prefix = adcode_prefix(region)
    if not prefix:
        return None
    if len(prefix) == 6:
        return column == prefix
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # a range, as Scope.clause does in SQL
    return (column >= prefix) & (column < upper)


def _filter_condition(table: ir.Table, dim: str, values: tuple[str, ...]) -> ir.BooleanValue:
    column = table[DIMENSIONS[dim]]
    if dim == "night":
        return column.isin([v == "True" for v in values])
    if dim == "industry":  # GB/T 4754 codes nest: "52" selects every 52xx class
        return ibis.or_(*(column.startswith(v) for v in values))
    return column.isin(list(values))


def _value_columns(indicator: Indicator, sums: Mapping[str, ir.NumericValue]) -> dict[str, ir.Value]:
    formula = indicator.formula
    assert formula is not None
    percent = 100.0 if indicator.percent else 1.0
    money = {m.name: m.money for m in indicator.measures}.__getitem__
    value = formula.to_ibis(sums) * (indicator.scale(formula.money_power(money)) * percent)
    columns: dict[str, ir.Value] = {"value": value}
    parts = formula.parts()
    for label, part in zip(("numerator", "denominator"), parts or (), strict=False):
        columns[label] = part.to_ibis(sums) * indicator.scale(part.money_power(money))
    if parts is None:
        columns |= {"numerator": ibis.null("float64"), "denominator": ibis.null("float64")}
    return columns


def tidy(frame: pd.DataFrame, grain: QueryGrain, children: bool) -> pd.DataFrame:
    """The engine's frame with one ``period`` date column (first day of the period) and float values."""
    out = pd.DataFrame(index=frame.index)
    if children:
        out["child"] = frame["child"]
    if grain == "day":
        out["period"] = [d.date() for d in pd.to_datetime(frame["day"])]
    elif grain == "month":
        out["period"] = [date(int(y), int(m), 1) for y, m in zip(frame["year"], frame["month"], strict=True)]
    elif grain == "year":
        out["period"] = [date(int(y), 1, 1) for y in frame["year"]]
    for column in COLUMNS[1:]:
        out[column] = frame[column].astype("float64")
    return out.reset_index(drop=True)
