"""Merchant statistics: known answers on a hand-written table, properties, and DuckDB = Spark."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.analytics import DuckDBEngine, SparkEngine, normalise_frame
from xinxiao.core import InvalidInput
from xinxiao.merchants.statistics import (
    INPUT_SCHEMA,
    MEASURES,
    new_above_quota_by_year,
    region_key,
    summary_by,
    totals,
)

SCHEMA = INPUT_SCHEMA
T, F = True, False

# id, county, industry, 业态, place, status, mobile, online, smart, 限上, 限上 year, opened
HAND_ROWS: list[tuple[Any, ...]] = [
    (1, "533401", "5211", "超市", 10, "active", T, T, T, T, 2022, date(2015, 5, 1)),
    (2, "533401", "5212", "便利店", 10, "active", T, F, F, F, 2022, date(2020, 1, 1)),  # fell below since
    (3, "533401", "6210", "餐饮", 11, "active", F, T, F, F, None, None),
    (4, "533401", "6110", "住宿", None, "active", F, F, F, T, 2023, date(2019, 7, 1)),
    (5, "533422", "5211", "超市", 12, "active", T, F, F, T, 2023, date(2021, 3, 15)),
    (6, "533422", "6210", "餐饮", 12, "suspended", T, T, F, F, None, date(2018, 8, 8)),
    (7, "533423", "80", None, None, "active", F, F, F, F, None, None),
    (8, "533423", "521", None, None, "closed", T, F, F, T, 2022, date(2010, 1, 1)),
    (9, "429004", "5211", "超市", 20, "active", T, T, F, T, 2024, date(2023, 6, 1)),
    (10, "429005", "6210", "餐饮", 20, "active", F, F, T, F, None, None),
    (11, "420102", "5212", "便利店", None, "active", T, F, F, F, None, date(2022, 9, 9)),
    (12, "420102", "5281", "专业店", 21, "active", F, T, F, F, None, date(2024, 1, 2)),
]
SUMMARY_COLUMNS = ["key", *MEASURES]


def hand_table() -> pa.Table:
    """The twelve merchants above: three prefectures in two provinces, every status and flag mix."""
    return pa.Table.from_pylist([dict(zip(SCHEMA.names, row, strict=True)) for row in HAND_ROWS], SCHEMA)


def _with_nulls(rng: np.random.Generator, values: np.ndarray, share: float) -> pa.Array:
    return pa.array(values, mask=rng.random(len(values)) < share)


def generated_table(rows: int = 5_000, seed: int = 20221) -> pa.Table:
    """Synthetic merchants in nine counties, with ~2 % null flags the real export would never hold."""
    rng = np.random.default_rng(seed)
    counties = ["533401", "533422", "533423", "429004", "429005", "429006", "420102", "420106", "420111"]
    industries = ["5211", "5212", "5281", "5292", "6110", "6210", "6220", "80", "521", "7111"]
    formats = np.array(["超市", "便利店", "百货店", "专业店", "餐饮", "住宿", "生活服务", None], dtype=object)
    above = rng.random(rows) < 0.15
    year_known = np.where(above, rng.random(rows) < 0.9, rng.random(rows) < 0.03)
    columns = {
        "id": np.arange(1, rows + 1),
        "region_adcode": rng.choice(counties, rows),
        "industry_code": rng.choice(industries, rows),
        "business_format": rng.choice(formats, rows),
        "place_id": pa.array(rng.integers(1, 41, rows), mask=rng.random(rows) < 0.4),
        "status": rng.choice(["active", "suspended", "closed"], rows, p=[0.8, 0.1, 0.1]),
        "mobile_payment": _with_nulls(rng, rng.random(rows) < 0.7, 0.02),
        "online_store": _with_nulls(rng, rng.random(rows) < 0.3, 0.02),
        "smart_facilities": rng.random(rows) < 0.1,
        "above_quota": above,
        "above_quota_year": pa.array(rng.integers(2015, 2025, rows), mask=~year_known),
        "opened_on": _with_nulls(rng, np.datetime64("2000-01-01") + rng.integers(0, 9000, rows), 0.1),
    }
    return pa.table({name: pa.array(values).cast(SCHEMA.field(name).type) for name, values in columns.items()})


def summary_frame(rows: list[tuple[Any, ...]], key_dtype: str = "str") -> pd.DataFrame:
    """Expected ``summary_by`` rows, typed as the engine returns them."""
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    rates = {c: "float64" for c in SUMMARY_COLUMNS if c.endswith("_rate")}
    return frame.astype({"key": key_dtype, **rates})


Builder = Callable[[ibis.Table], ibis.Table]

KNOWN_SUMMARIES = [
    pytest.param(
        lambda t: summary_by(t, "region"),
        [
            ("420102", 2, 1, 1, 2, 1 / 2, 1 / 2, 2 / 2, 0),
            ("429004", 1, 1, 1, 1, 1.0, 1.0, 1.0, 1),
            ("429005", 1, 0, 0, 0, 0.0, 0.0, 0.0, 0),
            ("533401", 4, 2, 2, 3, 2 / 4, 2 / 4, 3 / 4, 2),
            ("533422", 1, 1, 0, 1, 1.0, 0.0, 1.0, 1),
            ("533423", 1, 0, 0, 0, 0.0, 0.0, 0.0, 0),
        ],
        "str",
        id="region-county",
    ),
    pytest.param(
        lambda t: summary_by(t, "region", region_level="prefecture"),
        [
            ("420100", 2, 1, 1, 2, 1 / 2, 1 / 2, 2 / 2, 0),
            ("429004", 1, 1, 1, 1, 1.0, 1.0, 1.0, 1),
            ("429005", 1, 0, 0, 0, 0.0, 0.0, 0.0, 0),
            ("533400", 6, 3, 2, 4, 3 / 6, 2 / 6, 4 / 6, 3),
        ],
        "str",
        id="region-prefecture",
    ),
    pytest.param(
        lambda t: summary_by(t, "region", region_level="province"),
        [
            ("420000", 4, 2, 2, 3, 2 / 4, 2 / 4, 3 / 4, 1),
            ("530000", 6, 3, 2, 4, 3 / 6, 2 / 6, 4 / 6, 3),
        ],
        "str",
        id="region-province",
    ),
    pytest.param(
        lambda t: summary_by(t, "industry"),
        [
            ("52", 6, 5, 3, 6, 5 / 6, 3 / 6, 6 / 6, 3),
            ("61", 1, 0, 0, 0, 0.0, 0.0, 0.0, 1),
            ("62", 2, 0, 1, 1, 0.0, 1 / 2, 1 / 2, 0),
            ("80", 1, 0, 0, 0, 0.0, 0.0, 0.0, 0),
        ],
        "str",
        id="industry-division",
    ),
    pytest.param(
        lambda t: summary_by(t, "format"),
        [  # code-point order: 专 < 住 < 便 < 超 < 餐; the unknown 业态 last
            ("专业店", 1, 0, 1, 1, 0.0, 1.0, 1.0, 0),
            ("住宿", 1, 0, 0, 0, 0.0, 0.0, 0.0, 1),
            ("便利店", 2, 2, 0, 2, 1.0, 0.0, 1.0, 0),
            ("超市", 3, 3, 2, 3, 1.0, 2 / 3, 1.0, 3),
            ("餐饮", 2, 0, 1, 1, 0.0, 1 / 2, 1 / 2, 0),
            (None, 1, 0, 0, 0, 0.0, 0.0, 0.0, 0),
        ],
        "str",
        id="format",
    ),
    pytest.param(
        lambda t: summary_by(t, "format", active_only=False),
        [  # adds 6 (suspended 餐饮, both flags) and 8 (closed, no 业态, mobile, 限上)
            ("专业店", 1, 0, 1, 1, 0.0, 1.0, 1.0, 0),
            ("住宿", 1, 0, 0, 0, 0.0, 0.0, 0.0, 1),
            ("便利店", 2, 2, 0, 2, 1.0, 0.0, 1.0, 0),
            ("超市", 3, 3, 2, 3, 1.0, 2 / 3, 1.0, 3),
            ("餐饮", 3, 1, 2, 2, 1 / 3, 2 / 3, 2 / 3, 0),
            (None, 2, 1, 0, 1, 1 / 2, 0.0, 1 / 2, 1),
        ],
        "str",
        id="format-all-statuses",
    ),
    pytest.param(
        lambda t: summary_by(t, "place"),
        [
            (10, 2, 2, 1, 2, 1.0, 1 / 2, 1.0, 1),
            (11, 1, 0, 1, 1, 0.0, 1.0, 1.0, 0),
            (12, 1, 1, 0, 1, 1.0, 0.0, 1.0, 1),
            (20, 2, 1, 1, 1, 1 / 2, 1 / 2, 1 / 2, 1),
            (21, 1, 0, 1, 1, 0.0, 1.0, 1.0, 0),
            (None, 3, 1, 0, 1, 1 / 3, 0.0, 1 / 3, 1),  # not in any place: 4, 7, 11
        ],
        "Int64",
        id="place",
    ),
]


@pytest.fixture(scope="module")
def duckdb_engine() -> Iterator[DuckDBEngine]:
    """The in-process engine, shared by this module's DuckDB tests."""
    engine = DuckDBEngine()
    yield engine
    engine.close()


def run(engine: DuckDBEngine | SparkEngine, builder: Builder, table: pa.Table) -> pd.DataFrame:
    """``builder`` over ``table`` registered as ``merchants``."""
    return engine.execute(lambda tables: builder(tables["merchants"]), {"merchants": table})


@pytest.mark.parametrize(("builder", "rows", "key_dtype"), KNOWN_SUMMARIES)
def test_summary_by_known_answers(
    duckdb_engine: DuckDBEngine, builder: Builder, rows: list[tuple[Any, ...]], key_dtype: str
) -> None:
    actual = run(duckdb_engine, builder, hand_table())
    pd.testing.assert_frame_equal(actual, summary_frame(rows, key_dtype))


@pytest.mark.parametrize(
    ("level", "rows"),
    [
        (
            "county",
            [
                ("429004", 2024, 1),
                ("533401", 2022, 2),
                ("533401", 2023, 1),
                ("533422", 2023, 1),
                ("533423", 2022, 1),
            ],
        ),
        ("prefecture", [("429004", 2024, 1), ("533400", 2022, 3), ("533400", 2023, 2)]),
        ("province", [("420000", 2024, 1), ("530000", 2022, 3), ("530000", 2023, 2)]),
    ],
)
def test_new_above_quota_by_year_counts_every_status(
    duckdb_engine: DuckDBEngine, level: Any, rows: list[tuple[str, int, int]]
) -> None:
    actual = run(duckdb_engine, lambda t: new_above_quota_by_year(t, region_level=level), hand_table())
    expected = pd.DataFrame(rows, columns=["key", "year", "new_above_quota"]).astype({"key": "str"})
    pd.testing.assert_frame_equal(actual, expected)


@pytest.mark.parametrize(
    ("active_only", "row"),
    [
        (True, (10, 5, 4, 7, 5 / 10, 4 / 10, 7 / 10, 4)),
        (False, (12, 7, 5, 9, 7 / 12, 5 / 12, 9 / 12, 5)),
    ],
)
def test_totals_known_answers(duckdb_engine: DuckDBEngine, active_only: bool, row: tuple[Any, ...]) -> None:
    actual = run(duckdb_engine, lambda t: totals(t, active_only=active_only), hand_table())
    pd.testing.assert_frame_equal(actual, pd.DataFrame([row], columns=list(MEASURES)))


def test_totals_of_nothing_are_zero_counts_and_null_rates(duckdb_engine: DuckDBEngine) -> None:
    actual = run(duckdb_engine, totals, hand_table().slice(0, 0))
    assert actual[["merchants", "mobile_payment", "digital", "above_quota"]].iloc[0].tolist() == [0, 0, 0, 0]
    assert actual[["mobile_payment_rate", "online_store_rate", "digital_rate"]].isna().all(axis=None)


@pytest.mark.parametrize(
    ("adcode", "level", "expected"),
    [
        ("533422", "county", "533422"),
        ("533422", "prefecture", "533400"),
        ("533422", "province", "530000"),
        ("429004", "prefecture", "429004"),
        ("420102", "prefecture", "420100"),
        ("659001", "prefecture", "659001"),
        ("110101", "province", "110000"),
    ],
)
def test_region_key(duckdb_engine: DuckDBEngine, adcode: str, level: Any, expected: str) -> None:
    table = pa.table({"adcode": [adcode]})
    actual = duckdb_engine.execute(lambda t: t["c"].select(k=region_key(t["c"].adcode, level)), {"c": table})
    assert actual["k"].tolist() == [expected]


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda t: summary_by(t, "district"), id="dimension"),
        pytest.param(lambda t: summary_by(t, "region", region_level="town"), id="region-level"),
        pytest.param(lambda t: new_above_quota_by_year(t, region_level="city"), id="new-above-quota-level"),
    ],
)
def test_unknown_dimension_or_level_is_invalid_input(build: Builder) -> None:
    with pytest.raises(InvalidInput, match="unknown"):
        build(ibis.table(SCHEMA, name="merchants"))


MERCHANT_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["533401", "533422", "429004", "420102"]),
        st.sampled_from(["5211", "62", "6110"]),
        st.sampled_from(["超市", "餐饮", None]),
        st.sampled_from(["active", "suspended", "closed"]),
        st.booleans(),
        st.booleans(),
        st.booleans(),
    ),
    max_size=25,
)


def _table_of(rows: list[tuple[Any, ...]]) -> pa.Table:
    keys = ["region_adcode", "industry_code", "business_format", "status", "mobile_payment", "online_store"]
    records = [dict(zip([*keys, "above_quota"], row, strict=True)) | {"id": i} for i, row in enumerate(rows)]
    return pa.Table.from_pylist(records, pa.schema([f for f in SCHEMA if f.name in {*keys, "id", "above_quota"}]))


@settings(max_examples=30, deadline=None)
@given(rows=MERCHANT_ROWS, dimension=st.sampled_from(["region", "industry", "format"]))
def test_groups_add_up_to_totals_and_rates_are_shares(
    duckdb_engine: DuckDBEngine, rows: list[tuple[Any, ...]], dimension: Any
) -> None:
    table = _table_of(rows)
    groups = run(duckdb_engine, lambda t: summary_by(t, dimension, region_level="prefecture"), table)
    total = run(duckdb_engine, totals, table).iloc[0]
    for measure in ("merchants", "mobile_payment", "online_store", "digital", "above_quota"):
        assert groups[measure].sum() == total[measure]
    assert (groups["digital"] >= groups[["mobile_payment", "online_store"]].max(axis=1)).all()
    assert (groups["digital"] <= groups["mobile_payment"] + groups["online_store"]).all()
    assert np.allclose(groups["digital_rate"], groups["digital"] / groups["merchants"])
    assert groups["key"].is_unique


# DuckDB and Spark on the same expressions: one Spark session for the run, one comparison test.

CROSS_ENGINE_CASES: list[tuple[str, Builder, list[str]]] = [
    ("summary-county", partial(summary_by, dimension="region"), ["key"]),
    ("summary-prefecture", partial(summary_by, dimension="region", region_level="prefecture"), ["key"]),
    ("summary-province", partial(summary_by, dimension="region", region_level="province"), ["key"]),
    ("summary-industry", partial(summary_by, dimension="industry"), ["key"]),
    ("summary-format", partial(summary_by, dimension="format"), ["key"]),
    ("summary-place-all", partial(summary_by, dimension="place", active_only=False), ["key"]),
    ("new-above-quota-county", new_above_quota_by_year, ["key", "year"]),
    (
        "new-above-quota-prefecture",
        partial(new_above_quota_by_year, region_level="prefecture"),
        ["key", "year"],
    ),
    ("totals", totals, list(MEASURES)),
    ("totals-all", partial(totals, active_only=False), list(MEASURES)),
    ("totals-of-nothing", lambda t: totals(t.filter(t.id < 0)), list(MEASURES)),
]


@pytest.fixture(scope="session")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> SparkEngine:
    """Spark in local mode; the session is the process's one (shared with tests/analytics)."""
    import pyspark  # noqa: F401  - a missing `spark` extra fails here instead of skipping

    return SparkEngine(master="local[2]", warehouse_dir=tmp_path_factory.mktemp("spark"))


@pytest.mark.spark
@pytest.mark.parametrize("table", [hand_table(), generated_table()], ids=["hand", "generated-5000"])
def test_duckdb_and_spark_agree(duckdb_engine: DuckDBEngine, spark_engine: SparkEngine, table: pa.Table) -> None:
    for name, builder, sort_by in CROSS_ENGINE_CASES:
        duck = normalise_frame(run(duckdb_engine, builder, table), sort_by)
        spark = normalise_frame(run(spark_engine, builder, table), sort_by)
        pd.testing.assert_frame_equal(spark, duck, obj=name)
        assert len(duck) > 0, name
