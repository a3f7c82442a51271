"""COINr's default treatment: skew/kurtosis test, one-step winsorisation, log_CT when winsorising is not enough."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from xinxiao.core import InvalidInput
from xinxiao.indices.treat import check_skew_kurt, kurt, skew, treat

ONE_STEP = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100]
TWO_STEPS = [float(v) for v in range(1, 21)] + [200.0, 300.0]
TIED = [float(v) for v in range(1, 21)] + [300.0, 300.0]
HEAVY = [1.0] * 12 + [2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987]


def _fails(values: list[float]) -> bool:
    x = np.asarray(values)
    return not (abs(stats.skew(x, bias=False)) < 2 or stats.kurtosis(x, bias=False) < 3.5)


def _frame(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"x": values}, index=[f"u{i}" for i in range(len(values))])


@given(arrays(np.float64, st.integers(4, 30), elements=st.floats(-1e3, 1e3, allow_nan=False)))
def test_moments_match_scipy_adjusted_estimators(values: np.ndarray) -> None:
    if np.ptp(values) > 1e-3:
        assert skew(values) == pytest.approx(stats.skew(values, bias=False), rel=1e-7, abs=1e-9)
        assert kurt(values) == pytest.approx(stats.kurtosis(values, bias=False), rel=1e-7, abs=1e-9)


def test_passing_indicator_is_untouched() -> None:
    frame = _frame([float(v) for v in range(1, 11)])
    result = treat(frame)
    pd.testing.assert_frame_equal(result.frame, frame)
    row = result.table.loc["x"]
    assert row["status"] == "passed" and bool(row["pass_0"]) is True and row["n_winsorised"] == 0


@pytest.mark.parametrize(
    ("values", "expected_tail", "nwin", "high"),
    [
        (ONE_STEP, [30.0, 30.0], 1, "u11"),
        (TWO_STEPS, [20.0, 20.0], 2, "u20, u21"),
        (TIED, [20.0, 20.0], 2, "u20, u21"),
    ],
)
def test_high_side_winsorisation(values: list[float], expected_tail: list[float], nwin: int, high: str) -> None:
    assert _fails(values)
    result = treat(_frame(values))
    assert result.frame["x"].tolist() == values[:-2] + expected_tail
    row = result.table.loc["x"]
    assert (row["status"], row["n_winsorised"], row["winsorised_high"], row["winsorised_low"]) == (
        "winsorised",
        nwin,
        high,
        "",
    )
    assert bool(row["pass_1"]) is True and row["skew_1"] == pytest.approx(
        stats.skew(expected_tail + values[:-2], bias=False)
    )
    assert result.points["x"].tolist() == [""] * (len(values) - nwin) + ["winhi"] * nwin


def test_two_steps_needed_because_one_is_not_enough() -> None:
    assert _fails([*TWO_STEPS[:-1], 200.0])


def test_low_side_winsorisation_mirrors_the_high_side() -> None:
    values = [-v for v in TWO_STEPS]
    result = treat(_frame(values))
    assert result.frame["x"].tolist() == [*values[:-2], -20.0, -20.0]
    row = result.table.loc["x"]
    assert (row["winsorised_low"], row["winsorised_high"], row["n_winsorised"]) == ("u20, u21", "", 2)
    assert result.points["x"].iloc[-1] == "winlo"


def test_ties_can_take_the_count_past_winmax() -> None:
    result = treat(_frame(TIED), winmax=1)
    assert result.table.loc["x", "n_winsorised"] == 2 and result.table.loc["x", "status"] == "winsorised"


def test_fails_after_winmax_then_log_ct_of_the_originals() -> None:
    assert _fails(HEAVY) and _fails([*HEAVY[:-1], 610.0])
    x = np.asarray(HEAVY)
    result = treat(_frame(HEAVY), winmax=1)
    expected = np.log(x - x.min() + 0.01 * (x.max() - x.min()))
    np.testing.assert_allclose(result.frame["x"].to_numpy(), expected, rtol=1e-12)
    row = result.table.loc["x"]
    assert bool(row["pass_1"]) is False and row["transform"] == "log_CT" and row["status"] == "transformed"
    assert row["skew_2"] == pytest.approx(stats.skew(expected, bias=False))
    assert set(result.points["x"]) == {"log_CT"}


def test_combine_treat_logs_the_winsorised_values() -> None:
    x = np.asarray([*HEAVY[:-1], 610.0])
    result = treat(_frame(HEAVY), winmax=1, combine_treat=True)
    np.testing.assert_allclose(result.frame["x"].to_numpy(), np.log(x - x.min() + 0.01 * (x.max() - x.min())))
    assert result.points["x"].iloc[-1] == "winhi+log_CT"


def test_log_ct_orig_and_no_f2() -> None:
    x = np.asarray(HEAVY)
    orig = treat(_frame(HEAVY), winmax=1, f2="log_CT_orig")
    np.testing.assert_allclose(orig.frame["x"].to_numpy(), np.log(x - x.min() + 1))
    kept = treat(_frame(HEAVY), winmax=1, overrides={"x": {"f2": None}})
    assert kept.frame["x"].iloc[-1] == 610.0 and kept.table.loc["x", "status"] == "failed"


def test_overrides_none_skips_and_missing_values_are_kept() -> None:
    frame = pd.DataFrame({"x": ONE_STEP, "y": [np.nan, *ONE_STEP[1:]]})
    result = treat(frame, overrides={"x": "none"})
    assert result.frame["x"].tolist() == ONE_STEP and result.table.loc["x", "status"] == "skipped"
    assert np.isnan(result.frame["y"].iloc[0]) and result.frame["y"].max() == 30.0


def test_constant_indicator_is_untestable_and_untouched() -> None:
    result = treat(_frame([5.0] * 6))
    assert result.table.loc["x", "status"] == "untestable" and result.frame["x"].tolist() == [5.0] * 6
    assert check_skew_kurt(np.full(6, 5.0)).passed is None


def test_too_few_values_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="indicator x: kurtosis needs at least 4 values"):
        treat(pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan]}))


def test_input_not_mutated_and_order_invariant() -> None:
    frame = _frame(TWO_STEPS)
    before = frame.copy()
    shuffled = frame.iloc[::-1]
    pd.testing.assert_frame_equal(treat(shuffled).frame.loc[frame.index], treat(frame).frame)
    pd.testing.assert_frame_equal(frame, before)


def test_unknown_transform_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="f2 'boxcox'"):
        treat(_frame(HEAVY), f2="boxcox")
