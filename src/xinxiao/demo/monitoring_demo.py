"""The monitoring part of the demo: synthetic feeds and series for 迪庆 and 湖北, real national series beside them.

Feeds are generated from the demo's own merchants and places (so every payment enriches through the
registry) and go through the real ingest; the official-style series go through the real import, labelled
synthetic. The real NBS figures come from the package's copy of the reference data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc

from xinxiao import merchants, monitoring
from xinxiao.core import frozen_clock, system_principal
from xinxiao.db import transaction
from xinxiao.monitoring import FeedKind
from xinxiao.runtime import Runtime

PROFILES: Final = {"diqing": "5334", "hubei": "42"}
LAST_DAY: Final = date(2026, 10, 31)  # the demo's data run to the last full month before today
FULL_MONTHS: Final = 36
SMALL_MONTHS: Final = 14  # enough for YoY when the demo is loaded at a small scale (tests)


def first_day(scale: float) -> date:
    """The first day of the demo feeds: three years before ``LAST_DAY`` (14 months at small scales)."""
    months = FULL_MONTHS if scale >= 0.5 else SMALL_MONTHS
    index = LAST_DAY.year * 12 + LAST_DAY.month - months
    return date(index // 12, index % 12 + 1, 1)


def load(runtime: Runtime, *, seed: int, scale: float, log: Callable[[str], Any]) -> dict[str, Any]:
    """Generate, ingest and import the monitoring demo; returns counts per profile."""
    system = system_principal()
    loaded: dict[str, Any] = {}
    with transaction(runtime.sessions) as session:
        reference = monitoring.load_national_reference(session, actor=system)
        loaded["national"] = sum(i.inserted for i in reference.imports)
        years = range(first_day(scale).year - 1, LAST_DAY.year + 1)
        monitoring.seed_windows(session, actor=system, years=years)
    out = runtime.settings.var_dir / "demo" / "monitoring"
    for offset, (profile, prefix) in enumerate(PROFILES.items()):
        loaded[profile] = _profile(runtime, profile, prefix, seed=seed + offset, scale=scale, out=out / profile)
        log(f"{profile}: " + ", ".join(f"{k} {v:,}" for k, v in loaded[profile].items()) + " (synthetic)")
    with transaction(runtime.sessions) as session:
        monitoring.load_rules(session, actor=system)
    loaded["alerts"] = _run_alerts(runtime)
    return loaded


def _tables(runtime: Runtime, prefix: str) -> tuple[pa.Table, pa.Table]:
    with runtime.sessions() as session:
        dimension = merchants.merchant_dimension(session)
        places = merchants.list_places(session, actor=system_principal())
    mine = dimension.filter(pc.starts_with(dimension["region_adcode"], prefix))
    inside = [p for p in places if p.region_adcode.startswith(prefix)]
    place_table = pa.table(
        {
            "place_code": pa.array([p.code for p in inside], pa.string()),
            "region_adcode": pa.array([p.region_adcode for p in inside], pa.string()),
            "kind": pa.array([p.kind for p in inside], pa.string()),
        }
    )
    return mine, place_table


def _profile(runtime: Runtime, profile: str, prefix: str, *, seed: int, scale: float, out: Path) -> dict[str, int]:
    merchant_table, places = _tables(runtime, prefix)
    start, end = first_day(scale), LAST_DAY
    out.mkdir(parents=True, exist_ok=True)
    limit = 8 if scale >= 0.5 else 3  # foot traffic is ~370 rows per place and day, whatever the scale
    busiest = monitoring.synthetic.busiest_places(places, seed=seed, profile=profile, limit=limit)
    streams: dict[FeedKind, Iterator[pa.RecordBatch]] = {
        "payments": monitoring.synthetic.payments_batches(
            merchants=merchant_table, start=start, end=end, seed=seed, scale=scale, profile=profile
        ),
        "orders": monitoring.synthetic.orders_batches(
            merchants=merchant_table, start=start, end=end, seed=seed, scale=scale, profile=profile
        ),
        "footfall": monitoring.synthetic.footfall_batches(
            places=busiest, start=start, end=end, seed=seed, scale=scale, profile=profile
        ),
    }
    counts: dict[str, int] = {}
    for kind, batches in streams.items():
        path = out / f"{kind}-{profile}.parquet"
        monitoring.synthetic.write_feed(path, batches, schema=monitoring.FEED_SCHEMAS[kind])
        counts[kind] = _ingest(runtime, kind, path)
    counts["official"] = _official(runtime, profile, seed=seed, out=out)
    return counts


def _ingest(runtime: Runtime, kind: FeedKind, path: Path) -> int:
    delivery = monitoring.ingest_file(
        runtime.sessions,
        runtime.settings,
        actor=system_principal(),
        kind=kind,
        path=path,
        filename=path.name,
        synthetic=True,
        engine=runtime.analytics,
    )
    if delivery.status != "committed":
        raise RuntimeError(f"demo feed {path.name} was not ingested: {delivery.error}")
    return int(delivery.accepted)


def _official(runtime: Runtime, profile: str, *, seed: int, out: Path) -> int:
    rows = monitoring.synthetic.official_series_rows(
        profile=profile, start_year=2018, end_year=LAST_DAY.year, seed=seed
    )
    last = f"{LAST_DAY.year}-{LAST_DAY.month:02d}"
    path = out / f"official-{profile}.csv"
    monitoring.synthetic.write_series_csv(path, (r for r in rows if r["period_end"] <= last))
    with transaction(runtime.sessions) as session:
        result = monitoring.official.import_file(session, actor=system_principal(), path=path, synthetic=True)
    return int(result.inserted)


def _run_alerts(runtime: Runtime) -> int:
    """One alert run as of the demo's last day, so the inbox has something to handle."""
    noon = datetime(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day, 12, tzinfo=UTC)
    with frozen_clock(noon), transaction(runtime.sessions) as session:
        sources = monitoring.alert_sources(session, runtime)
        report = monitoring.run_rules(
            session, actor=system_principal(), values=sources.values, freshness=sources.freshness, as_of=LAST_DAY
        )
    return len(report.firing)
