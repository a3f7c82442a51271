"""Synthetic platform orders and foot traffic: contract, reproducibility, growth, promotions, day curves."""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from xinxiao import merchants as registry
from xinxiao.core import InvalidInput
from xinxiao.monitoring.schema import DWELL_BUCKETS, FOOTFALL_FEED, ORDERS_FEED, ORIGIN_BANDS
from xinxiao.monitoring.synthetic import busiest_places, footfall_table, orders_table


@cache
def registry_tables(profile: str) -> tuple[pa.Table, pa.Table]:
    shape = registry.synthetic.load_profile(profile)
    places = registry.synthetic.generate_places(seed=3, profile=shape)
    rows = list(registry.synthetic.generate_merchants(seed=3, n=1500, profile=shape, places=places))
    merchants = pa.table({c: [r[c] for r in rows] for c in ("uscc", "region_adcode", "industry_code", "place_code")})
    columns = {"place_code": "code", "region_adcode": "region_adcode", "kind": "kind"}
    place_table = pa.table({name: [p[key] for p in places] for name, key in columns.items()})
    return merchants, place_table


@cache
def orders(profile: str, start: date, end: date, seed: int = 5, scale: float = 1.0) -> pa.Table:
    merchants = registry_tables(profile)[0]
    return orders_table(merchants=merchants, start=start, end=end, seed=seed, scale=scale, profile=profile)


@cache
def footfall(start: date, end: date, seed: int = 5) -> pa.Table:
    return footfall_table(places=registry_tables("diqing")[1], start=start, end=end, seed=seed, profile="diqing")


def yearly_amount(table: pa.Table) -> dict[int, float]:
    years = pc.year(table.column("order_time"))
    grouped = (
        pa.table({"year": years, "amount": table.column("amount")}).group_by("year").aggregate([("amount", "sum")])
    )
    return {row["year"]: float(row["amount_sum"]) for row in grouped.to_pylist()}


def daily(table: pa.Table, column: str, value: str | None = None) -> dict[date, float]:
    days = pc.cast(table.column(column), pa.date32())
    values = table.column(value) if value else pa.array(np.ones(table.num_rows))
    grouped = pa.table({"day": days, "v": values}).group_by("day").aggregate([("v", "sum")])
    return {row["day"]: float(row["v_sum"]) for row in grouped.to_pylist()}


JULY = (date(2024, 7, 1), date(2024, 7, 3))


def test_orders_contract_and_reproducibility() -> None:
    table = orders("diqing", *JULY)
    assert table.schema.equals(ORDERS_FEED)
    assert table.equals(orders_table(merchants=registry_tables("diqing")[0], start=JULY[0], end=JULY[1], seed=5,
                                     profile="diqing"))  # fmt: skip
    assert not table.equals(orders("diqing", *JULY, seed=6))
    ids = table.column("order_id").to_pylist()
    assert len(ids) == len(set(ids))
    assert set(table.column("seller_region").to_pylist()) <= {"533401", "533422", "533423"}
    assert pc.min(table.column("amount")).as_py() > 0


def test_services_orders_are_not_physical() -> None:
    table = orders("hubei", *JULY).filter(pc.is_valid(pc.field("physical")))
    physical = np.array(table.column("physical").to_pylist())
    services = np.array(table.column("category").to_pylist()) == "services"
    assert services.any()
    assert (physical == ~services).all()


@pytest.mark.parametrize(("profile", "scale"), [("diqing", 3.0), ("hubei", 1.0)])
def test_online_orders_grow_about_ten_percent_a_year(profile: str, scale: float) -> None:
    amounts = yearly_amount(orders(profile, date(2023, 1, 1), date(2024, 12, 31), scale=scale))
    growth = amounts[2024] / amounts[2023] - 1.0
    assert 0.07 <= growth <= 0.13


def test_double_eleven_and_618_spikes() -> None:
    counts = daily(orders("hubei", date(2024, 6, 1), date(2024, 11, 30)), "order_time")
    ordinary = np.mean([counts[date(2024, 9, d)] for d in range(2, 29)])
    assert counts[date(2024, 11, 11)] > 2.5 * ordinary
    assert counts[date(2024, 6, 18)] > 2.0 * ordinary
    assert counts[date(2024, 11, 11)] == max(counts.values())


def test_footfall_contract_and_reproducibility() -> None:
    table = footfall(*JULY)
    assert table.schema.equals(FOOTFALL_FEED)
    assert table.equals(footfall_table(places=registry_tables("diqing")[1], start=JULY[0], end=JULY[1], seed=5,
                                       profile="diqing"))  # fmt: skip
    assert pc.min(table.column("visitors")).as_py() >= 1
    assert set(table.column("origin_band").to_pylist()) <= set(ORIGIN_BANDS)
    assert set(table.column("dwell_bucket").to_pylist()) == set(DWELL_BUCKETS)
    assert set(table.column("place_code").to_pylist()) == set(
        registry_tables("diqing")[1].column("place_code").to_pylist()
    )


def night_share(table: pa.Table) -> float:
    hours = pc.hour(table.column("hour")).to_numpy()
    visitors = table.column("visitors").to_numpy()
    return float(visitors[(hours >= 18) | (hours < 6)].sum() / visitors.sum())


def test_night_clusters_are_busiest_at_night() -> None:
    places = registry_tables("diqing")[1]
    table = footfall(*JULY).join(places.select(["place_code", "kind"]), "place_code")
    cluster = table.filter(pc.equal(table.column("kind"), "night_cluster"))
    district = table.filter(pc.equal(table.column("kind"), "business_district"))
    assert night_share(cluster) > 0.6
    assert night_share(district) < night_share(cluster) - 0.2


def test_old_town_footfall_follows_the_tourist_season() -> None:
    table = footfall(date(2024, 1, 8), date(2024, 1, 14)), footfall(date(2024, 8, 5), date(2024, 8, 11))
    old_town = [t.filter(pc.equal(t.column("place_code"), "SP-533401-001")) for t in table]
    january, august = (pc.sum(t.column("visitors")).as_py() for t in old_town)
    assert august > 1.4 * january
    visitors = [
        t.filter(pc.is_in(t.column("origin_band"), pa.array(["other_province", "rest_of_province"]))) for t in old_town
    ]
    assert (
        pc.sum(visitors[1].column("visitors")).as_py() / august
        > pc.sum(visitors[0].column("visitors")).as_py() / january
    )


def test_busiest_places_keeps_the_biggest() -> None:
    places = registry_tables("hubei")[1]
    kept = busiest_places(places, seed=5, profile="hubei", limit=5)
    assert kept.num_rows == 5
    assert busiest_places(places, seed=5, profile="hubei", limit=None).num_rows == places.num_rows


def test_places_without_kind_are_refused() -> None:
    with pytest.raises(InvalidInput, match="kind"):
        footfall_table(places=pa.table({"place_code": ["P"], "region_adcode": ["533401"]}), start=JULY[0],
                       end=JULY[0], seed=1, profile="diqing")  # fmt: skip
