"""Reading and validating feed files: formats, encodings, required columns, and rejects with line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from feedsupport import Registry, payment, seed_registry, write_csv, write_parquet
from xinxiao.config import Settings
from xinxiao.core import system_principal
from xinxiao.monitoring import deliveries
from xinxiao.monitoring.lake import Lake
from xinxiao.monitoring.models import Delivery
from xinxiao.monitoring.schema import FeedKind


@pytest.fixture
def registry(sessions: sessionmaker[Session]) -> Registry:
    return seed_registry(sessions)


def ingest(sessions: sessionmaker[Session], settings: Settings, kind: FeedKind, path: Path) -> Delivery:
    actor = system_principal()
    return deliveries.ingest_file(sessions, settings, actor=actor, kind=kind, path=path, filename=path.name)


def _rejects(delivery: Delivery) -> list[tuple[int, str]]:
    return [(r["line"], r["field"]) for r in (delivery.report or {})["rejects"]]


BAD_PAYMENTS: list[tuple[dict[str, Any], str, str]] = [
    # (changes to a valid row, field, words in the reason)
    ({"txn_id": ""}, "txn_id", "缺少交易编号"),
    ({"txn_time": "2024-13-40 10:00"}, "txn_time", "无法解析"),
    ({"txn_time": ""}, "txn_time", "缺少时间"),
    ({"txn_time": "2001-01-01 10:00:00"}, "txn_time", "合理范围"),
    ({"txn_time": "2099-01-01 10:00:00"}, "txn_time", "合理范围"),
    ({"amount": "0"}, "amount", "大于 0"),
    ({"amount": "-3"}, "amount", "大于 0"),
    ({"amount": "20000000"}, "amount", "小于"),
    ({"amount": "abc"}, "amount", "无法解析"),
    ({"merchant_id": ""}, "merchant_id", "缺少商户编号"),
    ({"channel": "cash"}, "channel", "offline_card"),
    ({"payer_origin": "53340"}, "payer_origin", "6 位"),
    ({"payer_origin": "mars"}, "payer_origin", "6 位"),
    ({"voucher": "x"}, "voucher_amount", "无法解析"),
    ({"voucher": "50"}, "voucher_amount", "之间"),
]


@pytest.mark.parametrize(("changes", "field", "words"), BAD_PAYMENTS)
def test_an_invalid_row_is_rejected_with_line_field_and_reason(
    sessions: sessionmaker[Session],
    settings: Settings,
    registry: Registry,
    tmp_path: Path,
    changes: dict[str, Any],
    field: str,
    words: str,
) -> None:
    good = payment("t1", "2024-02-10 12:00:00", "20.00", registry.shangri_la)
    bad = payment("t2", "2024-02-10 12:00:00", "20.00", registry.shangri_la)
    bad |= {("voucher_amount" if k == "voucher" else k): v for k, v in changes.items()}
    delivery = ingest(sessions, settings, "payments", write_csv(tmp_path / "p.csv", [good, bad]))
    assert delivery.status == "committed"
    assert (delivery.rows_read, delivery.accepted, delivery.rejected) == (2, 1, 1)
    (reject,) = delivery.report["rejects"]  # type: ignore[index]
    assert (reject["line"], reject["field"]) == (3, field)
    assert words in reject["reason"]
    report = settings.var_dir / "feeds" / delivery.report["rejects_file"]  # type: ignore[index]
    assert report.read_text("utf-8").splitlines()[0] == '"line","field","reason","value"'


def test_gbk_csv_with_chinese_values_is_read(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    rows = [
        payment("t1", "2024-02-10 20:00:00", "88.00", registry.shangri_la, origin="境外", category="藏餐"),
        payment("t2", "2024-02-10 09:00:00", "12.00", registry.deqin, origin=None, category="超市"),
    ]
    delivery = ingest(sessions, settings, "payments", write_csv(tmp_path / "gbk.csv", rows, encoding="gbk"))
    assert delivery.status == "committed" and delivery.accepted == 2
    assert delivery.report["source"]["encoding"] == "gbk"  # type: ignore[index]
    frame = _lake_rows(settings)
    assert frame.set_index("txn_id")["origin_band"].to_dict() == {"t1": "abroad", "t2": "unknown"}
    assert sorted(frame["category"]) == ["藏餐", "超市"]


def test_parquet_and_csv_give_the_same_lake_rows(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    rows = [
        payment("t1", "2024-02-10 20:00:00", "88.10", registry.shangri_la, voucher="8.80"),
        payment("t2", "2024-02-11 09:00:00", "12.00", registry.deqin, origin="420102"),
    ]
    assert ingest(sessions, settings, "payments", write_parquet(tmp_path / "p.parquet", "payments", rows)).accepted == 2
    from_parquet = _lake_rows(settings).drop(columns="delivery_id")
    other = settings.model_copy(update={"lake_dir": tmp_path / "lake2"})
    assert ingest(sessions, other, "payments", write_csv(tmp_path / "p.csv", rows)).accepted == 2
    from_csv = _lake_rows(other).drop(columns="delivery_id")
    assert from_parquet.to_dict("records") == from_csv.to_dict("records")
    assert from_csv["amount_fen"].tolist() == [8810, 1200] and from_csv["voucher_fen"].tolist() == [880, 0]


def test_a_missing_required_column_fails_the_delivery_naming_file_and_column(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    row = payment("t1", "2024-02-10 20:00:00", "88.00", registry.shangri_la)
    del row["channel"]
    delivery = ingest(sessions, settings, "payments", write_csv(tmp_path / "no-channel.csv", [row]))
    assert delivery.status == "failed"
    assert "no-channel.csv" in (delivery.error or "") and "channel" in (delivery.error or "")
    assert Lake(settings.resolved_lake_dir).version == 0


def test_optional_columns_may_be_absent(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    row = payment("t1", "2024-02-10 20:00:00", "88.00", registry.shangri_la)
    for optional in ("payer_origin", "payer_hash", "category", "voucher_amount"):
        del row[optional]
    delivery = ingest(sessions, settings, "payments", write_csv(tmp_path / "minimal.csv", [row]))
    assert delivery.accepted == 1


def test_line_numbers_count_line_breaks_inside_quoted_values(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    rows = [
        payment("t1", "2024-02-10 20:00:00", "88.00", registry.shangri_la, category="两行\n的品类"),
        payment("t2", "2024-02-10 20:00:00", "-1", registry.shangri_la),
    ]
    delivery = ingest(sessions, settings, "payments", write_csv(tmp_path / "p.csv", rows))
    assert _rejects(delivery) == [(4, "amount")]  # header 1, t1 on lines 2-3, t2 on line 4


def test_parquet_rows_are_numbered_from_one(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    rows = [payment(f"t{i}", "2024-02-10 20:00:00", "-1" if i == 3 else "5", registry.deqin) for i in range(1, 5)]
    delivery = ingest(sessions, settings, "payments", write_parquet(tmp_path / "p.parquet", "payments", rows))
    assert _rejects(delivery) == [(3, "amount")]


def test_orders_and_footfall_are_validated(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    orders = [
        {"order_id": "o1", "order_time": "2024-02-10 10:00:00", "amount": "99.9", "seller_region": "533401",
         "category": "食品", "platform": "抖音", "physical": "是"},
        {"order_id": "o2", "order_time": "2024-02-10 10:00:00", "amount": "10", "seller_region": "5334",
         "category": "食品", "platform": "抖音", "physical": ""},
        {"order_id": "o3", "order_time": "2024-02-10 10:00:00", "amount": "10", "seller_region": "533422",
         "category": "食品", "platform": "抖音", "physical": "maybe"},
    ]  # fmt: skip
    delivery = ingest(sessions, settings, "orders", write_csv(tmp_path / "o.csv", orders))
    assert (delivery.accepted, _rejects(delivery)) == (1, [(3, "seller_region"), (4, "physical")])
    footfall = [
        {"place_code": "DKZ", "hour": hour, "origin_band": band, "dwell_bucket": bucket, "visitors": visitors}
        for hour, band, bucket, visitors in [
            ("2024-02-10 19:00:00", "abroad", "lt30m", "12"),
            ("2024-02-10 19:30:00", "abroad", "lt30m", "1"),
            ("2024-02-10 20:00:00", "martian", "lt30m", "1"),
            ("2024-02-10 21:00:00", "abroad", "forever", "1"),
            ("2024-02-10 22:00:00", "abroad", "lt30m", "-2"),
        ]
    ]  # fmt: skip
    delivery = ingest(sessions, settings, "footfall", write_csv(tmp_path / "f.csv", footfall))
    expected = [(3, "hour"), (4, "origin_band"), (5, "dwell_bucket"), (6, "visitors")]
    assert (delivery.accepted, _rejects(delivery)) == (1, expected)


def _lake_rows(settings: Settings) -> Any:
    from xinxiao.analytics import DuckDBEngine

    source = Lake(settings.resolved_lake_dir).feed_source("payments")
    return DuckDBEngine().execute(lambda t: t["rows"].order_by("txn_id"), {"rows": source})
