"""Known answers for every COINr normalisation method, plus properties of min-max and z-scores."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xinxiao.core import InvalidInput
from xinxiao.indices.normalise import normalise

UNITS = ["a", "b", "c", "d", "e"]
X = pd.DataFrame({"x": [30.0, 10.0, 40.0, 10.0, 50.0]}, index=UNITS)

CASES: list[tuple[str, int, dict[str, Any], list[float]]] = [
    ("n_minmax", 1, {}, [50, 0, 75, 0, 100]),
    ("n_minmax", -1, {}, [50, 100, 25, 100, 0]),
    ("n_minmax", 1, {"l_u": (1, 5)}, [3, 1, 4, 1, 5]),
    ("n_zscore", 1, {"m_sd": (10, 2)}, list(10 + 2 * (X["x"] - 28) / np.sqrt(320))),
    ("n_scaled", 1, {"npara": (0, 200)}, [15, 5, 20, 5, 25]),
    ("n_rank", 1, {}, [3, 1, 4, 1, 5]),
    ("n_rank", -1, {}, [3, 4, 2, 4, 1]),
    ("n_borda", 1, {}, [2, 0, 3, 0, 4]),
    ("n_prank", 1, {}, [0.5, 0, 0.75, 0, 1]),
    ("n_fracmax", 1, {}, [0.6, 0.2, 0.8, 0.2, 1.0]),
    ("n_dist2max", 1, {}, [0.5, 0, 0.75, 0, 1]),
    ("n_dist2ref", 1, {"iref": "c"}, [2 / 3, 0, 1, 0, 4 / 3]),
    ("n_dist2ref", 1, {"iref": "c", "cap_max": True}, [2 / 3, 0, 1, 0, 1]),
    ("n_dist2targ", 1, {"targets": {"x": 45}}, [20 / 35, 0, 30 / 35, 0, 40 / 35]),
    ("n_dist2targ", 1, {"targets": {"x": 45}, "cap_max": True}, [20 / 35, 0, 30 / 35, 0, 1]),
    ("n_dist2targ", -1, {"targets": {"x": 15}, "cap_max": True}, [20 / 35, 1, 10 / 35, 1, 0]),
    ("n_goalposts", 1, {"gposts": {"x": (0, 60, 100)}}, [50, 50 / 3, 200 / 3, 50 / 3, 250 / 3]),
    ("n_goalposts", 1, {"gposts": (20, 40, 1)}, [0.5, 0, 1, 0, 1]),
    ("n_goalposts", -1, {"gposts": (20, 40, 1)}, [0.5, 1, 0, 1, 0]),
    ("n_goalposts", 1, {"gposts": (20, 40, 1), "trunc2posts": False}, [0.5, -0.5, 1, -0.5, 1.5]),
    ("none", -1, {}, [-30, -10, -40, -10, -50]),
]


@pytest.mark.parametrize(("method", "direction", "params", "expected"), CASES)
def test_known_answers(method: str, direction: int, params: dict[str, Any], expected: list[float]) -> None:
    before = X.copy()
    result = normalise(X, method=method, directions={"x": direction}, **params)
    np.testing.assert_allclose(result["x"].to_numpy(), expected, rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(X, before)


MISSING = pd.DataFrame({"x": [30.0, np.nan, 40.0, 10.0, 50.0]}, index=UNITS)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("n_minmax", [50, np.nan, 75, 0, 100]),
        ("n_rank", [2, np.nan, 3, 1, 4]),
        ("n_prank", [1 / 3, np.nan, 2 / 3, 0, 1]),
        ("n_zscore", list((MISSING["x"] - 32.5) / np.std([30, 40, 10, 50], ddof=1))),
    ],
)
def test_missing_values_stay_missing_and_are_left_out(method: str, expected: list[float]) -> None:
    result = normalise(MISSING, method=method, directions={"x": 1})
    np.testing.assert_allclose(result["x"].to_numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("method", "expected"),
    [("n_minmax", np.nan), ("n_zscore", np.nan), ("n_dist2max", np.nan), ("n_rank", 1.0), ("n_fracmax", 1.0)],
)
def test_constant_column(method: str, expected: float) -> None:
    constant = pd.DataFrame({"x": [7.0] * 5}, index=UNITS)
    result = normalise(constant, method=method, directions={"x": 1})
    np.testing.assert_array_equal(result["x"].to_numpy(), [expected] * 5)


def test_all_missing_column_is_all_missing() -> None:
    empty = pd.DataFrame({"x": [np.nan] * 3})
    for method in ("n_minmax", "n_zscore", "n_prank", "n_fracmax"):
        assert normalise(empty, method=method, directions={"x": 1})["x"].isna().all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "n_magic", "directions": {"x": 1}}, "not one of"),
        ({"method": "n_minmax", "directions": {}}, "no direction given"),
        ({"method": "n_minmax", "directions": {"x": 2}}, "not 1 or -1"),
        ({"method": "n_dist2targ", "directions": {"x": 1}}, "targets is required"),
        ({"method": "n_dist2targ", "directions": {"x": 1}, "targets": {"y": 1}}, "no entry for indicator x"),
        ({"method": "n_dist2ref", "directions": {"x": 1}, "iref": "zz"}, "reference unit zz"),
        ({"method": "n_zscore", "directions": {"x": 1}, "m_sd": (0, 0)}, "must be positive"),
    ],
)
def test_bad_parameters(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        normalise(X, **kwargs)


columns = arrays(np.float64, st.integers(3, 12), elements=st.floats(-1e6, 1e6, allow_nan=False))


@given(columns, st.floats(-50, 50), st.floats(1, 100))
def test_minmax_within_range(values: np.ndarray, low: float, width: float) -> None:
    frame = pd.DataFrame({"x": values})
    result = normalise(frame, method="n_minmax", directions={"x": 1}, l_u=(low, low + width))["x"]
    if np.ptp(values) > 0:
        assert result.min() >= low - 1e-9 and result.max() <= low + width + 1e-9
        assert result.min() == pytest.approx(low) and result.max() == pytest.approx(low + width)


@given(columns.filter(lambda v: np.std(v) > 1e-3 * (1 + np.max(np.abs(v)))))
def test_zscore_mean_zero_sd_one(values: np.ndarray) -> None:
    result = normalise(pd.DataFrame({"x": values}), method="n_zscore", directions={"x": -1})["x"]
    assert result.mean() == pytest.approx(0, abs=1e-9)
    assert result.std(ddof=1) == pytest.approx(1, rel=1e-9)


@given(
    columns,
    st.randoms(use_true_random=False),
    st.sampled_from(["n_minmax", "n_zscore", "n_prank", "n_borda", "n_fracmax", "n_dist2max", "n_dist2ref"]),
)
def test_invariant_to_row_order(values: np.ndarray, rng: Any, method: str) -> None:
    frame = pd.DataFrame({"x": values}, index=[f"u{i}" for i in range(len(values))])
    order = list(frame.index)
    rng.shuffle(order)
    params = {"iref": "u0"} if method == "n_dist2ref" else {}
    straight = normalise(frame, method=method, directions={"x": 1}, **params)
    shuffled = normalise(frame.loc[order], method=method, directions={"x": 1}, **params).loc[frame.index]
    pd.testing.assert_frame_equal(straight, shuffled, rtol=1e-9)
