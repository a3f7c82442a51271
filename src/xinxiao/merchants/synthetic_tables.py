"""The profile compiled into numpy lookup tables, once per generator run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape

from xinxiao.merchants.synthetic_places import PlaceMeta, place_meta
from xinxiao.merchants.synthetic_profile import Profile, RegionProfile
from xinxiao.merchants.synthetic_text import CountyText, IndustryText, county_text, industry_text
from xinxiao.merchants.synthetic_uscc import ascii_matrix, permutation_keys

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]


def cumulative(weights: Sequence[float]) -> F64:
    """Cumulative probabilities for ``np.searchsorted(cum, u, side='right')`` with u in [0, 1).

    >>> cumulative([1, 3]).tolist()
    [0.25, 1.0]
    """
    cum: F64 = np.cumsum(np.asarray(weights, dtype=np.float64))
    normalised: F64 = cum / cum[-1]
    return normalised


def choose(cum: F64, u: F64) -> I64:
    """Indices drawn by inverse CDF (clipped so rounding never runs off the end)."""
    index: I64 = np.minimum(np.searchsorted(cum, u, side="right"), cum.size - 1).astype(np.int64)
    return index


@dataclass(frozen=True)
class Choice:
    """A weighted choice among labels, flattened so many of them share one label list."""

    offsets: I64
    cums: tuple[F64, ...]
    labels: tuple[Any, ...]

    @classmethod
    def of(cls, options: Sequence[Sequence[tuple[Any, float]]]) -> Choice:
        """Build from one ``[(label, weight), ...]`` list per key."""
        sizes = [len(o) for o in options]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        cums = tuple(cumulative([w for _, w in o]) for o in options)
        return cls(offsets, cums, tuple(label for o in options for label, _ in o))

    def draw(self, keys: I64, u: F64) -> I64:
        """Flat label indices, one per row, for each row's key."""
        out = np.zeros(keys.size, dtype=np.int64)
        for key in np.unique(keys).tolist():
            mask = keys == key
            out[mask] = self.offsets[key] + choose(self.cums[key], u[mask])
        return out


@dataclass(frozen=True)
class RegionTables:
    """One region's counties, places, mixes and brands as arrays."""

    region: RegionProfile
    county_cum: F64
    county_lat: F64
    county_lon: F64
    county_urban: Flags
    county_bounds: F64
    county_adcodes: tuple[str, ...]
    county_heads: npt.NDArray[np.uint8]
    county_texts: tuple[CountyText, ...]
    places: tuple[PlaceMeta, ...]
    place_cum: F64
    place_county: I64
    place_lat: F64
    place_lon: F64
    place_radius: F64
    place_night: Flags
    place_mix: I64
    place_polygons: tuple[Any, ...]
    mixes: Choice
    default_mix: int
    brand_cum_all: F64
    brand_cum_rural: F64
    brand_rural_index: I64
    brand_industry: I64
    brand_hours: I64
    industry_texts: tuple[IndustryText, ...]
    quota_years: tuple[int, ...]
    quota_cum: F64
    quota_end: I64


@dataclass(frozen=True)
class ProfileTables:
    """Everything a chunk needs: industry tables, hour sets, regions, USCC permutation keys."""

    profile: Profile
    industry_codes: tuple[str, ...]
    individual: F64
    above_quota: F64
    formats: Choice
    hour_sets: Choice
    industry_hours: I64
    industry_night_hours: I64
    region_cum: F64
    regions: tuple[RegionTables, ...]
    uscc_keys: tuple[int, int]
    as_of_ordinal: int


def compile_tables(profile: Profile, places: Sequence[Mapping[str, Any]], seed: int) -> ProfileTables:
    """Compile a profile and its places for fast chunked generation."""
    codes = tuple(profile.industries)
    specs = [profile.industries[c] for c in codes]
    hour_keys = list(profile.hours)
    return ProfileTables(
        profile=profile,
        industry_codes=codes,
        individual=np.array([s.individual for s in specs]),
        above_quota=np.array([s.above_quota for s in specs]),
        formats=Choice.of([list(s.formats.items()) for s in specs]),
        hour_sets=Choice.of([profile.hours[k] for k in hour_keys]),
        industry_hours=np.array([hour_keys.index(s.hours) for s in specs], dtype=np.int64),
        industry_night_hours=np.array([hour_keys.index(s.night_hours) if s.night_hours else -1 for s in specs]),
        region_cum=cumulative([r.default_n for r in profile.regions]),
        regions=tuple(_region_tables(profile, r, places, codes, hour_keys) for r in profile.regions),
        uscc_keys=permutation_keys(seed),
        as_of_ordinal=profile.as_of.toordinal(),
    )


def _region_tables(
    profile: Profile,
    region: RegionProfile,
    places: Sequence[Mapping[str, Any]],
    codes: tuple[str, ...],
    hour_keys: list[str],
) -> RegionTables:
    counties, metas = region.counties, tuple(place_meta(region, places))
    mix_names = list(region.mixes)
    brands = region.brands
    rural = [i for i, b in enumerate(brands) if b.rural]
    return RegionTables(
        region=region,
        county_cum=cumulative([c.weight for c in counties]),
        county_lat=np.array([c.lat for c in counties]),
        county_lon=np.array([c.lon for c in counties]),
        county_urban=np.array([c.urban for c in counties], dtype=np.bool_),
        county_bounds=np.array([region.bounds_of(c) for c in counties]),
        county_adcodes=tuple(c.adcode for c in counties),
        county_heads=ascii_matrix([f"9{t}{c.adcode}" for c in counties for t in "12"], 8).reshape(-1, 2, 8),
        county_texts=tuple(county_text(region, c) for c in counties),
        places=metas,
        place_cum=cumulative([m.weight for m in metas]) if metas else np.ones(1),
        place_county=np.array([m.county_index for m in metas] or [0], dtype=np.int64),
        place_lat=np.array([float(m.row["center_lat"]) for m in metas] or [0.0]),
        place_lon=np.array([float(m.row["center_lon"]) for m in metas] or [0.0]),
        place_radius=np.array([float(m.row["radius_m"] or 0) for m in metas] or [0.0]),
        place_night=np.array([m.row["kind"] == "night_cluster" for m in metas] or [False], dtype=np.bool_),
        place_mix=np.array([mix_names.index(m.mix) for m in metas] or [0], dtype=np.int64),
        place_polygons=tuple(_polygon(m.row.get("polygon")) for m in metas),
        mixes=Choice.of([[(codes.index(c), w) for c, w in region.mixes[name].items()] for name in mix_names]),
        default_mix=mix_names.index("default"),
        brand_cum_all=cumulative([b.weight for b in brands]) if brands else np.ones(1),
        brand_cum_rural=cumulative([brands[i].weight for i in rural]) if rural else np.ones(1),
        brand_rural_index=np.array(rural or [-1], dtype=np.int64),
        brand_industry=np.array([codes.index(b.industry) for b in brands] or [0], dtype=np.int64),
        brand_hours=np.array([hour_keys.index(b.hours) if b.hours else -1 for b in brands] or [-1], dtype=np.int64),
        industry_texts=tuple(industry_text(profile, region, c) for c in codes),
        **_quota_years(profile, region),
    )


def _polygon(geojson: Mapping[str, Any] | None) -> Any:
    if not geojson:
        return None
    polygon = shape(geojson)
    shapely.prepare(polygon)
    return polygon


def _quota_years(profile: Profile, region: RegionProfile) -> dict[str, Any]:
    """The years a unit can have reached the 限额 line, their weights, and each year's last day."""
    last = profile.as_of.year
    years = tuple(range(profile.first_quota_year, last + 1))
    ends = [min(date(y, 12, 31), profile.as_of).toordinal() for y in years]
    return {
        "quota_years": years,
        "quota_cum": cumulative([region.above_quota_years.get(y, 1.0) for y in years]),
        "quota_end": np.array(ends, dtype=np.int64),
    }
