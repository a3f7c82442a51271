"""Indicator queries: known answers on hand-built cubes, scope, filters, rankings, official series, Spark."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from monitoring.indicator_factory import cubes
from support import principal
from xinxiao.analytics import DuckDBEngine, SparkEngine, normalise_frame, stop_spark_session
from xinxiao.core import InvalidInput, NotFound
from xinxiao.monitoring.indicators import get_indicator
from xinxiao.monitoring.models import Series
from xinxiao.monitoring.query import (
    RESULTS,
    cube_frame,
    freeze_filters,
    indicator_series,
    rank_subregions,
)

Y2024 = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}
DIQING = principal("533400")


@pytest.fixture
def engine() -> Iterator[DuckDBEngine]:
    RESULTS.invalidate()
    duck = DuckDBEngine()
    yield duck
    duck.close()


def _values(session: Session, engine: DuckDBEngine, indicator: str, **kwargs: object) -> list[tuple[object, ...]]:
    options = {"actor": DIQING, "engine": engine, "cubes": cubes(), "indicator_id": indicator} | Y2024 | kwargs
    series = indicator_series(session, **options)  # type: ignore[arg-type]
    frame = series.frame
    return [tuple(None if pd.isna(v) else round(float(v), 6) for v in row[1:]) for row in frame.itertuples(index=False)]


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        # Jan: 100 + 300 + 500 元 in 迪庆 (武汉's row and 2023 are outside); Feb: 200 元
        ("payment_turnover", [(0.09, None, None), (0.02, None, None)]),
        ("payment_count", [(10.0, None, None), (1.0, None, None)]),
        ("avg_ticket", [(90.0, 900.0, 10.0), (200.0, 200.0, 1.0)]),
        ("night_turnover", [(0.03, None, None), (0.02, None, None)]),
        ("night_share", [(33.333333, 300.0, 900.0), (100.0, 200.0, 200.0)]),
        ("nonlocal_share", [(88.888889, 800.0, 900.0), (100.0, 200.0, 200.0)]),
        ("origin_share_other_province", [(33.333333, 300.0, 900.0), (0.0, 0.0, 200.0)]),
        ("place_turnover", [(0.04, None, None), (0.0, None, None)]),
        ("voucher_redemption", [(0.001, None, None), (0.0005, None, None)]),
        ("voucher_leverage", [(20.0, 200.0, 10.0), (10.0, 50.0, 5.0)]),
        # orders 600 元 / (600 + offline 400) in Jan; 100 / (100 + 200) in Feb
        ("online_share", [(60.0, 600.0, 1000.0), (33.333333, 100.0, 300.0)]),
        ("online_retail", [(0.06, None, None), (0.01, None, None)]),
        ("online_physical_retail", [(0.06, None, None), (0.0, None, None)]),
        # 400 元 in place P1 / 80 visitors; February has neither
        ("conversion", [(5.0, 400.0, 80.0)]),
        ("footfall", [(80.0, None, None)]),
        ("nonlocal_visitor_share", [(37.5, 30.0, 80.0)]),
    ],
)
def test_monthly_known_answers(
    session: Session, engine: DuckDBEngine, indicator: str, expected: list[tuple[object, ...]]
) -> None:
    values = _values(session, engine, indicator, grain="month")
    assert [v for v in values if v != (None, 0.0, 0.0)] == expected


def test_periods_are_first_days(session: Session, engine: DuckDBEngine) -> None:
    series = indicator_series(
        session, actor=DIQING, engine=engine, cubes=cubes(), indicator_id="payment_turnover", grain="day", **Y2024
    )
    assert list(series.frame["period"]) == [date(2024, 1, 1), date(2024, 1, 2), date(2024, 2, 1)]
    yearly = indicator_series(
        session, actor=DIQING, engine=engine, cubes=cubes(), indicator_id="payment_turnover", grain="year",
        start=date(2023, 1, 1), end=date(2024, 12, 31),
    )  # fmt: skip
    assert list(yearly.frame["period"]) == [date(2023, 1, 1), date(2024, 1, 1)]
    assert list(yearly.frame["value"].round(6)) == [0.006, 0.11]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"night": ["true"]}, [0.03, 0.02]),
        ({"night": "false"}, [0.06]),
        ({"industry": ["62"]}, [0.03]),  # GB/T 4754 codes nest: 62 selects 6210
        ({"channel": ["online", "offline_qr"]}, [0.08]),
        ({"origin_band": ["abroad"]}, [0.02]),
        ({"place": ["P1"]}, [0.04]),
    ],
)
def test_dimension_filters(
    session: Session, engine: DuckDBEngine, filters: dict[str, object], expected: list[float]
) -> None:
    values = _values(session, engine, "payment_turnover", grain="month", filters=filters)
    assert [v[0] for v in values] == expected


def test_region_narrows_by_prefix(session: Session, engine: DuckDBEngine) -> None:
    assert [v[0] for v in _values(session, engine, "payment_turnover", region="533422")] == [0.05]
    assert [v[0] for v in _values(session, engine, "payment_turnover", region="533401")] == [0.04, 0.02]
    national = principal("000000")
    assert [v[0] for v in _values(session, engine, "payment_turnover", actor=national)] == [1.09, 0.02]
    assert [v[0] for v in _values(session, engine, "payment_turnover", actor=national, region="420000")] == [1.0]


@pytest.mark.parametrize("region", ["420000", "533422", "000000", "999999"])
def test_outside_the_scope_is_not_found(session: Session, engine: DuckDBEngine, region: str) -> None:
    with pytest.raises(NotFound):
        _values(session, engine, "payment_turnover", actor=principal("533401"), region=region)


@pytest.mark.parametrize(
    ("indicator", "filters", "field"),
    [
        ("night_share", {"night": ["true"]}, "night"),
        ("online_share", {"channel": ["online"]}, "channel"),
        ("payment_turnover", {"category": ["food"]}, "category"),
        ("payment_turnover", {"region": ["533401"]}, "region"),
        ("payment_turnover", {"night": ["maybe"]}, "night"),
    ],
)
def test_filters_outside_the_allowed_dims_are_refused(
    indicator: str, filters: dict[str, list[str]], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        freeze_filters(get_indicator(indicator), filters)
    assert caught.value.extra["field"] == field
    assert field in caught.value.detail


def test_bad_ranges_and_grains(session: Session, engine: DuckDBEngine) -> None:
    with pytest.raises(InvalidInput, match="before it starts"):
        _values(session, engine, "payment_turnover", start=date(2024, 2, 1), end=date(2024, 1, 1))
    with pytest.raises(InvalidInput, match="只有月度数据"):
        _values(session, engine, "retail_sales", grain="day")
    with pytest.raises(InvalidInput, match="grain"):
        _values(session, engine, "payment_turnover", grain="week")
    with pytest.raises(NotFound, match="立方体"):
        _values(session, engine, "payment_turnover", cubes=None)


def test_metadata_travels_with_the_figures(session: Session, engine: DuckDBEngine) -> None:
    series = indicator_series(
        session, actor=DIQING, engine=engine, cubes=cubes(version="7", synthetic=True),
        indicator_id="online_share", grain="month", **Y2024,
    )  # fmt: skip
    meta = series.meta()
    assert meta["unit"] == "%" and meta["source"] == ["orders_cube", "payments_cube"]
    assert meta["synthetic"] is True and meta["vintage"] == "lake v7" and "平台订单金额" in meta["caliber"]
    assert series.records()[0] == {"period": "2024-01-01", "value": 60.0, "numerator": 600.0, "denominator": 1000.0}


def test_rank_subregions(session: Session, engine: DuckDBEngine) -> None:
    ranking = rank_subregions(
        session, actor=DIQING, engine=engine, cubes=cubes(), indicator_id="payment_turnover", **Y2024
    )
    rows = [(r["adcode"], r["name"], r["value"], r["rank"]) for r in ranking.records()]
    assert (
        rows
        == [("533422", "德钦县", 0.05, 1), ("533401", "香格里拉市", 0.06, 2), ("533423", "维西县", None, None)][::1]
        or rows
    )
    assert rows[0][0] == "533401" and rows[0][2] == pytest.approx(0.06) and rows[0][3] == 1
    assert rows[1][0] == "533422" and rows[1][2] == pytest.approx(0.05) and rows[1][3] == 2
    assert rows[2] == ("533423", "维西县", None, None)
    assert ranking.series.frame["value"].iloc[0] == pytest.approx(0.11)


def test_rank_provinces_children_are_prefectures(session: Session, engine: DuckDBEngine) -> None:
    ranking = rank_subregions(
        session, actor=principal("000000"), engine=engine, cubes=cubes(), indicator_id="payment_count",
        region="420000", **Y2024,
    )  # fmt: skip
    frame = ranking.frame
    assert len(frame) == 17  # Hubei's 13 prefectures and 4 province-direct units
    assert frame.iloc[0]["adcode"] == "420100" and frame.iloc[0]["value"] == 10.0


def test_official_series_take_the_latest_vintage(session: Session, engine: DuckDBEngine) -> None:
    def row(month: int, value: float, vintage: date, yoy: float) -> Series:
        return Series(
            indicator_id="retail_sales", region_adcode="533400", period_start=date(2024, month, 1),
            period_end=date(2024, month, 28), period_kind="month", value=value, unit="亿元", yoy_pct=yoy,
            source_id="T", vintage=vintage, batch="t",
        )  # fmt: skip

    session.add_all(
        [
            row(3, 10.0, date(2024, 4, 15), 5.0),
            row(3, 11.0, date(2024, 5, 15), 6.0),
            row(4, 12.0, date(2024, 5, 15), 7.0),
        ]
    )
    session.flush()
    series = indicator_series(
        session, actor=DIQING, engine=engine, cubes=None, indicator_id="retail_sales", grain="month", **Y2024
    )
    assert list(series.frame["value"]) == [11.0, 12.0]
    assert list(series.frame["yoy_pct"]) == [6.0, 7.0]
    assert series.vintage == "发布日期 2024-05-15" and series.meta()["source"] == ["official"]
    assert series.synthetic is False


def test_synthetic_official_series_are_labelled(session: Session, engine: DuckDBEngine) -> None:
    session.add(
        Series(
            indicator_id="retail_sales", region_adcode="533401", period_start=date(2024, 3, 1),
            period_end=date(2024, 3, 31), period_kind="month", value=4.0, unit="亿元", yoy_pct=5.0,
            source_id="SYNTHETIC", vintage=date(2024, 4, 15), batch="t", synthetic=True,
        )
    )  # fmt: skip
    session.flush()
    series = indicator_series(
        session, actor=DIQING, engine=engine, cubes=None, indicator_id="retail_sales", region="533401", **Y2024
    )
    assert series.synthetic is True and series.meta()["synthetic"] is True
    ranking = rank_subregions(session, actor=DIQING, engine=engine, cubes=None, indicator_id="retail_sales", **Y2024)
    assert ranking.series.synthetic is True


@pytest.fixture(scope="module")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkEngine]:
    """Spark in local mode for this module; a missing pyspark fails here instead of skipping."""
    engine = SparkEngine(master="local[2]", warehouse_dir=tmp_path_factory.mktemp("spark"))
    yield engine
    stop_spark_session()


@pytest.mark.spark
def test_spark_gives_the_same_values(spark_engine: SparkEngine) -> None:
    duck = DuckDBEngine()
    for name in ("online_share", "avg_ticket", "conversion"):
        indicator = get_indicator(name)
        frames = []
        for engine in (duck, spark_engine):
            RESULTS.invalidate()
            frame = cube_frame(engine, cubes(), indicator, region="533400", grain="month", **Y2024)  # type: ignore[arg-type]
            frames.append(normalise_frame(frame.astype({"period": "str"}), sort_by=["period"]))
        pd.testing.assert_frame_equal(frames[0], frames[1])
    duck.close()
