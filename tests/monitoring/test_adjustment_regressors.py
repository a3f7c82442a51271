"""Moving-holiday regressors: known shares, centring, merged 1–2月, daily dummies."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.core import InvalidInput
from xinxiao.monitoring.adjustment import identifiable
from xinxiao.monitoring.holidays_regressors import (
    daily_holiday_regressors,
    festival_days,
    holiday_regressors,
    is_merged_jan_feb,
    split_jan_feb,
)
from xinxiao.reference import calendar

ANCHORS = {"spring": calendar.spring_festival, "dragon_boat": calendar.dragon_boat, "mid_autumn": calendar.mid_autumn}


@cache
def anchor(key: str, year: int) -> date:
    return ANCHORS[key](year)


def brute_share(key: str, year: int, month: int, start: int, end: int) -> float:
    """Share of the window days in (year, month), counted day by day from the festivals around that year."""
    days = [anchor(key, y) + timedelta(days=k) for y in (year - 1, year, year + 1) for k in range(start, end + 1)]
    return sum(d.year == year and d.month == month for d in days) / (end - start + 1)


def brute_mean(key: str, month: int, start: int, end: int) -> float:
    return float(np.mean([brute_share(key, y, month, start, end) for y in range(1991, 2048)]))


@pytest.mark.parametrize(
    ("key", "window", "month", "raw"),
    [
        ("spring", (-20, 14), "2015-01", 2 / 35),  # 春节 2015-02-19: window Jan 30 .. Mar 5
        ("spring", (-20, 14), "2015-02", 28 / 35),
        ("spring", (-20, 14), "2015-03", 5 / 35),
        ("spring", (-20, 14), "2012-01", 29 / 35),  # 春节 2012-01-23: window Jan 3 .. Feb 6
        ("dragon_boat", (-7, 0), "2014-05", 6 / 8),  # 端午 2014-06-02: window May 26 .. Jun 2
        ("mid_autumn", (-14, 0), "2017-10", 4 / 15),  # 中秋 2017-10-04: window Sep 20 .. Oct 4
    ],
)
def test_monthly_regressor_is_window_share_minus_long_run_mean(
    key: str, window: tuple[int, int], month: str, raw: float
) -> None:
    period = pd.Period(month, freq="M")
    assert brute_share(key, period.year, period.month, *window) == pytest.approx(raw)
    value = holiday_regressors(pd.PeriodIndex([period]), [key], {key: window})[key].iloc[0]
    assert value == pytest.approx(raw - brute_mean(key, period.month, *window), abs=1e-12)


def test_festival_days_match_the_calendar() -> None:
    assert festival_days("spring", [2015, 2018]) == [date(2015, 2, 19), date(2018, 2, 16)]
    assert festival_days("mid_autumn", [2017]) == [date(2017, 10, 4)]


@settings(max_examples=25, deadline=None)
@given(
    key=st.sampled_from(sorted(ANCHORS)),
    start=st.integers(-20, 0),
    end=st.integers(0, 20),
    first=st.integers(1995, 2035),
    years=st.integers(1, 8),
)
def test_centred_regressor_sums_to_zero_over_whole_years(
    key: str, start: int, end: int, first: int, years: int
) -> None:
    idx = pd.period_range(f"{first}-01", f"{first + years - 1}-12", freq="M")
    values = holiday_regressors(idx, [key], {key: (start, end)})[key]
    assert float(values.sum()) == pytest.approx(0.0, abs=1e-9)
    assert float(values.abs().max()) <= 1.0


def test_datetime_index_gives_the_same_regressors() -> None:
    months = pd.period_range("2010-01", "2012-12", freq="M")
    by_period = holiday_regressors(months)
    by_date = holiday_regressors(months.to_timestamp())
    np.testing.assert_allclose(by_period.to_numpy(), by_date.to_numpy())


@pytest.mark.parametrize(
    ("window", "expected"),
    [((-20, 6), []), ((-20, 14), ["spring"])],  # only windows reaching March (2015, 2018, 2026) survive the merge
)
def test_merged_jan_feb_keeps_only_the_part_leaving_jan_feb(window: tuple[int, int], expected: list[str]) -> None:
    idx = pd.period_range("2008-01", "2030-12", freq="M")
    merged = holiday_regressors(idx, ["spring"], {"spring": window}, merged_jan_feb=True)
    assert identifiable(merged) == expected
    assert identifiable(holiday_regressors(idx, ["spring"], {"spring": window})) == ["spring"]


def test_split_jan_feb_keeps_totals_and_other_months() -> None:
    idx = pd.period_range("2012-02", "2014-03", freq="M")
    values = pd.Series(np.arange(1.0, len(idx) + 1), index=idx).where(idx.month != 1)
    assert is_merged_jan_feb(values)
    split = split_jan_feb(values)
    assert str(split.index[0]) == "2012-01"
    for year in (2012, 2013, 2014):
        jan, feb = split[pd.Period(f"{year}-01", "M")], split[pd.Period(f"{year}-02", "M")]
        assert jan + feb == pytest.approx(values[pd.Period(f"{year}-02", "M")])
        assert jan / (jan + feb) == pytest.approx(31 / 59.25)
    later = idx[idx.month > 2]
    pd.testing.assert_series_equal(split[later], values[later], check_names=False)


def test_split_refuses_a_series_with_some_januaries() -> None:
    idx = pd.period_range("2012-01", "2013-03", freq="M")
    values = pd.Series(1.0, index=idx).where(idx != pd.Period("2013-01", "M"))
    assert not is_merged_jan_feb(values)
    with pytest.raises(InvalidInput, match="January missing"):
        split_jan_feb(values)


def test_daily_dummies_mark_the_sub_windows() -> None:
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D")  # 春节 2024-02-10
    frame = daily_holiday_regressors(days, ["spring"])
    assert list(frame.columns) == ["spring[-20,-8]", "spring[-7,-1]", "spring[0,6]", "spring[7,14]"]
    on = frame["spring[0,6]"] > 0.5
    assert list(days[on]) == list(pd.date_range("2024-02-10", "2024-02-16"))
    outside = frame.loc["2024-03-10":].abs().max().max()
    assert outside < 0.1  # off-window days carry only minus the (small) long-run mean


@pytest.mark.parametrize(
    ("festivals", "window", "match"),
    [(["easter"], None, "unknown festival 'easter'"), (["spring"], {"spring": (5, 1)}, "start <= end")],
)
def test_bad_festival_arguments(festivals: list[str], window: dict[str, tuple[int, int]] | None, match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        holiday_regressors(pd.period_range("2020-01", periods=3, freq="M"), festivals, window)
