"""Assigning merchants to places (商圈, 夜间经济集聚区, 步行街) by location."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shapely import prepared
from shapely.geometry import Point, shape

EARTH_RADIUS_M = 6_371_008.8
PLACE_KINDS = {
    "business_district": "商圈",
    "night_cluster": "夜间经济集聚区",
    "pedestrian_street": "步行街",
}


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine).

    >>> round(distance_m(27.8290, 99.7060, 27.8290, 99.7160))
    983
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class _Area:
    place_id: int
    lat: float
    lon: float
    radius_m: float | None
    polygon: Any
    size: float

    def contains(self, lat: float, lon: float) -> bool:
        if self.polygon is not None:
            return bool(self.polygon.contains(Point(lon, lat)))
        return self.radius_m is not None and distance_m(self.lat, self.lon, lat, lon) <= self.radius_m


class PlaceIndex:
    """Finds the place containing a point in a county; the smallest matching place wins."""

    def __init__(self, places: Iterable[Any]) -> None:
        self._by_region: dict[str, list[_Area]] = defaultdict(list)
        for p in places:
            self._by_region[p.region_adcode].append(_area(p))
        for areas in self._by_region.values():
            areas.sort(key=lambda a: a.size)

    def locate(self, region_adcode: str, lat: float | None, lon: float | None) -> int | None:
        """Id of the smallest place in ``region_adcode`` containing the point, if any."""
        if lat is None or lon is None:
            return None
        for area in self._by_region.get(region_adcode, ()):
            if area.contains(lat, lon):
                return area.place_id
        return None


def _area(place: Any) -> _Area:
    polygon = None
    if place.polygon:
        geometry = shape(place.polygon)
        polygon = prepared.prep(geometry)
        scale = 111_320 * math.cos(math.radians(place.center_lat))
        size = geometry.area * scale * 110_574
    else:
        size = math.pi * (place.radius_m or 0) ** 2
    return _Area(place.id, place.center_lat, place.center_lon, place.radius_m, polygon, size)
