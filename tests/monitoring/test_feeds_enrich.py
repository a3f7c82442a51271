"""Night window and payer-origin bands: the SQL that runs in the ingest agrees with the Python rules."""

from __future__ import annotations

from datetime import time

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinxiao.monitoring.enrich import (
    is_night,
    joined_origin_band_sql,
    night_sql,
    origin_band,
    origin_band_sql,
    origin_table,
    prefecture_of,
    prefecture_sql,
)
from xinxiao.reference import region_tree

NIGHT_CASES = [
    # (time, start, end, night?)
    ("17:59", "18:00", "06:00", False),
    ("18:00", "18:00", "06:00", True),
    ("23:59", "18:00", "06:00", True),
    ("00:00", "18:00", "06:00", True),
    ("05:59", "18:00", "06:00", True),
    ("06:00", "18:00", "06:00", False),
    ("12:00", "18:00", "06:00", False),
    ("19:59", "20:00", "23:30", False),  # a window that does not cross midnight
    ("20:00", "20:00", "23:30", True),
    ("23:29", "20:00", "23:30", True),
    ("23:30", "20:00", "23:30", False),
    ("01:00", "20:00", "23:30", False),
    ("10:00", "10:00", "10:00", False),  # an empty window
]


def _sql_night(at: str, start: str, end: str) -> bool:
    value = duckdb.sql(f"SELECT {night_sql('t', start, end)} FROM (SELECT TIMESTAMP '2024-02-10 {at}:00' AS t)")
    return bool(value.fetchone()[0])  # type: ignore[index]


@pytest.mark.parametrize(("at", "start", "end", "expected"), NIGHT_CASES)
def test_night_window(at: str, start: str, end: str, expected: bool) -> None:
    assert is_night(time.fromisoformat(at), start, end) is expected
    assert _sql_night(at, start, end) is expected


BAND_CASES = [
    # (payer origin, merchant county, band)
    ("533401", "533401", "local_county"),
    ("533422", "533401", "rest_of_prefecture"),  # 德钦 paying in 香格里拉
    ("533400", "533401", "rest_of_prefecture"),  # the prefecture's own code
    ("530102", "533401", "rest_of_province"),  # 昆明 五华区
    ("420102", "533401", "other_province"),
    ("foreign", "533401", "abroad"),
    (None, "533401", "unknown"),
    ("990000", "533401", "unknown"),  # not a province
    ("429004", "429004", "local_county"),  # 仙桃
    ("429005", "429004", "rest_of_province"),  # 潜江 is its own prefecture-level unit, not 仙桃's
    ("420106", "420102", "rest_of_prefecture"),  # two districts of 武汉
    ("110105", "110101", "rest_of_prefecture"),  # two districts of 北京
    ("421002", "420102", "rest_of_province"),
]


def _sql_band(payer: str | None, county: str) -> str:
    query = f"SELECT {origin_band_sql('p', 'c', 'pc')} FROM (SELECT CAST($1 AS VARCHAR) AS p, $2 AS c, $3 AS pc)"
    return str(duckdb.execute(query, [payer, county, prefecture_of(county)]).fetchone()[0])  # type: ignore[index]


@pytest.mark.parametrize(("payer", "county", "band"), BAND_CASES)
def test_origin_band(payer: str | None, county: str, band: str) -> None:
    assert origin_band(payer, county) == band
    assert _sql_band(payer, county) == band


def test_prefecture_matches_the_region_tree_for_every_county() -> None:
    tree = region_tree()
    counties = [d.adcode for d in tree if tree.is_county_level(d.adcode)]
    expected = {c: tree.rollup_target(c, "prefecture") for c in counties}
    assert {c: prefecture_of(c) for c in counties} == expected
    rows = duckdb.execute(f"SELECT c, {prefecture_sql('c')} FROM unnest($1) AS t(c)", [counties]).fetchall()
    assert dict(rows) == expected


@given(
    st.sampled_from([d.adcode for d in region_tree() if region_tree().is_county_level(d.adcode)]),
    st.sampled_from([d.adcode for d in region_tree() if region_tree().is_county_level(d.adcode)]),
)
def test_sql_band_equals_python_band(payer: str, county: str) -> None:
    assert _sql_band(payer, county) == origin_band(payer, county)


@pytest.mark.parametrize(("payer", "county", "band"), BAND_CASES)
def test_joined_origin_band(payer: str | None, county: str, band: str) -> None:
    con = duckdb.connect()
    con.register("origins", origin_table())
    query = (
        f"SELECT {joined_origin_band_sql('r.p', 'o', 'r.c', 'r.pc')} FROM (SELECT CAST($1 AS VARCHAR) AS p, "
        "$2 AS c, $3 AS pc) r LEFT JOIN origins o ON r.p = o.code"
    )
    assert con.execute(query, [payer, county, prefecture_of(county)]).fetchone()[0] == band  # type: ignore[index]
