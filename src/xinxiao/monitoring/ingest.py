"""The ingest pipeline: a delivered file → validated, de-duplicated, enriched lake rows → cube, one commit.

Everything runs in DuckDB over the file (SQL over Arrow/Parquet, no per-row Python) through the view
``checked``, never a temporary table of every row (materialising costs more than parsing again). For a
clean file the source is read twice: the keys (row count, dates, ids seen twice), then one
``COPY … PARTITION_BY (date)`` that parses, checks, enriches and writes. The cube is then built from
the written files (cheap to read back) on the analytics engine, so it stays defined once. Extra
passes run only when needed: ids seen twice or already in the lake on the dates the file touches,
rows that were neither written nor dropped (rejects, unknown merchants or places).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from xinxiao.analytics import AnalyticsEngine, DuckDBEngine, ParquetFiles
from xinxiao.config import Settings
from xinxiao.core import utcnow
from xinxiao.monitoring.cube import build_cube, by_month, write_month
from xinxiao.monitoring.enrich import joined_origin_band_sql, night_sql, origin_table
from xinxiao.monitoring.feeds import FeedSpec, check_columns, create_checked, open_source, quote
from xinxiao.monitoring.lake import LAKE_SCHEMAS, Manifest, commit, fsync_file
from xinxiao.monitoring.schema import FeedKind

Progress = Callable[[str], None]
before_commit: Callable[[], None] | None = None
"""Test hook: called after every new file is written and before the manifest is replaced."""

REJECT_SAMPLE = 100
LAKE_COMPRESSION = "lz4"  # measured faster to write than snappy or zstd; DuckDB and Spark read it
CUBE_BATCH_DATES = 7  # dates per cube query: a distinct count over fewer rows stays in cache


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """What the pipeline needs from the settings: the night window and DuckDB's resource limits."""

    night_start: str = "18:00"
    night_end: str = "06:00"
    memory_limit: str = "3GB"
    threads: int | None = None
    temp_dir: Path | None = None
    compression: str = LAKE_COMPRESSION

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestOptions:
        """Options from ``settings`` (DuckDB spills to ``VAR_DIR/tmp``; 0 threads means all cores)."""
        return cls(
            settings.night_start,
            settings.night_end,
            memory_limit=settings.duckdb_memory_limit,
            threads=settings.duckdb_threads or None,
            temp_dir=settings.var_dir / "tmp",
        )

    def duckdb_config(self) -> dict[str, str]:
        """DuckDB connection settings: memory budget, threads, spill directory, no order preservation."""
        config = {"memory_limit": self.memory_limit, "preserve_insertion_order": "false"}
        if self.threads:
            config["threads"] = str(self.threads)
        if self.temp_dir is not None:
            self.temp_dir.mkdir(parents=True, exist_ok=True)
            config["temp_directory"] = str(self.temp_dir)
        return config


@dataclass
class Staged:
    """What one delivery wrote before its commit, and its counts."""

    rows_read: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    unknown: int = 0
    rejected: int = 0
    dates: list[date] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # date -> lake paths
    quarantine: str | None = None
    rejects: list[dict[str, Any]] = field(default_factory=list)  # the first REJECT_SAMPLE rejected rows
    rejects_table: pa.Table | None = None
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        """Rows kept aside in the quarantine: conflicting re-deliveries and unknown merchants or places."""
        return self.conflicts + self.unknown

    def counts(self) -> dict[str, int]:
        """The counts a delivery row and the manifest record."""
        return {
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "conflicts": self.conflicts,
            "unknown": self.unknown,
            "rejected": self.rejected,
        }


def connect(options: IngestOptions) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection with the options' limits."""
    config: dict[str, str | bool | int | float | list[str]] = dict(options.duckdb_config())
    return duckdb.connect(":memory:", config=config)


def enriched_select(kind: FeedKind, options: IngestOptions, delivery_id: int) -> str:
    """The SELECT list of lake columns over ``checked c`` joined to the dimension ``d``."""
    delivery = f"CAST({delivery_id} AS BIGINT) AS delivery_id"
    if kind == "payments":
        night = night_sql("c.txn_time", options.night_start, options.night_end)
        band = joined_origin_band_sql("c.payer_origin", "o", "d.region_adcode", "d.prefecture")
        return (
            "c.date, c.txn_id, c.txn_time, c.amount_fen, c.merchant_id, c.channel, c.payer_origin, c.payer_hash, "
            "c.category, c.voucher_fen, d.region_adcode, d.industry_code, d.place_code, "
            f"{night} AS night, {band} AS origin_band, {delivery}"
        )
    if kind == "orders":
        return (
            "c.date, c.order_id, c.order_time, c.amount_fen, c.seller_region, c.category, c.platform, c.physical, "
            f"{delivery}"
        )
    night = night_sql("c.hour", options.night_start, options.night_end)
    return (
        "c.date, c.place_code, c.hour, c.origin_band, c.dwell_bucket, c.visitors, d.region_adcode, "
        f"{night} AS night, {delivery}"
    )


class Pipeline:
    """One delivery's work against one lake snapshot; ``stage`` writes files, ``finish`` commits them."""

    def __init__(
        self,
        *,
        root: Path,
        manifest: Manifest,
        spec: FeedSpec,
        dimension: pa.Table,
        delivery_id: int,
        options: IngestOptions,
        progress: Progress | None = None,
    ) -> None:
        self.root, self.manifest, self.spec, self.dimension = root, manifest, spec, dimension
        self.delivery_id, self.options = delivery_id, options
        self.progress = progress or (lambda _stage: None)
        self.staging = root / "_staging" / f"d{delivery_id}-{uuid.uuid4().hex[:8]}"
        self.staged = Staged()

    def stage(self, path: Path, filename: str) -> Staged:
        """Validate, de-duplicate and enrich the file, writing lake and quarantine files (not yet committed)."""
        self.staging.mkdir(parents=True, exist_ok=True)
        con = connect(self.options)
        try:
            self.progress("validate")
            self.staged.source = open_source(con, path, filename, self.staging)
            check_columns(self.spec.kind, self.staged.source["columns"], filename)
            create_checked(con, self.spec, self.staged.source["columns"])
            con.register("dim", self.dimension)
            con.register("origins", origin_table())
            self.progress("dedupe")
            self._deduplicate(con)
            self.progress("write")
            self._write_rows(con)
            if self._unaccounted():  # only then is the file parsed again, for rejects and unknown merchants
                self._collect_rejects(con)
            if self.staged.unknown or self.staged.conflicts:
                self.progress("quarantine")
                self._quarantine(con)
        finally:
            con.close()
        return self.staged

    def _unaccounted(self) -> int:
        """Rows neither written nor dropped as duplicates or conflicts: rejected, or of unknown merchants."""
        staged = self.staged
        return staged.rows_read - staged.accepted - staged.duplicates - staged.conflicts

    def _collect_rejects(self, con: duckdb.DuckDBPyConnection) -> None:
        rejects = con.execute(
            "SELECT _line AS line, split_part(error, '|', 1) AS field, split_part(error, '|', 2) AS reason, "
            "bad_value AS value FROM checked WHERE error IS NOT NULL ORDER BY _line"
        ).to_arrow_table()
        self.staged.rejected = rejects.num_rows
        self.staged.unknown = self._unaccounted() - rejects.num_rows
        if rejects.num_rows:
            self.staged.rejects_table = rejects
            self.staged.rejects = rejects.slice(0, REJECT_SAMPLE).to_pylist()

    def _deduplicate(self, con: duckdb.DuckDBPyConnection) -> None:
        # One pass over the keys only: the row count, the dates, and the key hashes seen more than once.
        con.execute(
            "CREATE TEMP TABLE keys AS SELECT GROUPING(key_hash) AS gk, date, key_hash, count(*) AS n "
            "FROM (SELECT date, key_hash FROM checked) GROUP BY GROUPING SETS ((date), (key_hash)) "
            "HAVING GROUPING(key_hash) = 1 OR count(*) > 1"
        )
        (rows,) = con.execute("SELECT coalesce(sum(n), 0) FROM keys WHERE gk = 1").fetchone() or (0,)
        self.staged.rows_read = int(rows)
        con.execute("CREATE TEMP TABLE dropped (_line BIGINT, status VARCHAR)")
        key, content = ", ".join(self.spec.key), ", ".join(self.spec.content)
        if con.execute("SELECT count(*) FROM keys WHERE gk = 0").fetchone() != (0,):
            con.execute(
                "INSERT INTO dropped SELECT _line, CASE WHEN content_hash = first THEN 'duplicate' ELSE 'conflict' END "
                "FROM (SELECT _line, content_hash, first_value(content_hash) OVER w AS first, "
                f"row_number() OVER w AS rn FROM (SELECT *, hash({content}) AS content_hash FROM checked "
                "WHERE error IS NULL AND key_hash IN (SELECT key_hash FROM keys WHERE gk = 0)) "
                f"WINDOW w AS (PARTITION BY date, {key} ORDER BY _line)) WHERE rn > 1"
            )
        dates = [r[0] for r in con.execute("SELECT date FROM keys WHERE gk = 1 AND date IS NOT NULL").fetchall()]
        old = self._old_files(dates)
        if old:
            self._against_lake(con, old, key)
        by_status = dict(con.execute("SELECT status, count(*) FROM dropped GROUP BY status").fetchall())
        self.staged.duplicates = int(by_status.get("duplicate", 0))
        self.staged.conflicts = int(by_status.get("conflict", 0))

    def _old_files(self, dates: list[date]) -> list[str]:
        by_date = self.manifest.feeds.get(self.spec.kind, {})
        return [str(self.root / f) for d in dates for f in by_date.get(d.isoformat(), [])]

    def _against_lake(self, con: duckdb.DuckDBPyConnection, old: list[str], key: str) -> None:
        # Only the partitions of the dates this file touches: an id's date is part of its identity.
        content = ", ".join(self.spec.content)
        files = ", ".join(quote(f) for f in old)
        con.execute(
            "INSERT INTO dropped SELECT c._line, CASE WHEN c.content_hash = o.content_hash THEN 'duplicate' "
            f"ELSE 'conflict' END FROM (SELECT _line, date, {key}, hash({content}) AS content_hash FROM checked "
            f"WHERE error IS NULL) c JOIN (SELECT date, {key}, hash({content}) AS content_hash "
            f"FROM read_parquet([{files}])) o USING (date, {key}) WHERE c._line NOT IN (SELECT _line FROM dropped)"
        )

    def _quarantine(self, con: duckdb.DuckDBPyConnection) -> None:
        reason = self.spec.lookup_reason.replace("'", "''")
        columns = ", ".join(f"c.{name}" for name in self.spec.parsed)
        query = (
            f"SELECT c._line AS line, {columns}, CAST({self.delivery_id} AS BIGINT) AS delivery_id, "
            "CASE WHEN d.status = 'conflict' THEN 'conflict: 该编号此前已交付且内容不同 (以首次交付为准)' "
            f"ELSE '{reason}' END AS reason FROM checked c LEFT JOIN dropped d USING (_line) "
            f"WHERE c.error IS NULL AND (d.status = 'conflict' OR (d._line IS NULL AND c.{self.spec.lookup} "
            "NOT IN (SELECT lookup_key FROM dim WHERE lookup_key IS NOT NULL))) ORDER BY c._line"
        )
        rel = f"_quarantine/{self.spec.kind}/delivery-{self.delivery_id}.parquet"
        target = self.staging / "quarantine.parquet"
        con.execute(f"COPY ({query}) TO {quote(target)} (FORMAT parquet)")
        self._move(target, rel)
        self.staged.quarantine = rel

    def _write_rows(self, con: duckdb.DuckDBPyConnection) -> None:
        select = enriched_select(self.spec.kind, self.options, self.delivery_id)
        dropped = con.execute("SELECT count(*) FROM dropped").fetchone() != (0,)
        where = "c.error IS NULL" + (" AND c._line NOT IN (SELECT _line FROM dropped)" if dropped else "")
        out = self.staging / "rows"
        origins = "LEFT JOIN origins o ON c.payer_origin = o.code" if self.spec.kind == "payments" else ""
        result = con.execute(
            f"COPY (SELECT {select} FROM checked c JOIN dim d ON c.{self.spec.lookup} = d.lookup_key {origins} "
            f"WHERE {where}) "
            f"TO {quote(out)} (FORMAT parquet, COMPRESSION {self.options.compression}, PARTITION_BY (date), "
            f"WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part-{self.delivery_id}-{{i}}', RETURN_FILES true)"
        ).fetchone()
        rows, files = result if result else (0, [])
        self.staged.accepted = int(rows)
        for written in files or []:
            source = Path(written)
            day = source.parent.name.removeprefix("date=")
            rel = f"feeds/{self.spec.kind}/date={day}/{source.name}"
            self._move(source, rel)
            self.staged.files.setdefault(day, []).append(rel)
        self.staged.dates = sorted(date.fromisoformat(d) for d in self.staged.files)

    def _move(self, source: Path, rel: str) -> None:
        fsync_file(source)
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)

    def finish(self, engine: AnalyticsEngine | None, *, record: dict[str, Any]) -> Manifest:
        """Rebuild the cube of the touched dates from all their lake rows and commit everything at once."""
        self.progress("cube")
        kind, manifest = self.spec.kind, self.manifest
        version = manifest.version + 1
        if self.staged.dates:
            days = [d.isoformat() for d in self.staged.dates]
            by_date = manifest.feeds.setdefault(kind, {})
            for day in days:
                by_date.setdefault(day, []).extend(self.staged.files.get(day, []))
            write_cube_for(engine, self.root, manifest, kind, self.staged.dates, version, self.options)
        if self.staged.quarantine:
            manifest.quarantine.append(self.staged.quarantine)
        manifest.deliveries[str(self.delivery_id)] = record | {"version": version, "committed_at": utcnow().isoformat()}
        manifest.version = version
        self.progress("commit")
        if before_commit is not None:
            before_commit()
        committed = commit(self.root, manifest)
        shutil.rmtree(self.staging, ignore_errors=True)
        return committed


def write_cube_for(
    engine: AnalyticsEngine | None,
    root: Path,
    manifest: Manifest,
    kind: FeedKind,
    dates: list[date],
    version: int,
    options: IngestOptions,
) -> None:
    """Recompute the cube of ``dates`` from the manifest's lake rows and rewrite each touched month's file."""
    by_date = manifest.feeds.get(kind, {})
    own = engine is None
    runner = engine or DuckDBEngine(config=options.duckdb_config())
    try:
        for month, days in by_month(dates).items():
            parts = []
            for first in range(0, len(days), CUBE_BATCH_DATES):
                files = [
                    root / f for d in days[first : first + CUBE_BATCH_DATES] for f in by_date.get(d.isoformat(), [])
                ]
                parts.append(build_cube(runner, kind, ParquetFiles(files, LAKE_SCHEMAS[kind])))
            write_month(manifest, root, kind, month, days, pa.concat_tables(parts), version)
    finally:
        if own and isinstance(runner, DuckDBEngine):
            runner.close()
