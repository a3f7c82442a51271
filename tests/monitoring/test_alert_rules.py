"""Pure rule evaluation: thresholds, YoY drops, the seasonal anomaly, missing and late feeds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinxiao.monitoring import alert_rules as ar


def monthly(values: list[float], start: str = "2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


@pytest.mark.parametrize(
    ("direction", "yellow", "red", "last", "status"),
    [
        ("below", 20, 15, 25.0, "green"),
        ("below", 20, 15, 20.0, "yellow"),
        ("below", 20, 15, 17.5, "yellow"),
        ("below", 20, 15, 15.0, "red"),
        ("above", 80, 90, 79.9, "green"),
        ("above", 80, 90, 85.0, "yellow"),
        ("above", 80, 90, 95.0, "red"),
    ],
)
def test_threshold_grades_the_last_value(direction: str, yellow: float, red: float, last: float, status: str) -> None:
    params = ar.ThresholdParams.model_validate({"direction": direction, "yellow": yellow, "red": red})
    finding = ar.evaluate_threshold(monthly([50.0, 50.0, last]), params)
    assert (finding.status, finding.period_key, finding.value) == (status, "2024-03", last)
    assert [row["period"] for row in finding.snapshot["window"]] == ["2024-01", "2024-02", "2024-03"]


def test_threshold_lines_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="red must lie beyond yellow"):
        ar.ThresholdParams.model_validate({"direction": "below", "yellow": 15, "red": 20})
    with pytest.raises(ValueError, match="extra"):
        ar.ThresholdParams.model_validate({"direction": "below", "yellow": 20, "red": 15, "colour": "red"})


@pytest.mark.parametrize(("yoy", "status"), [(3.0, "green"), (-9.9, "green"), (-10.0, "yellow"), (-25.0, "red")])
def test_yoy_drop(yoy: float, status: str) -> None:
    params = ar.YoyDropParams(yellow_pct=10, red_pct=20)
    finding = ar.evaluate_yoy_drop(monthly([1.0, yoy]), params, levels=monthly([100.0, 100 + yoy]))
    assert finding.status == status and finding.value == yoy
    assert finding.snapshot["levels"][-1] == {"period": "2024-02", "value": 100 + yoy}


def test_empty_series_are_green_and_not_evaluated() -> None:
    params = ar.YoyDropParams(yellow_pct=10, red_pct=20)
    finding = ar.evaluate_yoy_drop(pd.Series([], dtype=float), params)
    assert finding.status == "green" and finding.period_key == "" and not finding.fires


def test_labels_may_be_periods_dates_or_strings() -> None:
    periods = pd.Series([1.0, -30.0], index=pd.period_range("2024-01", periods=2, freq="M"))
    strings = pd.Series([-30.0, 1.0], index=["2024-02-01", "2024-01-01"])  # unsorted on purpose
    params = ar.YoyDropParams(yellow_pct=10, red_pct=20)
    assert ar.evaluate_yoy_drop(periods, params).period_key == "2024-02"
    assert ar.evaluate_yoy_drop(strings, params).status == "red"


def daily(base: np.ndarray, last: float, end: str = "2024-10-03") -> pd.Series:
    index = pd.date_range(end=end, periods=len(base) + 1, freq="D")
    return pd.Series([*base, last], index=index)


WEEKLY = np.tile([100.0, 100, 100, 100, 120, 160, 150], 8)  # weekends are busier


@pytest.mark.parametrize(("last", "status"), [(101.0, "green"), (106.0, "yellow"), (60.0, "red")])
def test_anomaly_against_the_same_weekday(last: float, status: str) -> None:
    rng = np.random.default_rng(7)
    base = WEEKLY + rng.normal(0, 2, WEEKLY.size)
    finding = ar.evaluate_anomaly(daily(base, last), ar.AnomalyParams())
    _, mean, _, points = ar.seasonal_zscore(daily(base, last))
    assert points == 8 and abs(mean - 100) < 3
    assert finding.status == status, finding.message
    assert finding.snapshot["reference_points"] == 8 and finding.period_key == "2024-10-03"
    assert len(finding.snapshot["window"]) == 56


def test_a_busy_saturday_is_not_an_anomaly_but_a_quiet_one_is() -> None:
    index = pd.date_range(end="2024-10-05", periods=57, freq="D")  # ends on a Saturday
    rng = np.random.default_rng(3)
    values = np.where(index.day_of_week == 5, 160.0, 100.0) + rng.normal(0, 2, index.size)
    series = pd.Series(values, index=index)
    series.iloc[-1] = 160.0
    params = ar.AnomalyParams()
    assert ar.evaluate_anomaly(series, params).status == "green"
    series.iloc[-1] = 100.0  # an ordinary weekday's turnover on a Saturday
    assert ar.evaluate_anomaly(series, params).status == "red"


def test_anomaly_direction_and_short_history() -> None:
    rng = np.random.default_rng(1)
    base = WEEKLY + rng.normal(0, 2, WEEKLY.size)
    assert ar.evaluate_anomaly(daily(base, 160.0), ar.AnomalyParams(direction="below")).status == "green"
    assert ar.evaluate_anomaly(daily(base, 160.0), ar.AnomalyParams(direction="above")).status == "red"
    short = ar.evaluate_anomaly(daily(base[-20:], 500.0), ar.AnomalyParams())
    assert short.status == "green" and "基准不足" in short.message


def test_a_flat_history_uses_the_sd_floor() -> None:
    value, mean, sd, _ = ar.seasonal_zscore(daily(np.full(56, 100.0), 103.0), min_sd_pct=1.0)
    assert (value, mean, sd) == (103.0, 100.0, 1.0)
    assert ar.evaluate_anomaly(daily(np.full(56, 100.0), 103.0), ar.AnomalyParams()).status == "red"


@given(
    level=st.floats(10, 1e6),
    scale=st.floats(0.001, 0.2),
    seed=st.integers(0, 2**16),
    factor=st.floats(0.1, 10),
)
def test_anomaly_status_does_not_depend_on_the_unit(level: float, scale: float, seed: int, factor: float) -> None:
    rng = np.random.default_rng(seed)
    base = level * (1 + rng.normal(0, scale, 56))
    last = level * (1 + rng.normal(0, 4 * scale))
    params = ar.AnomalyParams()
    one = ar.evaluate_anomaly(daily(base, last), params)
    other = ar.evaluate_anomaly(daily(base * factor, last * factor), params)
    assert one.snapshot["z"] == pytest.approx(other.snapshot["z"], rel=1e-6, abs=1e-9)


@given(score=st.floats(-100, 100), yellow=st.floats(0, 50), gap=st.floats(0, 50))
def test_grade_is_monotone(score: float, yellow: float, gap: float) -> None:
    red = yellow + gap
    now = ar.SEVERITY[ar.grade(score, yellow, red)]
    assert ar.SEVERITY[ar.grade(score + 1, yellow, red)] >= now


@pytest.mark.parametrize(
    ("last", "status", "key"), [(5, "green", "after-2024-10-05"), (2, "yellow", "after-2024-10-02")]
)
def test_feed_missing(last: int, status: str, key: str) -> None:
    params = ar.FeedMissingParams(yellow_days=2, red_days=4)
    finding = ar.evaluate_feed_missing(date(2024, 10, last), date(2024, 10, 5), params)
    assert (finding.status, finding.period_key) == (status, key)
    assert ar.evaluate_feed_missing(None, date(2024, 10, 5), params).status == "red"


def test_feed_late() -> None:
    now = datetime(2024, 10, 5, 12, tzinfo=UTC)
    params = ar.FeedLateParams(yellow_hours=36, red_hours=72)
    statuses = [ar.evaluate_feed_late(now - timedelta(hours=h), now, params).status for h in (10, 40, 80)]
    assert statuses == ["green", "yellow", "red"]
    finding = ar.evaluate_feed_late(now - timedelta(hours=40), now, params)
    assert finding.period_key == "after-2024-10-03T20:00" and finding.value == 40.0
    assert ar.evaluate_feed_late(None, now, params).period_key == "never"
