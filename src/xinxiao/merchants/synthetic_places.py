"""Synthetic places: business districts (商圈), night-economy clusters (夜间经济集聚区), 步行街."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from xinxiao.core import InvalidInput
from xinxiao.merchants.synthetic_profile import PLACE_KINDS, CountySpec, PlaceSpec, Profile, RegionProfile

PLACE_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "kind",
    "region_adcode",
    "center_lat",
    "center_lon",
    "radius_m",
    "polygon",
)
METRES_PER_DEGREE = 111_320.0


def generate_places(*, seed: int, profile: Profile) -> list[dict[str, Any]]:
    """The profile's places: named ones from the YAML plus a seeded 中心商圈/夜市 where a county has none.

    Codes are stable (``SP-<county adcode>-<nnn>``, named places first, in YAML order); the seed only
    moves generated places around their county seat and decides which counties get a 夜市.
    """
    _check_seed(seed)
    rows: list[dict[str, Any]] = []
    for index, region in enumerate(profile.regions):
        rng = np.random.default_rng([seed, 1, index])
        for county in region.counties:
            rows.extend(_county_places(region, county, rng))
    return rows


def _check_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInput(f"seed must be a non-negative integer, got {seed!r}")


def _county_places(region: RegionProfile, county: CountySpec, rng: np.random.Generator) -> list[dict[str, Any]]:
    named = [p for p in region.places if p.region_adcode == county.adcode]
    kinds = {p.kind for p in named}
    rows = [_named_row(p) for p in named]
    gen = region.generated_places
    # Draw the same numbers whatever is named, so one county's edit does not move the others.
    bd_draws, night_draws, night_roll = rng.random(3), rng.random(3), rng.random()
    if "business_district" not in kinds:
        rows.append(
            _generated_row(county, "business_district", gen.business_district, gen.radius_m, bd_draws, gen.jitter_m)
        )
    if "night_cluster" not in kinds and night_roll < gen.night_share:
        rows.append(
            _generated_row(county, "night_cluster", gen.night_cluster, gen.night_radius_m, night_draws, gen.jitter_m)
        )
    return [{"code": f"SP-{county.adcode}-{k:03d}", **row} for k, row in enumerate(rows, start=1)]


def _named_row(place: PlaceSpec) -> dict[str, Any]:
    polygon = None
    if place.polygon is not None:
        polygon = {"type": "Polygon", "coordinates": [[[lon, lat] for lon, lat in place.polygon]]}
    return {
        "name": place.name,
        "kind": place.kind,
        "region_adcode": place.region_adcode,
        "center_lat": place.lat,
        "center_lon": place.lon,
        "radius_m": place.radius_m,
        "polygon": polygon,
    }


def _generated_row(
    county: CountySpec, kind: str, template: str, radius: tuple[int, int], draws: Any, jitter_m: int
) -> dict[str, Any]:
    distance, bearing = jitter_m * math.sqrt(draws[0]), 2 * math.pi * draws[1]
    lat, lon = offset(county.lat, county.lon, distance * math.cos(bearing), distance * math.sin(bearing))
    return {
        "name": template.format(county=county.short_name),
        "kind": kind,
        "region_adcode": county.adcode,
        "center_lat": round(lat, 6),
        "center_lon": round(lon, 6),
        "radius_m": int(radius[0] + draws[2] * (radius[1] - radius[0])),
        "polygon": None,
    }


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """Move a point by metres north and east (flat-earth, fine at place scale).

    >>> offset(30.0, 114.0, 111_320.0, 0.0)
    (31.0, 114.0)
    """
    return lat + north_m / METRES_PER_DEGREE, lon + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat)))


@dataclass(frozen=True, slots=True)
class PlaceMeta:
    """What the merchant generator needs of a place beyond its public columns."""

    row: Mapping[str, Any]
    county_index: int
    weight: float
    mix: str
    streets: tuple[str, ...]


def place_meta(region: RegionProfile, places: Sequence[Mapping[str, Any]]) -> list[PlaceMeta]:
    """Attach weight, industry mix and streets to the places lying in ``region``'s counties."""
    county_index = {c.adcode: i for i, c in enumerate(region.counties)}
    named = {(p.region_adcode, p.name): p for p in region.places}
    metas = []
    for row in places:
        index = county_index.get(str(row["region_adcode"]))
        if index is None:
            continue
        if row["kind"] not in PLACE_KINDS:
            raise InvalidInput(f"place {row.get('code')}: unknown kind {row['kind']!r}")
        spec = named.get((str(row["region_adcode"]), str(row["name"])))
        metas.append(_meta(region, row, index, spec))
    return metas


def _meta(region: RegionProfile, row: Mapping[str, Any], index: int, spec: PlaceSpec | None) -> PlaceMeta:
    kind_mix = region.kind_mixes[row["kind"]]
    if spec is not None:
        return PlaceMeta(row, index, spec.weight, spec.mix or kind_mix, spec.streets)
    gen = region.generated_places
    factor = gen.night_weight_factor if row["kind"] == "night_cluster" else 1.0
    return PlaceMeta(row, index, region.counties[index].weight * gen.weight_per_county_weight * factor, kind_mix, ())


def check_places_cover(profile: Profile, places: Sequence[Mapping[str, Any]]) -> None:
    """Raise if a place lies outside the profile's counties."""
    adcodes = {c.adcode for c in profile.counties}
    stray = sorted({str(p["region_adcode"]) for p in places} - adcodes)
    if stray:
        raise InvalidInput(f"places in counties outside the profile: {', '.join(stray)}")
