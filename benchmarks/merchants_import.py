"""Benchmark: import N synthetic merchants from one CSV into a fresh SQLite database.

Prints one JSON line with rows/s and peak memory of the Xinxiao import (validation, USCC checks,
region/industry/scope checks, place assignment, upsert by USCC, audit rows, one transaction) beside a
baseline in the same process: the same CSV loaded by ``csv.reader`` + ``sqlite3.executemany`` into a
bare table with no validation, no audit and no index but the primary key — the floor of this work.

    .venv/bin/python benchmarks/merchants_import.py --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xinxiao import merchants, migrations
from xinxiao.core import system_principal
from xinxiao.db import make_engine, make_sessionmaker, transaction
from xinxiao.reference import seed_reference


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds, peak resident memory (MiB) and result of ``work``."""
    _reset_peak()
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, _peak_mib(), result


def xinxiao_import(csv_path: Path, workdir: Path, seed: int) -> Any:
    """The product's import path into a freshly migrated SQLite database."""
    url = f"sqlite:///{workdir / 'xinxiao.db'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        seed_reference(session)
    actor = system_principal()
    places = merchants.synthetic.generate_places(seed=seed, profile=merchants.synthetic.load_profile("all"))
    with transaction(sessions) as session:
        merchants.upsert_places(session, actor=actor, places=places)

    def run() -> Any:
        job = merchants.start_import(sessions, actor=actor, path=csv_path, filename=csv_path.name)
        return merchants.run_import(
            sessions, actor=actor, job_id=job, path=csv_path, report_dir=workdir, synthetic=True
        )

    seconds, peak, job = measure(run)
    engine.dispose()
    return seconds, peak, job


def baseline_import(csv_path: Path, workdir: Path) -> tuple[float, float, int]:
    """csv.reader + sqlite3.executemany into a bare table: no validation, audit or upsert."""

    def run() -> int:
        connection = sqlite3.connect(workdir / "baseline.db")
        with csv_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            columns = ", ".join(f'"{c}"' for c in header)
            connection.execute(f"CREATE TABLE m (id INTEGER PRIMARY KEY, {columns})")
            marks = ", ".join("?" for _ in header)
            connection.executemany(f"INSERT INTO m ({columns}) VALUES ({marks})", reader)
        connection.commit()
        count = connection.execute("SELECT count(*) FROM m").fetchone()[0]
        connection.close()
        return int(count)

    return measure(run)


def main() -> None:
    """Generate the file, run both imports, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "merchants.csv"
        profile = merchants.synthetic.load_profile("all")
        places = merchants.synthetic.generate_places(seed=args.seed, profile=profile)
        rows = merchants.synthetic.generate_merchants(seed=args.seed, n=args.rows, profile=profile, places=places)
        gen_seconds, _, _ = measure(lambda: merchants.synthetic.write_csv(csv_path, rows))
        base_seconds, base_peak, base_rows = baseline_import(csv_path, workdir)
        seconds, peak, job = xinxiao_import(csv_path, workdir, args.seed)
        result = {
            "benchmark": "merchants_import",
            "rows": args.rows,
            "file_mib": round(csv_path.stat().st_size / 2**20, 1),
            "generate_rows_per_s": round(args.rows / gen_seconds),
            "xinxiao": {
                "seconds": round(seconds, 2),
                "rows_per_s": round(args.rows / seconds),
                "peak_rss_mib": round(peak, 1),
                "inserted": job.inserted,
                "rejected": job.rejected,
                "status": job.status,
            },
            "baseline_csv_executemany": {
                "seconds": round(base_seconds, 2),
                "rows_per_s": round(base_rows / base_seconds),
                "peak_rss_mib": round(base_peak, 1),
            },
            "slowdown_vs_baseline": round(seconds / base_seconds, 1),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
        }
    print(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
