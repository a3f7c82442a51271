"""Feed deliveries as a service: ingest a file (one ``monitoring_delivery`` row each), list, rebuild, vacuum.

A delivery row is committed as 'running' in its own transaction under the lake's writer lock, then set
to 'committed' (with its counts, audited) after the manifest commit, or to 'failed'. A process killed
in between leaves a 'running' row; the next writer reconciles it against the manifest.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from xinxiao import merchants
from xinxiao.analytics import AnalyticsEngine
from xinxiao.config import Settings
from xinxiao.core import InvalidInput, Principal, Role, Scope, file_sha256, record_write, utcnow
from xinxiao.db import transaction
from xinxiao.monitoring.enrich import prefecture_of
from xinxiao.monitoring.feeds import feed_spec
from xinxiao.monitoring.ingest import IngestOptions, Pipeline, Progress, Staged, write_cube_for
from xinxiao.monitoring.lake import RETIRED_GRACE, Lake, Manifest, commit, read_manifest, vacuum, writer_lock
from xinxiao.monitoring.models import Delivery
from xinxiao.monitoring.schema import FEED_KINDS, FeedKind
from xinxiao.reference import region_tree

INTERRUPTED = "导入进程已中断, 数据湖未改变; 请重新交付该文件"


def dimension_for(session: Session, kind: FeedKind, scope: Scope) -> pa.Table:
    """The lookup table a feed is enriched through, limited to ``scope``; its key column is ``lookup_key``."""
    if kind == "payments":
        table = merchants.merchant_dimension(session)
        key = "uscc"
    elif kind == "footfall":
        table, key = merchants.place_dimension(session), "place_code"
    else:
        codes = [d.adcode for d in region_tree()]
        table, key = pa.table({"adcode": codes, "region_adcode": codes}), "adcode"
    if scope.prefix:
        table = table.filter(pc.starts_with(table["region_adcode"], scope.prefix))
    table = table.append_column("lookup_key", table[key])
    if kind == "payments":
        prefectures = [prefecture_of(c) for c in table["region_adcode"].to_pylist()]
        table = table.append_column("prefecture", pa.array(prefectures, pa.string()))
    return table


def reconcile_deliveries(sessions: sessionmaker[Session], manifest: Manifest) -> int:
    """Settle 'running' deliveries left by a killed process: committed if the manifest has them, else failed.

    Call only while holding the lake's writer lock (then no delivery can really be running).
    """
    with transaction(sessions) as session:
        orphans = list(session.scalars(select(Delivery).where(Delivery.status == "running")))
        for delivery in orphans:
            record = manifest.deliveries.get(str(delivery.id))
            if record is None:
                delivery.status, delivery.error, delivery.finished_at = "failed", INTERRUPTED, utcnow()
            else:
                _apply_record(delivery, record)
        return len(orphans)


def _apply_record(delivery: Delivery, record: dict[str, Any]) -> None:
    counts = record["counts"]
    delivery.status, delivery.finished_at, delivery.lake_version = "committed", utcnow(), record["version"]
    delivery.rows_read, delivery.accepted, delivery.rejected = (
        counts["rows_read"],
        counts["accepted"],
        counts["rejected"],
    )
    delivery.duplicates, delivery.quarantined = counts["duplicates"], counts["quarantined"]
    delivery.first_date = date.fromisoformat(record["first_date"]) if record.get("first_date") else None
    delivery.last_date = date.fromisoformat(record["last_date"]) if record.get("last_date") else None


def ingest_file(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    actor: Principal,
    kind: FeedKind,
    path: Path,
    filename: str,
    synthetic: bool = False,
    progress: Progress | None = None,
    engine: AnalyticsEngine | None = None,
) -> Delivery:
    """Ingest one delivered file into the lake and cube; returns its delivery row (committed or failed).

    A file-level problem (unreadable, a required column missing) gives a 'failed' delivery naming it;
    invalid rows are rejected into the report and the valid ones ingested. Rows outside the actor's
    region scope are quarantined as unknown. Other errors mark the delivery failed and propagate.
    """
    actor.require(Role.analyst)
    if kind not in FEED_KINDS:
        raise InvalidInput(f"未知的数据源类型 {kind}", field="kind")
    sha = file_sha256(path)
    root = settings.resolved_lake_dir
    with writer_lock(root):
        reconcile_deliveries(sessions, read_manifest(root))
        vacuum(root)  # garbage of an interrupted ingest goes before new files are written
        delivery_id = _start(sessions, actor=actor, kind=kind, filename=filename, sha=sha, synthetic=synthetic)
        try:
            staged, manifest = _run(sessions, settings, actor, kind, delivery_id, path, filename, progress, engine)
        except InvalidInput as exc:
            return _fail(sessions, actor, delivery_id, exc.detail)
        except BaseException as exc:
            _fail(sessions, actor, delivery_id, f"导入失败, 数据湖未改变: {type(exc).__name__}: {exc}")
            raise
        return _finish(sessions, settings, actor, delivery_id, staged, manifest)


def _start(
    sessions: sessionmaker[Session], *, actor: Principal, kind: str, filename: str, sha: str, synthetic: bool
) -> int:
    with transaction(sessions) as session:
        delivery = Delivery(kind=kind, filename=filename[:300], sha256=sha, synthetic=synthetic, actor_id=actor.user_id)
        session.add(delivery)
        session.flush()
        return delivery.id


def _run(
    sessions: sessionmaker[Session],
    settings: Settings,
    actor: Principal,
    kind: FeedKind,
    delivery_id: int,
    path: Path,
    filename: str,
    progress: Progress | None,
    engine: AnalyticsEngine | None,
) -> tuple[Staged, Manifest]:
    with sessions() as session:
        dimension = dimension_for(session, kind, actor.scope)
        synthetic = bool(session.get_one(Delivery, delivery_id).synthetic)
    root = settings.resolved_lake_dir
    pipeline = Pipeline(
        root=root,
        manifest=read_manifest(root),
        spec=feed_spec(kind, utcnow()),
        dimension=dimension,
        delivery_id=delivery_id,
        options=IngestOptions.from_settings(settings),
        progress=progress,
    )
    staged = pipeline.stage(path, filename)
    dates = staged.dates
    record = {
        "kind": kind,
        "file": filename,
        "synthetic": synthetic,
        "counts": staged.counts(),
        "first_date": dates[0].isoformat() if dates else None,
        "last_date": dates[-1].isoformat() if dates else None,
    }
    return staged, pipeline.finish(engine, record=record)


def _finish(
    sessions: sessionmaker[Session],
    settings: Settings,
    actor: Principal,
    delivery_id: int,
    staged: Staged,
    manifest: Manifest,
) -> Delivery:
    report_file = _write_rejects(settings, delivery_id, staged)
    with transaction(sessions) as session:
        delivery = session.get_one(Delivery, delivery_id)
        _apply_record(delivery, manifest.deliveries[str(delivery_id)])
        delivery.report = {
            "source": staged.source | {"columns": staged.source.get("columns", [])},
            "conflicts": staged.conflicts,
            "unknown": staged.unknown,
            "quarantine": staged.quarantine,
            "rejects": staged.rejects,
            "rejects_file": report_file,
        }
        record_write(
            session,
            actor=actor,
            action="ingest",
            entity="monitoring_delivery",
            entity_id=delivery_id,
            after={"kind": delivery.kind, "file": delivery.filename, "sha256": delivery.sha256} | staged.counts(),
        )
        return delivery


def _write_rejects(settings: Settings, delivery_id: int, staged: Staged) -> str | None:
    if staged.rejects_table is None or not staged.rejects_table.num_rows:
        return None
    directory = settings.var_dir / "feeds"
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"delivery-{delivery_id}-rejected.csv"
    pacsv.write_csv(staged.rejects_table, target)
    return target.name


def _fail(sessions: sessionmaker[Session], actor: Principal, delivery_id: int, message: str) -> Delivery:
    with transaction(sessions) as session:
        delivery = session.get_one(Delivery, delivery_id)
        delivery.status, delivery.error, delivery.finished_at = "failed", message, utcnow()
        record_write(
            session,
            actor=actor,
            action="ingest_failed",
            entity="monitoring_delivery",
            entity_id=delivery_id,
            after={"kind": delivery.kind, "file": delivery.filename, "error": message},
        )
        return delivery


def list_deliveries(session: Session, *, kind: FeedKind | None = None, limit: int = 200) -> list[Delivery]:
    """The latest deliveries, newest first; deliveries describe feeds, not regional data, so no scope applies."""
    query = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(Delivery.kind == kind)
    return list(session.scalars(query))


def rebuild_cubes(
    settings: Settings,
    *,
    actor: Principal,
    kinds: tuple[FeedKind, ...] = FEED_KINDS,
    engine: AnalyticsEngine | None = None,
    progress: Progress | None = None,
) -> int:
    """Recompute every cube date from the lake rows and commit them in one manifest; returns the version."""
    actor.require(Role.admin)
    root = settings.resolved_lake_dir
    options = IngestOptions.from_settings(settings)
    with writer_lock(root):
        manifest = read_manifest(root)
        version = manifest.version + 1
        for kind in kinds:
            (progress or (lambda _s: None))(kind)
            dates = Lake(root).dates(kind, manifest)
            if dates:
                write_cube_for(engine, root, manifest, kind, dates, version, options)
        manifest.version = version
        return commit(root, manifest).version


def vacuum_lake(settings: Settings, *, actor: Principal, grace: timedelta = RETIRED_GRACE) -> list[str]:
    """Delete lake files no manifest references (and superseded ones older than ``grace``)."""
    actor.require(Role.admin)
    root = settings.resolved_lake_dir
    with writer_lock(root):
        return vacuum(root, grace=grace)
