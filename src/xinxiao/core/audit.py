"""The append-only audit log: who wrote what, when, with the row before and after."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import JSON, BigInteger, Integer, String, Table, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinxiao.core.clock import now as utcnow
from xinxiao.core.principal import Principal
from xinxiao.core.scope import Scope
from xinxiao.db import Base, UTCDateTime


class AuditEntry(Base):
    """One write. Rows are never updated or deleted (database triggers refuse it)."""

    __tablename__ = "core_audit"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(60))
    region_adcode: Mapped[str | None] = mapped_column(String(6), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    if hasattr(value, "value"):
        return _jsonable(value.value)
    return str(value)


def snapshot(obj: Any, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The column values of a mapped object as a JSON-safe dict."""
    skip = set(exclude)
    table = obj.__table__
    return {c.key: _jsonable(getattr(obj, c.key)) for c in table.columns if c.key not in skip}


def record_write(
    session: Session,
    *,
    actor: Principal,
    action: str,
    entity: str,
    entity_id: object | None = None,
    region_adcode: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit entry in the caller's transaction."""
    session.add(
        AuditEntry(
            actor_id=actor.user_id,
            actor_name=actor.username,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            region_adcode=region_adcode,
            before=_clean(before),
            after=_clean(after),
        )
    )


def record_many(session: Session, *, actor: Principal, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append many entries at once (bulk imports); each row has the keyword fields of ``record_write``."""
    if not rows:
        return
    now = utcnow()
    values = [
        {
            "at": now,
            "actor_id": actor.user_id,
            "actor_name": actor.username,
            "action": r["action"],
            "entity": r["entity"],
            "entity_id": None if r.get("entity_id") is None else str(r["entity_id"]),
            "region_adcode": r.get("region_adcode"),
            "before": _clean(r.get("before")),
            "after": _clean(r.get("after")),
        }
        for r in rows
    ]
    session.connection().execute(insert(cast(Table, AuditEntry.__table__)), values)


def _clean(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: v if type(v) in _PLAIN else _jsonable(v) for k, v in data.items()}


def list_audit(session: Session, *, scope: Scope, entity: str | None = None, limit: int = 100) -> list[AuditEntry]:
    """Latest audit entries inside ``scope`` (entries without a region are national)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if scope.prefix:
        query = query.where(scope.clause(AuditEntry.region_adcode))
    if entity:
        query = query.where(AuditEntry.entity == entity)
    return list(session.scalars(query))


def count_audit(session: Session) -> int:
    """Number of audit entries."""
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
