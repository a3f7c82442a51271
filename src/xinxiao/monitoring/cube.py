"""The daily cubes, each defined once as an ibis expression over the lake rows, run on DuckDB or Spark.

Measures are integer sums and exact distinct counts, so both engines give identical cubes. Distinct
payers are not additive: a date's cube is always recomputed from all lake rows of that date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from xinxiao.analytics import AnalyticsEngine, TableSource
from xinxiao.monitoring.lake import fsync_file
from xinxiao.monitoring.schema import CUBE_SCHEMAS, FeedKind

PAYMENTS_DIMS = ("date", "region_adcode", "industry_code", "channel", "night", "origin_band", "place_code")
ORDERS_DIMS = ("date", "region_adcode", "category", "platform", "physical")
FOOTFALL_DIMS = ("date", "region_adcode", "place_code", "night", "origin_band", "dwell_bucket")


def _sum(column: ibis.Value) -> ibis.Value:
    # Spark sums an all-null group to NULL; the cube holds 0 there, as DuckDB's coalesced sum does.
    return column.fill_null(0).sum().fill_null(0)  # type: ignore[attr-defined, no-any-return]


def payments_cube(t: ibis.Table) -> ibis.Table:
    """Payments by date × county × industry × channel × night × origin band × place."""
    voucher = t.voucher_fen.fill_null(0)
    return (
        t.group_by(list(PAYMENTS_DIMS))
        .aggregate(
            amount_fen=_sum(t.amount_fen),
            txn_count=t.count(),
            payers=t.payer_hash.nunique(),
            voucher_fen=_sum(voucher),
            voucher_txn_fen=_sum(ibis.ifelse(voucher > 0, t.amount_fen, 0)),
        )
        .order_by(list(PAYMENTS_DIMS))
    )


def orders_cube(t: ibis.Table) -> ibis.Table:
    """Platform orders by date × seller region × category × platform × physical."""
    rows = t.mutate(region_adcode=t.seller_region)
    return (
        rows.group_by(list(ORDERS_DIMS))
        .aggregate(amount_fen=_sum(rows.amount_fen), order_count=rows.count())
        .order_by(list(ORDERS_DIMS))
    )


def footfall_cube(t: ibis.Table) -> ibis.Table:
    """Visitors by date × county × place × night × origin band × dwell bucket."""
    return t.group_by(list(FOOTFALL_DIMS)).aggregate(visitors=_sum(t.visitors)).order_by(list(FOOTFALL_DIMS))


CUBES: dict[FeedKind, Callable[[ibis.Table], ibis.Table]] = {
    "payments": payments_cube,
    "orders": orders_cube,
    "footfall": footfall_cube,
}


def cube_expression(kind: FeedKind) -> Callable[[Mapping[str, ibis.Table]], ibis.Table]:
    """The build function the analytics engines run: the cube of ``kind`` over the table named ``rows``."""
    return lambda tables: CUBES[kind](tables["rows"])


def build_cube(engine: AnalyticsEngine, kind: FeedKind, rows: TableSource) -> pa.Table:
    """Compute the cube of ``kind`` from lake rows on ``engine``, cast to ``CUBE_SCHEMAS[kind]``."""
    result = engine.execute_arrow(cube_expression(kind), {"rows": rows})
    return result.select(CUBE_SCHEMAS[kind].names).cast(CUBE_SCHEMAS[kind])


def write_cube(cube: pa.Table, kind: FeedKind, root: Path, version: int, dates: list[date]) -> dict[str, str]:
    """Write one cube file per date (an empty date gets an empty file); returns date -> path relative to root."""
    written: dict[str, str] = {}
    for day in dates:
        rel = f"cube/{kind}/date={day.isoformat()}/part-v{version}.parquet"
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(cube.filter(pc.equal(cube["date"], pa.scalar(day, pa.date32()))), target)
        fsync_file(target)
        written[day.isoformat()] = rel
    return written
