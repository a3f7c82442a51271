"""SYNTHETIC monitoring feeds for demos and benchmarks: payments, platform orders, foot traffic, official series.

Everything generated here is synthetic and must be labelled so wherever it shows. The shapes follow
reality (see ``data/synthetic.yaml``): the 香格里拉 tourist season with summer (Jul–Aug) and autumn (Oct)
peaks, 春节 on its lunar dates (年货 shopping before, quiet days 1–3, travel up), the 国庆 golden week,
双11/618/网上年货节 online spikes, a night share near 30 %, online growth near 10 % a year.

Sizes at ``scale=1.0`` (2024 averages, measured on 6,000 迪庆 / 30,000 湖北 synthetic merchants; they grow
with the yearly rates in ``data/synthetic.yaml``):

==========  ============  ==========  ==========================================
profile     payments/day  orders/day  footfall rows/day
==========  ============  ==========  ==========================================
diqing      ~320          ~105        ~370 per place (8 places: ~3,000)
hubei       ~1,580        ~835        ~320 per place (143 places: ~46,000)
==========  ============  ==========  ==========================================

Speed on the 2-core machine: about 0.6–0.75 million payment rows/s generated (0.5 million/s written to
Parquet, zstd), 2 million order rows/s; 10^7 payments in 16 s with a peak RSS of 450 MB.

Volumes scale linearly with ``scale``; benchmarks use large scales through ``payments_batches``, which
yields one day at a time in record batches so 10^8 rows never sit in memory at once. A day's rows depend
only on (seed, profile, scale, inputs, day), so overlapping date ranges repeat the same rows and ids.

>>> from datetime import date, timedelta
>>> merchants = pa.table({"uscc": ["A1", "B2"], "region_adcode": ["533401", "533422"],
...                       "industry_code": ["6210", "5212"], "place_code": [None, None]})
>>> table = payments_table(merchants=merchants, start=date(2024, 7, 1), end=date(2024, 7, 1), seed=1,
...                        profile="diqing")
>>> table.schema.equals(PAYMENTS_FEED), table.num_rows > 100
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Final, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from xinxiao.core import InvalidInput
from xinxiao.monitoring.schema import FOOTFALL_FEED, ORDERS_FEED, PAYMENTS_FEED
from xinxiao.monitoring.synthetic_footfall import busiest_places, footfall_batches, footfall_table
from xinxiao.monitoring.synthetic_orders import orders_batches, orders_table
from xinxiao.monitoring.synthetic_payments import day_batches, day_factors, payment_model
from xinxiao.monitoring.synthetic_series import official_series_rows, write_series_csv
from xinxiao.monitoring.synthetic_shape import day_range

__all__ = [
    "BATCH_ROWS",
    "DEMO_FOOTFALL_PLACES",
    "busiest_places",
    "demo_files",
    "footfall_batches",
    "footfall_table",
    "official_series_rows",
    "orders_batches",
    "orders_table",
    "payments_batches",
    "payments_table",
    "write_feed",
    "write_series_csv",
]

BATCH_ROWS: Final = 1_000_000
DEMO_FOOTFALL_PLACES: Final = 20


def payments_batches(
    *,
    merchants: pa.Table,
    start: date,
    end: date,
    seed: int,
    scale: float = 1.0,
    profile: str,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[pa.RecordBatch]:
    """Stream synthetic payments (``PAYMENTS_FEED``) day by day in batches of at most ``batch_rows``.

    ``merchants`` needs columns uscc, region_adcode, industry_code and place_code; ``merchant_id`` is the
    uscc. About 300 (迪庆) or 1,500 (湖北) rows a day at ``scale=1.0``.
    """
    model = payment_model(merchants=merchants, seed=seed, scale=scale, profile=profile)
    factors = day_factors(model, day_range(start, end))
    for index in range(len(factors.days)):
        yield from day_batches(model, factors, index, batch_rows)


def payments_table(
    *, merchants: pa.Table, start: date, end: date, seed: int, scale: float = 1.0, profile: str
) -> pa.Table:
    """All synthetic payments from ``start`` to ``end`` inclusive as one table (``PAYMENTS_FEED``)."""
    batches = payments_batches(merchants=merchants, start=start, end=end, seed=seed, scale=scale, profile=profile)
    return pa.Table.from_batches(list(batches), schema=PAYMENTS_FEED)


def write_feed(
    path: Path | str,
    batches: Iterable[pa.RecordBatch],
    *,
    schema: pa.Schema = PAYMENTS_FEED,
    file_format: Literal["parquet", "csv"] | None = None,
    encoding: str = "utf-8",
) -> int:
    """Write batches as Parquet or CSV (chosen by the suffix unless given; CSV in UTF-8 or GBK); returns rows."""
    target = Path(path)
    kind = file_format or ("csv" if target.suffix.lower() == ".csv" else "parquet")
    if kind == "parquet":
        return _write_parquet(target, batches, schema)
    if kind == "csv":
        return _write_csv(target, batches, schema, encoding)
    raise InvalidInput(f"unknown feed file format {kind!r}", field="file_format")


def _row_groups(batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> Iterator[pa.Table]:
    """Gather small (daily) batches into tables of at least ``BATCH_ROWS`` rows: one Parquet row group each."""
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in batches:
        pending.append(batch)
        size += batch.num_rows
        if size >= BATCH_ROWS:
            yield pa.Table.from_batches(pending, schema)
            pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending, schema)


def _write_parquet(path: Path, batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> int:
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for table in _row_groups(batches, schema):
            writer.write_table(table, row_group_size=table.num_rows)
            rows += table.num_rows
    return rows


def _write_csv(path: Path, batches: Iterable[pa.RecordBatch], schema: pa.Schema, encoding: str) -> int:
    rows = 0
    with path.open("wb") as handle:
        for number, batch in enumerate(_nonempty(batches, schema)):
            sink = pa.BufferOutputStream()
            pacsv.write_csv(pa.Table.from_batches([batch], schema), sink,
                            pacsv.WriteOptions(include_header=number == 0))  # fmt: skip
            text = sink.getvalue().to_pybytes()
            handle.write(text if encoding.lower().replace("-", "") == "utf8" else text.decode().encode(encoding))
            rows += batch.num_rows
    return rows


def _nonempty(batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The batches, or one empty batch when there are none (so a CSV always has its header)."""
    empty = True
    for batch in batches:
        empty = False
        yield batch
    if empty:
        yield pa.RecordBatch.from_pylist([], schema=schema)


def _months(start: date, end: date) -> Iterator[tuple[str, date, date]]:
    """(YYYY-MM, first day, last day) of each calendar month overlapping ``start``..``end``, clipped to it."""
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        following = date(year + (month == 12), month % 12 + 1, 1)
        yield f"{year}-{month:02d}", max(start, date(year, month, 1)), min(end, following - timedelta(days=1))
        year, month = following.year, following.month


def demo_files(
    *,
    out_dir: Path,
    merchants: pa.Table,
    places: pa.Table,
    profile: str,
    seed: int,
    start: date,
    end: date,
    scale: float = 1.0,
    footfall_places: int | None = DEMO_FOOTFALL_PLACES,
) -> dict[str, list[Path]]:
    """Write the demo feeds (one Parquet per kind and month) and the official-style series CSV; paths by kind.

    Files go to ``out_dir/<kind>/<kind>-<profile>-YYYY-MM.parquet`` and ``out_dir/official/official-<profile>.csv``
    (series from 2018, or ``start``'s year if earlier, up to the month of ``end``); a month without rows of a
    kind gets no file. Foot traffic is ~320 rows per place and day, so only the ``footfall_places`` busiest
    places are written (None: all).
    """
    paths: dict[str, list[Path]] = {"payments": [], "orders": [], "footfall": [], "official": []}
    busiest = busiest_places(places, seed=seed, profile=profile, limit=footfall_places)
    for label, first, last in _months(start, end):
        streams = {
            "payments": (PAYMENTS_FEED, payments_batches(merchants=merchants, start=first, end=last, seed=seed,
                                                         scale=scale, profile=profile)),
            "orders": (ORDERS_FEED, orders_batches(merchants=merchants, start=first, end=last, seed=seed,
                                                   scale=scale, profile=profile)),
            "footfall": (FOOTFALL_FEED, footfall_batches(places=busiest, start=first, end=last, seed=seed,
                                                         scale=scale, profile=profile)),
        }  # fmt: skip
        for kind, (schema, batches) in streams.items():
            path = out_dir / kind / f"{kind}-{profile}-{label}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            if write_feed(path, batches, schema=schema):
                paths[kind].append(path)
            else:
                path.unlink()
    paths["official"].append(_official_file(out_dir, profile, seed, start, end))
    return paths


def _official_file(out_dir: Path, profile: str, seed: int, start: date, end: date) -> Path:
    rows = official_series_rows(profile=profile, start_year=min(start.year, 2018), end_year=end.year, seed=seed)
    last = f"{end.year}-{end.month:02d}"
    path = out_dir / "official" / f"official-{profile}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_series_csv(path, (row for row in rows if row["period_end"] <= last))
    return path
