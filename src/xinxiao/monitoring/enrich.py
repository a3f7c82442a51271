"""Enrichment rules as SQL fragments: the night window and the payer-origin bands.

Each rule has a small Python twin used by doctests and tests, so the SQL is checked against it.
"""

from __future__ import annotations

from datetime import time
from functools import cache

import pyarrow as pa

from xinxiao.reference import region_tree

MUNICIPALITY_PREFIXES = ("11", "12", "31", "50")
FOREIGN_ALIASES = ("foreign", "境外")


def minutes(clock: str) -> int:
    """Minutes after midnight of an ``HH:MM`` time.

    >>> minutes("18:00"), minutes("06:30")
    (1080, 390)
    """
    hours, _, mins = clock.partition(":")
    return int(hours) * 60 + int(mins)


def is_night(at: time, start: str, end: str) -> bool:
    """Whether a local time of day lies in the night window [start, end), which may cross midnight.

    An empty window (start == end) holds no time.

    >>> [is_night(time(h), "18:00", "06:00") for h in (5, 6, 17, 18, 23)]
    [True, False, False, True, True]
    >>> [is_night(time(h), "20:00", "23:00") for h in (19, 20, 22, 23)]
    [False, True, True, False]
    """
    m, lo, hi = at.hour * 60 + at.minute, minutes(start), minutes(end)
    return lo <= m < hi if lo <= hi else (m >= lo or m < hi)


def night_sql(column: str, start: str, end: str) -> str:
    """A DuckDB/Spark SQL condition: the timestamp ``column`` lies in the night window."""
    lo, hi = minutes(start), minutes(end)
    m = f"(hour({column}) * 60 + minute({column}))"
    if lo <= hi:
        return f"({m} >= {lo} AND {m} < {hi})"
    return f"({m} >= {lo} OR {m} < {hi})"


@cache
def _province_direct() -> tuple[str, ...]:
    tree = region_tree()
    return tuple(sorted(d.adcode for d in tree if d.province_direct))


@cache
def _provinces() -> tuple[str, ...]:
    return tuple(sorted(d.adcode[:2] for d in region_tree().children("000000")))


def prefecture_of(adcode: str) -> str:
    """The prefecture-level unit an adcode belongs to, as origin bands compare them.

    省直辖县级 units (仙桃 429004) are their own prefecture; municipal districts belong to the municipality.

    >>> prefecture_of("533422"), prefecture_of("429004"), prefecture_of("110105"), prefecture_of("533400")
    ('533400', '429004', '110000', '533400')
    """
    if adcode in _province_direct():
        return adcode
    if adcode[:2] in MUNICIPALITY_PREFIXES:
        return adcode[:2] + "0000"
    return adcode[:4] + "00"


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def prefecture_sql(column: str) -> str:
    """SQL twin of ``prefecture_of`` for a 6-digit adcode column."""
    cities = _in_list(MUNICIPALITY_PREFIXES)
    return (
        f"(CASE WHEN {column} IN {_in_list(_province_direct())} THEN {column} "
        f"WHEN left({column}, 2) IN {cities} THEN left({column}, 2) || '0000' ELSE left({column}, 4) || '00' END)"
    )


def origin_band(payer: str | None, county: str) -> str:
    """The origin band of a payer (adcode, 'foreign' or None) paying a merchant in ``county``.

    >>> [origin_band(p, "533401") for p in ("533401", "533422", "530102", "420102", "foreign", None, "990000")]
    ['local_county', 'rest_of_prefecture', 'rest_of_province', 'other_province', 'abroad', 'unknown', 'unknown']
    >>> origin_band("429005", "429004")
    'rest_of_province'
    """
    if payer is None:
        return "unknown"
    if payer in FOREIGN_ALIASES:
        return "abroad"
    if payer == county:
        return "local_county"
    if prefecture_of(payer) == prefecture_of(county):
        return "rest_of_prefecture"
    if payer[:2] == county[:2]:
        return "rest_of_province"
    return "other_province" if payer[:2] in _provinces() else "unknown"


def origin_band_sql(payer: str, county: str, county_prefecture: str) -> str:
    """SQL twin of ``origin_band``; ``payer`` is normalised (null, 'foreign' or 6 digits)."""
    return (
        f"(CASE WHEN {payer} IS NULL THEN 'unknown' WHEN {payer} = 'foreign' THEN 'abroad' "
        f"WHEN {payer} = {county} THEN 'local_county' "
        f"WHEN {prefecture_sql(payer)} = {county_prefecture} THEN 'rest_of_prefecture' "
        f"WHEN left({payer}, 2) = left({county}, 2) THEN 'rest_of_province' "
        f"WHEN left({payer}, 2) IN {_in_list(_provinces())} THEN 'other_province' ELSE 'unknown' END)"
    )


def origin_table() -> pa.Table:
    """Every division's adcode with its prefecture (as ``prefecture_of``) and 2-digit province, for a join."""
    codes = [d.adcode for d in region_tree()]
    return pa.table(
        {"code": codes, "prefecture": [prefecture_of(c) for c in codes], "province": [c[:2] for c in codes]}
    )


def joined_origin_band_sql(payer: str, origin: str, county: str, county_prefecture: str) -> str:
    """``origin_band_sql`` for rows LEFT JOINed to ``origin_table()`` as ``origin`` on the payer's adcode.

    Known adcodes (nearly all rows) compare precomputed columns; others fall back to ``origin_band_sql``.
    """
    return (
        f"(CASE WHEN {origin}.code IS NULL THEN {origin_band_sql(payer, county, county_prefecture)} "
        f"WHEN {payer} = {county} THEN 'local_county' "
        f"WHEN {origin}.prefecture = {county_prefecture} THEN 'rest_of_prefecture' "
        f"WHEN {origin}.province = left({county}, 2) THEN 'rest_of_province' ELSE 'other_province' END)"
    )
