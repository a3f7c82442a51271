"""The synthetic merchant generator: reproducible, lazy, valid codes, realistic shares, importable CSV."""

from __future__ import annotations

import csv
import itertools
import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from xinxiao.core import InvalidInput
from xinxiao.merchants import synthetic
from xinxiao.merchants.columns import BUSINESS_FORMATS, match_header, parse_row
from xinxiao.merchants.synthetic_places import METRES_PER_DEGREE
from xinxiao.merchants.synthetic_profile import CountySpec, RegionProfile
from xinxiao.merchants.synthetic_uscc import (
    ORG_CODE_WEIGHTS,
    PERMUTED,
    USCC_ALPHABET,
    ascii_matrix,
    capacity,
    counter_bodies,
    uscc_codes,
)
from xinxiao.reference import boundary, industry, is_valid_uscc, load_divisions, make_uscc
from xinxiao.reference import identifiers as reference_identifiers

SEED = 20221
HOURS = re.compile(r"^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
NAMES = ("diqing", "hubei", "all")


@pytest.fixture(scope="module")
def profiles() -> dict[str, synthetic.Profile]:
    return {name: synthetic.load_profile(name) for name in NAMES}  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def samples(profiles: dict[str, synthetic.Profile]) -> dict[str, list[dict[str, Any]]]:
    """A seeded sample per profile: default_n for 迪庆, 40k rows of the others."""
    sizes = {"diqing": profiles["diqing"].default_n, "hubei": 40_000, "all": 20_000}
    return {
        name: list(synthetic.generate_merchants(seed=SEED, n=sizes[name], profile=profiles[name])) for name in NAMES
    }


def _region(profile: synthetic.Profile) -> RegionProfile:
    (region,) = profile.regions
    return region


def _share(rows: list[dict[str, Any]], key: str) -> float:
    return sum(1 for r in rows if r[key]) / len(rows)


def _close(observed: float, expected: float, n: int) -> bool:
    """Within five binomial standard errors (plus a hair for rounding)."""
    return abs(observed - expected) <= 5 * math.sqrt(expected * (1 - expected) / n) + 1e-3


# --- reproducibility and laziness ------------------------------------------------------------


def test_same_seed_same_rows_and_places(profiles: dict[str, synthetic.Profile]) -> None:
    profile = profiles["all"]
    first = list(synthetic.generate_merchants(seed=7, n=5000, profile=profile))
    again = list(synthetic.generate_merchants(seed=7, n=5000, profile=profile))
    assert first == again
    assert synthetic.generate_places(seed=7, profile=profile) == synthetic.generate_places(seed=7, profile=profile)


def test_different_seed_different_rows(profiles: dict[str, synthetic.Profile]) -> None:
    profile = profiles["diqing"]
    one = list(synthetic.generate_merchants(seed=1, n=500, profile=profile))
    two = list(synthetic.generate_merchants(seed=2, n=500, profile=profile))
    assert sum(a["name"] != b["name"] for a, b in zip(one, two, strict=True)) > 450
    assert sum(a["uscc"] != b["uscc"] for a, b in zip(one, two, strict=True)) == 500


def test_a_shorter_run_is_a_prefix_of_a_longer_one(profiles: dict[str, synthetic.Profile]) -> None:
    profile = profiles["hubei"]
    short = list(synthetic.generate_merchants(seed=3, n=4100, profile=profile))
    long = list(itertools.islice(synthetic.generate_merchants(seed=3, n=9000, profile=profile), 4100))
    assert short == long


def test_generation_is_lazy(profiles: dict[str, synthetic.Profile]) -> None:
    started = time.perf_counter()
    rows = list(itertools.islice(synthetic.generate_merchants(seed=1, n=10**9, profile=profiles["all"]), 10))
    assert len(rows) == 10
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"seed": -1, "n": 1}, "seed"), ({"seed": 1, "n": -5}, "n must"), ({"seed": 1.5, "n": 1}, "seed")],
)
def test_bad_arguments_are_refused(
    profiles: dict[str, synthetic.Profile], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        synthetic.generate_merchants(profile=profiles["diqing"], **kwargs)


def test_zero_rows() -> None:
    assert list(synthetic.generate_merchants(seed=1, n=0, profile=synthetic.load_profile("diqing"))) == []


# --- 统一社会信用代码 -------------------------------------------------------------------------


def test_uscc_valid_and_unique_over_200k_rows(profiles: dict[str, synthetic.Profile]) -> None:
    seen: set[str] = set()
    for row in synthetic.generate_merchants(seed=SEED, n=200_000, profile=profiles["all"]):
        code = row["uscc"]
        assert code[:2] in {"91", "92"}
        assert code[2:8] == row["region_adcode"]
        assert code[8] == "M"
        seen.add(code)
    assert len(seen) == 200_000
    assert all(is_valid_uscc(code) for code in seen)


def test_individual_businesses_are_the_majority_in_retail_and_catering(
    samples: dict[str, list[dict[str, Any]]],
) -> None:
    rows = [r for r in samples["hubei"] if r["industry_code"][:2] in {"52", "62"} and not r["brand"]]
    assert sum(r["uscc"][1] == "2" for r in rows) / len(rows) > 0.6
    assert all(r["uscc"][1] == "1" for r in samples["hubei"] if r["brand"])


def test_local_alphabet_matches_reference() -> None:
    assert USCC_ALPHABET == reference_identifiers.USCC_ALPHABET
    assert ORG_CODE_WEIGHTS == reference_identifiers.ORG_CODE_WEIGHTS


@settings(max_examples=200, deadline=None)
@given(
    org_type=st.sampled_from("123"),
    region=st.from_regex(r"[0-9]{6}", fullmatch=True),
    body=st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
)
def test_bulk_codes_equal_make_uscc(org_type: str, region: str, body: str) -> None:
    head = ascii_matrix([f"9{org_type}{region}"], 8)
    assert uscc_codes(head, ascii_matrix([body], 8)) == [make_uscc("9", org_type, region, body)]


@settings(max_examples=50, deadline=None)
@given(counters=st.sets(st.integers(min_value=0, max_value=3 * PERMUTED + 5), min_size=2, max_size=50))
def test_distinct_counters_give_distinct_bodies(counters: set[int]) -> None:
    bodies = counter_bodies(np.array(sorted(counters), dtype=np.int64), prefix="MA4", a=12345, b=678)
    assert len({bytes(row) for row in bodies}) == len(counters)
    assert all(bytes(row).startswith(b"M") for row in bodies)


def test_counter_beyond_capacity_is_refused() -> None:
    with pytest.raises(InvalidInput, match="more than"):
        counter_bodies(np.array([capacity("MA4")], dtype=np.int64), prefix="MA4", a=1, b=0)


# --- shape: shares, regions, dates -----------------------------------------------------------


@pytest.mark.parametrize("name", ["diqing", "hubei"])
def test_flag_and_status_shares_follow_the_profile(
    profiles: dict[str, synthetic.Profile], samples: dict[str, list[dict[str, Any]]], name: str
) -> None:
    rows, shares = samples[name], _region(profiles[name]).shares
    urban = {c.adcode for c in profiles[name].counties if c.urban}
    assert _close(_share(rows, "mobile_payment"), shares.mobile_payment, len(rows))
    assert _close(_share(rows, "smart_facilities"), shares.smart_facilities, len(rows))
    assert _close(_share(rows, "place_code"), shares.in_place, len(rows))
    for group, expected in ((True, shares.online_store_urban), (False, shares.online_store_other)):
        part = [r for r in rows if (r["region_adcode"] in urban) is group]
        if part:
            assert _close(_share(part, "online_store"), expected, len(part))
    statuses = Counter(r["status"] for r in rows)
    for status, expected in shares.status.items():
        assert _close(statuses[status] / len(rows), expected, len(rows))


@pytest.mark.parametrize("name", ["diqing", "hubei"])
def test_checked_shares_fall_in_the_profile_ranges(
    profiles: dict[str, synthetic.Profile], samples: dict[str, list[dict[str, Any]]], name: str
) -> None:
    rows, checks = samples[name], _region(profiles[name]).checks
    observed = {
        "above_quota_share": _share(rows, "above_quota"),
        "individual_share": sum(r["uscc"][1] == "2" for r in rows) / len(rows),
        "brand_share": _share(rows, "brand"),
        "in_place_share": _geometric_in_place_share(rows, synthetic.generate_places(seed=SEED, profile=profiles[name])),
    }
    for key, value in observed.items():
        low, high = checks[key]
        assert low <= value <= high, (key, value)


def _geometric_in_place_share(rows: list[dict[str, Any]], places: list[dict[str, Any]]) -> float:
    """The share of rows inside some place of their county, the way the importer assigns places."""
    by_county: dict[str, list[Any]] = {}
    for place in places:
        area = shape(place["polygon"]) if place["polygon"] else None
        by_county.setdefault(place["region_adcode"], []).append((place, area))

    def inside(row: dict[str, Any]) -> bool:
        for place, area in by_county.get(row["region_adcode"], []):
            if area is not None and area.contains(Point(row["lon"], row["lat"])):
                return True
            north = (row["lat"] - place["center_lat"]) * METRES_PER_DEGREE
            east = (row["lon"] - place["center_lon"]) * METRES_PER_DEGREE * math.cos(math.radians(row["lat"]))
            if area is None and math.hypot(north, east) <= place["radius_m"]:
                return True
        return False

    return sum(inside(row) for row in rows) / len(rows)


def test_diqing_gets_about_a_dozen_new_above_quota_units_a_year(
    profiles: dict[str, synthetic.Profile], samples: dict[str, list[dict[str, Any]]]
) -> None:
    per_year = Counter(r["above_quota_year"] for r in samples["diqing"] if r["above_quota"])
    recent = [per_year[year] for year in range(2011, 2025)]
    low, high = _region(profiles["diqing"]).checks["new_above_quota_per_year"]
    assert low <= sum(recent) / len(recent) <= high
    assert min(recent) >= 2


def test_above_quota_is_rare_for_individual_businesses_and_zero_for_services(
    samples: dict[str, list[dict[str, Any]]],
) -> None:
    rows = samples["hubei"]
    individual = [r for r in rows if r["uscc"][1] == "2"]
    assert _share(individual, "above_quota") < 0.003
    assert not any(r["above_quota"] for r in rows if r["industry_code"][:2] in {"80", "81", "89", "90"})
    enterprises = [r for r in rows if r["uscc"][1] == "1" and r["industry_code"] in {"5211", "5261", "6110"}]
    assert _share(enterprises, "above_quota") > 0.25


@pytest.mark.parametrize("name", NAMES)
def test_rows_lie_in_the_profiles_counties_and_their_bounds(
    profiles: dict[str, synthetic.Profile], samples: dict[str, list[dict[str, Any]]], name: str
) -> None:
    profile = profiles[name]
    bounds = {c.adcode: region.bounds_of(c) for region in profile.regions for c in region.counties}
    for row in samples[name]:
        assert _inside(bounds[row["region_adcode"]], row["lat"], row["lon"]), row


def _inside(bounds: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = bounds
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


@pytest.mark.parametrize("name", NAMES)
def test_values_are_well_formed(
    profiles: dict[str, synthetic.Profile], samples: dict[str, list[dict[str, Any]]], name: str
) -> None:
    profile = profiles[name]
    for row in samples[name]:
        assert tuple(row) == synthetic.MERCHANT_CSV_COLUMNS
        assert row["business_format"] in BUSINESS_FORMATS
        assert HOURS.match(row["opening_hours"])
        assert row["opened_on"] <= profile.as_of
        assert (row["closed_on"] is not None) is (row["status"] == "closed")
        assert row["closed_on"] is None or row["opened_on"] <= row["closed_on"] <= profile.as_of
        year = row["above_quota_year"]
        assert (year is not None) is row["above_quota"]
        assert year is None or row["opened_on"].year <= year <= profile.as_of.year


def test_industries_are_gbt4754_2017_classes(profiles: dict[str, synthetic.Profile]) -> None:
    for code, spec in profiles["all"].industries.items():
        info = industry(code)
        assert info is not None, code
        assert (info.level, info.name) == ("class", spec.name)


def test_night_clusters_stay_open_late(profiles: dict[str, synthetic.Profile]) -> None:
    profile = profiles["diqing"]
    places = synthetic.generate_places(seed=SEED, profile=profile)
    night = {p["code"] for p in places if p["kind"] == "night_cluster"}
    rows = [r for r in synthetic.generate_merchants(seed=SEED, n=9000, profile=profile) if r["place_code"] in night]
    late = [r for r in rows if _closes_late(r["opening_hours"])]
    assert len(late) / len(rows) > 0.5
    everywhere = [r for r in synthetic.generate_merchants(seed=SEED, n=3000, profile=profile) if not r["place_code"]]
    assert sum(_closes_late(r["opening_hours"]) for r in everywhere) / len(everywhere) < 0.3


def _closes_late(hours: str) -> bool:
    """Open past 23:30 or across midnight (bars, KTV, night markets)."""
    start, end = hours.split("-")
    return end < start or end >= "23:30"


def test_old_town_is_dense_with_guesthouses_dining_and_crafts(
    samples: dict[str, list[dict[str, Any]]],
) -> None:
    rows = [r for r in samples["diqing"] if r["place_code"] == "SP-533401-001"]
    top = {code for code, _ in Counter(r["industry_code"] for r in rows).most_common(4)}
    assert len(rows) > 150
    assert {"6130", "6210", "5246"} <= top
    polygon = shape(synthetic.generate_places(seed=SEED, profile=synthetic.load_profile("diqing"))[0]["polygon"])
    assert all(polygon.contains(Point(r["lon"], r["lat"])) for r in rows)


def test_hubei_brands_are_chains_of_the_profile(
    profiles: dict[str, synthetic.Profile], samples: dict[str, list[dict[str, Any]]]
) -> None:
    brands = {b.name: b for b in _region(profiles["hubei"]).brands}
    for row in (r for r in samples["hubei"] if r["brand"]):
        spec = brands[row["brand"]]
        assert row["industry_code"] == spec.industry
        assert row["name"].startswith(f"{spec.name}(")


# --- places ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_places_have_kinds_codes_and_lie_in_their_county(profiles: dict[str, synthetic.Profile], name: str) -> None:
    profile = profiles[name]
    places = synthetic.generate_places(seed=SEED, profile=profile)
    bounds = {c.adcode: region.bounds_of(c) for region in profile.regions for c in region.counties}
    assert len({p["code"] for p in places}) == len(places)
    for place in places:
        assert tuple(place) == synthetic.PLACE_COLUMNS
        assert place["kind"] in {"business_district", "night_cluster", "pedestrian_street"}
        assert re.fullmatch(rf"SP-{place['region_adcode']}-\d{{3}}", place["code"])
        assert _inside(bounds[place["region_adcode"]], place["center_lat"], place["center_lon"])


def test_diqing_places_include_the_old_town_as_a_polygon(profiles: dict[str, synthetic.Profile]) -> None:
    places = {p["name"]: p for p in synthetic.generate_places(seed=1, profile=profiles["diqing"])}
    old_town = places["独克宗古城"]
    assert old_town["code"] == "SP-533401-001"
    assert old_town["region_adcode"] == "533401"
    assert shape(old_town["polygon"]).contains(Point(old_town["center_lon"], old_town["center_lat"]))
    assert {p["region_adcode"] for p in places.values()} == {"533401", "533422", "533423"}


def test_named_place_codes_do_not_depend_on_the_seed(profiles: dict[str, synthetic.Profile]) -> None:
    one = {p["name"]: p["code"] for p in synthetic.generate_places(seed=1, profile=profiles["hubei"])}
    two = {p["name"]: p["code"] for p in synthetic.generate_places(seed=99, profile=profiles["hubei"])}
    for name in ("武汉江汉路步行街", "楚河汉街", "光谷步行街", "宜昌CBD"):
        assert one[name] == two[name]


def test_places_outside_the_profile_are_refused(profiles: dict[str, synthetic.Profile]) -> None:
    hubei_places = synthetic.generate_places(seed=1, profile=profiles["hubei"])
    with pytest.raises(InvalidInput, match="outside the profile"):
        synthetic.generate_merchants(seed=1, n=1, profile=profiles["diqing"], places=hubei_places)


# --- the shipped county list and boundaries --------------------------------------------------


def test_counties_match_the_shipped_divisions(profiles: dict[str, synthetic.Profile]) -> None:
    divisions = {
        d.adcode: d.name
        for d in load_divisions()
        if d.level == "county" and (d.adcode.startswith("42") or d.adcode.startswith("5334"))
    }
    assert {c.adcode: c.name for c in profiles["all"].counties} == divisions


def _outlines() -> dict[str, Any]:
    features = [*boundary("420000")["features"], *boundary("533400")["features"]]  # type: ignore[index]
    return {f["properties"]["adcode"]: shape(f["geometry"]) for f in features}


def test_seats_and_named_places_lie_inside_the_shipped_outlines(
    profiles: dict[str, synthetic.Profile],
) -> None:
    outlines = _outlines()

    def outline(adcode: str) -> Any:
        return outlines[adcode if adcode[:4] in {"4290", "5334"} else adcode[:4] + "00"]

    for region in profiles["all"].regions:
        for county in region.counties:
            assert outline(county.adcode).contains(Point(county.lon, county.lat)), county
            min_lon, min_lat, max_lon, max_lat = region.bounds_of(county)
            o_min_lon, o_min_lat, o_max_lon, o_max_lat = outline(county.adcode).bounds
            assert min_lon <= o_min_lon
            assert min_lat <= o_min_lat
            assert o_max_lon <= max_lon
            assert o_max_lat <= max_lat
        for place in region.places:
            assert outline(place.region_adcode).contains(Point(place.lon, place.lat)), place.name


# --- profiles --------------------------------------------------------------------------------


def test_counties_can_be_replaced(profiles: dict[str, synthetic.Profile]) -> None:
    counties = [
        CountySpec("533401", "香格里拉市", 27.82, 99.70, 3.0, urban=True),
        CountySpec("533423", "维西傈僳族自治县", 27.18, 99.29, 1.0),
    ]
    profile = synthetic.load_profile("diqing", counties=counties)
    rows = list(synthetic.generate_merchants(seed=1, n=3000, profile=profile))
    assert {r["region_adcode"] for r in rows} == {"533401", "533423"}
    places = synthetic.generate_places(seed=1, profile=profile)
    assert "德钦县城商圈" not in {p["name"] for p in places}


@pytest.mark.parametrize(
    ("name", "counties", "message"),
    [
        ("nowhere", None, "unknown synthetic profile"),
        ("diqing", [CountySpec("420103", "江汉区", 30.6, 114.27, 1.0)], "no county given"),
        (
            "diqing",
            [
                CountySpec("533401", "香格里拉市", 27.8, 99.7, 1.0),
                CountySpec("110101", "东城区", 39.9, 116.4, 1.0),
            ],
            "outside the profile",
        ),
    ],
)
def test_bad_profiles_are_refused(name: str, counties: list[CountySpec] | None, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        synthetic.load_profile(name, counties=counties)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("维西傈僳族自治县", "维西县"),
        ("长阳土家族自治县", "长阳县"),
        ("香格里拉市", "香格里拉市"),
        ("房县", "房县"),
    ],
)
def test_county_short_names(name: str, short: str) -> None:
    assert CountySpec("000000", name, 0.0, 0.0, 1.0).short_name == short


def test_all_profile_splits_rows_by_default_sizes(
    profiles: dict[str, synthetic.Profile], samples: dict[str, list[dict[str, Any]]]
) -> None:
    diqing = profiles["diqing"].default_n / profiles["all"].default_n
    rows = samples["all"]
    assert _close(sum(r["region_adcode"].startswith("5334") for r in rows) / len(rows), diqing, len(rows))


# --- CSV -------------------------------------------------------------------------------------


def _read(path: Path, encoding: str) -> Iterator[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        yield from csv.DictReader(handle)


def test_gbk_csv_round_trips_and_parses_as_an_import(tmp_path: Path, samples: dict[str, list[dict[str, Any]]]) -> None:
    rows = samples["all"][:3000]
    path = tmp_path / "merchants.csv"
    assert synthetic.write_csv(path, rows, encoding="gbk") == len(rows)
    with path.open(encoding="gbk", newline="") as handle:
        assert next(csv.reader(handle)) == list(synthetic.MERCHANT_CSV_COLUMNS)
    mapping, missing = match_header(list(synthetic.MERCHANT_CSV_COLUMNS))
    assert missing == []
    for original, read in zip(rows, _read(path, "gbk"), strict=True):
        record, errors = parse_row(list(read.values()), mapping)
        assert errors == []
        assert record["uscc"] == original["uscc"]
        assert record["name"] == original["name"]
        assert record["lat"] == original["lat"]
        assert record["opened_on"] == original["opened_on"]
        assert record["above_quota"] is original["above_quota"]
        assert record["place_code"] == original["place_code"]


def test_places_csv_keeps_polygons_as_json(tmp_path: Path) -> None:
    places = synthetic.generate_places(seed=1, profile=synthetic.load_profile("diqing"))
    path = tmp_path / "places.csv"
    synthetic.write_csv(path, places, columns=synthetic.PLACE_COLUMNS)
    first = next(_read(path, "utf-8"))
    assert first["name"] == "独克宗古城"
    assert first["polygon"].startswith('{"type":"Polygon"')


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (date(2024, 5, 1), "2024-05-01"),
        (27.5, "27.5"),
        ("香格里拉", "香格里拉"),
    ],
)
def test_csv_cells(tmp_path: Path, value: Any, cell: str) -> None:
    path = tmp_path / "one.csv"
    synthetic.write_csv(path, [{"x": value, "y": 1}], columns=("x", "y"))
    assert path.read_text("utf-8").splitlines() == ["x,y", f"{cell},1"]
