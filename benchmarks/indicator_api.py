"""Benchmark: latency of the dashboard's indicator endpoint over three years of cube for 20 regions.

Builds a lake the product's way (synthetic 湖北 merchants imported into the registry, three years of
synthetic payments ingested into the lake and cube), then times, in one process:

- ``GET /api/v1/monitoring/indicators/payment_turnover?region=…&grain=month`` through the whole web
  stack (auth, scope, registry, ibis on DuckDB, JSON) for 20 county-level regions, cold (result cache
  emptied before every request) and cached (the same requests again);
- the baseline: one hand-written DuckDB SQL over the same cube files per region (monthly sums), with
  no web stack, no scope, no registry, no cache — the floor of the work.

Prints one JSON line with p50/p95 in milliseconds for each.

    .venv/bin/python benchmarks/indicator_api.py [--scale 1.0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from fastapi.testclient import TestClient

from xinxiao import merchants, migrations, monitoring
from xinxiao.accounts import UserCreate, create
from xinxiao.config import Settings
from xinxiao.core import Role, system_principal
from xinxiao.db import transaction
from xinxiao.reference import seed_reference
from xinxiao.runtime import Runtime
from xinxiao.web import create_app

START, END = date(2023, 11, 1), date(2026, 10, 31)
REGIONS = 20
PASSWORD = "benchmark-password"


def build_lake(settings: Settings, *, seed: int, scale: float, merchants_n: int) -> tuple[list[str], int]:
    """Registry and lake as the product builds them; returns the 20 busiest counties and the rows ingested."""
    runtime = Runtime.from_settings(settings)
    migrations.upgrade(settings.resolved_database_url)
    system = system_principal()
    with transaction(runtime.sessions) as session:
        seed_reference(session)
        create(session, actor=system, data=UserCreate(username="bench", display_name="bench", password=PASSWORD,
                                                       role=Role.analyst, region_adcode="420000"))  # fmt: skip
    profile = merchants.synthetic.load_profile("hubei")
    path = settings.var_dir / "merchants.csv"
    merchants.synthetic.write_csv(
        path, merchants.synthetic.generate_merchants(seed=seed, n=merchants_n, profile=profile)
    )
    job = merchants.start_import(runtime.sessions, actor=system, path=path, filename=path.name)
    merchants.run_import(runtime.sessions, actor=system, job_id=job, path=path, report_dir=settings.var_dir)
    with runtime.sessions() as session:
        dimension = merchants.merchant_dimension(session)
    feed = settings.var_dir / "payments.parquet"
    batches = monitoring.synthetic.payments_batches(
        merchants=dimension, start=START, end=END, seed=seed, scale=scale, profile="hubei"
    )
    monitoring.synthetic.write_feed(feed, batches, schema=monitoring.FEED_SCHEMAS["payments"])
    delivery = monitoring.ingest_file(
        runtime.sessions, settings, actor=system, kind="payments", path=feed, filename=feed.name, synthetic=True
    )
    counties = duckdb.sql(
        "select region_adcode, sum(txn_count) n from read_parquet($files) group by 1 order by 2 desc limit $k",
        params={"files": [str(p) for p in monitoring.cube_sources(settings).tables["payments"].paths], "k": REGIONS},
    ).fetchall()
    runtime.close()
    return [c[0] for c in counties], int(delivery.accepted)


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def timed(calls: list[Callable[[], Any]], before: Callable[[], None] = lambda: None) -> list[float]:
    """Seconds per call, running ``before`` (untimed) ahead of each."""
    samples = []
    for call in calls:
        before()
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def api_calls(client: TestClient, regions: list[str]) -> list[Callable[[], Any]]:
    """One dashboard indicator request per region: monthly payment turnover over the three years."""

    def call(region: str) -> Callable[[], Any]:
        url = f"/api/v1/monitoring/indicators/payment_turnover?region={region}&from={START}&to={END}&grain=month"

        def run() -> Any:
            response = client.get(url, headers={"Authorization": f"Bearer {client.headers['x-bench-token']}"})
            assert response.status_code == 200, response.text
            return response.json()

        return run

    return [call(r) for r in regions]


def baseline_calls(files: list[str], regions: list[str]) -> list[Callable[[], Any]]:
    """The same monthly sums as one hand-written DuckDB query per region over the same cube files."""
    con = duckdb.connect()
    sql = (
        "select date_trunc('month', date) m, sum(amount_fen) / 1e6 v from read_parquet($files) "
        "where region_adcode = $r and date between $s and $e group by 1 order by 1"
    )
    return [lambda r=r: con.execute(sql, {"files": files, "r": r, "s": START, "e": END}).fetchall() for r in regions]


def token(settings: Settings) -> str:
    """A bearer token for the benchmark user."""
    from xinxiao import accounts

    runtime = Runtime.from_settings(settings)
    with transaction(runtime.sessions) as session:
        user = accounts.get_by_username(session, username="bench")
        secret, _expires = accounts.issue_token(session, user=user, name="bench")
    runtime.close()
    return secret


def main() -> None:
    """Build the lake, time the endpoint cold and cached beside the SQL baseline, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="payments volume (1.0 ≈ 1,500 a day)")
    parser.add_argument("--merchants", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the 20 regions")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xinxiao-bench-") as tmp:
        settings = Settings(var_dir=Path(tmp), environment="test", secret_key="benchmark-secret-key-0123456789")
        start = time.perf_counter()
        regions, rows = build_lake(settings, seed=args.seed, scale=args.scale, merchants_n=args.merchants)
        build_seconds = time.perf_counter() - start
        files = [str(p) for p in monitoring.cube_sources(settings).tables["payments"].paths]
        with TestClient(create_app(settings)) as client:
            client.headers["x-bench-token"] = token(settings)
            calls = api_calls(client, regions) * args.repeat
            cold = timed(calls, before=monitoring.query.RESULTS.invalidate)
            timed(api_calls(client, regions))  # fill the cache
            cached = timed(calls)
        baseline = timed(baseline_calls(files, regions) * args.repeat)
    print(
        json.dumps(
            {
                "benchmark": "indicator_api",
                "regions": len(regions),
                "months": 36,
                "payments_rows": rows,
                "cube_files": len(files),
                "requests_per_mode": len(calls),
                "cold": percentiles(cold),
                "cached": percentiles(cached),
                "baseline_duckdb_sql": percentiles(baseline),
                "ratio_cold_p50_vs_baseline": round(statistics.median(cold) / statistics.median(baseline), 2),
                "build_seconds": round(build_seconds, 1),
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {sys.platform}",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
