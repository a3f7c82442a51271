"""Writing official figures: all-or-nothing, idempotent, audited.

A figure's identity is (indicator, region, period start, end, kind, vintage, source). Storing one that is
already there with the same value and growth does nothing; the same identity with a different value is a
``Conflict`` naming the line; a later vintage of the same period is a revision, a new row. Every error in
a batch is collected before anything is written, so a bad file writes nothing. Each inserted row gets one
audit entry (entity ``monitoring_series``, with the row's values), written in the same transaction.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import Conflict, InvalidInput, Principal, record_many, snapshot
from xinxiao.monitoring.models import Series
from xinxiao.monitoring.official_layouts import RowError, SeriesRecord

ENTITY = "monitoring_series"
_MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class Stored:
    """What a batch did: the rows inserted and how many figures were already stored."""

    inserted: list[Series]
    unchanged: int


def invalid(file: str, errors: Sequence[RowError]) -> InvalidInput:
    """The error raised for a file with problems: all of them, each naming line, field and reason."""
    listed = "; ".join(str(e) for e in errors[:_MAX_LISTED])
    more = f" (另有 {len(errors) - _MAX_LISTED} 处)" if len(errors) > _MAX_LISTED else ""
    detail = f"{file}: {len(errors)} 处错误, 未导入任何数据 (nothing imported): {listed}{more}"
    return InvalidInput(detail, file=file, errors=[e.as_dict() for e in errors])


def store_records(
    session: Session,
    *,
    actor: Principal,
    records: Sequence[SeriesRecord],
    file: str,
    batch: str,
    synthetic: bool = False,
) -> Stored:
    """Insert the figures not stored yet; raise ``InvalidInput`` or ``Conflict`` (writing nothing) on any problem."""
    unique, errors = _distinct(records, file)
    errors += [
        RowError(file, r.line, "region", f"地区 {r.region_adcode} 不在您的管辖范围内 (outside your region scope)")
        for r in unique
        if not actor.scope.covers(r.region_adcode)
    ]
    if errors:
        raise invalid(file, errors)
    new, unchanged = _compare(session, unique, file)
    rows = [_row(r, batch, synthetic) for r in new]
    session.add_all(rows)
    session.flush()
    _audit(session, actor, rows, file)
    return Stored(rows, unchanged)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def _same_figure(a: SeriesRecord | Series, b: SeriesRecord) -> bool:
    return (
        _same(a.value, b.value)
        and _same(a.yoy_pct, b.yoy_pct)
        and _same(a.yoy_real_pct, b.yoy_real_pct)
        and a.unit == b.unit
    )


def _distinct(records: Iterable[SeriesRecord], file: str) -> tuple[list[SeriesRecord], list[RowError]]:
    """The records once each; a figure given twice with different values is an error naming both lines."""
    seen: dict[tuple[object, ...], SeriesRecord] = {}
    errors: list[RowError] = []
    for record in records:
        first = seen.setdefault(record.key, record)
        if first is not record and not _same_figure(first, record):
            reason = (
                f"与第{first.line}行同一期间、同一发布日期却数值不同 (same figure as line {first.line}, other value)"
            )
            errors.append(RowError(file, record.line, "value", reason))
    return list(seen.values()), errors


def _compare(session: Session, records: list[SeriesRecord], file: str) -> tuple[list[SeriesRecord], int]:
    """Split into new records and already-stored ones; a stored key with another value is a ``Conflict``."""
    stored = _existing(session, records)
    new: list[SeriesRecord] = []
    conflicts: list[RowError] = []
    for record in records:
        row = stored.get(record.key)
        if row is None:
            new.append(record)
        elif not _same_figure(row, record):
            reason = f"已存储同一发布日期的不同数值 {row.value} (stored {row.value}, yoy {row.yoy_pct}; id {row.id})"
            conflicts.append(RowError(file, record.line, "value", reason))
    if conflicts:
        listed = "; ".join(str(c) for c in conflicts[:_MAX_LISTED])
        raise Conflict(
            f"{file}: {len(conflicts)} 处与已存储数据冲突, 未导入任何数据: {listed}",
            file=file,
            errors=[c.as_dict() for c in conflicts],
        )
    return new, len(records) - len(new)


def _existing(session: Session, records: list[SeriesRecord]) -> dict[tuple[object, ...], Series]:
    if not records:
        return {}
    query = select(Series).where(
        Series.indicator_id.in_({r.indicator_id for r in records}),
        Series.region_adcode.in_({r.region_adcode for r in records}),
        Series.source_id.in_({r.source_id for r in records}),
        Series.vintage.in_({r.vintage for r in records}),
    )
    return {_key(row): row for row in session.scalars(query)}


def _key(row: Series) -> tuple[object, ...]:
    return (
        row.indicator_id,
        row.region_adcode,
        row.period_start,
        row.period_end,
        row.period_kind,
        row.vintage,
        row.source_id,
    )


def _row(record: SeriesRecord, batch: str, synthetic: bool) -> Series:
    return Series(
        indicator_id=record.indicator_id,
        region_adcode=record.region_adcode,
        period_start=record.period_start,
        period_end=record.period_end,
        period_kind=record.period_kind,
        value=record.value,
        unit=record.unit,
        yoy_pct=record.yoy_pct,
        yoy_real_pct=record.yoy_real_pct,
        derived=record.derivation is not None,
        derivation=record.derivation,
        source_id=record.source_id,
        source_note=record.note,
        vintage=record.vintage,
        batch=batch,
        synthetic=synthetic,
    )


def _audit(session: Session, actor: Principal, rows: list[Series], file: str) -> None:
    action = "derive" if rows and rows[0].derived else "import"
    record_many(
        session,
        actor=actor,
        rows=[
            {
                "action": action,
                "entity": ENTITY,
                "entity_id": row.id,
                "region_adcode": row.region_adcode,
                "after": snapshot(row, exclude=("created_at",)) | {"file": file},
            }
            for row in rows
        ],
    )
