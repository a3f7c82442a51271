"""Synthetic platform orders (网络零售 by seller region, category and platform), one day at a time.

Orders grow about 10 % a year and follow the online calendar: 网上年货节 before 春节, the logistics pause
around it, 618 and 双11 with their pre-sales. Sellers sit in the merchants' counties, weighted towards
counties with more 互联网零售 (5292) merchants. About 100 (迪庆) or 800 (湖北) orders a day at scale 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import pyarrow as pa

from xinxiao.core import InvalidInput
from xinxiao.monitoring.schema import ORDERS_FEED
from xinxiao.monitoring.synthetic_arrow import (
    Floats,
    Ints,
    categorical,
    day_rng,
    lognormal_fen,
    row_ids,
    timestamps,
    with_nulls,
    yuan,
)
from xinxiao.monitoring.synthetic_shape import day_range, growth_factor, load_shape, online_factor, profile_shape

_SALT_DAY, _SALT_ORDER = 0x4F52, 0x4F524452
_MICROS_PER_HOUR: Final = 3_600_000_000
_ONLINE_SELLER_WEIGHT: Final = 5.0  # a 互联网零售 merchant counts this many times when placing sellers


@dataclass(frozen=True)
class OrderModel:
    """Categories, platforms, seller counties and volumes of one profile."""

    seed: int
    base: float
    growth: float
    categories: pa.Array
    category_p: Floats
    median: Floats
    sigma: Floats
    platforms: pa.Array
    platform_p: Floats  # (categories, platforms)
    services: int  # index of the "services" category (not physical), -1 if none
    regions: pa.Array
    region_cumulative: Floats
    hours: Floats  # (1, 24)


def _sellers(merchants: pa.Table) -> tuple[pa.Array, Floats]:
    for column in ("region_adcode", "industry_code"):
        if column not in merchants.column_names:
            raise InvalidInput(f"merchants table lacks column {column}", field="merchants")
    if merchants.num_rows == 0:
        raise InvalidInput("merchants table is empty", field="merchants")
    regions = merchants.column("region_adcode").to_numpy(zero_copy_only=False).astype(str)
    online = merchants.column("industry_code").to_numpy(zero_copy_only=False).astype(str) == "5292"
    codes, index = np.unique(regions, return_inverse=True)
    weight = np.bincount(index, 1.0 + (_ONLINE_SELLER_WEIGHT - 1.0) * online, len(codes))
    cumulative = np.cumsum(weight / weight.sum())
    cumulative[-1] = 1.0
    return pa.array([str(c) for c in codes], pa.string()), cumulative


def order_model(*, merchants: pa.Table, seed: int, scale: float, profile: str) -> OrderModel:
    """Compile the profile's order parameters and the seller counties of ``merchants``."""
    if not scale > 0:
        raise InvalidInput(f"scale must be positive, got {scale}", field="scale")
    shape = profile_shape(profile)
    spec: dict[str, Any] = shape["orders"]["categories"]
    names = list(spec)
    platforms = sorted({p for c in spec.values() for p in c["platforms"]})
    table = np.array([[spec[c]["platforms"].get(p, 0.0) for p in platforms] for c in names], dtype=np.float64)
    share = np.array([spec[c]["share"] for c in names], dtype=np.float64)
    amount = np.array([spec[c]["amount"] for c in names], dtype=np.float64)
    hours = np.array([load_shape()["orders"]["hours"]], dtype=np.float64)
    regions, cumulative = _sellers(merchants)
    return OrderModel(seed, float(shape["orders_per_day"]) * scale, float(shape["growth"]["orders"]),
                      pa.array(names, pa.string()), share / share.sum(), amount[:, 0], amount[:, 1],
                      pa.array(platforms, pa.string()), table / table.sum(axis=1, keepdims=True),
                      names.index("services") if "services" in names else -1, regions, cumulative,
                      hours / hours.sum())  # fmt: skip


def orders_batches(
    *, merchants: pa.Table, start: date, end: date, seed: int, scale: float = 1.0, profile: str,
    batch_rows: int = 1_000_000,
) -> Iterator[pa.RecordBatch]:  # fmt: skip
    """Stream synthetic platform orders (``ORDERS_FEED``) day by day in batches of at most ``batch_rows``."""
    model = order_model(merchants=merchants, seed=seed, scale=scale, profile=profile)
    days = day_range(start, end)
    expected = model.base * growth_factor(days, model.growth) * online_factor(days)
    for day, mean in zip(days.astype(np.int64).tolist(), expected.tolist(), strict=True):
        table = _day_orders(model, day, mean)
        for offset in range(0, table.num_rows, batch_rows):
            yield from table.slice(offset, batch_rows).combine_chunks().to_batches()


def orders_table(
    *, merchants: pa.Table, start: date, end: date, seed: int, scale: float = 1.0, profile: str
) -> pa.Table:
    """All synthetic platform orders from ``start`` to ``end`` inclusive as one table (``ORDERS_FEED``)."""
    batches = orders_batches(merchants=merchants, start=start, end=end, seed=seed, scale=scale, profile=profile)
    return pa.Table.from_batches(list(batches), schema=ORDERS_FEED)


def _day_orders(model: OrderModel, day: int, mean: float) -> pa.Table:
    rng = day_rng(model.seed, _SALT_DAY, day)
    n = int(rng.poisson(mean))
    zeros: Ints = np.zeros(n, dtype=np.int64)
    micros = np.sort(categorical(model.hours, zeros, rng) * _MICROS_PER_HOUR + rng.integers(0, _MICROS_PER_HOUR, n))
    category = categorical(model.category_p[None, :], zeros, rng)
    seller = np.minimum(np.searchsorted(model.region_cumulative, rng.random(n), side="right"), len(model.regions) - 1)
    physical = pa.array(category != model.services)
    columns = {
        "order_id": row_ids(day, n, model.seed, _SALT_ORDER),
        "order_time": timestamps(np.full(n, day), micros),
        "amount": yuan(lognormal_fen(rng, model.median[category], model.sigma[category])),
        "seller_region": model.regions.take(pa.array(seller)),
        "category": model.categories.take(pa.array(category)),
        "platform": model.platforms.take(pa.array(categorical(model.platform_p, category, rng))),
        "physical": with_nulls(physical, rng.random(n) < load_shape()["orders"]["physical_null_share"]),
    }
    return pa.Table.from_pydict(columns, schema=ORDERS_FEED)
