"""The analytics engine seam: one ibis expression, run on embedded DuckDB or on Spark."""

from __future__ import annotations

import re
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, TypeAlias

import ibis
import ibis.expr.operations as ops
import pyarrow as pa

from xinxiao.analytics.frames import arrow_to_frame
from xinxiao.analytics.spark import spark_session, stop_spark_session
from xinxiao.core import InvalidInput

if TYPE_CHECKING:
    import pandas as pd
    from ibis.backends.duckdb import Backend as DuckDBBackend
    from ibis.backends.pyspark import Backend as PySparkBackend
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

    from xinxiao.config import Settings

__all__ = [
    "AnalyticsEngine",
    "BuildExpr",
    "DuckDBEngine",
    "ParquetFiles",
    "SparkEngine",
    "TableSource",
    "make_analytics_engine",
    "spark_session",
    "stop_spark_session",
]


@dataclass(frozen=True, slots=True)
class ParquetFiles:
    """An explicit list of Parquet files read as one table (no partition discovery), e.g. a lake snapshot.

    Every file must carry all columns; ``schema`` gives the table's columns when the list is empty.
    """

    paths: tuple[Path, ...]
    schema: pa.Schema

    def __init__(self, paths: Sequence[Path], schema: pa.Schema) -> None:
        object.__setattr__(self, "paths", tuple(Path(p) for p in paths))
        object.__setattr__(self, "schema", schema)


TableSource: TypeAlias = pa.Table | Path | ParquetFiles
"""An input table: Arrow data in memory, a Parquet file or directory (possibly hive-partitioned), or a file list."""

BuildExpr: TypeAlias = Callable[[Mapping[str, ibis.Table]], ibis.Expr]
"""Builds the expression to run from the input tables, bound to the engine, by name."""

_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class AnalyticsEngine(Protocol):
    """Runs an ibis expression over named input tables and returns a pandas frame."""

    name: str

    def execute(self, build: BuildExpr, tables: Mapping[str, TableSource]) -> pd.DataFrame:
        """Bind ``tables``, build the expression and return its result, columns in expression order."""
        ...

    def execute_arrow(self, build: BuildExpr, tables: Mapping[str, TableSource]) -> pa.Table:
        """Like ``execute``, but the result as an Arrow table cast to the expression's schema."""
        ...


class _IbisEngine(ABC):
    """Shared work of the ibis-backed engines: bind inputs as temporary views, run, drop the views."""

    name: str

    def execute(self, build: BuildExpr, tables: Mapping[str, TableSource]) -> pd.DataFrame:
        """Bind ``tables``, build the expression and return its result, columns in expression order."""
        # Both engines hand back Arrow, cast to the expression's schema and converted by one routine,
        # so dtypes agree (ibis's own pandas conversion differs per backend and warns on pandas 3).
        return arrow_to_frame(self.execute_arrow(build, tables))

    def execute_arrow(self, build: BuildExpr, tables: Mapping[str, TableSource]) -> pa.Table:
        """Like ``execute``, but the result as an Arrow table cast to the expression's schema."""
        with self._bound(tables) as bound:
            expr = build(MappingProxyType(bound)).as_table()
            _check_inputs_bound(expr)
            result = self._run(expr)
        result = result.select(list(expr.columns))
        return result.cast(_target_schema(expr.schema().to_pyarrow(), result.schema))

    @contextmanager
    def _bound(self, tables: Mapping[str, TableSource]) -> Iterator[dict[str, ibis.Table]]:
        # A fresh view name per call: concurrent calls never see each other's inputs.
        token = uuid.uuid4().hex[:12]
        views: dict[str, str] = {}
        try:
            bound: dict[str, ibis.Table] = {}
            for key, source in tables.items():
                _check_table_name(key)
                views[key] = f"xx_{key}_{token}"
                bound[key] = self._bind(views[key], source)
            yield bound
        finally:
            for view in views.values():
                self._unbind(view)

    @abstractmethod
    def _bind(self, view: str, source: TableSource) -> ibis.Table:
        """Register ``source`` as temporary view ``view`` and return it as an engine-bound table."""

    @abstractmethod
    def _unbind(self, view: str) -> None:
        """Drop the temporary view, if it was registered."""

    @abstractmethod
    def _run(self, expr: ibis.Table) -> pa.Table:
        """Execute the bound expression."""


def _target_schema(expected: pa.Schema, actual: pa.Schema) -> pa.Schema:
    """The expression's schema, except that instants keep the time zone the engine returned.

    ibis types Spark's TimestampType (an instant) as a naive timestamp; Spark returns it in UTC, the
    session zone, as DuckDB returns TIMESTAMPTZ. Keeping the zone makes instants tz-aware on both.
    """
    fields = []
    for want, got in zip(expected, actual, strict=True):
        if pa.types.is_timestamp(want.type) and pa.types.is_timestamp(got.type) and got.type.tz:
            want = want.with_type(pa.timestamp(want.type.unit, tz=got.type.tz))
        fields.append(want)
    return pa.schema(fields)


def _check_inputs_bound(expr: ibis.Table) -> None:
    if expr.op().find(ops.InMemoryTable):
        raise InvalidInput("pass every input table through `tables`; ibis.memtable is not supported")


def _check_table_name(key: str) -> None:
    if not _TABLE_NAME.fullmatch(key):
        raise InvalidInput(f"table name {key!r} must be a short identifier", table=key)


def _parquet_source(source: Path) -> tuple[str, bool]:
    """The DuckDB path to read and whether to read hive partitions (directories only, as Spark does)."""
    if source.is_dir():
        return str(source / "**" / "*.parquet"), True
    if source.is_file():
        return str(source), False
    raise InvalidInput(f"no Parquet file or directory at {source}", path=str(source))


class DuckDBEngine(_IbisEngine):
    """Embedded DuckDB, in memory unless ``database`` names a file; connects on first use.

    ``config`` is passed to DuckDB as connection settings (``memory_limit``, ``threads``,
    ``temp_directory`` for spilling), so a big job can be held to a memory budget.
    """

    name = "duckdb"

    def __init__(self, database: str | None = None, config: Mapping[str, str] | None = None) -> None:
        self.database = database
        self.config = dict(config or {})
        self._backend: DuckDBBackend | None = None
        # One DuckDB connection is not safe to share between threads; serialise its use.
        self._lock = threading.RLock()

    def execute_arrow(self, build: BuildExpr, tables: Mapping[str, TableSource]) -> pa.Table:
        """Like ``execute``, but the result as an Arrow table cast to the expression's schema."""
        with self._lock:
            return super().execute_arrow(build, tables)

    def close(self) -> None:
        """Close the connection; the next ``execute`` opens a new one."""
        with self._lock:
            if self._backend is not None:
                self._backend.disconnect()
                self._backend = None

    def _connection(self) -> DuckDBBackend:
        if self._backend is None:
            self._backend = ibis.duckdb.connect(self.database or ":memory:", **self.config)
        return self._backend

    def _bind(self, view: str, source: TableSource) -> ibis.Table:
        con = self._connection()
        if isinstance(source, pa.Table):
            con.con.register(view, source)  # a zero-copy view over the Arrow data
            return con.table(view)
        if isinstance(source, ParquetFiles):
            if not source.paths:
                con.con.register(view, source.schema.empty_table())
                return con.table(view)
            files = [str(p) for p in source.paths]
            return con.read_parquet(files, table_name=view, hive_partitioning=False)
        path, hive = _parquet_source(source)
        # Partition values stay strings, as on Spark with partition type inference off.
        return con.read_parquet(path, table_name=view, hive_partitioning=hive, hive_types_autocast=False)

    def _unbind(self, view: str) -> None:
        # Drops SQL views and registered Arrow data alike, releasing the reference to the data.
        self._connection().con.execute(f'DROP VIEW IF EXISTS "{view}"')

    def _run(self, expr: ibis.Table) -> pa.Table:
        return self._connection().to_pyarrow(expr)


class SparkEngine(_IbisEngine):
    """Spark through ibis; the process-wide session starts on first use, not on construction."""

    name = "spark"

    def __init__(self, master: str = "local[2]", warehouse_dir: Path | None = None) -> None:
        self.master = master
        self.warehouse_dir = warehouse_dir
        self._session: SparkSession | None = None
        self._backend: PySparkBackend | None = None

    def close(self) -> None:
        """Forget the ibis connection; the shared session lives on (see ``stop_spark_session``)."""
        self._session = self._backend = None

    def _spark(self) -> SparkSession:
        if self._session is None:
            self._session = spark_session(self.master, self.warehouse_dir)
        return self._session

    def _connection(self) -> PySparkBackend:
        if self._backend is None:
            self._backend = ibis.pyspark.connect(self._spark())
        return self._backend

    def _bind(self, view: str, source: TableSource) -> ibis.Table:
        if isinstance(source, pa.Table):
            # PySpark 4 reads Arrow directly; ibis's own path goes through pandas and loses null ints.
            frame = self._spark().createDataFrame(source)
        elif isinstance(source, ParquetFiles):
            frame = self._spark_files(source)
        elif source.exists():
            # Spark discovers hive partitions in a directory by itself; a file has none.
            frame = self._spark().read.parquet(str(source))
        else:
            raise InvalidInput(f"no Parquet file or directory at {source}", path=str(source))
        frame.createOrReplaceTempView(view)
        return self._connection().table(view)

    def _spark_files(self, source: ParquetFiles) -> SparkDataFrame:
        if not source.paths:
            return self._spark().createDataFrame(source.schema.empty_table())
        # Spark infers partitions only from directories it lists, never from a list of files.
        return self._spark().read.parquet(*(str(p) for p in source.paths))

    def _unbind(self, view: str) -> None:
        if self._session is not None:
            self._session.catalog.dropTempView(view)

    def _run(self, expr: ibis.Table) -> pa.Table:
        # Spark 4 returns Arrow directly; ibis's pyspark to_pyarrow goes through pandas.
        con = self._connection()
        result: pa.Table = con.raw_sql(con.compile(expr)).toArrow()
        return result


def make_analytics_engine(settings: Settings) -> AnalyticsEngine:
    """The engine ``settings.analytics_engine`` names; nothing starts until the first ``execute``."""
    if settings.analytics_engine == "spark":
        return SparkEngine(master=settings.spark_master, warehouse_dir=settings.var_dir / "spark")
    return DuckDBEngine()
