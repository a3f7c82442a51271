"""Official-STYLE synthetic monthly series: 社零 (retail_sales_total) and 限额以上 (retail_sales_above_quota).

Laid out like the real NBS releases in ``data/official/nbs_retail_releases_2017_2024.csv`` plus a
``vintage`` column: one ytd row for every month from 1–2月 to 1–12月 (January and February are never
released alone), and a month row for March to December. Values are 亿元 (unit ``100m_yuan``); the
published growth ``yoy_pct`` is the level growth plus noise and a comparable-basis (可比口径) shift, so
it is close to, but not exactly, value / last year - 1. ``source_id`` is ``SYNTHETIC``; releases come out
on the 15th–18th of the following month. Scale: 迪庆 (533400) about 100–130亿元 a year, 湖北 (420000)
about 2.2万亿元; sub-regions (迪庆's three counties, six 湖北 prefectures) take shares with their own noise.

>>> rows = official_series_rows(profile="diqing", start_year=2023, end_year=2023, seed=1)
>>> [(r["period_start"], r["period_end"], r["period_kind"]) for r in rows[0:6:2]]
[('2023-01', '2023-02', 'ytd'), ('2023-01', '2023-03', 'ytd'), ('2023-03', '2023-03', 'month')]
>>> full = [r for r in rows if r["region"] == "533400" and r["period_end"] == "2023-12" and r["period_kind"] == "ytd"]
>>> 100 < full[0]["value"] < 130, full[0]["indicator"], full[0]["vintage"].month
(True, 'retail_sales_total', 1)
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

import numpy as np

from xinxiao.core import InvalidInput
from xinxiao.monitoring.synthetic_arrow import Floats
from xinxiao.monitoring.synthetic_shape import load_shape

SERIES_COLUMNS: Final = (
    "region",
    "period_start",
    "period_end",
    "period_kind",
    "indicator",
    "value",
    "unit",
    "yoy_pct",
    "yoy_real_pct",
    "source_id",
    "vintage",
)
INDICATORS: Final = ("retail_sales_total", "retail_sales_above_quota")
_SALT: Final = 0x5345


def _spec(profile: str) -> dict[str, Any]:
    series: dict[str, Any] = load_shape()["series"]
    if profile not in series or not isinstance(series[profile], dict):
        raise InvalidInput(f"unknown synthetic series profile {profile!r}", field="profile")
    return dict(series[profile])


def annual_levels(spec: Mapping[str, Any], years: range) -> Floats:
    """Annual 社零 levels (亿元) for ``years``, chained from the anchor year by the growth rates."""
    anchor_year, anchor = int(spec["anchor"][0]), float(spec["anchor"][1])

    def growth(year: int) -> float:
        return 1.0 + float(spec["growth"].get(year, spec["default_growth"])) / 100.0

    levels = []
    for year in years:
        level = anchor
        for y in range(anchor_year + 1, year + 1):
            level *= growth(y)
        for y in range(year + 1, anchor_year + 1):
            level /= growth(y)
        levels.append(level)
    return np.array(levels)


def monthly_levels(spec: Mapping[str, Any], years: range, rng: np.random.Generator) -> Floats:
    """(years, 2, 12): monthly 社零 and 限额以上 of the main region, with month shocks and a little noise."""
    months = np.asarray(spec["months"], dtype=np.float64)
    total = annual_levels(spec, years)[:, None] * months / months.sum()
    shocks = np.array([[spec["shocks"].get(f"{y}-{m:02d}", 1.0) for m in range(1, 13)] for y in years])
    total = total * shocks * (1.0 + 0.01 * rng.standard_normal(total.shape))
    share, drift = spec["above_quota"]
    quota_share = share + drift * (np.array(years)[:, None] - int(spec["anchor"][0]))
    above = total * quota_share * (1.0 + 0.02 * rng.standard_normal(total.shape))
    return np.stack([total, above], axis=1)


def official_series_rows(*, profile: str, start_year: int, end_year: int, seed: int) -> list[dict[str, Any]]:
    """Synthetic official-style rows for the profile's region and sub-regions, ``start_year``..``end_year``."""
    if end_year < start_year:
        raise InvalidInput(f"end_year {end_year} is before start_year {start_year}", field="end_year")
    spec, noise = _spec(profile), load_shape()["series"]
    rng = np.random.default_rng([seed & 0xFFFFFFFF, _SALT, sorted(load_shape()["profiles"]).index(profile)])
    years = range(start_year - 1, end_year + 1)
    main = monthly_levels(spec, years, rng)
    regions = {spec["region"]: main}
    for code, share in spec["subregions"].items():
        regions[code] = main * share * (1.0 + noise["sub_noise"] * rng.standard_normal(main.shape))
    vintages = _vintages(years, rng, noise["vintage_days"])
    rows: list[dict[str, Any]] = []
    for code, levels in regions.items():
        rows.extend(_region_rows(code, levels, years, spec, rng, vintages))
    return rows


def _vintages(years: range, rng: np.random.Generator, days: list[int]) -> dict[tuple[int, int], date]:
    """Release day of each (year, month) period: one of ``days`` in the following month."""
    out = {}
    for year in years:
        for month in range(2, 13):
            following = date(year + (month == 12), month % 12 + 1, int(rng.integers(days[0], days[1] + 1)))
            out[year, month] = following
    return out


def _region_rows(code: str, levels: Floats, years: range, spec: Mapping[str, Any], rng: np.random.Generator,
                 vintages: Mapping[tuple[int, int], date]) -> Iterable[dict[str, Any]]:  # fmt: skip
    cumulative = np.cumsum(levels, axis=2)
    noise_pp = float(load_shape()["series"]["noise_pp"])
    for y in range(1, len(years)):
        year = years[y]
        basis = float(spec["basis_pp"].get(year, 0.0))
        for month in range(2, 13):
            kinds = [("ytd", cumulative)] + ([("month", levels)] if month >= 3 else [])
            for kind, table in kinds:
                for i, indicator in enumerate(INDICATORS):
                    value, last = table[y, i, month - 1], table[y - 1, i, month - 1]
                    yoy = (value / last - 1.0) * 100.0 + noise_pp * rng.standard_normal() + basis
                    start = f"{year}-01" if kind == "ytd" else f"{year}-{month:02d}"
                    yield _row(code, start, f"{year}-{month:02d}", kind, indicator, value, yoy, vintages[year, month])


def _row(region: str, start: str, end: str, kind: str, indicator: str, value: float, yoy: float,
         vintage: date) -> dict[str, Any]:  # fmt: skip
    return {
        "region": region,
        "period_start": start,
        "period_end": end,
        "period_kind": kind,
        "indicator": indicator,
        "value": round(float(value), 2 if value >= 10 else 4),  # small counties: to the 万元
        "unit": "100m_yuan",
        "yoy_pct": round(float(yoy), 1),
        "yoy_real_pct": None,
        "source_id": "SYNTHETIC",
        "vintage": vintage,
    }


def write_series_csv(path: Path | str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write series rows as UTF-8 CSV with ``SERIES_COLUMNS`` (dates ISO, None empty); returns the row count."""
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SERIES_COLUMNS)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row[c] for c in SERIES_COLUMNS])
            count += 1
    return count
