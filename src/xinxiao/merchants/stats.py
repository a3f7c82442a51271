"""Merchant statistics for a scope, computed by the analytics engine over the scoped rows."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.analytics import AnalyticsEngine
from xinxiao.core import Principal, Scope
from xinxiao.merchants import statistics
from xinxiao.merchants.models import Merchant, Place
from xinxiao.merchants.schemas import NewAboveQuotaRow, StatsRow
from xinxiao.reference import Region, industry

Dimension = Literal["region", "industry", "format", "place"]
Level = Literal["province", "prefecture", "county"]


def child_level(scope: Scope) -> Level:
    """The region level one step below the scope node (counties stay counties)."""
    return {0: "province", 2: "prefecture"}.get(len(scope.prefix), "county")  # type: ignore[return-value]


def scoped_table(session: Session, *, scope: Scope) -> pa.Table:
    """The statistics columns of every merchant inside ``scope`` as an Arrow table."""
    names = statistics.INPUT_SCHEMA.names
    query = select(*(getattr(Merchant, c) for c in names)).where(scope.clause(Merchant.region_adcode))
    rows = session.execute(query).all()
    columns: list[list[Any]] = [[row[i] for row in rows] for i in range(len(names))]
    return pa.table(
        {
            name: pa.array(list(values), type=statistics.INPUT_SCHEMA.field(name).type)
            for name, values in zip(names, columns, strict=True)
        },
        schema=statistics.INPUT_SCHEMA,
    )


def summary(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    dimension: Dimension,
    region: str | None = None,
    region_level: Level | None = None,
) -> list[StatsRow]:
    """Counts, 数字化率 and 限额以上 counts by region, industry, 业态 or place inside the actor's scope."""
    scope = actor.scope.narrow(region)
    level = region_level or child_level(scope)
    frame = engine.execute(
        lambda t: statistics.summary_by(t["merchants"], dimension, region_level=level),
        {"merchants": scoped_table(session, scope=scope)},
    )
    rows = [_clean(row) for row in _records(frame)]
    labels = _labels(session, dimension, {r["key"] for r in rows})
    return [StatsRow(**row, label=labels.get(row["key"], row["key"])) for row in rows]


def new_above_quota(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    region: str | None = None,
    region_level: Level | None = None,
) -> list[NewAboveQuotaRow]:
    """New 限额以上 units per region and year inside the actor's scope."""
    scope = actor.scope.narrow(region)
    level = region_level or child_level(scope)
    frame = engine.execute(
        lambda t: statistics.new_above_quota_by_year(t["merchants"], region_level=level),
        {"merchants": scoped_table(session, scope=scope)},
    )
    labels = _labels(session, "region", {_key(k) for k in frame["key"]})
    return [
        NewAboveQuotaRow(
            key=str(r["key"]),
            label=labels.get(str(r["key"]), str(r["key"])),
            year=int(r["year"]),
            new_above_quota=int(r["new_above_quota"]),
        )
        for r in _records(frame)
    ]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]


def _key(value: Any) -> str:
    """A group key as text: missing is empty, integral floats (place ids) lose their ``.0``."""
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "key"}
    out["key"] = _key(row["key"])
    for key in ("mobile_payment_rate", "online_store_rate", "digital_rate"):
        out[key] = float(out[key])
    return out


def _labels(session: Session, dimension: Dimension, keys: set[str]) -> dict[str, str]:
    if dimension == "region":
        query = select(Region.adcode, Region.name).where(Region.adcode.in_(keys))
        return dict(session.execute(query).all())
    if dimension == "place":
        ids = [int(k) for k in keys if k]
        names = session.execute(select(Place.id, Place.name).where(Place.id.in_(ids))).all()
        return {str(i): n for i, n in names} | {"": "不在商圈内"}
    if dimension == "industry":
        return {k: (info.name if (info := industry(k)) else k) for k in keys}
    return {"": "未填写"}
