"""The index framework (COINr's ``iMeta``) and the indicator data (COINr's ``iData``), read and checked.

The checks follow COINr's ``check_iMeta`` and ``check_iData`` (``R/new_coin.R``) and add the ones COINr leaves
to luck: a cycle in ``Parent``, an aggregate with no children, a denominator that is not declared. Every error
names the source, the line as an editor shows it (header = line 1; a frame is numbered as if written to CSV),
the column and the reason.

Choices where COINr is silent or differs from what a platform needs:

* ``Target``: COINr requires a target on every indicator once the column exists; a column left wholly empty
  is treated here as absent.
* ``Denominator`` names, per indicator, a row of ``Type`` Denominator (COINr looks the name up in the unit
  data only when denominating).
* unit codes may start with a digit (行政区划代码 do), which COINr's documentation discourages.
* panel data: when ``iData`` has a ``Time`` column the frames are indexed by a ``(uCode, Time)``
  :class:`pandas.MultiIndex` (Time as int), even if only one time is present; otherwise by ``uCode``.
* group columns are rows of ``Type`` Group, plus any column ending in ``_group`` not listed in ``iMeta``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput

IMETA_COLUMNS = ("Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent", "Type")
REQUIRED_COLUMNS = ("Level", "iCode", "Parent", "Direction", "Type", "Weight")
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
_SPECIAL_IDATA = ("uCode", "uName", "Time")
_MISSING = {"", "NA", "NaN", "nan", "null", "NULL"}

Source = str | Path | pd.DataFrame


@dataclass(frozen=True, eq=False)
class Framework:
    """The index structure: indicators (level 1, in file order), aggregates above them, and their metadata."""

    indicators: tuple[str, ...]
    parents: Mapping[str, str | None]
    children: Mapping[str, tuple[str, ...]]
    levels: Mapping[str, int]
    directions: pd.Series
    weights: pd.Series
    targets: pd.Series
    denominators: Mapping[str, str | None]
    units: Mapping[str, str | None]
    names: Mapping[str, str]
    types: Mapping[str, str]

    @property
    def max_level(self) -> int:
        """The top level (the index itself)."""
        return max(self.levels.values())

    def codes_at(self, level: int) -> tuple[str, ...]:
        """The codes at one level, in file order."""
        return tuple(code for code, lev in self.levels.items() if lev == level)

    def codes_of_type(self, kind: str) -> tuple[str, ...]:
        """The codes of one ``Type`` (Group, Denominator, Other…), in file order."""
        return tuple(code for code, typ in self.types.items() if typ == kind)


@dataclass(frozen=True, eq=False)
class IndicatorData:
    """Indicator values (float64, NaN = missing) with unit names, groups and denominators on the same index."""

    indicators: pd.DataFrame
    names: pd.Series
    groups: pd.DataFrame
    denominators: pd.DataFrame
    others: pd.DataFrame

    @property
    def is_panel(self) -> bool:
        """Whether the index is ``(uCode, Time)``."""
        return isinstance(self.indicators.index, pd.MultiIndex)

    def at_time(self, time: int) -> IndicatorData:
        """The cross-section at one time, indexed by uCode."""
        if not self.is_panel:
            raise InvalidInput("the data has no Time column", field="Time")
        pick = self.indicators.index.get_level_values("Time") == time
        parts = [frame[pick].droplevel("Time") for frame in (self.indicators, self.groups, self.denominators)]
        return IndicatorData(
            parts[0], self.names[pick].droplevel("Time"), parts[1], parts[2], self.others[pick].droplevel("Time")
        )


class _Table:
    """A raw table of text cells with the source name, so errors can point at line and column."""

    def __init__(self, source: Source) -> None:
        self.name = "<frame>" if isinstance(source, pd.DataFrame) else str(source)
        self.frame = source.copy() if isinstance(source, pd.DataFrame) else _read_csv(Path(source))

    def fail(self, row: int | None, column: str | None, reason: str) -> InvalidInput:
        """An error naming the file, the line (header = 1) and the column."""
        where = (
            [self.name] + ([f"line {row + 2}"] if row is not None else []) + ([f"column {column}"] if column else [])
        )
        line = None if row is None else row + 2
        return InvalidInput(f"{', '.join(where)}: {reason}", field=column, line=line, file=self.name)

    def text(self, row: int, column: str) -> str | None:
        """A cell as stripped text, or None when empty or absent."""
        if column not in self.frame.columns:
            return None
        value = self.frame[column].iloc[row]
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        text = str(value).strip()
        return None if text in _MISSING else text

    def number(self, row: int, column: str) -> float | None:
        """A cell as a float, or None when empty; a non-number is an error."""
        text = self.text(row, column)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            raise self.fail(row, column, f"{text!r} is not a number") from None


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells, decoding UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror})", file=str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)


def read_imeta(source: Source) -> Framework:
    """Read and check an ``iMeta`` table (CSV path in UTF-8 or GBK, or a frame) into a :class:`Framework`.

    >>> meta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "Index"], "Parent": ["Index", "Index", None],
    ...     "Direction": [1, -1, 1], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> fw = read_imeta(meta)
    >>> fw.indicators, fw.children["Index"], fw.directions.tolist()
    (('a', 'b'), ('a', 'b'), [1, -1, 1])
    """
    table = _Table(source)
    for column in REQUIRED_COLUMNS:
        if column not in table.frame.columns:
            raise table.fail(None, column, "required column is missing")
    rows = [_parse_row(table, row) for row in range(len(table.frame))]
    _check_codes(table, rows)
    _check_structure(table, rows)
    _check_targets_and_denominators(table, rows)
    return _framework(rows)


def _parse_row(table: _Table, row: int) -> dict[str, Any]:
    code = table.text(row, "iCode")
    if code is None:
        raise table.fail(row, "iCode", "iCode is empty")
    kind = table.text(row, "Type")
    if kind not in TYPES:
        raise table.fail(row, "Type", f"Type {kind!r} is not one of {', '.join(TYPES)}")
    level, direction, weight = (table.number(row, col) for col in ("Level", "Direction", "Weight"))
    core = kind in ("Indicator", "Aggregate")
    if core and (level is None or level < 1 or level != int(level)):
        raise table.fail(row, "Level", f"Level {level} of {code} is not a positive whole number")
    if kind == "Indicator" and level != 1:
        raise table.fail(row, "Level", f"indicator {code} has Level {level:g}, indicators are at Level 1")
    if (core or direction is not None) and direction not in (1.0, -1.0):
        raise table.fail(row, "Direction", f"Direction of {code} is {direction}, not 1 or -1")
    if core and weight is None:
        raise table.fail(row, "Weight", f"Weight of {code} is missing")
    return {
        "row": row,
        "iCode": code,
        "Type": kind,
        "Level": None if level is None else int(level),
        "Direction": direction,
        "Weight": weight,
        "Parent": table.text(row, "Parent"),
        "iName": table.text(row, "iName") or code,
        "Unit": table.text(row, "Unit"),
        "Target": table.number(row, "Target"),
        "Denominator": table.text(row, "Denominator"),
    }


def _check_codes(table: _Table, rows: list[dict[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for entry in rows:
        code = entry["iCode"]
        if code in seen:
            raise table.fail(entry["row"], "iCode", f"duplicate iCode {code} (first on line {seen[code] + 2})")
        seen[code] = entry["row"]
    if not any(entry["Type"] == "Indicator" for entry in rows):
        raise table.fail(None, "Type", "no row has Type Indicator")


def _check_structure(table: _Table, rows: list[dict[str, Any]]) -> None:
    by_code = {entry["iCode"]: entry for entry in rows}
    core = [entry for entry in rows if entry["Type"] in ("Indicator", "Aggregate")]
    top = max(entry["Level"] for entry in core)
    for entry in core:
        _check_parent(table, entry, by_code, top)
    for entry in core:
        _check_cycle(table, entry, by_code)
    for entry in core:
        _check_level(table, entry, by_code)
    missing = sorted(set(range(1, top + 1)) - {entry["Level"] for entry in core})
    if missing:
        raise table.fail(None, "Level", f"no entry at Level {missing[0]} (levels must run 1..{top} without gaps)")
    parents = {entry["Parent"] for entry in core}
    for entry in core:
        if entry["Type"] == "Aggregate" and entry["iCode"] not in parents and entry["Level"] > 1:
            raise table.fail(entry["row"], "iCode", f"aggregate {entry['iCode']} has no children")


def _check_parent(table: _Table, entry: dict[str, Any], by_code: Mapping[str, dict[str, Any]], top: int) -> None:
    code, parent = entry["iCode"], entry["Parent"]
    if parent is None and entry["Level"] < top:
        raise table.fail(entry["row"], "Parent", f"{code} at Level {entry['Level']} has no Parent")
    if parent is None:
        return
    if entry["Level"] == top:
        raise table.fail(entry["row"], "Parent", f"{code} is at the top level {top} and must have no Parent")
    if parent not in by_code:
        raise table.fail(entry["row"], "Parent", f"unknown parent {parent} of {code}")
    if by_code[parent]["Type"] != "Aggregate":
        raise table.fail(entry["row"], "Parent", f"parent {parent} of {code} is not of Type Aggregate")


def _check_cycle(table: _Table, entry: dict[str, Any], by_code: Mapping[str, dict[str, Any]]) -> None:
    path = [entry["iCode"]]
    parent = entry["Parent"]
    while parent is not None:
        if parent in path:
            loop = " → ".join([*path[path.index(parent) :], parent])
            raise table.fail(by_code[parent]["row"], "Parent", f"cycle in Parent: {loop}")
        path.append(parent)
        parent = by_code[parent]["Parent"]


def _check_level(table: _Table, entry: dict[str, Any], by_code: Mapping[str, dict[str, Any]]) -> None:
    parent = entry["Parent"]
    if parent is None:
        return
    level, parent_level = entry["Level"], by_code[parent]["Level"]
    if parent_level != level + 1:
        row = by_code[parent]["row"]
        reason = f"Level {parent_level} of {parent} is not one more than Level {level} of its child {entry['iCode']}"
        raise table.fail(row, "Level", reason)


def _check_targets_and_denominators(table: _Table, rows: list[dict[str, Any]]) -> None:
    indicators = [entry for entry in rows if entry["Type"] == "Indicator"]
    if any(entry["Target"] is not None for entry in indicators):
        for entry in indicators:
            if entry["Target"] is None:
                raise table.fail(entry["row"], "Target", f"Target of {entry['iCode']} is missing (others have one)")
    declared = {entry["iCode"] for entry in rows if entry["Type"] == "Denominator"}
    for entry in indicators:
        name = entry["Denominator"]
        if name is not None and name not in declared:
            raise table.fail(entry["row"], "Denominator", f"denominator {name} is not a row of Type Denominator")


def _framework(rows: list[dict[str, Any]]) -> Framework:
    core = [entry for entry in rows if entry["Type"] in ("Indicator", "Aggregate")]
    indicators = tuple(entry["iCode"] for entry in core if entry["Type"] == "Indicator")
    children = {
        entry["iCode"]: tuple(child["iCode"] for child in core if child["Parent"] == entry["iCode"])
        for entry in core
        if entry["Type"] == "Aggregate"
    }
    codes = [entry["iCode"] for entry in core]
    series = {col: pd.Series([entry[col] for entry in core], index=codes, name=col) for col in ("Weight", "Target")}
    directions = pd.Series([int(entry["Direction"]) for entry in core], index=codes, name="Direction")
    return Framework(
        indicators=indicators,
        parents={entry["iCode"]: entry["Parent"] for entry in core},
        children=children,
        levels={entry["iCode"]: entry["Level"] for entry in core},
        directions=directions,
        weights=series["Weight"].astype(float),
        targets=series["Target"].loc[list(indicators)].astype(float),
        denominators={entry["iCode"]: entry["Denominator"] for entry in core if entry["Type"] == "Indicator"},
        units={entry["iCode"]: entry["Unit"] for entry in rows},
        names={entry["iCode"]: entry["iName"] for entry in rows},
        types={entry["iCode"]: entry["Type"] for entry in rows},
    )


def read_idata(source: Source, framework: Framework) -> IndicatorData:
    """Read and check an ``iData`` table (CSV path in UTF-8 or GBK, or a frame) against a framework.

    >>> meta = pd.DataFrame({"Level": [1, 2, None], "iCode": ["a", "Index", "Pop"], "Parent": ["Index", None, None],
    ...     "Direction": [1, 1, None], "Weight": [1, 1, None], "Type": ["Indicator", "Aggregate", "Denominator"]})
    >>> data = read_idata(pd.DataFrame({"uCode": ["530100", "530300"], "a": [1.5, ""], "Pop": [8.6, 5.8]}),
    ...                   read_imeta(meta))
    >>> data.indicators["a"].tolist(), data.denominators["Pop"].tolist(), data.is_panel
    ([1.5, nan], [8.6, 5.8], False)
    """
    table = _Table(source)
    if "uCode" not in table.frame.columns:
        raise table.fail(None, "uCode", "required column is missing")
    kinds = _column_kinds(table, framework)
    index = _unit_index(table)
    names = [table.text(r, "uName") or str(index.get_level_values("uCode")[r]) for r in range(len(index))]
    return IndicatorData(
        indicators=_number_frame(table, list(framework.indicators), index),
        names=pd.Series(names, index=index, name="uName", dtype=object),
        groups=_text_frame(table, [c for c, k in kinds.items() if k == "Group"], index),
        denominators=_number_frame(table, [c for c, k in kinds.items() if k == "Denominator"], index),
        others=_text_frame(table, [c for c, k in kinds.items() if k == "Other"], index),
    )


def _column_kinds(table: _Table, framework: Framework) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for col in (str(c) for c in table.frame.columns):
        if col in _SPECIAL_IDATA:
            continue
        kind = framework.types.get(col) or ("Group" if col.endswith("_group") else None)
        if kind is None:
            raise table.fail(None, col, f"column {col} is not an iCode of the framework")
        if kind == "Aggregate":
            raise table.fail(None, col, f"column {col} is an aggregate, which is computed and cannot be read")
        kinds[col] = kind
    absent = [code for code in framework.indicators if code not in kinds]
    if absent:
        raise table.fail(None, absent[0], f"indicator column {absent[0]} is missing")
    return kinds


def _unit_index(table: _Table) -> pd.Index:
    codes: list[str] = []
    times: list[int | None] = []
    seen: dict[tuple[str, int | None], int] = {}
    panel = "Time" in table.frame.columns
    for row in range(len(table.frame)):
        code = table.text(row, "uCode")
        if code is None:
            raise table.fail(row, "uCode", "uCode is empty")
        time = table.number(row, "Time") if panel else None
        if panel and (time is None or time != int(time)):
            raise table.fail(row, "Time", f"Time of {code} is {time}, not a whole number")
        key = (code, None if time is None else int(time))
        if key in seen:
            what = f"uCode {code}" + (f" at Time {key[1]}" if panel else "")
            raise table.fail(row, "uCode", f"duplicate {what} (first on line {seen[key] + 2})")
        seen[key] = row
        codes.append(code)
        times.append(key[1])
    if panel:
        return pd.MultiIndex.from_arrays([codes, times], names=["uCode", "Time"])
    return pd.Index(codes, name="uCode", dtype=object)


def _number_frame(table: _Table, columns: list[str], index: pd.Index) -> pd.DataFrame:
    rows = range(len(index))
    data = {col: [np.nan if (v := table.number(r, col)) is None else v for r in rows] for col in columns}
    return pd.DataFrame(data, index=index, columns=columns, dtype=float)


def _text_frame(table: _Table, columns: list[str], index: pd.Index) -> pd.DataFrame:
    data = {col: [table.text(r, col) for r in range(len(index))] for col in columns}
    return pd.DataFrame(data, index=index, columns=columns, dtype=object)
