"""Synthetic payments: contract, reproducibility, and the shapes the demo must show (checked on generated rows)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from xinxiao import merchants as registry
from xinxiao.core import InvalidInput
from xinxiao.monitoring.schema import CHANNELS, FOREIGN, PAYMENTS_FEED
from xinxiao.monitoring.synthetic import payments_batches, payments_table
from xinxiao.reference.calendar import spring_festival

MERCHANT_N = {"diqing": 2000, "hubei": 6000}


@cache
def merchant_table(profile: str) -> pa.Table:
    shape = registry.synthetic.load_profile(profile)
    places = registry.synthetic.generate_places(seed=3, profile=shape)
    rows = list(registry.synthetic.generate_merchants(seed=3, n=MERCHANT_N[profile], profile=shape, places=places))
    return pa.table({c: [r[c] for r in rows] for c in ("uscc", "region_adcode", "industry_code", "place_code")})


@cache
def payments(profile: str, start: date, end: date, scale: float = 1.0, seed: int = 11) -> pa.Table:
    return payments_table(merchants=merchant_table(profile), start=start, end=end, seed=seed, scale=scale,
                          profile=profile)  # fmt: skip


def daily_counts(table: pa.Table) -> dict[date, int]:
    days = pc.cast(table.column("txn_time"), pa.date32())
    counts = pc.value_counts(days).to_pylist()
    return {c["values"]: c["counts"] for c in counts}


def mean_over(counts: dict[date, int], first: date, last: date) -> float:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return float(np.mean([counts.get(d, 0) for d in days]))


def with_region(table: pa.Table, profile: str) -> pa.Table:
    regions = merchant_table(profile).select(["uscc", "region_adcode"]).rename_columns(["merchant_id", "region"])
    return table.join(regions, "merchant_id")


def non_local_share(table: pa.Table) -> float:
    origin = table.column("payer_origin")
    known = pc.is_valid(origin)
    region_prefix = pc.utf8_slice_codeunits(table.column("region"), 0, 4)
    same = pc.equal(pc.utf8_slice_codeunits(origin, 0, 4), region_prefix)
    return 1.0 - pc.sum(pc.and_(known, same)).as_py() / pc.sum(known).as_py()


WEEK = (date(2024, 7, 1), date(2024, 7, 7))


def test_schema_is_the_feed_contract_exactly() -> None:
    table = payments("diqing", *WEEK)
    assert table.schema.equals(PAYMENTS_FEED)
    assert table.num_rows > 1000


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    again = payments_table(merchants=merchant_table("diqing"), start=WEEK[0], end=WEEK[1], seed=11, profile="diqing")
    assert again.equals(payments("diqing", *WEEK))
    other = payments("diqing", *WEEK, seed=12)
    assert not other.equals(again)
    assert set(other.column("txn_id").to_pylist()).isdisjoint(again.column("txn_id").to_pylist())


def test_txn_ids_unique_and_overlapping_ranges_repeat_the_shared_days() -> None:
    first = payments("diqing", date(2024, 7, 1), date(2024, 7, 4))
    second = payments("diqing", date(2024, 7, 3), date(2024, 7, 6))
    ids = first.column("txn_id").to_pylist()
    assert len(set(ids)) == len(ids)
    shared = pc.greater_equal(first.column("txn_time"), pa.scalar(datetime(2024, 7, 3), pa.timestamp("us")))
    tail = second.filter(pc.less(second.column("txn_time"), pa.scalar(datetime(2024, 7, 5), pa.timestamp("us"))))
    assert first.filter(shared).equals(tail)


def test_batches_concatenated_equal_the_table() -> None:
    batches = list(payments_batches(merchants=merchant_table("diqing"), start=WEEK[0], end=WEEK[1], seed=11,
                                    profile="diqing", batch_rows=100))  # fmt: skip
    assert max(b.num_rows for b in batches) == 100
    assert pa.Table.from_batches(batches).equals(payments("diqing", *WEEK))


def test_values_are_in_range() -> None:
    table = with_region(payments("diqing", *WEEK), "diqing")
    assert pc.min(table.column("amount")).as_py() > 0
    assert set(table.column("channel").to_pylist()) == set(CHANNELS)
    origins = {o for o in table.column("payer_origin").to_pylist() if o is not None}
    assert FOREIGN in origins
    assert all(o == FOREIGN or (len(o) == 6 and o.isdigit()) for o in origins)
    assert set(table.column("merchant_id").to_pylist()) <= set(merchant_table("diqing").column("uscc").to_pylist())
    hashes = table.column("payer_hash").drop_null()
    assert 0.9 < len(hashes) / table.num_rows < 1.0
    assert table.num_rows / 20 < len(set(hashes.to_pylist())) < table.num_rows * 0.8


@pytest.mark.parametrize("profile", ["diqing", "hubei"])
def test_night_share_in_range(profile: str) -> None:
    hours = pc.hour(payments(profile, *WEEK).column("txn_time")).to_numpy()
    night = np.mean((hours >= 18) | (hours < 6))
    assert 0.20 <= night <= 0.40


@pytest.mark.parametrize("profile", ["diqing", "hubei"])
def test_daily_volume_at_scale_one(profile: str) -> None:
    per_day = payments(profile, date(2024, 3, 4), date(2024, 3, 10)).num_rows / 7
    assert {"diqing": 200, "hubei": 1000}[profile] < per_day < {"diqing": 400, "hubei": 2000}[profile]


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_spring_festival_on_its_lunar_dates(year: int) -> None:
    festival = spring_festival(year)
    table = payments("diqing", festival - timedelta(days=28), festival + timedelta(days=6), scale=3.0)
    counts = daily_counts(table)
    before = mean_over(counts, festival - timedelta(days=7), festival - timedelta(days=1))
    month_before = mean_over(counts, festival - timedelta(days=28), festival - timedelta(days=22))
    holiday = mean_over(counts, festival, festival + timedelta(days=2))
    assert before > 1.05 * month_before  # 年货 shopping (2023: the month before is late December, itself busy)
    assert holiday < 0.85 * before  # days 1–3 are quiet


def test_no_festival_dip_on_last_years_dates() -> None:
    """2024's 春节 fell on 10 Feb; 22–24 Jan (2023's dates) must look ordinary in 2024."""
    counts = daily_counts(payments("diqing", date(2024, 1, 8), date(2024, 1, 24), scale=3.0))
    assert mean_over(counts, date(2024, 1, 22), date(2024, 1, 24)) > 0.9 * mean_over(
        counts, date(2024, 1, 8), date(2024, 1, 21)
    )


def test_shangri_la_summer_and_autumn_above_winter() -> None:
    table = with_region(payments("diqing", date(2024, 1, 1), date(2024, 10, 31)), "diqing")
    counts = daily_counts(table.filter(pc.equal(table.column("region"), "533401")))
    festival = spring_festival(2024)
    winter = [d for d in counts if d.month <= 3 and abs((d - festival).days) > 21]
    winter_mean = float(np.mean([counts[d] for d in winter]))
    assert mean_over(counts, date(2024, 7, 1), date(2024, 8, 31)) > 1.25 * winter_mean
    assert mean_over(counts, date(2024, 10, 8), date(2024, 10, 31)) > 1.15 * winter_mean


@pytest.mark.parametrize("profile", ["diqing", "hubei"])
def test_national_day_week_above_the_weeks_around(profile: str) -> None:
    counts = daily_counts(payments(profile, date(2024, 9, 17), date(2024, 10, 21)))
    golden = mean_over(counts, date(2024, 10, 1), date(2024, 10, 7))
    assert golden > 1.1 * mean_over(counts, date(2024, 9, 17), date(2024, 9, 30))
    assert golden > 1.1 * mean_over(counts, date(2024, 10, 8), date(2024, 10, 21))


def test_non_local_share_rises_in_the_tourist_season_and_is_higher_in_diqing() -> None:
    january = non_local_share(with_region(payments("diqing", date(2024, 1, 8), date(2024, 1, 21)), "diqing"))
    august = non_local_share(with_region(payments("diqing", date(2024, 8, 5), date(2024, 8, 18)), "diqing"))
    hubei = non_local_share(with_region(payments("hubei", date(2024, 8, 5), date(2024, 8, 18)), "hubei"))
    assert august > january + 0.10
    assert august > hubei + 0.10


def test_vouchers_only_inside_rounds() -> None:
    table = payments("diqing", date(2024, 4, 20), date(2024, 5, 15))
    used = table.filter(pc.is_valid(table.column("voucher_amount")))
    days = set(pc.cast(used.column("txn_time"), pa.date32()).to_pylist())
    assert used.num_rows > 50
    assert min(days) >= date(2024, 4, 28)
    assert max(days) <= date(2024, 5, 7)
    assert pc.all(pc.less(used.column("voucher_amount"), used.column("amount"))).as_py()


def test_scale_multiplies_volume() -> None:
    small, large = payments("diqing", *WEEK).num_rows, payments("diqing", *WEEK, scale=3.0).num_rows
    assert 2.7 < large / small < 3.3


@pytest.mark.parametrize(
    ("change", "field"),
    [({"profile": "nowhere"}, "profile"), ({"scale": 0.0}, "scale"), ({"end": date(2024, 6, 1)}, "end")],
)
def test_bad_arguments_are_invalid_input(change: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"merchants": merchant_table("diqing"), "start": date(2024, 7, 1),
                               "end": date(2024, 7, 1), "seed": 1, "profile": "diqing"} | change  # fmt: skip
    with pytest.raises(InvalidInput) as error:
        payments_table(**args)  # type: ignore[arg-type]
    assert error.value.extra["field"] == field


def test_merchants_without_required_columns_are_refused() -> None:
    with pytest.raises(InvalidInput, match="industry_code"):
        payments_table(merchants=pa.table({"uscc": ["X"], "region_adcode": ["533401"], "place_code": [None]}),
                       start=WEEK[0], end=WEEK[0], seed=1, profile="diqing")  # fmt: skip
