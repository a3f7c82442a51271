"""The accepted layouts of official-statistics files, detected from the header, turned into series records.

long  one figure per row: ``region, period_start, period_end, period_kind, indicator, value, unit, yoy_pct,
      [yoy_real_pct], source_id, [vintage]`` (the layout of ``nbs_retail_releases_2017_2024.csv``; Chinese
      headers 地区, 期间起, 期间止, 口径, 指标, 数值, 单位, 同比%, 实际同比%, 来源, 发布日期 too).
wide  one period per row: ``period_start, period_end`` (or ``month``), optional ``label``, ``period_kind``,
      ``region``, ``source_id``, ``vintage``, and per indicator ``<name>_<unit>`` (value, e.g.
      ``retail_sales_total_100m_yuan``), ``<name>_yoy_pct`` and ``<name>_yoy_real_pct``. Without a
      period_kind column a one-month row is ``month`` and a row from January is ``ytd`` (the merged 1–2月
      release). An indicator whose cells are all empty in a row is simply absent there.

Every problem is collected as a ``RowError`` naming file, line, field and reason; nothing stops at the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from xinxiao.monitoring import official_reading as reading
from xinxiao.monitoring.official_vocab import Vocabulary, vocabulary

T = TypeVar("T")
_NO_VINTAGE = "add a vintage/发布日期 column, or a source_id listed with a vintage in sources.yaml"
LONG_REQUIRED = ("indicator", "region", "period_start", "period_end", "period_kind")
_YOY_SUFFIXES = (("_yoy_real_pct", "yoy_real"), ("_实际同比%", "yoy_real"), ("_yoy_pct", "yoy"), ("_同比%", "yoy"))


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in an import file."""

    file: str
    line: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        """The error as JSON-safe data."""
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.file} 第{self.line}行 {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SeriesRecord:
    """One figure read from a file (or derived), before it is stored."""

    line: int
    indicator_id: str
    region_adcode: str
    period_start: date
    period_end: date
    period_kind: str
    value: float | None
    unit: str
    yoy_pct: float | None
    yoy_real_pct: float | None
    source_id: str
    vintage: date
    note: str | None = None
    derivation: str | None = None  # how a derived figure was computed; None for a published one

    @property
    def key(self) -> tuple[str, str, date, date, str, date, str]:
        """The identity of a stored figure: indicator, region, period, kind, vintage, source."""
        return (
            self.indicator_id,
            self.region_adcode,
            self.period_start,
            self.period_end,
            self.period_kind,
            self.vintage,
            self.source_id,
        )


@dataclass
class Parsed:
    """What a file held: its layout and encoding, the records, and every error found."""

    layout: str
    encoding: str
    records: list[SeriesRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Defaults:
    """Values for rows whose file has no such column (or an empty cell): region and source id."""

    region: str | None = None
    source_id: str | None = None


class _Row:
    """The cells of one line and the errors found in it."""

    def __init__(self, file: str, line: int, cells: dict[str, str], errors: list[RowError]) -> None:
        self.file, self.line, self.cells, self.errors = file, line, cells, errors
        self.failed = False

    def text(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def fail(self, column: str, reason: str) -> None:
        self.failed = True
        self.errors.append(RowError(self.file, self.line, column, reason))

    def parse(self, column: str, parse: Callable[[str], T], default: str | None = None) -> T | None:
        text = self.text(column) or (default or "")
        if not text:
            self.fail(column, "缺少数据 (missing)")
            return None
        try:
            return parse(text)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def optional(self, column: str, parse: Callable[[str], T | None]) -> T | None:
        try:
            return parse(self.text(column))
        except ValueError as exc:
            self.fail(column, str(exc))
            return None


def parse_series(data: bytes, *, filename: str, defaults: Defaults = Defaults()) -> Parsed:
    """Read a file of official figures in any accepted layout; errors are collected, not raised."""
    try:
        table = reading.read_table(data, filename)
    except reading.Unreadable as exc:
        return Parsed("unknown", "", errors=[RowError(filename, 1, "file", str(exc))])
    words = vocabulary()
    columns = [words.header(h) or h for h in table.header]
    if "indicator" in columns:
        return _long(table, columns, filename, defaults, words)
    if {"period_start", "period_end"} <= set(columns) or "month" in columns:
        return _wide(table, columns, filename, defaults, words)
    reason = "无法识别的表头 (expected the long layout with indicator/指标 or the wide one with period_start/month)"
    return Parsed("unknown", table.encoding, errors=[RowError(filename, 1, "header", reason)])


def _cells(columns: list[str], values: list[str]) -> dict[str, str]:
    return dict(zip(columns, values, strict=False))


def _long(table: reading.Table, columns: list[str], file: str, defaults: Defaults, words: Vocabulary) -> Parsed:
    parsed = Parsed("long", table.encoding)
    missing = [c for c in LONG_REQUIRED if c not in columns and not (c == "region" and defaults.region)]
    if not {"value", "yoy_pct"} & set(columns):
        missing.append("value")
    parsed.errors += [RowError(file, 1, c, "缺少列 (missing column)") for c in missing]
    if missing:
        return parsed
    for line, values in table.rows:
        row = _Row(file, line, _cells(columns, values), parsed.errors)
        if record := _long_record(row, defaults, words):
            parsed.records.append(record)
    return parsed


def _long_record(row: _Row, defaults: Defaults, words: Vocabulary) -> SeriesRecord | None:
    indicator = row.parse("indicator", words.indicator_id)
    common = _common(row, defaults, words, row.parse("period_kind", words.period_kind))
    value, yoy = row.optional("value", reading.number), row.optional("yoy_pct", reading.number)
    yoy_real = row.optional("yoy_real_pct", reading.number)
    unit = _unit(row, "unit", value, indicator, words)
    if value is None and yoy is None and not row.failed:
        row.fail("value", "数值与同比均为空 (a row needs a value or a yoy_pct)")
    if row.failed or indicator is None or common is None or unit is None:
        return None
    return _record(row, common, indicator, value, unit, yoy, yoy_real)


def _unit(row: _Row, column: str, value: float | None, indicator: str | None, words: Vocabulary) -> str | None:
    text = row.text(column)
    if not text:
        if value is not None:
            row.fail(column, "有数值但缺少单位 (a value needs a unit)")
            return None
        return words.indicators[indicator].unit if indicator else None
    return row.parse(column, words.unit)


@dataclass(frozen=True, slots=True)
class _Common:
    region: str
    start: date
    end: date
    kind: str
    source_id: str
    vintage: date
    note: str | None


def _common(row: _Row, defaults: Defaults, words: Vocabulary, kind: str | None) -> _Common | None:
    """The fields every figure of a line shares: region, period, source and vintage."""
    region = row.parse("region", words.region, defaults.region)
    start, end = _period(row)
    if start and end and kind:
        try:
            reading.check_period(kind, start, end)
        except ValueError as exc:
            row.fail("period_end", str(exc))
    source_id = row.parse("source_id", str, defaults.source_id)
    vintage = _vintage(row, source_id, words)
    if row.failed or not (region and start and end and kind and source_id and vintage):
        return None
    return _Common(region, start, end, kind, source_id, vintage, row.text("label") or None)


def _period(row: _Row) -> tuple[date | None, date | None]:
    if "month" in row.cells:
        return row.parse("month", reading.period_start), row.parse("month", reading.period_end)
    return row.parse("period_start", reading.period_start), row.parse("period_end", reading.period_end)


def _vintage(row: _Row, source_id: str | None, words: Vocabulary) -> date | None:
    """The row's release date, else its source's; a month-only vintage is refined by the source's day."""
    text, source = row.text("vintage"), words.source(source_id) if source_id else None
    known = source.vintage if source else None
    if not text:
        if known is None:
            row.fail(
                "vintage", "无发布日期 (no release date: add a vintage/发布日期 column or a source in sources.yaml)"
            )
        return known
    try:
        return reading.release_date(text)
    except ValueError as exc:
        if known and _names_month(text, known):
            return known
        row.fail("vintage", str(exc))
        return None


def _names_month(text: str, day: date) -> bool:
    """Whether a month-precision vintage like '2014-11 release' names the month of ``day``."""
    try:
        return reading.month_of(text.strip()[:7]) == (day.year, day.month)
    except ValueError:
        return False


def _record(
    row: _Row,
    common: _Common,
    indicator: str,
    value: float | None,
    unit: str,
    yoy: float | None,
    yoy_real: float | None,
) -> SeriesRecord:
    return SeriesRecord(
        line=row.line,
        indicator_id=indicator,
        region_adcode=common.region,
        period_start=common.start,
        period_end=common.end,
        period_kind=common.kind,
        value=value,
        unit=unit,
        yoy_pct=yoy,
        yoy_real_pct=yoy_real,
        source_id=common.source_id,
        vintage=common.vintage,
        note=common.note,
    )


@dataclass
class _Measure:
    """The columns of one indicator in the wide layout."""

    indicator: str
    value: tuple[str, str] | None = None  # (column, unit)
    yoy: str | None = None
    yoy_real: str | None = None


def _wide(table: reading.Table, columns: list[str], file: str, defaults: Defaults, words: Vocabulary) -> Parsed:
    parsed = Parsed("wide", table.encoding)
    measures = _measures(columns, file, words, parsed.errors)
    if parsed.errors:
        return parsed
    for line, values in table.rows:
        row = _Row(file, line, _cells(columns, values), parsed.errors)
        parsed.records += _wide_records(row, measures, defaults, words)
    return parsed


def _measures(columns: list[str], file: str, words: Vocabulary, errors: list[RowError]) -> list[_Measure]:
    known = {words.header(c) for c in columns} - {None}
    found: dict[str, _Measure] = {}
    for column in columns:
        if column in known:
            continue
        try:
            name, role, unit = _measure_column(column, words)
            measure = found.setdefault(name, _Measure(name))
            if role == "value":
                measure.value = (column, unit)
            else:
                setattr(measure, role, column)
        except ValueError as exc:
            errors.append(RowError(file, 1, column, str(exc)))
    return list(found.values())


def _measure_column(column: str, words: Vocabulary) -> tuple[str, str, str]:
    """(indicator id, value | yoy | yoy_real, unit) of a wide-layout column name.

    >>> _measure_column("retail_sales_total_yoy_pct", vocabulary())
    ('retail_sales', 'yoy', '%')
    >>> _measure_column("above_quota_retail_100m_yuan", vocabulary())
    ('retail_sales_above_quota', 'value', '亿元')
    """
    folded = column.strip().lower()
    for suffix, role in _YOY_SUFFIXES:
        if folded.endswith(suffix):
            return words.indicator_id(folded.removesuffix(suffix)), role, "%"
    for spelling, unit in words.unit_suffixes():
        if folded.endswith("_" + spelling):
            return words.indicator_id(folded.removesuffix("_" + spelling)), "value", unit
    raise ValueError("无法识别的列 (expected <indicator>_<unit>, <indicator>_yoy_pct or <indicator>_yoy_real_pct)")


def _wide_records(row: _Row, measures: list[_Measure], defaults: Defaults, words: Vocabulary) -> list[SeriesRecord]:
    present = [m for m in measures if any(row.text(c) for c in _columns(m))]
    if not present:
        return []
    kind = row.parse("period_kind", words.period_kind) if "period_kind" in row.cells else _inferred_kind(row)
    common = _common(row, defaults, words, kind)
    records = [_wide_record(row, m, common, words) for m in present]
    return [] if row.failed or common is None else [r for r in records if r is not None]


def _columns(measure: _Measure) -> list[str]:
    value = [measure.value[0]] if measure.value else []
    return value + [c for c in (measure.yoy, measure.yoy_real) if c]


def _inferred_kind(row: _Row) -> str | None:
    if "month" in row.cells:
        return "month"
    try:
        start = reading.period_start(row.text("period_start"))
        end = reading.period_end(row.text("period_end"))
    except ValueError:
        return None  # ``_common`` reports the bad cell
    try:
        return reading.infer_kind(start, end)
    except ValueError as exc:
        row.fail("period_kind", str(exc))
        return None


def _wide_record(row: _Row, measure: _Measure, common: _Common | None, words: Vocabulary) -> SeriesRecord | None:
    value = row.optional(measure.value[0], reading.number) if measure.value else None
    yoy = row.optional(measure.yoy, reading.number) if measure.yoy else None
    yoy_real = row.optional(measure.yoy_real, reading.number) if measure.yoy_real else None
    if common is None or row.failed:
        return None
    unit = measure.value[1] if measure.value else words.indicators[measure.indicator].unit
    return _record(row, common, measure.indicator, value, unit, yoy, yoy_real)
