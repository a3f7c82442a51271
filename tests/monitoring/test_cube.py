"""The daily cubes: known answers on DuckDB, identical cubes on Spark from the same lake, and rebuilds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy.orm import Session, sessionmaker

from feedsupport import Registry, payment, seed_registry, write_csv
from xinxiao.analytics import DuckDBEngine, SparkEngine, normalise_frame
from xinxiao.config import Settings
from xinxiao.core import system_principal
from xinxiao.monitoring import deliveries
from xinxiao.monitoring.cube import FOOTFALL_DIMS, ORDERS_DIMS, PAYMENTS_DIMS, build_cube, month_path, write_month
from xinxiao.monitoring.lake import Lake, Manifest
from xinxiao.monitoring.schema import CUBE_SCHEMAS, FeedKind

DIMS: dict[FeedKind, tuple[str, ...]] = {"payments": PAYMENTS_DIMS, "orders": ORDERS_DIMS, "footfall": FOOTFALL_DIMS}


@pytest.fixture
def registry(sessions: sessionmaker[Session]) -> Registry:
    return seed_registry(sessions)


def _ingest(sessions: sessionmaker[Session], settings: Settings, kind: FeedKind, path: Path) -> None:
    actor = system_principal()
    delivery = deliveries.ingest_file(sessions, settings, actor=actor, kind=kind, path=path, filename=path.name)
    assert delivery.status == "committed", delivery.error


def _fill_lake(sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path) -> None:
    payments = [
        payment("t1", "2024-02-10 19:00:00", "10.00", registry.shangri_la, payer="a", voucher="2.00"),
        payment("t2", "2024-02-10 20:00:00", "30.00", registry.shangri_la, payer="a"),
        payment("t3", "2024-02-10 21:00:00", "5.00", registry.shangri_la, payer="b"),
        payment("t4", "2024-02-10 21:30:00", "7.00", registry.shangri_la, payer=None),
        payment("t5", "2024-02-10 10:00:00", "100.00", registry.deqin, origin="foreign", channel="online", payer="c"),
        payment("t6", "2024-02-11 03:00:00", "1.00", registry.wuhan, origin=None, payer="c"),
    ]
    _ingest(sessions, settings, "payments", write_csv(tmp_path / "p.csv", payments))
    orders = [
        {"order_id": f"o{i}", "order_time": "2024-02-10 10:00:00", "amount": "10", "seller_region": "533401",
         "category": "食品", "platform": "抖音", "physical": flag}
        for i, flag in enumerate(["是", "否", "", "是"])
    ]  # fmt: skip
    _ingest(sessions, settings, "orders", write_csv(tmp_path / "o.csv", orders))
    footfall = [
        {"place_code": "DKZ", "hour": f"2024-02-10 {h:02d}:00:00", "origin_band": band, "dwell_bucket": "30m_2h",
         "visitors": str(n)}
        for h, band, n in [(5, "abroad", 3), (18, "abroad", 4), (12, "abroad", 5), (12, "local_county", 6)]
    ]  # fmt: skip
    _ingest(sessions, settings, "footfall", write_csv(tmp_path / "f.csv", footfall))


def _cube(settings: Settings, kind: FeedKind) -> pd.DataFrame:
    source = Lake(settings.resolved_lake_dir).cube_source(kind)
    return normalise_frame(DuckDBEngine().execute(lambda t: t["c"], {"c": source}), list(DIMS[kind]))


def test_payments_cube_known_answer(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    _fill_lake(sessions, settings, registry, tmp_path)
    cube = _cube(settings, "payments")
    assert list(cube.columns) == CUBE_SCHEMAS["payments"].names
    rows = cube.drop(columns=["date", "industry_code"]).astype(object).where(cube.notna(), None).values.tolist()
    assert rows == [
        # region, channel, night, band, place, amount, txns, payers, voucher, voucher turnover
        ["533401", "offline_qr", True, "local_county", "DKZ", 5200, 4, 2, 200, 1000],  # 2024-02-10
        ["533422", "online", False, "abroad", None, 10000, 1, 1, 0, 0],
        ["420102", "offline_qr", True, "unknown", None, 100, 1, 1, 0, 0],  # 2024-02-11, 03:00
    ]


def test_orders_and_footfall_cubes_known_answers(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    _fill_lake(sessions, settings, registry, tmp_path)
    orders = _cube(settings, "orders")
    assert orders[["physical", "amount_fen", "order_count"]].values.tolist() == [
        [False, 1000, 1],
        [True, 2000, 2],
        [None, 1000, 1],
    ]
    footfall = _cube(settings, "footfall")
    assert footfall[["night", "origin_band", "visitors"]].values.tolist() == [
        [False, "abroad", 5],
        [False, "local_county", 6],
        [True, "abroad", 7],
    ]


def test_rebuild_gives_the_same_cube_under_a_new_version(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    _fill_lake(sessions, settings, registry, tmp_path)
    lake = Lake(settings.resolved_lake_dir)
    before = {kind: _cube(settings, kind) for kind in DIMS}
    version = deliveries.rebuild_cubes(settings, actor=system_principal())
    assert version == lake.version == 4
    for kind, frame in before.items():
        pd.testing.assert_frame_equal(_cube(settings, kind), frame)
    assert len(lake.snapshot().retired) == 3  # one month file per cube, kept for readers of older snapshots


def _pay(txn: str, at: str, amount: str, merchant: str, payer: str) -> dict[str, str | None]:
    return payment(txn, at, amount, merchant, payer=payer)


def test_cube_files_are_per_month_and_a_delivery_rewrites_only_its_months(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    m = registry.shangri_la
    first = [_pay("a", "2024-02-10 10:00:00", "1", m, "p1"), _pay("b", "2024-02-11 10:00:00", "2", m, "p1"),
             _pay("c", "2024-03-01 10:00:00", "4", m, "p1")]  # fmt: skip
    _ingest(sessions, settings, "payments", write_csv(tmp_path / "1.csv", first))
    lake = Lake(settings.resolved_lake_dir)
    assert lake.snapshot().cubes["payments"] == {
        "2024-02": month_path("payments", "2024-02", 1),
        "2024-03": month_path("payments", "2024-03", 1),
    }
    # Later rows of 2024-02-11 (another payer, and a re-delivered id) and a new date in February.
    second = [_pay("b", "2024-02-11 10:00:00", "2", m, "p1"), _pay("d", "2024-02-11 11:00:00", "8", m, "p2"),
              _pay("e", "2024-02-12 10:00:00", "16", m, "p3")]  # fmt: skip
    _ingest(sessions, settings, "payments", write_csv(tmp_path / "2.csv", second))
    snapshot = lake.snapshot()
    assert snapshot.cubes["payments"] == {
        "2024-02": month_path("payments", "2024-02", 2),
        "2024-03": month_path("payments", "2024-03", 1),  # untouched month: same file
    }
    assert [r["path"] for r in snapshot.retired] == [month_path("payments", "2024-02", 1)]
    assert [d.isoformat() for d in lake.dates("payments")] == ["2024-02-10", "2024-02-11", "2024-02-12", "2024-03-01"]
    cube = _cube(settings, "payments")
    per_day = cube.groupby("date")[["amount_fen", "txn_count", "payers"]].sum().reset_index()
    assert per_day.astype({"date": str}).values.tolist() == [
        ["2024-02-10", 100, 1, 1],  # kept from the month's previous file
        ["2024-02-11", 1000, 2, 2],  # recomputed from all its lake rows: distinct payers p1, p2
        ["2024-02-12", 1600, 1, 1],
        ["2024-03-01", 400, 1, 1],
    ]
    deliveries.rebuild_cubes(settings, actor=system_principal())
    pd.testing.assert_frame_equal(_cube(settings, "payments"), cube)  # incremental = recomputed from scratch


def test_a_month_rewrite_keeps_the_other_dates_of_date_files_from_an_older_lake(tmp_path: Path) -> None:
    schema = CUBE_SCHEMAS["orders"]

    def rows(day: int, amount: int) -> pa.Table:
        values = {"date": [date(2024, 2, day)], "region_adcode": ["533401"], "category": ["食品"],
                  "platform": ["抖音"], "physical": [True], "amount_fen": [amount], "order_count": [1]}  # fmt: skip
        return pa.table(values, schema=schema)

    manifest = Manifest(cubes={"orders": {"2024-02-10": "cube/orders/date=2024-02-10/part-v1.parquet",
                                          "2024-02-11": "cube/orders/date=2024-02-11/part-v1.parquet"}})  # fmt: skip
    for day, rel in zip((10, 11), manifest.cubes["orders"].values(), strict=True):
        (tmp_path / rel).parent.mkdir(parents=True)
        pq.write_table(rows(day, day), tmp_path / rel)
    write_month(manifest, tmp_path, "orders", "2024-02", [date(2024, 2, 11)], rows(11, 99), 2)
    assert manifest.cubes["orders"] == {"2024-02": month_path("orders", "2024-02", 2)}
    assert len(manifest.retired) == 2
    table = pq.read_table(tmp_path / month_path("orders", "2024-02", 2))
    assert table.schema == schema
    assert table.column("amount_fen").to_pylist() == [10, 99]


@pytest.fixture(scope="module")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> SparkEngine:
    """Spark in local mode; the process-wide session is left running for other modules (it ends with pytest)."""
    import pyspark  # noqa: F401  - a missing `spark` extra fails here instead of skipping

    return SparkEngine(master="local[2]", warehouse_dir=tmp_path_factory.mktemp("spark"))


@pytest.mark.spark
def test_duckdb_and_spark_build_identical_cubes_from_the_same_lake(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path, spark_engine: SparkEngine
) -> None:
    _fill_lake(sessions, settings, registry, tmp_path)
    lake = Lake(settings.resolved_lake_dir)
    for kind, dims in DIMS.items():
        rows = lake.feed_source(kind)
        duck = build_cube(DuckDBEngine(), kind, rows)
        spark = build_cube(spark_engine, kind, rows)
        assert duck.schema == spark.schema == CUBE_SCHEMAS[kind]
        pd.testing.assert_frame_equal(
            normalise_frame(spark.to_pandas(), list(dims)), normalise_frame(duck.to_pandas(), list(dims)), obj=kind
        )
    ingested = {kind: _cube(settings, kind) for kind in DIMS}  # month files written by the ingests (DuckDB)
    assert deliveries.rebuild_cubes(settings, actor=system_principal(), engine=spark_engine) == lake.version
    for kind, frame in ingested.items():
        pd.testing.assert_frame_equal(_cube(settings, kind), frame, obj=f"{kind} month files rebuilt on Spark")
