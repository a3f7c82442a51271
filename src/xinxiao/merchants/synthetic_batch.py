"""One chunk of synthetic merchants, drawn column-wise with numpy and assembled into row dicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import shapely

from xinxiao.merchants.synthetic_places import METRES_PER_DEGREE
from xinxiao.merchants.synthetic_profile import STATUSES
from xinxiao.merchants.synthetic_tables import (
    F64,
    I64,
    Flags,
    ProfileTables,
    RegionTables,
    choose,
    cumulative,
)
from xinxiao.merchants.synthetic_text import house_numbers, trade_names
from xinxiao.merchants.synthetic_uscc import counter_bodies, uscc_codes

CHUNK = 4096
MERCHANT_CSV_COLUMNS: tuple[str, ...] = (
    "uscc",
    "name",
    "industry_code",
    "business_format",
    "region_adcode",
    "address",
    "lat",
    "lon",
    "brand",
    "above_quota",
    "above_quota_year",
    "mobile_payment",
    "online_store",
    "smart_facilities",
    "opening_hours",
    "status",
    "opened_on",
    "closed_on",
    "place_code",
)
_CLOSED = STATUSES.index("closed")
_POLYGON_ROUNDS = 64


@dataclass(frozen=True)
class Where:
    """Where each row is: inside a place or not, which place, which county."""

    in_place: Flags
    place: I64
    county: I64


@dataclass(frozen=True)
class Kind:
    """What each row is: chain brand (-1 for none), industry index, 个体 or not."""

    brand: I64
    industry: I64
    individual: Flags


@dataclass(frozen=True)
class Life:
    """Status, dates (ordinals) and the 限额以上 flag and year."""

    status: I64
    opened: I64
    closed: I64
    above: Flags
    year: list[int | None]


def chunk_rows(tables: ProfileTables, seed: int, chunk: int) -> list[dict[str, Any]]:
    """The ``chunk``-th block of CHUNK rows; a pure function of (profile, places, seed, chunk)."""
    rng = np.random.default_rng([seed, 2, chunk])
    row_ids = np.arange(chunk * CHUNK, (chunk + 1) * CHUNK, dtype=np.int64)
    region_of = choose(tables.region_cum, rng.random(CHUNK))
    rows: list[dict[str, Any]] = [{}] * CHUNK
    for index, region in enumerate(tables.regions):
        positions = np.flatnonzero(region_of == index)
        for position, row in zip(positions.tolist(), region_rows(tables, region, rng, row_ids[positions]), strict=True):
            rows[position] = row
    return rows


def region_rows(tables: ProfileTables, r: RegionTables, rng: np.random.Generator, row_ids: I64) -> list[dict[str, Any]]:
    """Rows for one region; ``row_ids`` feed the USCC counter so codes never repeat within a run."""
    where = _where(r, rng, row_ids.size)
    kind = _kind(tables, r, rng, where)
    life = _life(tables, r, rng, kind)
    lat, lon = _coordinates(r, rng, where)
    streets, addresses = _addresses(tables, r, rng, where)
    columns = (
        _usccs(tables, r, row_ids, where, kind),
        _names(r, rng, where, kind, streets),
        [tables.industry_codes[i] for i in kind.industry.tolist()],
        _formats(tables, r, rng, kind),
        [r.county_adcodes[c] for c in where.county.tolist()],
        addresses,
        lat,
        lon,
        [r.region.brands[b].name if b >= 0 else None for b in kind.brand.tolist()],
        life.above.tolist(),
        life.year,
        *_flags(r, rng, where),
        _hours(tables, r, rng, where, kind),
        [STATUSES[s] for s in life.status.tolist()],
        [date.fromordinal(o) for o in life.opened.tolist()],
        [date.fromordinal(c) if c else None for c in life.closed.tolist()],
        [
            r.places[p].row["code"] if inside else None
            for inside, p in zip(where.in_place.tolist(), where.place.tolist(), strict=True)
        ],
    )
    return _assemble(columns)


def _assemble(columns: tuple[list[Any], ...]) -> list[dict[str, Any]]:
    """Row dicts in MERCHANT_CSV_COLUMNS order (a dict display is several times faster than dict(zip))."""
    return [
        {
            "uscc": uscc,
            "name": name,
            "industry_code": industry,
            "business_format": business_format,
            "region_adcode": region,
            "address": address,
            "lat": lat,
            "lon": lon,
            "brand": brand,
            "above_quota": above,
            "above_quota_year": year,
            "mobile_payment": mobile,
            "online_store": online,
            "smart_facilities": smart,
            "opening_hours": hours,
            "status": status,
            "opened_on": opened,
            "closed_on": closed,
            "place_code": place,
        }
        for (
            uscc,
            name,
            industry,
            business_format,
            region,
            address,
            lat,
            lon,
            brand,
            above,
            year,
            mobile,
            online,
            smart,
            hours,
            status,
            opened,
            closed,
            place,
        ) in zip(*columns, strict=True)
    ]


def _where(r: RegionTables, rng: np.random.Generator, m: int) -> Where:
    u = rng.random((3, m))
    in_place = (u[0] < r.region.shares.in_place) & bool(r.places)
    place = choose(r.place_cum, u[1])
    county = np.where(in_place, r.place_county[place], choose(r.county_cum, u[2]))
    return Where(in_place, place, county)


def _kind(tables: ProfileTables, r: RegionTables, rng: np.random.Generator, where: Where) -> Kind:
    shares, m = r.region.shares, where.county.size
    u = rng.random((4, m))
    urban = r.county_urban[where.county]
    available = np.where(urban, bool(r.region.brands), bool(r.brand_rural_index[0] >= 0))
    is_brand = (u[0] < shares.brand * np.where(urban, 1.0, shares.brand_rural_factor)) & available
    chosen = np.where(urban, choose(r.brand_cum_all, u[1]), r.brand_rural_index[choose(r.brand_cum_rural, u[1])])
    brand = np.where(is_brand, chosen, -1)
    mix = np.where(where.in_place, r.place_mix[where.place], r.default_mix)
    drawn = np.asarray(r.mixes.labels, dtype=np.int64)[r.mixes.draw(mix, u[2])]
    industry = np.where(is_brand, r.brand_industry[np.maximum(brand, 0)], drawn)
    individual = (u[3] < tables.individual[industry]) & ~is_brand
    return Kind(brand, industry, individual)


def _life(tables: ProfileTables, r: RegionTables, rng: np.random.Generator, kind: Kind) -> Life:
    region, m, days = r.region, kind.industry.size, 365.25
    u, ages = rng.random((4, m)), rng.exponential(1.0, m)
    status = choose(cumulative([region.shares.status.get(s, 0.0) for s in STATUSES]), u[0])
    scale = region.shares.above_quota_scale
    line = tables.above_quota[kind.industry]  # zero where the industry has no 限额 (services)
    chance = np.where(kind.individual, region.shares.above_quota_individual * (line > 0), line * scale)
    above = (u[2] < chance) & (status != _CLOSED)
    # 限额以上: draw the year the line was reached, then an opening date some years before it.
    year_index = choose(r.quota_cum, u[3])
    lead = np.minimum(ages * region.opened.above_quota_lead_years * days, region.opened.max_age_years * days)
    age = np.minimum(ages * region.opened.mean_age_years * days, region.opened.max_age_years * days)
    opened = np.where(
        above, r.quota_end[year_index] - lead.astype(np.int64), tables.as_of_ordinal - age.astype(np.int64)
    )
    closed = np.where(status == _CLOSED, opened + (u[1] * (tables.as_of_ordinal - opened)).astype(np.int64), 0)
    years = [r.quota_years[i] if a else None for a, i in zip(above.tolist(), year_index.tolist(), strict=True)]
    return Life(status, opened, closed, above, years)


def _flags(r: RegionTables, rng: np.random.Generator, where: Where) -> tuple[list[bool], list[bool], list[bool]]:
    shares = r.region.shares
    u = rng.random((3, where.county.size))
    online = np.where(r.county_urban[where.county], shares.online_store_urban, shares.online_store_other)
    return (
        (u[0] < shares.mobile_payment).tolist(),
        (u[1] < online).tolist(),
        (u[2] < shares.smart_facilities).tolist(),
    )


def _coordinates(r: RegionTables, rng: np.random.Generator, where: Where) -> tuple[list[float], list[float]]:
    m, scatter = where.county.size, r.region.scatter
    u, spread = rng.random((4, m)), rng.exponential(1.0, m)
    scale = np.where(u[0] < scatter.outskirts_share, scatter.outskirts_km, scatter.seat_km) * 1000.0
    distance = np.where(where.in_place, r.place_radius[where.place] * np.sqrt(u[2]), spread * scale)
    bearing = 2 * np.pi * np.where(where.in_place, u[3], u[1])
    base_lat = np.where(where.in_place, r.place_lat[where.place], r.county_lat[where.county])
    base_lon = np.where(where.in_place, r.place_lon[where.place], r.county_lon[where.county])
    lat = base_lat + distance * np.cos(bearing) / METRES_PER_DEGREE
    lon = base_lon + distance * np.sin(bearing) / (METRES_PER_DEGREE * np.cos(np.radians(base_lat)))
    _inside_polygons(r, rng, where, lat, lon)
    _pull_inside_bounds(r.county_bounds[where.county], base_lat, base_lon, lat, lon)
    return np.round(lat, 6).tolist(), np.round(lon, 6).tolist()


def _inside_polygons(r: RegionTables, rng: np.random.Generator, where: Where, lat: F64, lon: F64) -> None:
    """Redraw rows of polygon places uniformly inside the polygon (rejection sampling on its box)."""
    for index, polygon in enumerate(r.place_polygons):
        if polygon is None:
            continue
        pending = np.flatnonzero(where.in_place & (where.place == index))
        min_x, min_y, max_x, max_y = polygon.bounds
        for _ in range(_POLYGON_ROUNDS):
            if not pending.size:
                break
            x, y = rng.uniform(min_x, max_x, pending.size), rng.uniform(min_y, max_y, pending.size)
            inside = shapely.contains_xy(polygon, x, y)
            lon[pending[inside]], lat[pending[inside]] = x[inside], y[inside]
            pending = pending[~inside]


def _pull_inside_bounds(bounds: F64, base_lat: F64, base_lon: F64, lat: F64, lon: F64) -> None:
    """Shrink stray points towards their base (seat or place centre), then onto it."""
    for factor in (0.1, 0.0):
        out = (lon < bounds[:, 0]) | (lat < bounds[:, 1]) | (lon > bounds[:, 2]) | (lat > bounds[:, 3])
        lat[out] = base_lat[out] + (lat[out] - base_lat[out]) * factor
        lon[out] = base_lon[out] + (lon[out] - base_lon[out]) * factor


def _hours(tables: ProfileTables, r: RegionTables, rng: np.random.Generator, where: Where, kind: Kind) -> list[str]:
    night = where.in_place & r.place_night[where.place]
    normal, late = tables.industry_hours[kind.industry], tables.industry_night_hours[kind.industry]
    keys = np.where(night & (late >= 0), late, normal)
    brand_hours = np.where(kind.brand >= 0, r.brand_hours[np.maximum(kind.brand, 0)], -1)
    keys = np.where(brand_hours >= 0, brand_hours, keys)
    labels = tables.hour_sets.labels
    return [labels[i] for i in tables.hour_sets.draw(keys, rng.random(keys.size)).tolist()]


def _formats(tables: ProfileTables, r: RegionTables, rng: np.random.Generator, kind: Kind) -> list[str]:
    labels, brands = tables.formats.labels, r.region.brands
    drawn = tables.formats.draw(kind.industry, rng.random(kind.industry.size)).tolist()
    return [brands[b].format if b >= 0 else labels[i] for b, i in zip(kind.brand.tolist(), drawn, strict=True)]


def _addresses(
    tables: ProfileTables, r: RegionTables, rng: np.random.Generator, where: Where
) -> tuple[list[str], list[str]]:
    """The street of each row (a place's own streets inside it) and the full address."""
    address, m = tables.profile.address, where.county.size
    picks = rng.integers(0, 2**31, m).tolist()
    numbers = rng.integers(1, address.number_max + 1, m).tolist()
    annex = np.where(rng.random(m) < address.annex_share, rng.integers(1, 10, m), 0).tolist()
    streets = []
    for inside, place, county, k in zip(
        where.in_place.tolist(), where.place.tolist(), where.county.tolist(), picks, strict=True
    ):
        options = r.places[place].streets if inside and r.places[place].streets else r.county_texts[county].streets
        streets.append(options[k % len(options)])
    prefixes = [r.county_texts[c].address_prefix for c in where.county.tolist()]
    doors = house_numbers(numbers, annex)
    return streets, [p + s + d for p, s, d in zip(prefixes, streets, doors, strict=True)]


def _names(r: RegionTables, rng: np.random.Generator, where: Where, kind: Kind, streets: list[str]) -> list[str]:
    m = where.county.size
    use_word = (rng.random(m) < r.region.naming.word_share).tolist()
    picks = rng.integers(0, 2**31, (3, m)).tolist()
    trade = trade_names(r.region, use_word, picks[0])
    brands, texts, words = r.region.brands, r.county_texts, r.industry_texts
    names = []
    for i, (b, c, ind, person) in enumerate(
        zip(
            kind.brand.tolist(),
            where.county.tolist(),
            kind.industry.tolist(),
            kind.individual.tolist(),
            strict=True,
        )
    ):
        if b >= 0:
            names.append(f"{brands[b].name}({streets[i]}店)")
        elif person:
            shop = words[ind].shop_words
            names.append(texts[c].person_prefix + trade[i] + shop[picks[1][i] % len(shop)])
        else:
            prefixes, endings = texts[c].company_prefixes, words[ind].company_words
            names.append(prefixes[picks[2][i] % len(prefixes)] + trade[i] + endings[picks[1][i] % len(endings)])
    return names


def _usccs(tables: ProfileTables, r: RegionTables, row_ids: I64, where: Where, kind: Kind) -> list[str]:
    heads = r.county_heads[where.county, kind.individual.astype(np.int64)]
    a, b = tables.uscc_keys
    return uscc_codes(heads, counter_bodies(row_ids, prefix=r.region.uscc_body_prefix, a=a, b=b))
