"""Factories for feed, lake and cube tests: merchants and places in the registry, feed files on disk."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session, sessionmaker

from support import uscc
from xinxiao.merchants import Merchant, Place
from xinxiao.monitoring.schema import FEED_SCHEMAS, FeedKind


def add_place(session: Session, code: str, region: str) -> Place:
    """A place (商圈) in ``region``."""
    place = Place(code=code, name=f"商圈{code}", kind="商圈", region_adcode=region, center_lat=27.8, center_lon=99.7)
    session.add(place)
    session.flush()
    return place


def add_merchant(session: Session, serial: int, region: str, industry: str = "5212", place: Place | None = None) -> str:
    """A registered merchant; returns its USCC (the ``merchant_id`` feeds carry)."""
    code = uscc(region, serial)
    session.add(
        Merchant(
            uscc=code,
            name=f"测试商户{serial}",
            industry_code=industry,
            region_adcode=region,
            place_id=place.id if place else None,
            content_hash="test",
        )
    )
    session.flush()
    return code


def payment(
    txn_id: str,
    at: str,
    amount: str,
    merchant: str,
    *,
    channel: str = "offline_qr",
    origin: str | None = "533401",
    payer: str | None = "payer-1",
    category: str | None = "餐饮",
    voucher: str | None = None,
) -> dict[str, Any]:
    """One payments feed row, as text (a CSV cell each)."""
    return {
        "txn_id": txn_id,
        "txn_time": at,
        "amount": amount,
        "merchant_id": merchant,
        "channel": channel,
        "payer_origin": origin,
        "payer_hash": payer,
        "category": category,
        "voucher_amount": voucher,
    }


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    """Rows as a CSV file (None → empty cell)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([{k: "" if v is None else v for k, v in row.items()} for row in rows])
    return path


def write_parquet(path: Path, kind: FeedKind, rows: list[dict[str, Any]]) -> Path:
    """Rows as a typed Parquet file in the feed's schema."""
    schema = FEED_SCHEMAS[kind]
    typed = [{f.name: _typed(row.get(f.name), f.type) for f in schema} for row in rows]
    pq.write_table(pa.Table.from_pylist(typed, schema=schema), path)
    return path


def _typed(value: Any, kind: pa.DataType) -> Any:
    if value is None or value == "":
        return None
    if pa.types.is_timestamp(kind):
        return datetime.fromisoformat(value)
    if pa.types.is_decimal(kind):
        return Decimal(value)
    if pa.types.is_integer(kind):
        return int(value)
    return value


@dataclass(frozen=True)
class Registry:
    """The merchants and places the feed tests use."""

    shangri_la: str  # a merchant in 香格里拉市 533401, in place DKZ (独克宗)
    deqin: str  # a merchant in 德钦县 533422, in no place
    wuhan: str  # a merchant in 武汉 江岸区 420102


def seed_registry(sessions: sessionmaker[Session]) -> Registry:
    """Three merchants and one place (DKZ in 533401), committed in the test's rolled-back transaction."""
    with sessions() as session:
        place = add_place(session, "DKZ", "533401")
        registry = Registry(
            add_merchant(session, 1, "533401", "6210", place),
            add_merchant(session, 2, "533422", "5212"),
            add_merchant(session, 3, "420102", "5261"),
        )
        session.commit()
    return registry
