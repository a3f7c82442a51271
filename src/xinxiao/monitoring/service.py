"""The monitoring domain's glue: the lake a process reads, and the sources alert runs evaluate against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from xinxiao.config import Settings
from xinxiao.core import system_principal
from xinxiao.monitoring import alerts
from xinxiao.monitoring.deliveries import reconcile_deliveries
from xinxiao.monitoring.lake import Lake, read_manifest
from xinxiao.monitoring.query import CubeSources
from xinxiao.monitoring.schema import FEED_KINDS, FeedKind
from xinxiao.monitoring.view_service import IndicatorValues
from xinxiao.runtime import Runtime


def lake_of(settings: Settings) -> Lake:
    """The lake under the settings' lake directory (read access; each call sees the latest commit)."""
    return Lake(settings.resolved_lake_dir)


def cube_sources(settings: Settings) -> CubeSources:
    """The cubes of one committed lake snapshot, with its version (the cache key) and vintage."""
    lake = lake_of(settings)
    snapshot = lake.snapshot()
    tables = {kind: lake.cube_source(kind, snapshot) for kind in FEED_KINDS}
    synthetic = any(lake.synthetic(kind, snapshot) for kind in FEED_KINDS)
    vintage = f"湖仓版本 v{snapshot.version}" + (f" · {snapshot.committed_at[:19]}" if snapshot.committed_at else "")
    return CubeSources(tables, str(snapshot.version), synthetic, vintage)


def latest_day(settings: Settings, kind: FeedKind = "payments") -> date | None:
    """The last date with rows of ``kind`` in the lake."""
    dates = lake_of(settings).dates(kind)
    return dates[-1] if dates else None


def default_month(settings: Settings) -> date:
    """The month the dashboard opens on: the last month with payment data, else the current month."""
    last = latest_day(settings)
    return (last or date.today()).replace(day=1)


@dataclass(frozen=True)
class LakeFreshness:
    """``alerts.Freshness`` over the lake's manifest."""

    lake: Lake

    def last_date(self, feed_kind: str) -> date | None:
        """The last date with rows of the feed."""
        dates = self.lake.dates(feed_kind)  # type: ignore[arg-type]
        return dates[-1] if dates else None

    def last_delivery_at(self, feed_kind: str) -> datetime | None:
        """When the feed's last delivery was committed (timezone-aware)."""
        return self.lake.freshness(feed_kind, days=1).last_delivery_at  # type: ignore[arg-type]


def alert_sources(session: Session, runtime: Runtime) -> alerts.AlertSources:
    """The sources alert rules evaluate against: the indicator layer and the lake's freshness."""
    cubes = cube_sources(runtime.settings)
    values = IndicatorValues(session, system_principal(), runtime.analytics, None if cubes.version == "0" else cubes)
    return alerts.AlertSources(values=values, freshness=LakeFreshness(lake_of(runtime.settings)))


def recover(runtime: Runtime) -> int:
    """Settle deliveries a killed process left 'running', against the lake's committed manifest."""
    return reconcile_deliveries(runtime.sessions, read_manifest(runtime.settings.resolved_lake_dir))
