"""The merchant and place dimensions that feed ingestion joins against, as Arrow tables.

These are internal job inputs, not user reads: the ingest enriches every payment with its merchant's
region, industry and place whatever the region, so no region scope applies here. Callers that serve
users must not hand these tables out.
"""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.merchants.models import Merchant, Place

MERCHANT_DIMENSION = pa.schema(
    [
        pa.field("uscc", pa.string(), nullable=False),
        pa.field("region_adcode", pa.string(), nullable=False),
        pa.field("industry_code", pa.string(), nullable=False),
        pa.field("place_code", pa.string()),
    ]
)
PLACE_DIMENSION = pa.schema(
    [pa.field("place_code", pa.string(), nullable=False), pa.field("region_adcode", pa.string(), nullable=False)]
)


def merchant_dimension(session: Session) -> pa.Table:
    """Every registered merchant: USCC, county adcode, GB/T 4754 industry code and place code (or null)."""
    query = (
        select(Merchant.uscc, Merchant.region_adcode, Merchant.industry_code, Place.code)
        .outerjoin(Place, Place.id == Merchant.place_id)
        .order_by(Merchant.uscc)
    )
    rows = session.execute(query).all()
    return pa.Table.from_pylist(
        [dict(zip(MERCHANT_DIMENSION.names, row, strict=True)) for row in rows], MERCHANT_DIMENSION
    )


def place_dimension(session: Session) -> pa.Table:
    """Every place: its code and the county adcode it lies in."""
    rows = session.execute(select(Place.code, Place.region_adcode).order_by(Place.code)).all()
    return pa.Table.from_pylist([dict(zip(PLACE_DIMENSION.names, row, strict=True)) for row in rows], PLACE_DIMENSION)
