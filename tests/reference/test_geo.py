"""Boundaries for drill-down maps and centroids, checked against the region tree."""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from xinxiao.reference.divisions import region_tree
from xinxiao.reference.geo import boundary, centroid, datum, drillable

TREE = region_tree()


@pytest.mark.parametrize(("adcode", "count"), [("000000", 34), ("420000", 17), ("533400", 3)])
def test_boundary_has_one_feature_per_child(adcode: str, count: int) -> None:
    collection = boundary(adcode)
    assert collection is not None
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == count


@pytest.mark.parametrize("adcode", ["000000", "420000", "533400"])
def test_feature_names_match_the_tree(adcode: str) -> None:
    collection = boundary(adcode)
    assert collection is not None
    for feature in collection["features"]:
        division = TREE.get(feature["properties"]["adcode"])
        assert division is not None
        assert feature["properties"]["name"] == division.name


@pytest.mark.parametrize(
    ("adcode", "children"),
    [
        ("000000", {d.adcode for d in TREE.children("000000")}),
        ("420000", {d.adcode for d in TREE.effective_children("420000")}),
        ("533400", {"533401", "533422", "533423"}),
    ],
)
def test_boundary_features_are_the_map_children(adcode: str, children: set[str]) -> None:
    collection = boundary(adcode)
    assert collection is not None
    assert {f["properties"]["adcode"] for f in collection["features"]} == children


def test_hubei_map_shows_the_province_direct_counties_directly() -> None:
    collection = boundary("420000")
    assert collection is not None
    levels = {f["properties"]["name"]: f["properties"]["level"] for f in collection["features"]}
    direct = sorted(name for name, level in levels.items() if level == "county_province_direct")
    assert direct == ["仙桃市", "天门市", "潜江市", "神农架林区"]


def test_boundary_returns_a_fresh_object() -> None:
    first = boundary("533400")
    assert first is not None
    first["features"].clear()
    second = boundary("533400")
    assert second is not None
    assert len(second["features"]) == 3


@pytest.mark.parametrize(
    ("adcode", "expected"),
    [
        ("000000", True),
        ("420000", True),
        ("533400", True),
        ("530000", False),
        ("533401", False),
        ("420100", False),
    ],
)
def test_drillable(adcode: str, expected: bool) -> None:
    assert drillable(adcode) is expected
    assert (boundary(adcode) is not None) is expected


@pytest.mark.parametrize(
    ("adcode", "lat_range", "lon_range", "expected_datum"),
    [
        ("533401", (27.0, 29.0), (99.0, 100.5), "GCJ-02"),
        ("533422", (27.5, 29.3), (98.5, 99.5), "GCJ-02"),
        ("420100", (29.9, 31.4), (113.6, 115.1), "GCJ-02"),
        ("429021", (31.2, 31.8), (109.9, 110.9), "GCJ-02"),
        ("420000", (29.0, 33.3), (108.3, 116.2), "WGS-84"),
        ("110000", (39.4, 41.1), (115.4, 117.5), "WGS-84"),
    ],
)
def test_centroid_lies_in_the_region(
    adcode: str, lat_range: tuple[float, float], lon_range: tuple[float, float], expected_datum: str
) -> None:
    found = centroid(adcode)
    assert found is not None
    lat, lon = found
    assert lat_range[0] < lat < lat_range[1]
    assert lon_range[0] < lon < lon_range[1]
    assert datum(adcode) == expected_datum


@pytest.mark.parametrize("adcode", ["533400", "530100", "999999", "000000"])
def test_no_centroid_without_an_outline(adcode: str) -> None:
    assert centroid(adcode) is None
    assert datum(adcode) is None


@pytest.mark.parametrize("adcode", ["000000", "420000", "533400"])
def test_every_centroid_is_inside_its_outline_bounds(adcode: str) -> None:
    collection = boundary(adcode)
    assert collection is not None
    for feature in collection["features"]:
        west, south, east, north = shape(feature["geometry"]).bounds
        found = centroid(feature["properties"]["adcode"])
        assert found is not None
        assert south <= found[0] <= north
        assert west <= found[1] <= east
