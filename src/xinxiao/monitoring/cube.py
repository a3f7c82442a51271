"""The daily cubes, each defined once as an ibis expression over the lake rows, run on DuckDB or Spark.

Measures are integer sums and exact distinct counts, so both engines give identical cubes. Distinct
payers are not additive: a date's cube is always recomputed from all lake rows of that date. Rows are
at date grain and stored one file per month (``cube/<kind>/month=YYYY-MM/``), so a three-year query
opens about 36 files per cube instead of 1,100.
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
from xinxiao.monitoring.lake import Manifest, fsync_file, retire
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


DIMS: dict[FeedKind, tuple[str, ...]] = {"payments": PAYMENTS_DIMS, "orders": ORDERS_DIMS, "footfall": FOOTFALL_DIMS}


def by_month(dates: list[date]) -> dict[str, list[date]]:
    """Dates grouped by their month (``YYYY-MM``), in order.

    >>> by_month([date(2024, 2, 10), date(2024, 3, 1), date(2024, 2, 11)])
    {'2024-02': [datetime.date(2024, 2, 10), datetime.date(2024, 2, 11)], '2024-03': [datetime.date(2024, 3, 1)]}
    """
    months: dict[str, list[date]] = {}
    for day in sorted(dates):
        months.setdefault(day.isoformat()[:7], []).append(day)
    return months


def month_path(kind: FeedKind, month: str, version: int) -> str:
    """Where the cube file of a month is written by commit ``version`` (relative to the lake root)."""
    return f"cube/{kind}/month={month}/part-v{version}.parquet"


def write_month(
    manifest: Manifest, root: Path, kind: FeedKind, month: str, days: list[date], rows: pa.Table, version: int
) -> None:
    """Rewrite the cube file of ``month``: its earlier rows of the other dates plus ``rows``, the recomputed ``days``.

    The new file is fsynced; the manifest (not yet committed) points the month at it and retires the
    month's previous file (or, in a lake written before month files, the month's date files).
    """
    cubes = manifest.cubes.setdefault(kind, {})
    old = sorted(key for key in cubes if key[:7] == month)
    schema = CUBE_SCHEMAS[kind]
    touched = pa.array(days, pa.date32())
    kept = [pq.read_table(root / cubes[key], schema=schema) for key in old]
    parts = [t.filter(pc.invert(pc.is_in(t["date"], value_set=touched))) for t in kept]
    table = pa.concat_tables([*parts, rows.select(schema.names).cast(schema)])
    table = table.sort_by([(name, "ascending") for name in DIMS[kind]])
    rel = month_path(kind, month, version)
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, target)
    fsync_file(target)
    retire(manifest, [cubes.pop(key) for key in old])
    cubes[month] = rel
