"""Official-style synthetic series: the NBS release layout, scale, published growth near (not equal to) levels."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from xinxiao.core import InvalidInput
from xinxiao.monitoring.synthetic import official_series_rows, write_series_csv
from xinxiao.monitoring.synthetic_series import SERIES_COLUMNS


@cache
def rows(profile: str, seed: int = 2) -> tuple[dict[str, Any], ...]:
    return tuple(official_series_rows(profile=profile, start_year=2019, end_year=2024, seed=seed))


def index(profile: str) -> dict[tuple[str, str, str, str, str], dict[str, Any]]:
    return {
        (r["region"], r["indicator"], r["period_kind"], r["period_start"], r["period_end"]): r for r in rows(profile)
    }


def test_release_layout_like_nbs() -> None:
    table = rows("diqing")
    months = {r["period_end"][5:] for r in table if r["period_kind"] == "month"}
    ytd = {(r["period_start"][5:], r["period_end"][5:]) for r in table if r["period_kind"] == "ytd"}
    assert months == {f"{m:02d}" for m in range(3, 13)}  # no January or February alone
    assert ytd == {("01", f"{m:02d}") for m in range(2, 13)}  # 1–2月 merged, December is the full year
    assert {r["unit"] for r in table} == {"100m_yuan"}
    assert {r["source_id"] for r in table} == {"SYNTHETIC"}
    assert {r["indicator"] for r in table} == {"retail_sales_total", "retail_sales_above_quota"}
    assert {r["region"] for r in table} == {"533400", "533401", "533422", "533423"}


def test_vintage_is_mid_following_month() -> None:
    for row in rows("hubei"):
        year, month = map(int, row["period_end"].split("-"))
        vintage: date = row["vintage"]
        assert (vintage.year, vintage.month) == (year + (month == 12), month % 12 + 1)
        assert 15 <= vintage.day <= 18


@pytest.mark.parametrize(
    ("profile", "region", "low", "high"), [("diqing", "533400", 100, 130), ("hubei", "420000", 20000, 25000)]
)
def test_annual_scale(profile: str, region: str, low: float, high: float) -> None:
    table = index(profile)
    for year in (2023, 2024):
        total = table[region, "retail_sales_total", "ytd", f"{year}-01", f"{year}-12"]["value"]
        above = table[region, "retail_sales_above_quota", "ytd", f"{year}-01", f"{year}-12"]["value"]
        assert low <= total <= high
        assert 0.2 * total < above < 0.6 * total


def test_ytd_is_the_sum_of_months() -> None:
    table = index("hubei")
    for year in range(2019, 2025):
        months = sum(
            table["420000", "retail_sales_total", "month", f"{year}-{m:02d}", f"{year}-{m:02d}"]["value"]
            for m in range(3, 13)
        )
        first_two = table["420000", "retail_sales_total", "ytd", f"{year}-01", f"{year}-02"]["value"]
        full = table["420000", "retail_sales_total", "ytd", f"{year}-01", f"{year}-12"]["value"]
        assert full == pytest.approx(first_two + months, abs=0.1)


def test_published_growth_close_to_levels_but_not_recomputed() -> None:
    table = index("diqing")
    gaps = []
    for (region, indicator, kind, start, end), row in table.items():
        last = table.get((region, indicator, kind, f"{int(start[:4]) - 1}{start[4:]}", f"{int(end[:4]) - 1}{end[4:]}"))
        if last is None or start[:4] in {"2018", "2020"}:  # basis-shift years
            continue
        gaps.append(row["yoy_pct"] - (row["value"] / last["value"] - 1) * 100)
    assert len(gaps) > 300
    assert max(abs(g) for g in gaps) < 2.5
    assert sum(abs(g) > 0.1 for g in gaps) > len(gaps) / 2


def test_lockdown_month_visible_in_hubei_2020() -> None:
    table = index("hubei")
    march = table["420000", "retail_sales_total", "month", "2020-03", "2020-03"]["yoy_pct"]
    assert march < -30


def test_sub_regions_add_up_roughly() -> None:
    table = index("diqing")
    parts = defaultdict(float)
    for (region, indicator, kind, _start, end), row in table.items():
        if region != "533400" and indicator == "retail_sales_total" and kind == "ytd":
            parts[end] += row["value"]
    for end, value in parts.items():
        whole = table["533400", "retail_sales_total", "ytd", f"{end[:4]}-01", end]["value"]
        assert value == pytest.approx(whole, rel=0.03)


def test_reproducible_and_seed_sensitive() -> None:
    assert rows("diqing") == tuple(official_series_rows(profile="diqing", start_year=2019, end_year=2024, seed=2))
    assert rows("diqing") != rows("diqing", seed=3)


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    assert write_series_csv(path, rows("diqing")) == len(rows("diqing"))
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert tuple(read[0]) == SERIES_COLUMNS
    assert read[0]["yoy_real_pct"] == ""
    assert read[0]["vintage"] == rows("diqing")[0]["vintage"].isoformat()
    assert float(read[5]["value"]) == rows("diqing")[5]["value"]


@pytest.mark.parametrize(("args", "field"), [({"profile": "tibet"}, "profile"), ({"end_year": 2018}, "end_year")])
def test_bad_arguments(args: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        official_series_rows(**({"profile": "diqing", "start_year": 2019, "end_year": 2020, "seed": 1} | args))
    assert error.value.extra["field"] == field
