"""An ingest killed (SIGKILL) at any point leaves the lake manifest, the cube and the readable rows as they were."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from feedsupport import add_merchant, add_place, payment, write_csv
from support import make_settings
from xinxiao import migrations
from xinxiao.analytics import DuckDBEngine, normalise_frame
from xinxiao.config import Settings
from xinxiao.core import system_principal
from xinxiao.db import transaction
from xinxiao.monitoring import deliveries
from xinxiao.monitoring.cube import PAYMENTS_DIMS
from xinxiao.monitoring.lake import MANIFEST, Lake
from xinxiao.monitoring.models import Delivery
from xinxiao.reference import seed_reference
from xinxiao.runtime import Runtime

SCRIPT = """
import sys, time
from pathlib import Path
from xinxiao.config import Settings
from xinxiao.core import system_principal
from xinxiao.monitoring import deliveries, ingest
from xinxiao.runtime import Runtime

var, feed, marker = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])

def hold() -> None:
    marker.write_text("files written")
    time.sleep(120)

ingest.before_commit = hold
runtime = Runtime.from_settings(Settings(var_dir=var))
deliveries.ingest_file(runtime.sessions, runtime.settings, actor=system_principal(), kind="payments", path=feed,
                       filename=feed.name)
"""


def _state(settings: Settings) -> tuple[bytes, pd.DataFrame, pd.DataFrame]:
    lake = Lake(settings.resolved_lake_dir)
    engine = DuckDBEngine()
    cube = engine.execute(lambda t: t["c"], {"c": lake.cube_source("payments")})
    rows = engine.execute(lambda t: t["r"], {"r": lake.feed_source("payments")})
    manifest = (settings.resolved_lake_dir / MANIFEST).read_bytes()
    return manifest, normalise_frame(cube, list(PAYMENTS_DIMS)), normalise_frame(rows, "txn_id")


@pytest.fixture
def world(var_dir: Path) -> tuple[Runtime, list[str]]:
    """A migrated database with two merchants and a lake holding one committed delivery."""
    settings = make_settings(var_dir)
    migrations.upgrade(settings.resolved_database_url)
    runtime = Runtime.from_settings(settings)
    with transaction(runtime.sessions) as session:
        seed_reference(session)
        place = add_place(session, "DKZ", "533401")
        merchants = [add_merchant(session, 1, "533401", place=place), add_merchant(session, 2, "533422")]
    first = [payment(f"base{i}", "2024-02-10 19:00:00", "10", merchants[i % 2], payer=f"p{i}") for i in range(50)]
    path = write_csv(var_dir / "base.csv", first)
    deliveries.ingest_file(
        runtime.sessions, settings, actor=system_principal(), kind="payments", path=path, filename="base.csv"
    )
    return runtime, merchants


def _big_file(path: Path, merchants: list[str], rows: int) -> Path:
    lines = [
        payment(f"n{i}", f"2024-02-{10 + i % 5} 1{i % 10}:00:00", "3.5", merchants[i % 2], payer=f"q{i % 977}")
        for i in range(rows)
    ]
    return write_csv(path, lines)


def _kill(runtime: Runtime, feed: Path, marker: Path, delay: float | None) -> None:
    var = runtime.settings.var_dir
    child = subprocess.Popen([sys.executable, "-c", SCRIPT, str(var), str(feed), str(marker)], env=os.environ.copy())
    deadline = time.monotonic() + 180
    if delay is None:
        while not marker.exists():  # wait until every new file is written and only the manifest swap is left
            assert child.poll() is None and time.monotonic() < deadline, "the ingest did not reach its commit"
            time.sleep(0.05)
    else:
        while not _running(runtime):  # wait until the ingest has begun, then kill it at a random moment
            assert child.poll() is None and time.monotonic() < deadline, "the ingest did not start"
            time.sleep(0.02)
        time.sleep(delay)
    assert child.poll() is None, "the child ended before the kill"
    child.send_signal(signal.SIGKILL)
    child.wait()


def _running(runtime: Runtime) -> bool:
    with runtime.sessions() as session:
        return session.scalar(select(Delivery.id).where(Delivery.status == "running")) is not None


@pytest.mark.parametrize("delay", [None, random.uniform(0.0, 2.0)], ids=["before-manifest-swap", "random-moment"])
def test_a_killed_ingest_changes_nothing_and_a_rerun_succeeds(
    world: tuple[Runtime, list[str]], delay: float | None
) -> None:
    runtime, merchants = world
    settings = runtime.settings
    before = _state(settings)
    feed = _big_file(settings.var_dir / "big.csv", merchants, 60_000)
    _kill(runtime, feed, settings.var_dir / "marker", delay)

    after = _state(settings)
    assert after[0] == before[0]
    pd.testing.assert_frame_equal(after[1], before[1])
    pd.testing.assert_frame_equal(after[2], before[2])

    delivery = deliveries.ingest_file(
        runtime.sessions, settings, actor=system_principal(), kind="payments", path=feed, filename=feed.name
    )
    assert (delivery.status, delivery.accepted) == ("committed", 60_000)
    with runtime.sessions() as session:
        statuses = [d.status for d in session.scalars(select(Delivery).order_by(Delivery.id))]
    assert statuses == ["committed", "failed", "committed"]  # the killed one was reconciled as failed
    lake_root = settings.resolved_lake_dir
    on_disk = {str(p.relative_to(lake_root)) for p in lake_root.rglob("*.parquet")}
    assert on_disk == Lake(lake_root).snapshot().referenced()  # the killed ingest's files were swept
    assert len(_state(settings)[2]) == 50 + 60_000
    runtime.close()
