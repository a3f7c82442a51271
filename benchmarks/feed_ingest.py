"""Benchmark: ingest one generated Parquet payments file, against hand-written DuckDB SQL and pandas.

(a) Xinxiao's full ingest into an empty lake: delivery row, SHA-256, validation, de-duplication,
    enrichment through the merchant registry (SQLite), night flag and origin band, date-partitioned lake
    files, the daily cube (ibis on DuckDB) and the manifest commit.
(b) One hand-written DuckDB query doing the same aggregation from the same file: join merchants, night
    flag, origin band, group by the cube's dimensions. No validation, no de-duplication, nothing written:
    the practical lower bound.
(c) What an analyst would write in pandas, two ways: the same aggregation only (read the Parquet file,
    merge the merchants, group by), and the same job as (a) (validate every field with boolean masks,
    drop duplicate ids, merge, set unknown merchants aside, write the date-partitioned lake with
    ``to_parquet(partition_cols=…)``, then group by). c/a compares the same job; both are printed.
(d) The write floor: DuckDB copying the file's raw columns into date partitions, no parsing, checking or
    enrichment. Any pipeline that computes the cube and writes the lake on these two cores pays at
    least (b) + (d), so (b + d)/b bounds a/b from below.

Each part runs in its own process, so each peak RSS (VmHWM, reset just before the timed work) is its
own. DuckDB gets the same memory limit (3 GB) and threads (all cores) in (a) and (b). The machine may
be shared: the JSON line carries the load averages before and after. Prints one JSON line.

    .venv/bin/python benchmarks/feed_ingest.py --rows 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from machine import machine

DIQING = ["533401", "533422", "533423"]
HUBEI = ["420102", "420106", "420111", "420502", "420602", "421002", "422801", "429004", "429005"]
INDUSTRIES = ["5212", "6210", "5261", "6110", "5271", "8710"]
CATEGORIES = ["餐饮", "住宿", "零售", "娱乐", "交通"]
START = datetime(2024, 2, 1)
MEMORY_LIMIT = "3GB"


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def merchant_table(count: int, seed: int) -> pa.Table:
    """The generated merchants: USCC-like ids in 迪庆 and 湖北 counties, industry, place for a third."""
    rng = np.random.default_rng(seed)
    regions = np.array(DIQING + HUBEI)[rng.integers(0, len(DIQING) + len(HUBEI), count)]
    ids = [f"92{r}MA{n:08d}X"[:18] for n, r in enumerate(regions)]
    places = [f"P{r}-{n % 5}" if n % 3 == 0 else None for n, r in enumerate(regions)]
    industries = np.array(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), count)]
    return pa.table({"uscc": ids, "region_adcode": regions, "industry_code": industries, "place_code": places})


def _decimal(fen: np.ndarray) -> pa.Array:
    # decimal128 is a little-endian 128-bit integer: low word the value, high word its sign extension.
    words = np.empty((len(fen), 2), dtype=np.int64)
    words[:, 0], words[:, 1] = fen, np.where(fen < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(14, 2), len(fen), [None, pa.py_buffer(words.tobytes())])


def payments_chunk(rng: np.random.Generator, first: int, n: int, merchants: pa.Table, days: int) -> pa.Table:
    """``n`` payments rows numbered from ``first``, vectorised."""
    pick = rng.integers(0, merchants.num_rows, n)
    county = merchants["region_adcode"].take(pa.array(pick))
    seconds = rng.integers(0, days * 86400, n)
    fen = rng.lognormal(8.0, 1.1, n).astype(np.int64) + 1
    origin = _origins(rng, county, n)
    voucher = np.where(rng.random(n) < 0.05, fen // 10, -1)
    return pa.table(
        {
            "txn_id": pc.binary_join_element_wise("T", pc.cast(pa.array(np.arange(first, first + n)), pa.string()), ""),
            "txn_time": pa.array(np.datetime64(START, "us") + seconds.astype("timedelta64[s]")),
            "amount": _decimal(fen),
            "merchant_id": merchants["uscc"].take(pa.array(pick)),
            "channel": pa.array(
                np.array(["offline_card", "offline_qr", "online"])[rng.choice(3, n, p=[0.2, 0.6, 0.2])]
            ),
            "payer_origin": origin,
            "payer_hash": pc.binary_join_element_wise(
                "P", pc.cast(pa.array(rng.integers(0, 5_000_000, n)), pa.string()), ""
            ),
            "category": pa.array(np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), n)]),
            "voucher_amount": pc.if_else(
                pa.array(voucher >= 0), _decimal(np.maximum(voucher, 0)), pa.scalar(None, pa.decimal128(14, 2))
            ),
        }
    )


def _origins(rng: np.random.Generator, county: pa.ChunkedArray, n: int) -> pa.Array:
    others = np.array(DIQING + HUBEI + ["530102", "510104", "110105"])
    band = rng.choice(4, n, p=[0.5, 0.4, 0.05, 0.05])
    other = pa.array(others[rng.integers(0, len(others), n)])
    origin = pc.if_else(pa.array(band == 0), county.combine_chunks(), other)
    origin = pc.if_else(pa.array(band == 2), pa.scalar("foreign"), origin)
    return pc.if_else(pa.array(band == 3), pa.scalar(None, pa.string()), origin)


def generate(path: Path, rows: int, merchants: pa.Table, days: int, seed: int, chunk: int = 4_000_000) -> None:
    """Write the payments file in chunks (memory stays flat whatever ``rows``)."""
    rng = np.random.default_rng(seed)
    from xinxiao.monitoring.schema import PAYMENTS_FEED

    with pq.ParquetWriter(path, PAYMENTS_FEED) as writer:
        for first in range(0, rows, chunk):
            table = payments_chunk(rng, first, min(chunk, rows - first), merchants, days)
            writer.write_table(table.cast(PAYMENTS_FEED), row_group_size=1 << 20)


# --- (a) Xinxiao ------------------------------------------------------------------------------------------


def run_xinxiao(work: Path, feed: Path, merchants: pa.Table) -> dict[str, Any]:
    """Migrate a fresh SQLite registry, load the merchants, then time the full ingest."""
    from sqlalchemy import insert

    from xinxiao import merchants as registry
    from xinxiao import migrations
    from xinxiao.config import Settings
    from xinxiao.core import system_principal
    from xinxiao.db import make_engine, make_sessionmaker, transaction
    from xinxiao.monitoring import deliveries
    from xinxiao.reference import seed_reference

    settings = Settings(var_dir=work / "var")
    migrations.upgrade(settings.resolved_database_url)
    sessions = make_sessionmaker(make_engine(settings.resolved_database_url))
    with transaction(sessions) as session:
        seed_reference(session)
        _load_registry(session, merchants, registry, insert)
    _reset_peak()
    started = time.perf_counter()
    delivery = deliveries.ingest_file(
        sessions, settings, actor=system_principal(), kind="payments", path=feed, filename=feed.name
    )
    seconds = time.perf_counter() - started
    assert delivery.status == "committed", delivery.error
    return {"seconds": seconds, "accepted": delivery.accepted, "lake_version": delivery.lake_version}


def _load_registry(session: Any, merchants: pa.Table, registry: Any, insert: Any) -> None:
    places = sorted({p for p in merchants["place_code"].to_pylist() if p})
    session.execute(
        insert(registry.Place),
        [
            {"code": p, "name": p, "kind": "商圈", "region_adcode": p[1:7], "center_lat": 27.8, "center_lon": 99.7}
            for p in places
        ],
    )
    ids = {p.code: p.id for p in session.query(registry.Place)}
    session.execute(
        insert(registry.Merchant),
        [
            {
                "uscc": m["uscc"],
                "name": m["uscc"],
                "industry_code": m["industry_code"],
                "region_adcode": m["region_adcode"],
                "place_id": ids.get(m["place_code"]),
                "content_hash": "bench",
            }
            for m in merchants.to_pylist()
        ],
    )


# --- (b) hand-written DuckDB --------------------------------------------------------------------------------


def run_duckdb(feed: Path, merchants: pa.Table, temp: Path) -> dict[str, Any]:
    """The same aggregation in one DuckDB query over the file."""
    import duckdb

    from xinxiao.monitoring.enrich import joined_origin_band_sql, night_sql, origin_table, prefecture_of

    prefecture = pa.array([prefecture_of(c) for c in merchants["region_adcode"].to_pylist()])
    dim = merchants.append_column("prefecture", prefecture)
    temp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(temp), "preserve_insertion_order": "false"}
    )
    con.register("m", dim)
    con.register("origins", origin_table())
    sql = f"""
        SELECT CAST(p.txn_time AS DATE) AS date, m.region_adcode, m.industry_code, p.channel,
               {night_sql("p.txn_time", "18:00", "06:00")} AS night,
               {joined_origin_band_sql("p.payer_origin", "o", "m.region_adcode", "m.prefecture")} AS origin_band,
               m.place_code,
               sum(CAST(p.amount * 100 AS BIGINT)) AS amount_fen, count(*) AS txn_count,
               count(DISTINCT p.payer_hash) AS payers,
               sum(coalesce(CAST(p.voucher_amount * 100 AS BIGINT), 0)) AS voucher_fen,
               sum(CASE WHEN p.voucher_amount > 0 THEN CAST(p.amount * 100 AS BIGINT) ELSE 0 END) AS voucher_txn_fen
        FROM read_parquet('{feed}') p JOIN m ON p.merchant_id = m.uscc LEFT JOIN origins o ON p.payer_origin = o.code
        GROUP BY ALL
    """
    _reset_peak()
    started = time.perf_counter()
    result = con.execute(sql).to_arrow_table()
    return {"seconds": time.perf_counter() - started, "cells": result.num_rows}


# --- (c) pandas ------------------------------------------------------------------------------------------


def run_pandas(feed: Path, merchants: pa.Table, sample_rows: int | None) -> dict[str, Any]:
    """What an analyst would write: read, merge, derive the flags, group by (on the first rows if sampled)."""

    m = merchants.to_pandas()
    _reset_peak()
    started = time.perf_counter()
    df = _pandas_read(feed, sample_rows)
    cube = _pandas_cube(_pandas_enrich(df.merge(m, left_on="merchant_id", right_on="uscc")))
    return {"seconds": time.perf_counter() - started, "cells": len(cube), "rows": len(df)}


def _pandas_read(feed: Path, sample_rows: int | None) -> Any:
    """The feed as a DataFrame (its first ``sample_rows`` rows when sampled)."""
    import pandas as pd

    if sample_rows:
        return pq.ParquetFile(feed).iter_batches(batch_size=sample_rows).__next__().to_pandas()
    return pd.read_parquet(feed)


def _pandas_enrich(df: Any) -> Any:
    """Integer fen, the night flag and the origin band, as vectorised columns."""
    df["amount_fen"] = (df["amount"].astype(float) * 100).round().astype("int64")
    df["voucher_fen"] = (df["voucher_amount"].astype(float).fillna(0) * 100).round().astype("int64")
    df["date"] = df["txn_time"].dt.date
    minutes = df["txn_time"].dt.hour * 60 + df["txn_time"].dt.minute
    df["night"] = (minutes >= 18 * 60) | (minutes < 6 * 60)
    df["origin_band"] = _pandas_bands(df)
    return df


def _pandas_cube(df: Any) -> Any:
    """The cube's group by, with ``nunique`` for the distinct payers."""
    df["voucher_txn_fen"] = df["amount_fen"].where(df["voucher_fen"] > 0, 0)
    keys = ["date", "region_adcode", "industry_code", "channel", "night", "origin_band", "place_code"]
    return df.groupby(keys, dropna=False).agg(
        amount_fen=("amount_fen", "sum"),
        txn_count=("txn_id", "size"),
        payers=("payer_hash", "nunique"),
        voucher_fen=("voucher_fen", "sum"),
        voucher_txn_fen=("voucher_txn_fen", "sum"),
    )


def run_pandas_job(feed: Path, merchants: pa.Table, sample_rows: int | None, out: Path) -> dict[str, Any]:
    """The same job as (a) in plain pandas: validate, de-duplicate, enrich, write the lake, group by."""

    m = merchants.to_pandas()
    shutil.rmtree(out, ignore_errors=True)
    _reset_peak()
    started = time.perf_counter()
    df = _pandas_read(feed, sample_rows)
    df = df[_pandas_valid(df)]
    df["date"] = df["txn_time"].dt.date
    df = df.drop_duplicates(subset=["date", "txn_id"], keep="first")
    known = df["merchant_id"].isin(m["uscc"])
    out.mkdir(parents=True)
    if not known.all():
        df[~known].to_parquet(out / "quarantine.parquet")
    df = _pandas_enrich(df[known].merge(m, left_on="merchant_id", right_on="uscc"))
    lake = df.drop(columns=["amount", "voucher_amount", "uscc"])
    lake.to_parquet(out / "lake", partition_cols=["date"], compression="lz4")
    cube = _pandas_cube(df)
    return {"seconds": time.perf_counter() - started, "cells": len(cube), "rows": len(df)}


def _pandas_valid(df: Any) -> Any:
    """The row checks of the payments feed as boolean masks (required values, ranges, codes)."""
    import pandas as pd

    latest = pd.Timestamp.now() + pd.Timedelta(days=1)
    amount = df["amount"].astype(float)
    voucher = df["voucher_amount"].astype(float)
    origin = df["payer_origin"]
    return (
        df["txn_id"].str.strip().fillna("").ne("")
        & df["merchant_id"].str.strip().fillna("").ne("")
        & df["txn_time"].between(pd.Timestamp("2010-01-01"), latest)
        & (amount > 0)
        & (amount < 10_000_000)
        & df["channel"].isin(["offline_card", "offline_qr", "online"])
        & (origin.isna() | (origin == "foreign") | origin.str.fullmatch(r"[0-9]{6}").fillna(False))
        & (voucher.isna() | ((voucher >= 0) & (voucher <= amount)))
    )


# --- (d) the write floor ------------------------------------------------------------------------------------


def run_write_floor(feed: Path, temp: Path, out: Path) -> dict[str, Any]:
    """DuckDB copying the file's raw columns into date partitions: nothing parsed, checked or enriched."""
    import duckdb

    shutil.rmtree(out, ignore_errors=True)
    temp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(temp), "preserve_insertion_order": "false"}
    )
    _reset_peak()
    started = time.perf_counter()
    con.execute(
        f"COPY (SELECT *, CAST(txn_time AS DATE) AS date FROM read_parquet('{feed}')) TO '{out}' "
        "(FORMAT parquet, COMPRESSION lz4, PARTITION_BY (date))"
    )
    return {"seconds": time.perf_counter() - started}


def _pandas_bands(df: Any) -> Any:
    from xinxiao.monitoring.enrich import prefecture_of

    origin = df["payer_origin"]
    county = df["region_adcode"]
    prefectures = {c: prefecture_of(c) for c in set(origin.dropna()) | set(county) if c != "foreign"}
    same_pref = origin.map(prefectures) == county.map(prefectures)
    conditions = [
        origin.isna(),
        origin == "foreign",
        origin == county,
        same_pref,
        origin.str[:2] == county.str[:2],
    ]
    choices = ["unknown", "abroad", "local_county", "rest_of_prefecture", "rest_of_province"]
    return np.select([c.fillna(False).to_numpy(bool) for c in conditions], choices, default="other_province")


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


# --- driver ------------------------------------------------------------------------------------------------


def _phase(args: argparse.Namespace) -> None:
    work = Path(args.work)
    merchants = pq.read_table(work / "merchants.parquet")
    feed = work / "payments.parquet"
    if args.phase == "a":
        result = run_xinxiao(work / "xinxiao", feed, merchants)
    elif args.phase == "b":
        result = run_duckdb(feed, merchants, work / "tmp")
    elif args.phase == "d":
        result = run_write_floor(feed, work / "tmp", work / "floor")
    elif args.phase == "job":
        result = run_pandas_job(feed, merchants, args.pandas_sample, work / "pandas-job")
    else:
        result = run_pandas(feed, merchants, args.pandas_sample)
    print(json.dumps(result | {"peak_rss_mib": round(_peak_mib(), 1)}))


def _child(args: argparse.Namespace, phase: str, *extra: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", phase, "--work", args.work, "--rows", str(args.rows), *extra]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    """Generate the file, run (a), (b), (c) in child processes and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--merchants", type=int, default=3000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20240210)
    parser.add_argument("--work", default="var/bench-feed-ingest")
    parser.add_argument("--pandas-sample", type=int, default=0, help="run pandas on the first N rows only")
    parser.add_argument("--reuse", action="store_true", help="reuse the generated file of an earlier run")
    parser.add_argument("--phase", choices=["a", "b", "c", "d", "job"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _phase(args)
        return
    work = Path(args.work)
    feed = work / "payments.parquet"
    reuse = args.reuse and feed.exists() and pq.ParquetFile(feed).metadata.num_rows == args.rows
    if not reuse:  # --reuse keeps a file generated earlier with the same arguments
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    shutil.rmtree(work / "xinxiao", ignore_errors=True)
    merchants = merchant_table(args.merchants, args.seed)
    pq.write_table(merchants, work / "merchants.parquet")
    started = time.perf_counter()
    if not reuse:
        generate(feed, args.rows, merchants, args.days, args.seed)
    generated = time.perf_counter() - started
    load_before = os.getloadavg()
    b = _child(args, "b")
    a = _child(args, "a")
    d = _child(args, "d")
    sample = ["--pandas-sample", str(args.pandas_sample)] if args.pandas_sample else []
    c = _child(args, "c", *sample)
    job = _child(args, "job", *sample)
    pandas_rows = args.pandas_sample or args.rows
    c_full = c["seconds"] * args.rows / pandas_rows  # linear extrapolation when sampled
    job_full = job["seconds"] * args.rows / pandas_rows
    print(
        json.dumps(
            {
                "benchmark": "feed_ingest",
                "rows": args.rows,
                "merchants": args.merchants,
                "days": args.days,
                "file_mib": round((work / "payments.parquet").stat().st_size / 2**20, 1),
                "generate_seconds": round(generated, 2),
                "a_xinxiao_seconds": round(a["seconds"], 2),
                "b_duckdb_sql_seconds": round(b["seconds"], 2),
                "c_pandas_aggregation_seconds": round(c_full, 2),
                "c_pandas_job_seconds": round(job_full, 2),
                "d_write_floor_seconds": round(d["seconds"], 2),
                "c_pandas_rows_measured": pandas_rows,
                "a_rows_per_s": round(args.rows / a["seconds"]),
                "b_rows_per_s": round(args.rows / b["seconds"]),
                "c_rows_per_s": round(pandas_rows / c["seconds"]),
                "c_job_rows_per_s": round(pandas_rows / job["seconds"]),
                "a_peak_rss_mib": a["peak_rss_mib"],
                "b_peak_rss_mib": b["peak_rss_mib"],
                "c_peak_rss_mib": c["peak_rss_mib"],
                "c_job_peak_rss_mib": job["peak_rss_mib"],
                "ratio_a_over_b": round(a["seconds"] / b["seconds"], 2),
                "ratio_c_job_over_a": round(job_full / a["seconds"], 2),
                "ratio_c_aggregation_over_a": round(c_full / a["seconds"], 2),
                "floor_ratio_b_plus_d_over_b": round((b["seconds"] + d["seconds"]) / b["seconds"], 2),
                "cube_cells": b["cells"],
                "duckdb_memory_limit": MEMORY_LIMIT,
            }
            | machine(load_before)
        )
    )


if __name__ == "__main__":
    main()
