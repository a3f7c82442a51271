"""Reading and validating delivered feed files in DuckDB: CSV (UTF-8 or GBK) or Parquet, one SQL view per step.

A file becomes the view ``src`` (raw columns plus ``_line``), then ``checked``: typed, normalised columns
named as in the lake, and ``error`` ('field|reason') for the first rule a row breaks, NULL when valid.
Nothing here loops over rows in Python.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

from xinxiao.core import InvalidInput
from xinxiao.monitoring.schema import CHANNELS, DWELL_BUCKETS, FEED_SCHEMAS, ORIGIN_BANDS, FeedKind

_CHUNK = 1 << 20
_SIX_DIGITS = "'^[0-9]{6}$'"


@dataclass(frozen=True, slots=True)
class FeedRules:
    """Validation limits read from ``data/feeds.yaml``."""

    amount_max_yuan: int
    visitors_max: int
    earliest: date
    latest_days_ahead: int


@cache
def feed_rules() -> FeedRules:
    """The validation limits shipped in ``data/feeds.yaml``."""
    text = resources.files("xinxiao.monitoring").joinpath("data", "feeds.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return FeedRules(data["amount_max_yuan"], data["visitors_max"], data["earliest"], data["latest_days_ahead"])


@dataclass(frozen=True, slots=True)
class Check:
    """A rule: rows where ``bad`` (SQL over the parsed columns) holds are rejected for ``field``."""

    field: str
    bad: str
    reason: str


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """How one kind of feed is parsed, checked, keyed and looked up."""

    kind: FeedKind
    parsed: dict[str, str]  # lake column -> SQL over the raw columns (quoted as r."name")
    checks: tuple[Check, ...]
    time_column: str  # the timestamp whose local date partitions the rows
    key: tuple[str, ...]  # identity within a date
    content: tuple[str, ...]  # compared when an id comes again: equal = duplicate, else conflict
    lookup: str  # the column joined to the dimension (merchant, place, region)
    lookup_reason: str


def _text(column: str, upper: bool = False) -> str:
    value = f"NULLIF(trim(CAST(r.\"{column}\" AS VARCHAR)), '')"
    return f"upper({value})" if upper else value


def _yuan_to_fen(column: str) -> str:
    return f'CAST(TRY_CAST(r."{column}" AS DECIMAL(18, 2)) * 100 AS BIGINT)'


def _required(column: str, label: str, raw: str | None = None) -> Check:
    # CASE, not AND: the raw value is cast to text only for the rare rows whose parsed value is missing.
    raw = raw or column
    bad = f"CASE WHEN {column} IS NULL THEN NULLIF(trim(CAST(raw_{raw} AS VARCHAR)), '') IS NULL ELSE false END"
    return Check(raw, bad, f"缺少{label}")


def _parsable(column: str, label: str, raw: str | None = None) -> Check:
    return Check(raw or column, f"{column} IS NULL", f"{label}无法解析")


def _one_of(column: str, values: tuple[str, ...]) -> Check:
    listed = ", ".join(f"'{v}'" for v in values)
    return Check(column, f"{column} NOT IN ({listed})", f"取值必须是 {' / '.join(values)} 之一")


def _time_checks(column: str, rules: FeedRules, now: datetime) -> tuple[Check, ...]:
    latest = (now + timedelta(days=rules.latest_days_ahead)).strftime("%Y-%m-%d %H:%M:%S")
    return (
        _required(column, "时间"),
        _parsable(column, "时间"),
        Check(
            column,
            f"{column} < TIMESTAMP '{rules.earliest.isoformat()}' OR {column} > TIMESTAMP '{latest}'",
            f"时间不在合理范围内 ({rules.earliest.isoformat()} 至 {latest[:10]})",
        ),
    )


def _amount_checks(rules: FeedRules) -> tuple[Check, ...]:
    top = rules.amount_max_yuan * 100
    return (
        _required("amount_fen", "金额", raw="amount"),
        _parsable("amount_fen", "金额", raw="amount"),
        Check("amount", f"amount_fen <= 0 OR amount_fen >= {top}", f"金额必须大于 0 且小于 {rules.amount_max_yuan} 元"),
    )


def payments_spec(rules: FeedRules, now: datetime) -> FeedSpec:
    """Payments: one row per transaction, keyed by ``txn_id`` within its date."""
    origin = _text("payer_origin")
    return FeedSpec(
        kind="payments",
        parsed={
            "txn_id": _text("txn_id"),
            "txn_time": 'TRY_CAST(r."txn_time" AS TIMESTAMP)',
            "amount_fen": _yuan_to_fen("amount"),
            "merchant_id": _text("merchant_id", upper=True),
            "channel": f"lower({_text('channel')})",
            "payer_origin": f"CASE WHEN lower({origin}) IN ('foreign', '境外') THEN 'foreign' ELSE {origin} END",
            "payer_hash": _text("payer_hash"),
            "category": _text("category"),
            "voucher_fen": f"coalesce({_yuan_to_fen('voucher_amount')}, 0)",
        },
        checks=(
            _required("txn_id", "交易编号"),
            *_time_checks("txn_time", rules, now),
            *_amount_checks(rules),
            _required("merchant_id", "商户编号"),
            _required("channel", "支付渠道"),
            _one_of("channel", CHANNELS),
            Check(
                "payer_origin",
                "payer_origin IS NOT NULL AND payer_origin <> 'foreign' "
                f"AND NOT regexp_matches(payer_origin, {_SIX_DIGITS})",
                "付款人来源必须是 6 位行政区划代码或 foreign/境外",
            ),
            Check(
                "voucher_amount",
                "CASE WHEN raw_voucher_amount IS NULL OR TRY_CAST(raw_voucher_amount AS DECIMAL(18, 2)) IS NOT NULL "
                "THEN false ELSE NULLIF(trim(CAST(raw_voucher_amount AS VARCHAR)), '') IS NOT NULL END",
                "消费券金额无法解析",
            ),
            Check("voucher_amount", "voucher_fen < 0 OR voucher_fen > amount_fen", "消费券金额必须在 0 与交易金额之间"),
        ),
        time_column="txn_time",
        key=("txn_id",),
        content=(
            "txn_time",
            "amount_fen",
            "merchant_id",
            "channel",
            "payer_origin",
            "payer_hash",
            "category",
            "voucher_fen",
        ),
        lookup="merchant_id",
        lookup_reason="unknown_merchant: 商户不在商户库中 (或不在您的管辖范围内)",
    )


def orders_spec(rules: FeedRules, now: datetime) -> FeedSpec:
    """Platform orders: one row per order, keyed by ``order_id`` within its date."""
    flag = f"lower({_text('physical')})"
    return FeedSpec(
        kind="orders",
        parsed={
            "order_id": _text("order_id"),
            "order_time": 'TRY_CAST(r."order_time" AS TIMESTAMP)',
            "amount_fen": _yuan_to_fen("amount"),
            "seller_region": _text("seller_region"),
            "category": _text("category"),
            "platform": _text("platform"),
            "physical": f"CASE WHEN {flag} IN ('true', '1', 't', 'y', 'yes', '是') THEN true "
            f"WHEN {flag} IN ('false', '0', 'f', 'n', 'no', '否') THEN false END",
        },
        checks=(
            _required("order_id", "订单编号"),
            *_time_checks("order_time", rules, now),
            *_amount_checks(rules),
            _required("seller_region", "卖家地区"),
            Check(
                "seller_region", f"NOT regexp_matches(seller_region, {_SIX_DIGITS})", "卖家地区必须是 6 位行政区划代码"
            ),
            _required("category", "品类"),
            _required("platform", "平台"),
            Check(
                "physical",
                "CASE WHEN physical IS NULL THEN NULLIF(trim(CAST(raw_physical AS VARCHAR)), '') IS NOT NULL "
                "ELSE false END",
                "实物商品标志无法解析",
            ),
        ),
        time_column="order_time",
        key=("order_id",),
        content=("order_time", "amount_fen", "seller_region", "category", "platform", "physical"),
        lookup="seller_region",
        lookup_reason="unknown_region: 卖家地区不是已知区划 (或不在您的管辖范围内)",
    )


def footfall_spec(rules: FeedRules, now: datetime) -> FeedSpec:
    """Foot traffic: visitors per place, hour, origin band and dwell bucket (that tuple is the key)."""
    return FeedSpec(
        kind="footfall",
        parsed={
            "place_code": _text("place_code"),
            "hour": 'TRY_CAST(r."hour" AS TIMESTAMP)',
            "origin_band": f"lower({_text('origin_band')})",
            "dwell_bucket": f"lower({_text('dwell_bucket')})",
            "visitors": 'TRY_CAST(r."visitors" AS BIGINT)',
        },
        checks=(
            _required("place_code", "商圈代码"),
            *_time_checks("hour", rules, now),
            Check("hour", "hour <> date_trunc('hour', hour)", "小时必须是整点"),
            _required("origin_band", "来源分段"),
            _one_of("origin_band", ORIGIN_BANDS),
            _required("dwell_bucket", "停留时长分段"),
            _one_of("dwell_bucket", DWELL_BUCKETS),
            _required("visitors", "人数"),
            _parsable("visitors", "人数"),
            Check(
                "visitors",
                f"visitors < 0 OR visitors > {rules.visitors_max}",
                f"人数必须在 0 与 {rules.visitors_max} 之间",
            ),
        ),
        time_column="hour",
        key=("place_code", "hour", "origin_band", "dwell_bucket"),
        content=("visitors",),
        lookup="place_code",
        lookup_reason="unknown_place: 商圈不在商户库中 (或不在您的管辖范围内)",
    )


def feed_spec(kind: FeedKind, now: datetime, rules: FeedRules | None = None) -> FeedSpec:
    """The spec of a feed kind with the shipped (or given) limits; ``now`` bounds future timestamps."""
    builders = {"payments": payments_spec, "orders": orders_spec, "footfall": footfall_spec}
    return builders[kind](rules or feed_rules(), now)


# --- opening files ---------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """'utf-8' when the whole file decodes as UTF-8, else 'gb18030' (a superset of GBK) when that decodes."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return "utf-8" if encoding == "utf-8-sig" else "gb18030"
    raise InvalidInput(f"{path.name}: 无法识别文件编码, 请另存为 UTF-8 或 GBK 编码的 CSV", file=path.name)


def is_parquet(path: Path, filename: str) -> bool:
    """Whether the file is Parquet (by its name, else by its magic bytes)."""
    suffix = Path(filename).suffix.lower()
    if suffix in {".parquet", ".pq"}:
        return True
    if suffix in {".csv", ".txt"}:
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"PAR1"


def csv_to_parquet(path: Path, filename: str, target: Path) -> tuple[str, int]:
    """Convert a CSV to a staging Parquet file of text columns plus ``_line``; returns (encoding, rows).

    ``_line`` is the line a user sees in an editor (the header is line 1), counting line breaks
    inside quoted values; blank lines are skipped by the reader and are not counted.
    """
    encoding = detect_encoding(path)
    header = _csv_header(path, encoding, filename)
    read = pacsv.ReadOptions(encoding=encoding, column_names=header, skip_rows=1, block_size=16 << 20)
    parse = pacsv.ParseOptions(newlines_in_values=True)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False)
    rows, next_line, writer = 0, 2, None
    try:
        with pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert) as reader:
            for batch in reader:
                lines, next_line = _line_numbers(batch, next_line)
                table = pa.Table.from_batches([batch]).append_column("_line", lines)
                writer = writer or pq.ParquetWriter(target, table.schema)
                writer.write_table(table)
                rows += batch.num_rows
    except pa.ArrowInvalid as exc:
        raise InvalidInput(f"{filename}: CSV 格式错误 ({exc})", file=filename) from None
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        empty = {name: pa.array([], pa.string()) for name in header} | {"_line": pa.array([], pa.int64())}
        pq.write_table(pa.table(empty), target)
    return ("utf-8" if encoding == "utf-8" else "gbk"), rows


def _csv_header(path: Path, encoding: str, filename: str) -> list[str]:
    with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as handle:
        first = next(csv.reader(io.StringIO(handle.readline())), None)
    if not first or not any(c.strip() for c in first):
        raise InvalidInput(f"{filename}: 文件为空或缺少表头", file=filename)
    return [c.strip() for c in first]


def _line_numbers(batch: pa.RecordBatch, first: int) -> tuple[pa.Array, int]:
    """Each row's first line, counting line breaks inside quoted values, and the line after the batch."""
    breaks = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        breaks += pc.fill_null(pc.count_substring(column, "\n"), 0).to_numpy(zero_copy_only=False)
    before = np.cumsum(breaks) - breaks
    lines = first + np.arange(batch.num_rows, dtype=np.int64) + before
    return pa.array(lines, pa.int64()), first + batch.num_rows + int(breaks.sum())


def open_source(con: duckdb.DuckDBPyConnection, path: Path, filename: str, staging: Path) -> dict[str, Any]:
    """Create the view ``src`` over a delivered file; returns what was learnt (format, encoding, columns)."""
    if is_parquet(path, filename):
        try:
            columns = pq.read_schema(path).names
        except (pa.ArrowInvalid, OSError) as exc:
            raise InvalidInput(f"{filename}: 不是有效的 Parquet 文件 ({exc})", file=filename) from None
        con.execute(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT *, file_row_number + 1 AS _line "
            f"FROM read_parquet({quote(path)}, file_row_number = true)"
        )
        return {"format": "parquet", "encoding": None, "columns": columns}
    target = staging / "source.parquet"
    encoding, _rows = csv_to_parquet(path, filename, target)
    con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM read_parquet({quote(target)})")
    return {"format": "csv", "encoding": encoding, "columns": pq.read_schema(target).names[:-1]}


def check_columns(kind: FeedKind, columns: list[str], filename: str) -> None:
    """Raise ``InvalidInput`` naming the file and the first required column the file lacks."""
    for field in FEED_SCHEMAS[kind]:
        if not field.nullable and field.name not in columns:
            raise InvalidInput(f"{filename}: 缺少必填列 {field.name}", file=filename, field=field.name)


def create_checked(con: duckdb.DuckDBPyConnection, spec: FeedSpec, columns: list[str]) -> None:
    """Create the view ``checked`` over ``src``: typed lake columns, date, key hash, ``error`` and ``bad_value``.

    A view, not a table: DuckDB computes only the columns a query asks for, so a pass that needs the
    keys parses only the keys, and nothing the size of the file is materialised (a temporary table of
    every row costs more than parsing twice).
    """
    raws = [f.name for f in FEED_SCHEMAS[spec.kind]]
    raw_select = ", ".join(f'r."{name}" AS raw_{name}' for name in raws)
    parsed = ", ".join(f"{sql} AS {name}" for name, sql in spec.parsed.items())
    source = "(SELECT " + ", ".join(["_line", *[_raw(n, columns) + f' AS "{n}"' for n in raws]]) + " FROM src) r"
    con.execute(f"CREATE OR REPLACE TEMP VIEW parsed AS SELECT r._line, {raw_select}, {parsed} FROM {source}")
    error = " ".join(f"WHEN {c.bad} THEN '{c.field}|{c.reason}'" for c in spec.checks)
    con.execute(f"CREATE OR REPLACE TEMP VIEW parsed_checked AS SELECT *, CASE {error} END AS error FROM parsed")
    bad = " ".join(f"WHEN '{name}' THEN CAST(raw_{name} AS VARCHAR)" for name in raws)
    key = ", ".join(spec.key)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW checked AS SELECT _line, {', '.join(spec.parsed)}, "
        f"CAST({spec.time_column} AS DATE) AS date, hash(CAST({spec.time_column} AS DATE), {key}) AS key_hash, error, "
        f"CASE WHEN error IS NOT NULL THEN CASE split_part(error, '|', 1) {bad} END END AS bad_value "
        "FROM parsed_checked"
    )


def _raw(name: str, columns: list[str]) -> str:
    return f'"{name}"' if name in columns else "NULL"


def quote(path: Path | str) -> str:
    """A path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"
