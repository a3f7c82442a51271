"""Small hand-built cubes with known answers for the indicator tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

from xinxiao.monitoring.query import CubeSources
from xinxiao.monitoring.schema import FOOTFALL_CUBE, ORDERS_CUBE, PAYMENTS_CUBE

D = date


def table(schema: pa.Schema, rows: list[tuple[Any, ...]]) -> pa.Table:
    """An Arrow table of ``schema`` from row tuples in column order."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    arrays = {f.name: pa.array(list(c), type=f.type) for f, c in zip(schema, columns, strict=True)}
    return pa.table(arrays, schema=schema)


# date, region, industry, channel, night, origin_band, place,
# amount_fen, txn_count, payers, voucher_fen, voucher_txn_fen
PAYMENTS = [
    (D(2023, 1, 1), "533401", "5211", "offline_card", False, "local_county", "P1", 6_000, 1, 1, 0, 0),
    (D(2024, 1, 1), "533401", "5211", "offline_card", False, "local_county", "P1", 10_000, 2, 2, 0, 0),
    (D(2024, 1, 1), "533401", "6210", "offline_qr", True, "other_province", "P1", 30_000, 3, 3, 1_000, 20_000),
    (D(2024, 1, 2), "533422", "5211", "online", False, "rest_of_province", None, 50_000, 5, 4, 0, 0),
    (D(2024, 2, 1), "533401", "5211", "offline_card", True, "abroad", None, 20_000, 1, 1, 500, 5_000),
    (D(2024, 1, 1), "420102", "5211", "offline_card", False, "local_county", None, 1_000_000, 10, 9, 0, 0),
]
# date, region, category, platform, physical, amount_fen, order_count
ORDERS = [
    (D(2024, 1, 5), "533401", "food", "tmall", True, 60_000, 3),
    (D(2024, 2, 5), "533422", "services", "meituan", False, 10_000, 1),
]
# date, region, place, night, origin_band, dwell_bucket, visitors
FOOTFALL = [
    (D(2024, 1, 1), "533401", "P1", False, "local_county", "lt30m", 50),
    (D(2024, 1, 1), "533401", "P1", True, "other_province", "2h_4h", 30),
]


def cubes(version: str = "1", synthetic: bool = False) -> CubeSources:
    """The three cubes above as in-memory Arrow tables."""
    tables = {
        "payments": table(PAYMENTS_CUBE, PAYMENTS),
        "orders": table(ORDERS_CUBE, ORDERS),
        "footfall": table(FOOTFALL_CUBE, FOOTFALL),
    }
    return CubeSources(tables, version=version, synthetic=synthetic, vintage=f"lake v{version}")
