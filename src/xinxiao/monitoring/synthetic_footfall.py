"""Synthetic foot traffic: visitors per place and hour by origin band and dwell bucket.

A place's hourly visitors follow its kind's day curve (night-economy clusters busiest 19:00–23:00), the
resident calendar and, in proportion to its tourist affinity, the tourist season and holidays. Only
non-zero cells are written: about 300 rows per place and day at scale 1 (fewer at small scales).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xinxiao.core import InvalidInput
from xinxiao.monitoring.schema import DWELL_BUCKETS, FOOTFALL_FEED, ORIGIN_BANDS
from xinxiao.monitoring.synthetic_arrow import Floats, day_rng, timestamps
from xinxiao.monitoring.synthetic_origin import county_intensity
from xinxiao.monitoring.synthetic_shape import (
    day_range,
    load_shape,
    profile_shape,
    resident_factors,
    tourist_factor,
)

PLACE_COLUMNS: Final = ("place_code", "region_adcode", "kind")
_SALT_PLACE, _SALT_DAY = 0x504C, 0x464F
_MICROS_PER_HOUR: Final = 3_600_000_000


@dataclass(frozen=True)
class FootfallModel:
    """Per place: hourly curve at scale, tourist share, dwell mixes; plus the band mixes."""

    codes: pa.Array
    curve: Floats  # (P, 24) expected visitors an ordinary day
    tourist: Floats  # (P,)
    dwell: Floats  # (P, 4) residents' dwell mix by place kind
    tourist_dwell: Floats  # (4,)
    bands: Floats  # (2, 6)


def _places(places: pa.Table) -> pa.Table:
    missing = [c for c in PLACE_COLUMNS if c not in places.column_names]
    if missing:
        raise InvalidInput(f"places table lacks column(s) {', '.join(missing)}", field="places")
    return places.take(pc.sort_indices(places, [("place_code", "ascending")]))


def footfall_model(*, places: pa.Table, seed: int, scale: float, profile: str) -> FootfallModel:
    """Compile the places and the profile's foot-traffic parameters."""
    if not scale > 0:
        raise InvalidInput(f"scale must be positive, got {scale}", field="scale")
    table, spec, shape = _places(places), load_shape()["footfall"], profile_shape(profile)
    kinds: dict[str, Any] = spec["kinds"]
    kind = [k if k in kinds else spec["default_kind"] for k in table.column("kind").to_pylist()]
    hours = np.array([kinds[k]["hours"] for k in kind], dtype=np.float64).reshape(-1, 24)
    peak = np.array([kinds[k]["peak"] for k in kind], dtype=np.float64)
    spread = np.exp(spec["sigma"] * np.random.default_rng([seed & 0xFFFFFFFF, _SALT_PLACE]).standard_normal(len(kind)))
    curve = hours / np.maximum(hours.max(axis=1, keepdims=True), 1e-9) * (peak * spread * scale)[:, None]
    regions = [str(r) for r in table.column("region_adcode").to_pylist()]
    affinity = np.array([kinds[k]["tourist"] for k in kind], dtype=np.float64)
    tourist = np.clip(shape["tourism"]["scale"] * affinity * county_intensity(regions, profile=profile), 0.0, 0.95)
    dwell = np.array([kinds[k]["dwell"] for k in kind], dtype=np.float64).reshape(-1, 4)
    bands = np.array([shape["bands"]["resident"], shape["bands"]["tourist"]], dtype=np.float64)
    tourist_dwell = np.asarray(spec["tourist_dwell"], dtype=np.float64)
    return FootfallModel(
        codes=table.column("place_code").combine_chunks(),
        curve=curve * shape["footfall_scale"],
        tourist=tourist,
        dwell=dwell / dwell.sum(axis=1, keepdims=True),
        tourist_dwell=tourist_dwell / tourist_dwell.sum(),
        bands=bands / bands.sum(axis=1, keepdims=True),
    )


def busiest_places(places: pa.Table, *, seed: int, profile: str, limit: int | None) -> pa.Table:
    """The ``limit`` places with the most expected visitors on an ordinary day (all of them when None)."""
    if limit is None or places.num_rows <= limit:
        return places
    model = footfall_model(places=places, seed=seed, scale=1.0, profile=profile)
    ranked = np.argsort(-model.curve.sum(axis=1), kind="stable")[:limit]
    keep = pa.array(np.sort(ranked))
    return _places(places).take(keep)


def footfall_batches(
    *, places: pa.Table, start: date, end: date, seed: int, scale: float = 1.0, profile: str
) -> Iterator[pa.RecordBatch]:
    """Stream synthetic foot traffic (``FOOTFALL_FEED``), one record batch per day with visitors."""
    model = footfall_model(places=places, seed=seed, scale=scale, profile=profile)
    if len(model.codes) == 0:
        return
    days = day_range(start, end)
    resident = resident_factors(days, profile, ["default"])[:, 0]
    tourist = tourist_factor(days, profile)
    for index, day in enumerate(days.astype(np.int64).tolist()):
        table = _day_footfall(model, seed, day, float(resident[index]), float(tourist[index]))
        if table.num_rows:
            yield from table.combine_chunks().to_batches()


def footfall_table(
    *, places: pa.Table, start: date, end: date, seed: int, scale: float = 1.0, profile: str
) -> pa.Table:
    """All synthetic foot traffic from ``start`` to ``end`` inclusive as one table (``FOOTFALL_FEED``)."""
    batches = footfall_batches(places=places, start=start, end=end, seed=seed, scale=scale, profile=profile)
    return pa.Table.from_batches(list(batches), schema=FOOTFALL_FEED)


def _day_footfall(model: FootfallModel, seed: int, day: int, resident: float, tourist: float) -> pa.Table:
    rng = day_rng(seed, _SALT_DAY, day)
    level = (1.0 - model.tourist) * resident + model.tourist * tourist
    visitor_share = (model.tourist * tourist / level)[:, None]
    bands = (1.0 - visitor_share) * model.bands[0] + visitor_share * model.bands[1]
    dwell = (1.0 - visitor_share) * model.dwell + visitor_share * model.tourist_dwell
    expected = (model.curve * level[:, None])[:, :, None, None] * bands[:, None, :, None] * dwell[:, None, None, :]
    visitors = rng.poisson(expected)
    place, hour, band, bucket = np.nonzero(visitors)
    columns = {
        "place_code": model.codes.take(pa.array(place)),
        "hour": timestamps(np.full(len(place), day), hour.astype(np.int64) * _MICROS_PER_HOUR),
        "origin_band": pa.array(ORIGIN_BANDS, pa.string()).take(pa.array(band)),
        "dwell_bucket": pa.array(DWELL_BUCKETS, pa.string()).take(pa.array(bucket)),
        "visitors": pa.array(visitors[place, hour, band, bucket].astype(np.int64)),
    }
    return pa.Table.from_pydict(columns, schema=FOOTFALL_FEED)
