"""Bulk import of merchants: validate every row, upsert the valid ones by USCC, report the rest."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from xinxiao.core import InvalidInput, Principal, record_many, utcnow
from xinxiao.merchants.columns import COLUMNS, match_header, parse_row
from xinxiao.merchants.models import Merchant, Place
from xinxiao.merchants.places import PlaceIndex
from xinxiao.merchants.reading import FileUnreadable, open_table
from xinxiao.reference import Region, is_valid_industry

FIELDS = tuple(c.key for c in COLUMNS if c.key != "place_code")
REPORT_HEADER = ("行号 line", "列 column", "原因 reason", "统一社会信用代码 uscc")


@dataclass
class ImportResult:
    """Counts of one import and the rejected rows as (line, column, reason, uscc)."""

    encoding: str = ""
    rows_total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """Number of distinct rejected lines."""
        return len({e[0] for e in self.errors})


@dataclass
class _Context:
    actor: Principal
    counties: set[str]
    places_by_code: dict[str, int]
    place_index: PlaceIndex
    synthetic: bool
    seen: dict[str, int] = field(default_factory=dict)


def import_rows(
    session: Session,
    *,
    actor: Principal,
    path: Path,
    filename: str,
    batch_size: int = 5000,
    synthetic: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a CSV/XLSX file in the caller's transaction; raises ``FileUnreadable`` if nothing can be read."""
    table = open_table(path, filename)
    mapping, missing = match_header(table.header)
    if missing:
        raise FileUnreadable(f"{filename}: 缺少必填列 {', '.join(missing)}; 未导入任何数据", file=filename)
    context = _load_context(session, actor=actor, synthetic=synthetic)
    result = ImportResult(encoding=table.encoding)
    for batch in _batches(table.rows, batch_size):
        records = []
        for line, values in batch:
            record, errors = parse_row(values, mapping)
            errors.extend(_check(record, line, context))
            uscc = str(record.get("uscc") or (values[0] if values else ""))
            result.errors.extend((line, column, reason, uscc) for column, reason in errors)
            if not errors:
                records.append((line, _finish(record, context)))
        _write_batch(session, records, context, result)
        result.rows_total += len(batch)
        if progress:
            progress(result.rows_total)
    return result


def _batches(rows: Iterator[tuple[int, list[str]]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    while batch := list(islice(rows, size)):
        yield batch


def _load_context(session: Session, *, actor: Principal, synthetic: bool) -> _Context:
    counties = set(session.scalars(select(Region.adcode).where(Region.level == "county")))
    places = list(session.scalars(select(Place).where(actor.scope.clause(Place.region_adcode))))
    return _Context(
        actor=actor,
        counties=counties,
        places_by_code={p.code: p.id for p in places},
        place_index=PlaceIndex(places),
        synthetic=synthetic,
    )


def _check(record: dict[str, Any], line: int, context: _Context) -> list[tuple[str, str]]:
    errors = []
    region = record.get("region_adcode")
    if region and region not in context.counties:
        errors.append(("区划代码", f"{region} 不是县级行政区划代码 (GB/T 2260)"))
    elif region and not context.actor.scope.covers(region):
        errors.append(("区划代码", f"{region} 不在您的管辖范围 {context.actor.scope.adcode} 内"))
    industry = record.get("industry_code")
    if industry and not is_valid_industry(industry):
        errors.append(("行业代码", f"{industry} 不是 GB/T 4754-2017 的行业代码"))
    code = record.get("place_code")
    if code and code not in context.places_by_code:
        errors.append(("商圈编码", f"{code} 不存在或不在您的管辖范围内"))
    uscc = record.get("uscc")
    if uscc and not errors:
        first = context.seen.setdefault(uscc, line)
        if first != line:
            errors.append(("统一社会信用代码", f"与第{first}行重复"))
    return errors


def _finish(record: dict[str, Any], context: _Context) -> dict[str, Any]:
    code = record.pop("place_code", None)
    row = {key: record.get(key) for key in FIELDS}
    for flag in ("above_quota", "mobile_payment", "online_store", "smart_facilities"):
        row[flag] = bool(row[flag])
    row["status"] = row["status"] or "active"
    row["place_id"] = (
        context.places_by_code[code]
        if code
        else context.place_index.locate(str(row["region_adcode"]), row["lat"], row["lon"])
    )
    row["synthetic"] = context.synthetic
    row["content_hash"] = content_hash(row)
    return row


def content_hash(row: dict[str, Any]) -> str:
    """A digest of the imported fields, to tell an unchanged re-delivery from an update."""
    payload = json.dumps([row.get(k) for k in (*FIELDS, "place_id", "synthetic")], default=str, ensure_ascii=False)
    return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()


def _write_batch(
    session: Session, records: list[tuple[int, dict[str, Any]]], context: _Context, result: ImportResult
) -> None:
    if not records:
        return
    by_uscc = {row["uscc"]: (line, row) for line, row in records}
    existing = {m.uscc: m for m in session.scalars(select(Merchant).where(Merchant.uscc.in_(list(by_uscc))))}
    now = utcnow()
    inserts, updates, audits = [], [], []
    for uscc, (line, row) in by_uscc.items():
        old = existing.get(uscc)
        if old is None:
            inserts.append({**row, "coord_system": "GCJ-02", "created_at": now, "updated_at": now})
            audits.append(_audit("import_create", row, None))
        elif not context.actor.scope.covers(old.region_adcode):
            result.errors.append((line, "统一社会信用代码", "该主体已登记在您的管辖范围以外, 请联系上级部门", uscc))
        elif old.content_hash == row["content_hash"]:
            result.unchanged += 1
        else:
            before = {k: getattr(old, k) for k in (*FIELDS, "place_id")}
            updates.append({**row, "id": old.id, "updated_at": now})
            audits.append(_audit("import_update", row, before))
    if inserts:  # Core executemany: one statement for the batch (the ORM path splits it per row shape)
        session.connection().execute(insert(cast(Table, Merchant.__table__)), inserts)
    if updates:
        session.execute(update(Merchant), updates)
    record_many(session, actor=context.actor, rows=audits)
    result.inserted += len(inserts)
    result.updated += len(updates)


_AUDITED = (*FIELDS, "place_id")
_audited_values = itemgetter(*_AUDITED)


def _audit(action: str, row: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    after = dict(zip(_AUDITED, _audited_values(row), strict=True))
    return {
        "action": action,
        "entity": "merchants_merchant",
        "entity_id": row["uscc"],
        "region_adcode": row["region_adcode"],
        "before": before,
        "after": after,
    }


def write_error_report(path: Path, errors: list[tuple[int, str, str, str]]) -> None:
    """Write the rejected rows as a UTF-8 (with BOM, for Excel) CSV, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_HEADER)
        writer.writerows(sorted(errors))
    os.replace(partial, path)


__all__ = ["FileUnreadable", "ImportResult", "InvalidInput", "import_rows", "write_error_report"]
