"""The indices part of the demo: the shipped indices run over the demo's regions and months.

Complaints and their handling have no module yet, so the demo writes a seeded supervision CSV per region
(labelled synthetic, as every run that reads it is) in the iData layout the indices accept.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Final

from xinxiao import indices, merchants, monitoring
from xinxiao.core import system_principal
from xinxiao.db import transaction
from xinxiao.reference import region_tree
from xinxiao.runtime import Runtime

REGIONS: Final = ("533400", "420000")
RECENT_MONTHS: Final = 6
PLACE_INDICES: Final = ("environment_night", "environment_district")


def _months(last: date, count: int) -> list[str]:
    index = last.year * 12 + last.month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def supervision_csv(runtime: Runtime, region: str, period: str, *, seed: int, out: Path) -> Path:
    """A seeded synthetic supervision file for the child regions and places of ``region`` in ``period``.

    Complaints scale with each region's turnover in the period (5–40 per 亿元, about what 12315 figures
    per unit of retail sales look like), so the per-turnover indicator has a plausible spread.
    """
    rng = random.Random(f"{seed}-{region}-{period}")  # noqa: S311 (seeded synthetic figures, not secrets)
    turnover = _turnover(runtime, region, period)
    with runtime.sessions() as session:
        places = [p.code for p in merchants.list_places(session, actor=system_principal(), region=region)]
    units = [c.adcode for c in region_tree().effective_children(region)] + places
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["uCode", "complaints", "resolution_rate", "redress_days", "services_complaints"])
        for code in units:
            yi = turnover.get(code, 0.0) / 10_000  # 万元 → 亿元
            complaints = max(1, round(yi * rng.uniform(5, 40))) if code in turnover else rng.randint(3, 40)
            writer.writerow(
                [code, complaints, round(rng.uniform(82, 99.5), 1), round(rng.uniform(4, 21), 1), complaints // 3]
            )
    return out


def _turnover(runtime: Runtime, region: str, period: str) -> dict[str, float]:
    parsed = indices.parse_period(period)
    with runtime.sessions() as session:
        ranking = monitoring.rank_subregions(
            session,
            actor=system_principal(),
            engine=runtime.analytics,
            cubes=monitoring.cube_sources(runtime.settings),
            indicator_id="payment_turnover",
            start=parsed.start,
            end=parsed.end,
            region=region,
        )
    return {row["adcode"]: float(row["value"]) for row in ranking.records() if row["value"] is not None}


def load(runtime: Runtime, *, seed: int, last_day: date, log: Callable[[str], Any]) -> dict[str, int]:
    """Run 活力指数 for recent months and the last full year, and 消费环境评价 with its templates, per region."""
    months = _months(last_day, RECENT_MONTHS)
    year = str(last_day.year - 1)
    counts: dict[str, int] = {}
    for region in REGIONS:
        folder = runtime.settings.var_dir / "demo" / "indices"
        files = {
            p: supervision_csv(runtime, region, p, seed=seed, out=folder / f"supervision-{region}-{p}.csv")
            for p in (months[-1], year)
        }
        plan: list[tuple[str, str, Path | None]] = [("vitality", p, None) for p in [*months, year]]
        plan += [("environment", p, files[p]) for p in (months[-1], year)]
        plan += [("environment_services", months[-1], files[months[-1]])]
        plan += [(name, months[-1], files[months[-1]]) for name in PLACE_INDICES if region == "533400"]
        counts[region] = sum(_run(runtime, name, period, region, path) for name, period, path in plan)
        log(f"indices {region}: {counts[region]} runs (synthetic)")
    return counts


def _run(runtime: Runtime, name: str, period: str, region: str, path: Path | None) -> int:
    request = indices.RunRequest(name, period, region, path, samples=32, synthetic_input=path is not None)
    with transaction(runtime.sessions) as session:
        indices.run_index(
            session,
            actor=system_principal(),
            engine=runtime.analytics,
            cubes=monitoring.cube_sources(runtime.settings),
            request=request,
        )
    return 1
