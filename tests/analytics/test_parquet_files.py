"""ParquetFiles: an explicit file list as one table (no partition discovery) on DuckDB and Spark; DuckDB limits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from xinxiao.analytics import DuckDBEngine, ParquetFiles, SparkEngine, normalise_frame

SCHEMA = pa.schema([("date", pa.date32()), ("region_adcode", pa.string()), ("amount", pa.int64())])


def _files(root: Path) -> list[Path]:
    """Two hive-looking directories whose files also hold the date; a third file is not listed."""
    paths = []
    for day, rows in [(date(2024, 2, 10), [("533401", 5), ("533422", 7)]), (date(2024, 2, 11), [("533401", 1)])]:
        target = root / f"date={day.isoformat()}" / "part-1-0.parquet"
        target.parent.mkdir(parents=True)
        pq.write_table(
            pa.Table.from_pylist([{"date": day, "region_adcode": r, "amount": a} for r, a in rows], SCHEMA), target
        )
        paths.append(target)
    pq.write_table(SCHEMA.empty_table(), root / "date=2024-02-11" / "garbage.parquet")
    return paths


def _by_region(tables: dict[str, ibis.Table]) -> ibis.Table:
    t = tables["t"]
    return t.group_by("region_adcode").aggregate(amount=t.amount.sum(), days=t.date.nunique()).order_by("region_adcode")


def test_duckdb_reads_only_the_listed_files_with_their_own_columns(tmp_path: Path, duckdb_engine: DuckDBEngine) -> None:
    source = ParquetFiles(_files(tmp_path), SCHEMA)
    frame = duckdb_engine.execute(lambda t: t["t"], {"t": source})
    assert list(frame.columns) == ["date", "region_adcode", "amount"]
    assert duckdb_engine.execute(_by_region, {"t": source}).values.tolist() == [["533401", 6, 2], ["533422", 7, 1]]  # type: ignore[arg-type]


def test_an_empty_list_is_an_empty_table_with_the_schema(duckdb_engine: DuckDBEngine) -> None:
    table = duckdb_engine.execute_arrow(lambda t: t["t"], {"t": ParquetFiles([], SCHEMA)})
    assert table.num_rows == 0 and table.schema == SCHEMA


def test_duckdb_connection_settings_are_applied(tmp_path: Path) -> None:
    engine = DuckDBEngine(config={"memory_limit": "512MB", "threads": "1", "temp_directory": str(tmp_path)})
    try:
        frame = engine.execute(lambda t: t["t"], {"t": pa.table({"x": [1]})})
        assert frame["x"].tolist() == [1]
        settings = dict(
            engine._connection()
            .con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'memory_limit')")
            .fetchall()
        )
        assert settings["threads"] == "1" and settings["memory_limit"].startswith("488")
    finally:
        engine.close()


@pytest.mark.spark
def test_spark_reads_the_same_files_without_partition_columns(
    tmp_path: Path, duckdb_engine: DuckDBEngine, spark_engine: SparkEngine
) -> None:
    source = ParquetFiles(_files(tmp_path), SCHEMA)
    duck = normalise_frame(duckdb_engine.execute(_by_region, {"t": source}), "region_adcode")  # type: ignore[arg-type]
    spark = normalise_frame(spark_engine.execute(_by_region, {"t": source}), "region_adcode")  # type: ignore[arg-type]
    assert spark.equals(duck)
    assert spark_engine.execute_arrow(lambda t: t["t"], {"t": source}).schema == SCHEMA
    assert spark_engine.execute_arrow(lambda t: t["t"], {"t": ParquetFiles([], SCHEMA)}).num_rows == 0
