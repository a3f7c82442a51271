"""Engines for the analytics tests: DuckDB in memory per test, one Spark session per test run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from xinxiao.analytics import DuckDBEngine, SparkEngine, stop_spark_session


@pytest.fixture
def duckdb_engine() -> Iterator[DuckDBEngine]:
    """The in-process engine (STYLE rule 13): DuckDB in memory."""
    engine = DuckDBEngine()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkEngine]:
    """Spark in local mode, started once; a missing pyspark fails here instead of skipping."""
    import pyspark  # noqa: F401  - the `spark` extra is installed in development and CI

    engine = SparkEngine(master="local[2]", warehouse_dir=tmp_path_factory.mktemp("spark"))
    yield engine
    stop_spark_session()
