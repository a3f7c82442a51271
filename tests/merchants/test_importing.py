"""Bulk import: valid rows in, invalid rows reported, idempotent, atomic, scoped, audited."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from support import merchant_row, principal, uscc, write_rows
from xinxiao import merchants
from xinxiao.core import AuditEntry, Role
from xinxiao.merchants import importing, jobs
from xinxiao.merchants.models import ImportJob, Merchant, Place


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _run(sessions: sessionmaker[Session], path: Path, adcode: str = "533400", batch_size: int = 3) -> ImportJob:
    actor = principal(adcode)
    job_id = jobs.start_import(sessions, actor=actor, path=path, filename=path.name)
    return jobs.run_import(
        sessions, actor=actor, job_id=job_id, path=path, report_dir=path.parent / "reports", batch_size=batch_size
    )


def _report(job: ImportJob, path: Path) -> list[list[str]]:
    assert job.error_report
    with (path.parent / "reports" / job.error_report).open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))[1:]


def test_valid_rows_are_imported_and_invalid_ones_reported(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = [merchant_row("533401", i) for i in range(1, 6)]
    rows[1]["统一社会信用代码"] = rows[1]["统一社会信用代码"][:-1] + (
        "0" if rows[1]["统一社会信用代码"][-1] != "0" else "1"
    )
    rows[2]["区划代码"] = "533499"
    rows[3]["纬度"] = "北纬27度"
    rows.append(dict(rows[0]))  # a duplicate of line 2
    path = write_rows(tmp_path / "m.csv", rows)
    job = _run(sessions, path)
    assert (job.status, job.inserted, job.rejected, job.rows_total) == ("done", 2, 4, 6)
    report = _report(job, path)
    assert [(r[0], r[1]) for r in report] == [
        ("3", "统一社会信用代码"),
        ("4", "区划代码"),
        ("5", "纬度"),
        ("7", "统一社会信用代码"),
    ]
    assert "校验码" in report[0][2]
    assert "与第2行重复" in report[3][2]


def test_reimport_is_idempotent_and_updates_are_audited(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = [merchant_row("533401", i) for i in range(1, 8)]
    path = write_rows(tmp_path / "m.csv", rows)
    first = _run(sessions, path)
    with sessions() as session:
        audits = _count(session, AuditEntry)
        merchants = _count(session, Merchant)
    second = _run(sessions, path)
    assert (first.inserted, second.inserted, second.updated, second.unchanged) == (7, 0, 0, 7)
    with sessions() as session:
        assert _count(session, Merchant) == merchants == 7
        assert _count(session, AuditEntry) == audits + 1  # only the import job's own entry
    rows[0]["名称"] = "改名后的商户"
    third = _run(sessions, write_rows(tmp_path / "m2.csv", rows))
    assert (third.updated, third.unchanged) == (1, 6)
    with sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import_update")).one()
        assert entry.before is not None and entry.after is not None
        assert (entry.before["name"], entry.after["name"]) == ("测试商户1号店", "改名后的商户")
        assert entry.entity_id == rows[0]["统一社会信用代码"]


def test_gbk_csv_is_detected(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = write_rows(tmp_path / "gbk.csv", [merchant_row("533422", i) for i in range(1, 4)], encoding="gbk")
    job = _run(sessions, path)
    assert (job.encoding, job.inserted) == ("gbk", 3)
    with sessions() as session:
        assert session.scalar(select(Merchant.name).where(Merchant.uscc == uscc("533422", 1))) == "测试商户1号店"


def test_xlsx_is_imported_with_line_numbers(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = [merchant_row("533423", i) for i in range(1, 4)]
    rows[2]["行业代码"] = "99999"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    path = tmp_path / "m.xlsx"
    workbook.save(path)
    job = _run(sessions, path)
    assert (job.encoding, job.inserted, job.rejected) == ("xlsx", 2, 1)
    assert _report(job, path)[0][:2] == ["4", "行业代码"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "文件为空"),
        (b"\x81\xff\xfe\x00" * 100, "编码"),
        ("名称,地址\n店,路\n".encode(), "缺少必填列"),
    ],
)
def test_unreadable_file_imports_nothing(
    sessions: sessionmaker[Session], tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    job = _run(sessions, path)
    assert job.status == "failed"
    assert job.message is not None and reason in job.message
    with sessions() as session:
        assert _count(session, Merchant) == 0


def test_unsupported_file_type(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "m.pdf"
    path.write_bytes(b"%PDF-1.4")
    job = _run(sessions, path)
    assert job.status == "failed" and "不支持" in (job.message or "")


def test_a_crash_midway_leaves_nothing_half_written(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_rows(tmp_path / "m.csv", [merchant_row("533401", i) for i in range(1, 10)])
    original = importing._write_batch
    calls = []

    def crash_on_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(importing, "_write_batch", crash_on_second)
    with pytest.raises(OSError, match="disk full"):
        _run(sessions, path)
    with sessions() as session:
        assert _count(session, Merchant) == 0
        job = session.scalars(select(ImportJob)).one()
        assert job.status == "failed" and "未写入任何数据" in (job.message or "")


def test_rows_outside_the_scope_are_rejected(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = [merchant_row("533422", 1), merchant_row("533401", 2)]
    job = _run(sessions, write_rows(tmp_path / "m.csv", rows), adcode="533422")
    assert (job.inserted, job.rejected) == (1, 1)
    assert "不在您的管辖范围" in _report(job, tmp_path / "m.csv")[0][2]


def test_existing_merchant_outside_scope_is_not_overwritten(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _run(sessions, write_rows(tmp_path / "a.csv", [merchant_row("533401", 1)]))
    moved = merchant_row("533401", 1, 区划代码="533422", 名称="冒名")
    job = _run(sessions, write_rows(tmp_path / "b.csv", [moved]), adcode="533422")
    assert (job.inserted, job.updated, job.rejected) == (0, 0, 1)
    with sessions() as session:
        assert session.scalar(select(Merchant.name)) == "测试商户1号店"


def test_merchants_are_assigned_to_places_by_location(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    with sessions() as session, session.begin():
        session.add_all(
            [
                Place(
                    code="T-1",
                    name="独克宗古城",
                    kind="business_district",
                    region_adcode="533401",
                    center_lat=27.8240,
                    center_lon=99.7050,
                    radius_m=600,
                ),
                Place(
                    code="T-2",
                    name="古城夜市",
                    kind="night_cluster",
                    region_adcode="533401",
                    center_lat=27.8240,
                    center_lon=99.7050,
                    radius_m=150,
                ),
            ]
        )
    rows = [
        merchant_row("533401", 1, 纬度="27.8241", 经度="99.7051"),  # inside both: the smaller wins
        merchant_row("533401", 2, 纬度="27.8280", 经度="99.7050"),  # ~440 m north: only the district
        merchant_row("533401", 3, 纬度="27.9000", 经度="99.7050"),  # far away
        merchant_row("533401", 4, 纬度="", 经度=""),
    ]
    _run(sessions, write_rows(tmp_path / "m.csv", rows))
    with sessions() as session:
        places = dict(session.execute(select(Place.id, Place.code)).all())
        assigned = {u: places.get(p) for u, p in session.execute(select(Merchant.uscc, Merchant.place_id))}
    assert [assigned[uscc("533401", i)] for i in range(1, 5)] == ["T-2", "T-1", None, None]


def test_submitters_may_import_but_inspectors_may_not(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = write_rows(tmp_path / "m.csv", [merchant_row("533401", 1)])
    with pytest.raises(Exception, match="roles"):
        jobs.start_import(sessions, actor=principal("533400", Role.inspector), path=path, filename="m.csv")
    assert jobs.start_import(sessions, actor=principal("533400", Role.submitter), path=path, filename="m.csv")


def test_new_places_reassign_located_merchants(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _run(sessions, write_rows(tmp_path / "m.csv", [merchant_row("533401", 1, 纬度="27.8241", 经度="99.7051")]))
    place = {
        "code": "T-9",
        "name": "新商圈",
        "kind": "business_district",
        "region_adcode": "533401",
        "center_lat": 27.8240,
        "center_lon": 99.7050,
        "radius_m": 300.0,
    }
    with sessions() as session, session.begin():
        assert merchants.upsert_places(session, actor=principal("533400"), places=[place]) == 1
    with sessions() as session:
        assert session.scalar(select(Place.code).join(Merchant, Merchant.place_id == Place.id)) == "T-9"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "assign_place")).one()
        assert entry.before == {"place_id": None}
