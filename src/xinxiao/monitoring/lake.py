"""The Parquet lake: immutable date-partitioned files and one manifest that is the single commit point.

Layout under the lake root::

    _manifest.json                                   the committed state (replaced atomically)
    .lock                                            held by the one writer (fcntl)
    feeds/<kind>/date=YYYY-MM-DD/part-<delivery>-<n>.parquet
    cube/<kind>/month=YYYY-MM/part-v<version>.parquet   the cube rows (date grain) of one month
    _quarantine/<kind>/delivery-<id>.parquet
    _staging/<token>/                                a writer's scratch space

A writer writes new files first, then replaces the manifest (write, fsync, ``os.replace``, fsync the
directory). Readers take one manifest snapshot and read only the files it lists, so they never block
and never see half an ingest; files the manifest does not list are garbage that ``vacuum`` sweeps.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import pyarrow as pa

from xinxiao.analytics import ParquetFiles
from xinxiao.core import Conflict, utcnow
from xinxiao.monitoring.schema import CUBE_SCHEMAS, FEED_KINDS, FeedKind

MANIFEST = "_manifest.json"
LOCK = ".lock"
RETIRED_GRACE = timedelta(hours=1)  # superseded files stay this long for readers holding an older snapshot
_CHINA = ZoneInfo("Asia/Shanghai")

_TS = pa.timestamp("us")
PAYMENTS_LAKE: Final = pa.schema(
    [
        ("date", pa.date32()), ("txn_id", pa.string()), ("txn_time", _TS), ("amount_fen", pa.int64()),
        ("merchant_id", pa.string()), ("channel", pa.string()), ("payer_origin", pa.string()),
        ("payer_hash", pa.string()), ("category", pa.string()), ("voucher_fen", pa.int64()),
        ("region_adcode", pa.string()), ("industry_code", pa.string()), ("place_code", pa.string()),
        ("night", pa.bool_()), ("origin_band", pa.string()), ("delivery_id", pa.int64()),
    ]
)  # fmt: skip
ORDERS_LAKE: Final = pa.schema(
    [
        ("date", pa.date32()), ("order_id", pa.string()), ("order_time", _TS), ("amount_fen", pa.int64()),
        ("seller_region", pa.string()), ("category", pa.string()), ("platform", pa.string()),
        ("physical", pa.bool_()), ("delivery_id", pa.int64()),
    ]
)  # fmt: skip
FOOTFALL_LAKE: Final = pa.schema(
    [
        ("date", pa.date32()), ("place_code", pa.string()), ("hour", _TS), ("origin_band", pa.string()),
        ("dwell_bucket", pa.string()), ("visitors", pa.int64()), ("region_adcode", pa.string()),
        ("night", pa.bool_()), ("delivery_id", pa.int64()),
    ]
)  # fmt: skip
LAKE_SCHEMAS: Final[dict[str, pa.Schema]] = {
    "payments": PAYMENTS_LAKE,
    "orders": ORDERS_LAKE,
    "footfall": FOOTFALL_LAKE,
}
"""The enriched rows the lake keeps per feed kind (money in fen, the local date, the delivery that brought them)."""


@dataclass
class Manifest:
    """One committed state of the lake; ``version`` 0 is the empty lake."""

    version: int = 0
    committed_at: str | None = None
    feeds: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # kind -> date -> files
    cubes: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> month (YYYY-MM) -> file
    quarantine: list[str] = field(default_factory=list)
    deliveries: dict[str, dict[str, Any]] = field(default_factory=dict)  # delivery id -> what it committed
    retired: list[dict[str, str]] = field(default_factory=list)  # {"path", "at"}: superseded, not yet deleted

    def referenced(self) -> set[str]:
        """Every file path (relative to the root) the manifest keeps alive."""
        paths = {p for dates in self.feeds.values() for files in dates.values() for p in files}
        paths |= {p for dates in self.cubes.values() for p in dates.values()}
        return paths | set(self.quarantine) | {r["path"] for r in self.retired}

    def to_json(self) -> dict[str, Any]:
        """The manifest as stored."""
        return {
            "format": 2,  # 2: cube files per month (1: per date; still readable, rewritten month by month)
            "version": self.version,
            "committed_at": self.committed_at,
            "feeds": self.feeds,
            "cubes": self.cubes,
            "quarantine": self.quarantine,
            "deliveries": self.deliveries,
            "retired": self.retired,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """Read a stored manifest."""
        data = {k: v for k, v in data.items() if k != "format"}
        return cls(**data)


def read_manifest(root: Path) -> Manifest:
    """The committed manifest, or the empty one when the lake has never been written."""
    try:
        return Manifest.from_json(json.loads((root / MANIFEST).read_text("utf-8")))
    except FileNotFoundError:
        return Manifest()


def fsync_file(path: Path) -> None:
    """Flush a written file to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(root: Path, manifest: Manifest) -> Manifest:
    """Atomically make ``manifest`` (with the next version) the lake's state; the caller holds the lock."""
    manifest.committed_at = utcnow().isoformat()
    tmp = root / f"{MANIFEST}.tmp-{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(manifest.to_json(), handle, ensure_ascii=False, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / MANIFEST)
    _fsync_dir(root)
    return manifest


@contextlib.contextmanager
def writer_lock(root: Path, timeout: float = 600.0) -> Iterator[None]:
    """Hold the lake's one writer lock; waits up to ``timeout`` seconds, then raises ``Conflict``."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Conflict("另一个数据导入正在写入数据湖, 请稍后再试") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def retire(manifest: Manifest, paths: list[str]) -> None:
    """Record superseded files; ``vacuum`` deletes them once no reader can still hold them."""
    at = utcnow().isoformat()
    manifest.retired.extend({"path": p, "at": at} for p in paths)


def vacuum(root: Path, *, grace: timedelta = RETIRED_GRACE) -> list[str]:
    """Delete files no manifest references and retired files older than ``grace``; the caller holds the lock.

    Returns the deleted paths (relative to the root). Commits a manifest when it drops retired entries.
    """
    manifest = read_manifest(root)
    cutoff = utcnow() - grace
    expired = [r for r in manifest.retired if datetime.fromisoformat(r["at"]) <= cutoff]
    if expired:
        manifest.retired = [r for r in manifest.retired if r not in expired]
        commit(root, manifest)
    keep = manifest.referenced()
    deleted = [p for p in _data_files(root) if p not in keep]
    for rel in deleted:
        (root / rel).unlink(missing_ok=True)
    shutil.rmtree(root / "_staging", ignore_errors=True)
    _drop_empty_dirs(root)
    return sorted(deleted)


def _data_files(root: Path) -> list[str]:
    found: list[str] = []
    for top in ("feeds", "cube", "_quarantine"):
        if (root / top).is_dir():
            found.extend(str(p.relative_to(root)) for p in (root / top).rglob("*") if p.is_file())
    return found


def _drop_empty_dirs(root: Path) -> None:
    for top in ("feeds", "cube", "_quarantine"):
        for directory in sorted((root / top).rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()


@dataclass(frozen=True, slots=True)
class Freshness:
    """How current a feed is: last commit, last date with rows and the days without rows lately."""

    kind: str
    last_delivery_at: datetime | None
    last_date: date | None
    missing_dates: list[date]
    synthetic: bool


class Lake:
    """Read access to the lake at ``root``: each call reads the manifest committed at that moment."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def snapshot(self) -> Manifest:
        """The committed manifest now; use one snapshot for reads that must agree with each other."""
        return read_manifest(self.root)

    @property
    def version(self) -> int:
        """The committed version (0 for an empty lake); changes with every ingest or rebuild."""
        return self.snapshot().version

    def dates(self, kind: FeedKind, snapshot: Manifest | None = None) -> list[date]:
        """The dates that have rows of ``kind``, in order."""
        manifest = snapshot or self.snapshot()
        return sorted(date.fromisoformat(d) for d in manifest.feeds.get(kind, {}))

    def feed_source(
        self, kind: FeedKind, dates: list[date] | None = None, snapshot: Manifest | None = None
    ) -> ParquetFiles:
        """The lake rows of ``kind`` (optionally only some dates) as an analytics table source."""
        manifest = snapshot or self.snapshot()
        by_date = manifest.feeds.get(kind, {})
        wanted = by_date.keys() if dates is None else [d.isoformat() for d in dates]
        files = [self.root / f for d in sorted(wanted) for f in by_date.get(d, [])]
        return ParquetFiles(files, LAKE_SCHEMAS[kind])

    def cube_source(self, kind: FeedKind, snapshot: Manifest | None = None) -> ParquetFiles:
        """The daily cube of ``kind`` (``CUBE_SCHEMAS[kind]``, one file per month) as an analytics table source."""
        manifest = snapshot or self.snapshot()
        cubes = manifest.cubes.get(kind, {})
        return ParquetFiles([self.root / cubes[d] for d in sorted(cubes)], CUBE_SCHEMAS[kind])

    def synthetic(self, kind: FeedKind, snapshot: Manifest | None = None) -> bool:
        """Whether any committed delivery of ``kind`` was synthetic (pages must show the banner)."""
        manifest = snapshot or self.snapshot()
        return any(d["kind"] == kind and d.get("synthetic") for d in manifest.deliveries.values())

    def freshness(self, kind: FeedKind, *, days: int = 30, today: date | None = None) -> Freshness:
        """Last delivery, last date with rows, and the dates of the last ``days`` days (to today) without rows."""
        manifest = self.snapshot()
        have = set(self.dates(kind, manifest))
        end = today or utcnow().astimezone(_CHINA).date()
        window = [end - timedelta(days=n) for n in range(days - 1, -1, -1)]
        commits = [d["committed_at"] for d in manifest.deliveries.values() if d["kind"] == kind]
        return Freshness(
            kind=kind,
            last_delivery_at=datetime.fromisoformat(max(commits)) if commits else None,
            last_date=max(have) if have else None,
            missing_dates=[d for d in window if d not in have],
            synthetic=self.synthetic(kind, manifest),
        )


def freshness(lake: Lake, kind: FeedKind, *, days: int = 30, today: date | None = None) -> Freshness:
    """The freshness of one feed (see ``Lake.freshness``), for the data-sources page and feed alerts."""
    return lake.freshness(kind, days=days, today=today)


def all_freshness(lake: Lake, *, days: int = 30, today: date | None = None) -> list[Freshness]:
    """The freshness of every feed kind."""
    return [lake.freshness(kind, days=days, today=today) for kind in FEED_KINDS]
