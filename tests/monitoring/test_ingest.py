"""The ingest end to end: re-deliveries never double count, conflicts and unknown merchants are quarantined."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from feedsupport import Registry, payment, seed_registry, write_csv
from support import principal
from xinxiao.analytics import DuckDBEngine
from xinxiao.config import Settings
from xinxiao.core import AuditEntry, Role, system_principal
from xinxiao.monitoring import deliveries
from xinxiao.monitoring.lake import Lake, commit, read_manifest, writer_lock
from xinxiao.monitoring.models import Delivery


@pytest.fixture
def registry(sessions: sessionmaker[Session]) -> Registry:
    return seed_registry(sessions)


def ingest(sessions: sessionmaker[Session], settings: Settings, path: Path, **kwargs: Any) -> Delivery:
    kwargs.setdefault("actor", system_principal())
    return deliveries.ingest_file(sessions, settings, kind="payments", path=path, filename=path.name, **kwargs)


def totals(settings: Settings) -> dict[str, int]:
    """Sums over the whole payments cube."""
    source = Lake(settings.resolved_lake_dir).cube_source("payments")
    frame = DuckDBEngine().execute(
        lambda t: t["c"].aggregate(amount=t["c"].amount_fen.sum(), txns=t["c"].txn_count.sum()), {"c": source}
    )
    return {"amount": int(frame["amount"].fillna(0)[0]), "txns": int(frame["txns"].fillna(0)[0])}


def counts(delivery: Delivery) -> tuple[int, int, int, int, int]:
    return delivery.rows_read, delivery.accepted, delivery.duplicates, delivery.quarantined, delivery.rejected


def test_the_same_file_twice_counts_once(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    rows = [payment(f"t{i}", f"2024-02-1{i % 3} 1{i}:00:00", f"{i}.50", registry.shangri_la) for i in range(6)]
    path = write_csv(tmp_path / "day.csv", rows)
    first = ingest(sessions, settings, path)
    assert counts(first) == (6, 6, 0, 0, 0) and first.lake_version == 1
    before = totals(settings)
    second = ingest(sessions, settings, path)
    assert counts(second) == (6, 0, 6, 0, 0) and second.status == "committed"
    assert totals(settings) == before == {"amount": 1800, "txns": 6}  # 0.50 + 1.50 + … + 5.50 元


def test_an_overlapping_file_adds_only_the_new_ids(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    a = [payment(f"t{i}", "2024-02-10 12:00:00", "10", registry.deqin) for i in range(1, 5)]  # t1..t4
    b = [payment(f"t{i}", "2024-02-10 12:00:00", "10", registry.deqin) for i in range(3, 8)]  # t3..t7
    ingest(sessions, settings, write_csv(tmp_path / "a.csv", a))
    second = ingest(sessions, settings, write_csv(tmp_path / "b.csv", b))
    assert counts(second) == (5, 3, 2, 0, 0)
    assert totals(settings) == {"amount": 7 * 1000, "txns": 7}  # the union t1..t7


def test_an_id_redelivered_with_other_content_is_a_quarantined_conflict(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    ingest(
        sessions, settings, write_csv(tmp_path / "a.csv", [payment("t1", "2024-02-10 12:00:00", "10", registry.deqin)])
    )
    changed = [
        payment("t1", "2024-02-10 12:00:00", "99", registry.deqin),  # conflicts with the lake: first delivery wins
        payment("t2", "2024-02-10 13:00:00", "5", registry.deqin),
        payment("t2", "2024-02-10 13:00:00", "6", registry.deqin),  # conflicts within the file: first line wins
        payment("t2", "2024-02-10 13:00:00", "5", registry.deqin),  # an exact duplicate within the file
    ]
    second = ingest(sessions, settings, write_csv(tmp_path / "b.csv", changed))
    assert counts(second) == (4, 1, 1, 2, 0)
    assert totals(settings) == {"amount": 1500, "txns": 2}
    quarantine = pq.read_table(settings.resolved_lake_dir / second.report["quarantine"]).to_pylist()  # type: ignore[index]
    assert [(r["line"], r["txn_id"], r["amount_fen"], r["delivery_id"]) for r in quarantine] == [
        (2, "t1", 9900, second.id),
        (4, "t2", 600, second.id),
    ]
    assert all(r["reason"].startswith("conflict") for r in quarantine)


def test_rejects_unknown_merchants_duplicates_and_conflicts_in_one_file_all_add_up(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    ingest(
        sessions, settings, write_csv(tmp_path / "a.csv", [payment("t1", "2024-02-10 12:00:00", "10", registry.deqin)])
    )
    rows = [
        payment("t1", "2024-02-10 12:00:00", "10", registry.deqin),  # line 2: already in the lake, equal
        payment("t2", "2024-02-10 12:00:00", "-1", registry.deqin),  # line 3: rejected (amount)
        payment("t3", "2024-02-10 12:00:00", "10", "91533401MA0000000X"),  # line 4: unknown merchant
        payment("t4", "2024-02-10 12:00:00", "10", registry.deqin),  # line 5: new
        payment("t4", "2024-02-10 12:00:00", "11", registry.deqin),  # line 6: conflicts within the file
        payment("t5", "2024-02-10 12:00:00", "10", "91533401MA0000000X"),  # line 7: unknown merchant
        payment("t5", "2024-02-10 12:00:00", "10", "91533401MA0000000X"),  # line 8: its exact duplicate
    ]
    delivery = ingest(sessions, settings, write_csv(tmp_path / "b.csv", rows))
    assert counts(delivery) == (7, 1, 2, 3, 1)  # read = accepted + duplicates + quarantined + rejected
    assert [(r["line"], r["field"]) for r in delivery.report["rejects"]] == [(3, "amount")]  # type: ignore[index]
    quarantine = pq.read_table(settings.resolved_lake_dir / delivery.report["quarantine"]).to_pylist()  # type: ignore[index]
    assert [(r["line"], r["reason"].split(":")[0]) for r in quarantine] == [
        (4, "unknown_merchant"),
        (6, "conflict"),
        (7, "unknown_merchant"),
    ]
    assert totals(settings) == {"amount": 2000, "txns": 2}


def test_the_same_id_on_another_date_is_another_payment(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    rows = [
        payment("t1", "2024-02-10 12:00:00", "10", registry.deqin),
        payment("t1", "2024-02-11 12:00:00", "10", registry.deqin),
    ]
    assert ingest(sessions, settings, write_csv(tmp_path / "a.csv", rows)).accepted == 2


def test_unknown_merchants_and_merchants_outside_the_scope_are_quarantined(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    rows = [
        payment("t1", "2024-02-10 12:00:00", "10", registry.shangri_la),
        payment("t2", "2024-02-10 12:00:00", "10", "91533401MA0000000X"),
        payment("t3", "2024-02-10 12:00:00", "10", registry.wuhan),
    ]
    actor = principal("533400", Role.analyst)
    delivery = ingest(sessions, settings, write_csv(tmp_path / "a.csv", rows), actor=actor)
    assert counts(delivery) == (3, 1, 0, 2, 0)
    quarantine = pq.read_table(settings.resolved_lake_dir / delivery.report["quarantine"]).to_pylist()  # type: ignore[index]
    assert [r["txn_id"] for r in quarantine] == ["t2", "t3"]
    assert all(r["reason"].startswith("unknown_merchant") for r in quarantine)


def test_enrichment_night_flag_and_origin_band(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    rows = [
        payment("t1", "2024-02-10 18:30:00", "10", registry.shangri_la, origin="533422"),
        payment("t2", "2024-02-11 05:59:00", "10", registry.deqin, origin="533422"),
        payment("t3", "2024-02-11 06:00:00", "10", registry.wuhan, origin="533401"),
    ]
    ingest(sessions, settings, write_csv(tmp_path / "a.csv", rows))
    source = Lake(settings.resolved_lake_dir).feed_source("payments")
    frame = DuckDBEngine().execute(lambda t: t["r"].order_by("txn_id"), {"r": source})
    got = frame[["region_adcode", "industry_code", "place_code", "night", "origin_band"]].to_dict("records")
    assert [tuple(None if v != v else v for v in r.values()) for r in got] == [
        ("533401", "6210", "DKZ", True, "rest_of_prefecture"),
        ("533422", "5212", None, True, "local_county"),
        ("420102", "5261", None, False, "other_province"),
    ]


def test_a_day_window_setting_is_used(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    evening = settings.model_copy(update={"night_start": "20:00", "night_end": "23:00"})
    rows = [
        payment("t1", "2024-02-10 19:00:00", "10", registry.deqin),
        payment("t2", "2024-02-10 21:00:00", "10", registry.deqin),
    ]
    ingest(sessions, evening, write_csv(tmp_path / "a.csv", rows))
    source = Lake(evening.resolved_lake_dir).feed_source("payments")
    frame = DuckDBEngine().execute(lambda t: t["r"].order_by("txn_id"), {"r": source})
    assert frame["night"].tolist() == [False, True]


def test_delivery_rows_are_audited_and_listed(
    sessions: sessionmaker[Session], settings: Settings, registry: Registry, tmp_path: Path
) -> None:
    delivery = ingest(
        sessions, settings, write_csv(tmp_path / "a.csv", [payment("t1", "2024-02-10 12:00:00", "10", registry.deqin)])
    )
    with sessions() as session:
        listed = deliveries.list_deliveries(session, kind="payments")
        assert [d.id for d in listed] == [delivery.id]
        assert deliveries.list_deliveries(session, kind="orders") == []
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "monitoring_delivery")).all()
        assert [(a.action, a.entity_id) for a in audit] == [("ingest", str(delivery.id))]
    assert (delivery.first_date.isoformat(), delivery.last_date.isoformat()) == ("2024-02-10", "2024-02-10")  # type: ignore[union-attr]


def test_orphaned_running_deliveries_are_reconciled_against_the_manifest(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    root = settings.resolved_lake_dir
    with sessions() as session:
        lost, landed = (
            Delivery(kind="payments", filename="a", sha256="0"),
            Delivery(kind="payments", filename="b", sha256="1"),
        )
        session.add_all([lost, landed])
        session.commit()
    manifest = read_manifest(root)
    counts_ = {"rows_read": 3, "accepted": 2, "duplicates": 1, "quarantined": 0, "rejected": 0}
    manifest.deliveries[str(landed.id)] = {
        "kind": "payments",
        "version": 1,
        "counts": counts_,
        "committed_at": "2024-01-01T00:00:00+00:00",
    }
    manifest.version = 1
    root.mkdir(parents=True)
    with writer_lock(root):
        commit(root, manifest)
        assert deliveries.reconcile_deliveries(sessions, read_manifest(root)) == 2
    with sessions() as session:
        assert session.get_one(Delivery, lost.id).status == "failed"
        settled = session.get_one(Delivery, landed.id)
        assert (settled.status, settled.accepted, settled.lake_version) == ("committed", 2, 1)


def test_an_analyst_without_a_writer_role_cannot_ingest(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    from xinxiao.core import PermissionDenied

    with pytest.raises(PermissionDenied):
        ingest(sessions, settings, write_csv(tmp_path / "a.csv", [payment("t1", "2024-02-10 12:00:00", "1", "x")]),
               actor=principal("533400", Role.submitter))  # fmt: skip
