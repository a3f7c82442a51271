"""Derived views: YoY (leap years), MoM, YTD, versus 2019, CAGR, 春节 and fixed-holiday YoY, services."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from monitoring.indicator_factory import PAYMENTS, cubes, table
from support import principal
from xinxiao.analytics import DuckDBEngine
from xinxiao.core import InvalidInput, NotFound
from xinxiao.monitoring import views
from xinxiao.monitoring.indicators import get_indicator
from xinxiao.monitoring.models import Series
from xinxiao.monitoring.query import RESULTS, CubeSources
from xinxiao.monitoring.schema import PAYMENTS_CUBE
from xinxiao.monitoring.view_service import IndicatorValues, holiday_view, indicator_view

D = date
NAN = float("nan")
DIQING = principal("533400")


def _frame(points: dict[date, float], **extra: list[float]) -> pd.DataFrame:
    frame = pd.DataFrame({"period": list(points), "value": list(points.values())})
    return frame.assign(**extra) if extra else frame.assign(numerator=NAN, denominator=NAN)


def _same(got: list[float], expected: list[float]) -> bool:
    return all((math.isnan(g) and math.isnan(e)) or g == pytest.approx(e) for g, e in zip(got, expected, strict=True))


@pytest.mark.parametrize(
    ("points", "grain", "expected"),
    [
        # daily in a leap year: 29 February has no counterpart; 1 March compares with 1 March
        (
            {D(2023, 2, 28): 100, D(2023, 3, 1): 200, D(2024, 2, 28): 110, D(2024, 2, 29): 120, D(2024, 3, 1): 150},
            "day",
            [NAN, NAN, 10.0, NAN, -25.0],
        ),
        ({D(2023, 2, 1): 80, D(2024, 2, 1): 100}, "month", [NAN, 25.0]),  # February 2024 has 29 days, still Feb
        ({D(2019, 1, 1): 50, D(2020, 1, 1): 40, D(2021, 1, 1): 60}, "year", [NAN, -20.0, 50.0]),
        ({D(2023, 5, 1): 0, D(2024, 5, 1): 10}, "month", [NAN, NAN]),  # from zero: no growth rate
    ],
)
def test_yoy(points: dict[date, float], grain: views.ViewGrain, expected: list[float]) -> None:
    assert _same(list(views.yoy(_frame(points), grain, percent=False)["change"]), expected)


def test_yoy_of_a_share_is_in_percentage_points() -> None:
    frame = views.yoy(_frame({D(2023, 1, 1): 30.0, D(2024, 1, 1): 33.0}), "month", percent=True)
    assert _same(list(frame["change"]), [NAN, 3.0])
    assert list(frame["base_period"]) == [D(2022, 1, 1), D(2023, 1, 1)]


@pytest.mark.parametrize(
    ("points", "grain", "expected"),
    [
        ({D(2023, 12, 1): 100, D(2024, 1, 1): 90, D(2024, 2, 1): 99}, "month", [NAN, -10.0, 10.0]),
        ({D(2024, 2, 28): 100, D(2024, 2, 29): 150, D(2024, 3, 1): 75}, "day", [NAN, 50.0, -50.0]),
        ({D(2023, 1, 1): 100, D(2024, 1, 1): 105}, "year", [NAN, 5.0]),
        ({D(2024, 1, 1): 100, D(2024, 3, 1): 105}, "month", [NAN, NAN]),  # a missing month is not skipped over
    ],
)
def test_mom(points: dict[date, float], grain: views.ViewGrain, expected: list[float]) -> None:
    assert _same(list(views.mom(_frame(points), grain, percent=False)["change"]), expected)


def test_ytd_of_a_level_restarts_each_january() -> None:
    frame = _frame({D(2023, 11, 1): 1, D(2023, 12, 1): 2, D(2024, 1, 1): 3, D(2024, 2, 1): 4})
    assert list(views.ytd(frame, get_indicator("payment_turnover"))["value"]) == [1, 3, 3, 7]


def test_ytd_of_a_quotient_cumulates_its_parts() -> None:
    frame = _frame({D(2024, 1, 1): 50.0, D(2024, 2, 1): 10.0}, numerator=[100.0, 10.0], denominator=[200.0, 100.0])
    assert list(views.ytd(frame, get_indicator("night_share"))["value"]) == [50.0, 110 / 300 * 100]
    assert list(views.ytd(frame, get_indicator("avg_ticket"))["value"]) == [0.5, 110 / 300]


def test_ytd_refuses_what_does_not_add_up() -> None:
    from xinxiao.monitoring.indicators import load_registry

    text = """measures: {payments_cube: {p: {column: payers, kind: payers, additive: false, name_zh: 人}}}
indicators:
  - {id: p, name_zh: 人, name_en: P, unit: 人次, source: payments_cube, formula: p, grain: day, dims: [region],
     caliber: c, version: 1}
"""
    with pytest.raises(ValueError, match="does not add up"):
        views.ytd(_frame({D(2024, 1, 1): 1.0}), load_registry(text).get("p"))


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ({D(2019, 5, 1): 80, D(2023, 5, 1): 90, D(2024, 5, 1): 100}, [0.0, 12.5, 25.0]),
        ({D(2019, 2, 1): 50, D(2024, 2, 1): 40}, [0.0, -20.0]),
        ({D(2024, 2, 1): 40}, [NAN]),  # no 2019 figure
    ],
)
def test_versus_2019(points: dict[date, float], expected: list[float]) -> None:
    assert _same(list(views.versus_year(_frame(points), percent=False)["change"]), expected)


@pytest.mark.parametrize(
    ("points", "base_year", "expected"),
    [
        ({D(2019, 1, 1): 100, D(2024, 1, 1): 161.051}, 2019, [NAN, 10.0]),  # 1.1 ** 5
        ({D(2020, 6, 1): 200, D(2022, 6, 1): 162}, 2020, [NAN, -10.0]),  # 0.9 ** 2
        ({D(2018, 1, 1): 100, D(2019, 1, 1): 100}, 2019, [NAN, NAN]),  # before or at the base year: none
    ],
)
def test_cagr(points: dict[date, float], base_year: int, expected: list[float]) -> None:
    assert _same(list(views.cagr(_frame(points), base_year=base_year)["change"]), expected)


def test_spring_festival_days_align_on_lunar_offsets() -> None:
    days = views.holiday_days(D(2024, 2, 3), D(2024, 2, 17), "lunar", 2023)
    assert [d[0] for d in days] == list(range(-7, 8))
    assert days[7] == (0, D(2024, 2, 10), D(2023, 1, 22))  # 正月初一 with 正月初一
    assert days[0] == (-7, D(2024, 2, 3), D(2023, 1, 15))
    assert days[-1] == (7, D(2024, 2, 17), D(2023, 1, 29))


def test_fixed_holidays_align_on_calendar_days() -> None:
    days = views.holiday_days(D(2024, 10, 1), D(2024, 10, 7), "calendar", 2023)
    assert [d[2] for d in days] == [D(2023, 10, i) for i in range(1, 8)]


def test_holiday_yoy_totals() -> None:
    days = views.holiday_days(D(2024, 2, 9), D(2024, 2, 11), "lunar", 2023)
    now = _frame({D(2024, 2, 9): 10.0, D(2024, 2, 10): 20.0, D(2024, 2, 11): 30.0})
    then = _frame({D(2023, 1, 21): 10.0, D(2023, 1, 22): 10.0, D(2023, 1, 23): 20.0, D(2024, 1, 24): 99.0})
    frame, total = views.holiday_yoy(now, then, days, get_indicator("payment_turnover"))
    assert list(frame["change"]) == [0.0, 100.0, 50.0]
    assert total == {"value": 60.0, "base_value": 40.0, "change": 50.0}


# --- the services over cubes and the official store ------------------------------------------------------


@pytest.fixture
def engine() -> Iterator[DuckDBEngine]:
    RESULTS.invalidate()
    duck = DuckDBEngine()
    yield duck
    duck.close()


def test_indicator_view_fetches_the_history_it_needs(session: Session, engine: DuckDBEngine) -> None:
    result = indicator_view(
        session, actor=DIQING, engine=engine, cubes=cubes(), indicator_id="payment_turnover",
        start=D(2024, 1, 15), end=D(2024, 2, 28), grain="month", view="yoy",
    )  # fmt: skip
    rows = result.records()
    assert [r["period"] for r in rows] == ["2024-01-01", "2024-02-01"]
    assert rows[0]["base_value"] == pytest.approx(0.006) and rows[0]["change"] == pytest.approx(1400.0)
    assert rows[1]["change"] is None
    assert result.meta()["view"] == "yoy" and result.meta()["change_unit"] == "%"


def test_share_views_are_in_points_and_bad_views_refused(session: Session, engine: DuckDBEngine) -> None:
    options = {"actor": DIQING, "engine": engine, "cubes": cubes(), "start": D(2024, 1, 1), "end": D(2024, 2, 29)}
    result = indicator_view(session, indicator_id="night_share", view="mom", **options)  # type: ignore[arg-type]
    assert result.change_unit == "pp" and result.records()[1]["change"] == pytest.approx(100 - 100 / 3)
    ytd = indicator_view(session, indicator_id="night_share", view="ytd", **options)  # type: ignore[arg-type]
    assert ytd.records()[1]["value"] == pytest.approx(500 / 1100 * 100)
    with pytest.raises(InvalidInput, match="view"):
        indicator_view(session, indicator_id="night_share", view="wow", **options)  # type: ignore[arg-type]


def test_official_yoy_is_the_published_growth(session: Session, engine: DuckDBEngine) -> None:
    def row(month: int, value: float, yoy: float, kind: str = "month", year: int = 2024) -> Series:
        start = D(year, 1 if kind == "ytd" else month, 1)
        return Series(
            indicator_id="retail_sales", region_adcode="533400", period_start=start,
            period_end=D(year, month, 28), period_kind=kind, value=value, unit="亿元", yoy_pct=yoy,
            source_id="T", vintage=D(2024, 6, 1), batch="t",
        )  # fmt: skip

    session.add_all([row(3, 11.0, 6.0, year=2023), row(3, 12.0, 4.2), row(4, 13.0, 5.1), row(4, 40.0, 4.6, "ytd")])
    session.flush()
    options = {"actor": DIQING, "engine": engine, "cubes": None, "indicator_id": "retail_sales"}
    yoy = indicator_view(session, view="yoy", start=D(2024, 3, 1), end=D(2024, 4, 30), **options)  # type: ignore[arg-type]
    assert [r["change"] for r in yoy.records()] == [4.2, 5.1]  # not 12 / 11 - 1
    ytd = indicator_view(session, view="ytd", start=D(2024, 3, 1), end=D(2024, 4, 30), **options)  # type: ignore[arg-type]
    assert [(r["period"], r["value"], r["change"]) for r in ytd.records()] == [("2024-04-01", 40.0, 4.6)]


def _festival_cubes() -> CubeSources:
    """Daily turnover of 100 元 around 春节 2023, and 150 元 (day 0: 300 元) around 春节 2024."""
    template = PAYMENTS[1]
    rows = []
    for festival, level in ((D(2023, 1, 22), 10_000), (D(2024, 2, 10), 15_000)):
        for offset in range(-7, 8):
            amount = level * (2 if offset == 0 and festival.year == 2024 else 1)
            rows.append((festival + timedelta(days=offset), *template[1:7], amount, *template[8:]))
    return CubeSources({"payments": table(PAYMENTS_CUBE, rows)}, version="f")


def test_holiday_view_compares_the_same_lunar_days(session: Session, engine: DuckDBEngine) -> None:
    result = holiday_view(
        session, actor=DIQING, engine=engine, cubes=_festival_cubes(), indicator_id="payment_turnover",
        code="spring_festival", year=2024, days=3,
    )  # fmt: skip
    rows = result.records()
    assert [r["offset"] for r in rows] == [-3, -2, -1, 0, 1, 2, 3]
    assert rows[3]["period"] == "2024-02-10" and rows[3]["base_period"] == "2023-01-22"
    assert [r["change"] for r in rows] == pytest.approx([50.0, 50.0, 50.0, 200.0, 50.0, 50.0, 50.0])
    assert result.total["change"] == pytest.approx(
        (0.015 * 8 - 0.07) / 0.07 * 100
    )  # 7 days: 6 × 150 + 300 元 vs 7 × 100 元
    with pytest.raises(NotFound):
        holiday_view(session, actor=DIQING, engine=engine, cubes=_festival_cubes(), indicator_id="payment_turnover",
                     code="no_such_window", year=2024)  # fmt: skip


def test_alert_values_adapter(session: Session, engine: DuckDBEngine) -> None:
    values = IndicatorValues(session, DIQING, engine, cubes())
    level = values.series("payment_turnover", "533400", "month", D(2024, 2, 29))
    assert list(level.index) == [D(2023, 1, 1), D(2024, 1, 1), D(2024, 2, 1)]
    growth = values.series("payment_turnover", "533400", "month", D(2024, 2, 29), view="yoy")
    assert growth[D(2024, 1, 1)] == pytest.approx(1400.0)
    assert level.attrs["synthetic"] is False
    with pytest.raises(NotFound):
        values.series("payment_turnover", "420000", "month", D(2024, 2, 29))
    synthetic = IndicatorValues(session, DIQING, engine, cubes(synthetic=True))
    assert synthetic.series("payment_turnover", "533400", "month", D(2024, 2, 29)).attrs["synthetic"] is True
