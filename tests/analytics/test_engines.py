"""The analytics seam: inputs, results and clean-up on DuckDB, and the same answers on Spark."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from xinxiao.analytics import (
    AnalyticsEngine,
    DuckDBEngine,
    SparkEngine,
    TableSource,
    make_analytics_engine,
    normalise_frame,
    spark_session,
)
from xinxiao.config import Settings
from xinxiao.core import InvalidInput

SALES_SCHEMA = pa.schema(
    [
        ("shop", pa.string()),
        ("region_adcode", pa.string()),
        ("day", pa.date32()),
        ("amount", pa.int64()),
        ("visitors", pa.int64()),
        ("online", pa.bool_()),
        ("paid_at", pa.timestamp("us", tz="UTC")),
    ]
)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def sales() -> pa.Table:
    """Six sales rows in three counties; one null visitor count and one null flag."""
    rows = [
        ("梅里超市", "533401", date(2024, 2, 10), 120, 30, True, _utc(2024, 2, 10, 12, 30)),
        ("梅里超市", "533401", date(2024, 2, 11), 80, None, False, _utc(2024, 2, 11, 3, 0)),
        ("独克宗餐厅", "533401", date(2024, 2, 10), 200, 50, True, _utc(2024, 2, 10, 13, 45)),
        ("德钦便利店", "533422", date(2024, 2, 10), 40, 10, None, _utc(2024, 2, 10, 1, 15)),
        ("维西百货", "533423", date(2024, 2, 12), 60, 12, False, _utc(2024, 2, 12, 14, 0)),
        ("维西百货", "533423", date(2024, 2, 13), 70, 14, True, _utc(2024, 2, 13, 2, 0)),
    ]
    return pa.Table.from_pylist([dict(zip(SALES_SCHEMA.names, r, strict=True)) for r in rows], SALES_SCHEMA)


def by_region(tables: Mapping[str, ibis.Table]) -> ibis.Table:
    """Totals per county: the shape of most analytics queries (filter, group, aggregate, order)."""
    t = tables["sales"].filter(lambda s: s.amount > 0)
    totals = t.group_by(region=t.region_adcode).aggregate(
        days=t.day.nunique(),
        amount=t.amount.sum(),
        visitors=t.visitors.sum(),
        online=t.online.fill_null(False).cast("int64").sum(),
        per_visitor=t.amount.sum().cast("float64") / t.visitors.sum().nullif(0).cast("float64"),
        first_day=t.day.min(),
        # Both sessions run in UTC, so the hour of an instant is its UTC hour on either engine.
        afternoon=t.count(where=t.paid_at.hour() >= 12),
        last_paid=t.paid_at.max(),
    )
    # A reduction inside mutate is a window over all rows: each county's share of the total.
    return totals.mutate(share=totals.amount.cast("float64") / totals.amount.sum()).order_by("region")


def write_hive(table: pa.Table, root: Path) -> Path:
    """``table`` as a Parquet directory partitioned ``region_adcode=…/``, as the lake stores it."""
    ds.write_dataset(table, root, format="parquet", partitioning=["region_adcode"], partitioning_flavor="hive")
    return root


def source_of(kind: str, tmp_path: Path) -> TableSource:
    """The sales table as Arrow, as one Parquet file, or as a hive-partitioned Parquet directory."""
    if kind == "arrow":
        return sales()
    if kind == "parquet_file":
        pq.write_table(sales(), tmp_path / "sales.parquet")
        return tmp_path / "sales.parquet"
    return write_hive(sales(), tmp_path / "sales")


EXPECTED_BY_REGION = pd.DataFrame(
    {
        "region": ["533401", "533422", "533423"],
        "days": [2, 1, 2],
        "amount": [400, 40, 130],
        "visitors": [80, 10, 26],
        "online": [2, 0, 1],
        "per_visitor": [400 / 80, 40 / 10, 130 / 26],
        "first_day": pd.to_datetime(["2024-02-10", "2024-02-10", "2024-02-12"]).astype("datetime64[ms]"),
        "afternoon": [2, 0, 1],
        "last_paid": pd.to_datetime(["2024-02-11T03:00Z", "2024-02-10T01:15Z", "2024-02-13T02:00Z"], utc=True).astype(
            "datetime64[us, UTC]"
        ),
        "share": [400 / 570, 40 / 570, 130 / 570],
    }
)


@pytest.mark.parametrize("kind", ["arrow", "parquet_file", "hive_dir"])
def test_duckdb_reads_each_kind_of_input(duckdb_engine: DuckDBEngine, tmp_path: Path, kind: str) -> None:
    frame = duckdb_engine.execute(by_region, {"sales": source_of(kind, tmp_path)})
    pd.testing.assert_frame_equal(frame, EXPECTED_BY_REGION)


def test_columns_follow_the_expression_and_nullable_integers_stay_integers(
    duckdb_engine: DuckDBEngine,
) -> None:
    frame = duckdb_engine.execute(lambda t: t["s"].select("visitors", "shop", "online"), {"s": sales()})
    assert list(frame.columns) == ["visitors", "shop", "online"]
    assert [str(t) for t in frame.dtypes] == ["Int64", "str", "object"]
    assert frame["visitors"].isna().sum() == 1


def test_hive_partition_values_come_back_as_strings(duckdb_engine: DuckDBEngine, tmp_path: Path) -> None:
    root = write_hive(sales(), tmp_path / "sales")
    frame = duckdb_engine.execute(lambda t: t["s"], {"s": root})
    assert frame.columns[-1] == "region_adcode"
    assert sorted(set(frame["region_adcode"])) == ["533401", "533422", "533423"]


def test_a_scalar_expression_gives_a_one_row_frame(duckdb_engine: DuckDBEngine) -> None:
    frame = duckdb_engine.execute(lambda t: t["s"].amount.sum().name("total"), {"s": sales()})
    assert frame.to_dict("records") == [{"total": 570}]


def test_two_inputs_join(duckdb_engine: DuckDBEngine) -> None:
    names = pa.table({"adcode": ["533401", "533422"], "name": ["香格里拉市", "德钦县"]})

    def named(t: Mapping[str, ibis.Table]) -> ibis.Table:
        joined = t["sales"].join(t["names"], t["sales"].region_adcode == t["names"].adcode)
        return joined.group_by("name").aggregate(amount=joined.amount.sum()).order_by("name")

    frame = duckdb_engine.execute(named, {"sales": sales(), "names": names})
    assert frame.to_dict("list") == {"name": ["德钦县", "香格里拉市"], "amount": [40, 400]}


def _duckdb_views(engine: DuckDBEngine) -> list[str]:
    # Reaches into the engine on purpose: the views are an implementation detail we must not leak.
    rows = engine._connection().con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return [name for (name,) in rows]


def test_input_views_are_dropped_after_success_and_failure(duckdb_engine: DuckDBEngine) -> None:
    duckdb_engine.execute(by_region, {"sales": sales()})

    def broken(t: Mapping[str, ibis.Table]) -> ibis.Table:
        return t["sales"].select("no_such_column")

    with pytest.raises(Exception, match="no_such_column"):
        duckdb_engine.execute(broken, {"sales": sales()})
    assert _duckdb_views(duckdb_engine) == []


def test_a_database_file_is_used_when_given(tmp_path: Path) -> None:
    engine = DuckDBEngine(database=str(tmp_path / "analytics.duckdb"))
    frame = engine.execute(by_region, {"sales": sales()})
    engine.close()
    assert (tmp_path / "analytics.duckdb").exists()
    assert frame["amount"].sum() == 570


@pytest.mark.parametrize("name", ["", "1st", "sales-2024", "sales 2024", "a" * 64, "销售"])
def test_table_names_must_be_identifiers(duckdb_engine: DuckDBEngine, name: str) -> None:
    with pytest.raises(InvalidInput, match="table name"):
        duckdb_engine.execute(lambda t: t[name], {name: sales()})


def test_a_missing_parquet_path_is_invalid_input(duckdb_engine: DuckDBEngine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no Parquet"):
        duckdb_engine.execute(lambda t: t["s"], {"s": tmp_path / "absent"})


def test_memtables_must_come_through_tables(duckdb_engine: DuckDBEngine) -> None:
    # The same rule on every engine: Spark cannot see data that was not registered with it.
    with pytest.raises(InvalidInput, match="memtable"):
        duckdb_engine.execute(lambda t: ibis.memtable(sales()), {})


@pytest.mark.parametrize(
    ("raw", "sort_by", "expected"),
    [
        pytest.param(
            pd.DataFrame({"k": ["b", "a"], "n": [1, 2]}, index=[5, 9]),
            "k",
            pd.DataFrame({"k": ["a", "b"], "n": [2, 1]}),
            id="sorts-and-reindexes",
        ),
        pytest.param(
            pd.DataFrame({"k": [None, "a"], "n": pd.array([None, 3], dtype="Int64")}),
            "k",
            pd.DataFrame({"k": ["a", None], "n": [3.0, float("nan")]}),
            id="nulls-last-nullable-int-to-float",
        ),
        pytest.param(
            pd.DataFrame({"k": [2, 1], "n": pd.array([7, 8], dtype="Int32"), "x": [0.5, 1.0]}),
            ["k"],
            pd.DataFrame({"k": [1, 2], "n": [8, 7], "x": [1.0, 0.5]}),
            id="int32-without-nulls-to-int64",
        ),
        pytest.param(
            pd.DataFrame({"k": [1, 2], "s": pd.Series([4, None], dtype=object)}),
            "k",
            pd.DataFrame({"k": [1, 2], "s": [4.0, float("nan")]}),
            id="object-numbers-to-float",
        ),
        pytest.param(
            pd.DataFrame({"k": [1, 2], "s": pd.Series([None, None], dtype=object)}),
            "k",
            pd.DataFrame({"k": [1, 2], "s": [float("nan"), float("nan")]}),
            id="all-null-object-to-float",
        ),
        pytest.param(
            pd.DataFrame({"a": [1, 1], "b": ["y", "x"], "f": [True, False]}),
            ["a", "b"],
            pd.DataFrame({"a": [1, 1], "b": ["x", "y"], "f": [False, True]}),
            id="multi-key-keeps-bool",
        ),
    ],
)
def test_normalise_frame(raw: pd.DataFrame, sort_by: str | list[str], expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(normalise_frame(raw, sort_by), expected)


def test_make_analytics_engine_picks_by_settings(tmp_path: Path) -> None:
    duck = make_analytics_engine(Settings(var_dir=tmp_path))
    spark = make_analytics_engine(Settings(var_dir=tmp_path, analytics_engine="spark", spark_master="local[1]"))
    assert isinstance(duck, DuckDBEngine)
    assert duck.database is None
    assert isinstance(spark, SparkEngine)
    assert (spark.name, spark.master, spark.warehouse_dir) == ("spark", "local[1]", tmp_path / "spark")


def test_importing_the_seam_starts_nothing() -> None:
    code = (
        "import sys, xinxiao.analytics, xinxiao.analytics.engines;"
        "assert 'pyspark' not in sys.modules, 'pyspark imported';"
        "assert 'py4j' not in sys.modules, 'py4j imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# Spark: one session for the whole run (see conftest); a few checks that each mean something.


@pytest.mark.spark
def test_spark_session_is_local_quiet_and_outside_the_working_directory(spark_engine: SparkEngine) -> None:
    spark_engine.execute(by_region, {"sales": sales()})
    conf = spark_session().conf
    assert conf.get("spark.ui.enabled") == "false"
    assert conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.sql.catalogImplementation") == "in-memory"
    assert int(conf.get("spark.sql.shuffle.partitions")) <= 8
    warehouse = Path(conf.get("spark.sql.warehouse.dir").removeprefix("file:"))
    assert warehouse.is_absolute()
    assert not warehouse.is_relative_to(Path.cwd())
    assert not (Path.cwd() / "metastore_db").exists()


@pytest.mark.spark
@pytest.mark.parametrize("kind", ["arrow", "parquet_file", "hive_dir"])
def test_spark_and_duckdb_agree_on_each_kind_of_input(
    spark_engine: SparkEngine, duckdb_engine: DuckDBEngine, tmp_path: Path, kind: str
) -> None:
    engines: list[AnalyticsEngine] = [duckdb_engine, spark_engine]
    source = source_of(kind, tmp_path)
    duck, spark = (normalise_frame(e.execute(by_region, {"sales": source}), "region") for e in engines)
    pd.testing.assert_frame_equal(spark, duck)
    pd.testing.assert_frame_equal(spark, normalise_frame(EXPECTED_BY_REGION, "region"))


@pytest.mark.spark
def test_spark_drops_its_temp_views(spark_engine: SparkEngine) -> None:
    spark_engine.execute(by_region, {"sales": sales()})
    assert [t.name for t in spark_session().catalog.listTables() if t.name.startswith("xx_")] == []
