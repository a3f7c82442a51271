"""Aggregation: COINr's a_amean, a_gmean, a_hmean, a_genmean, a_copeland, dat_thresh and level-by-level trees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.core import InvalidInput
from xinxiao.indices.aggregate import (
    a_copeland,
    aggregate_level,
    aggregate_tree,
    outranking,
)

NAN = np.nan


def _one(values: list[float], weights: list[float], method: str, p: float | None = None) -> float:
    """Aggregate one unit's children through the public entry point."""
    codes = [f"i{k}" for k in range(len(values))]
    frame = pd.DataFrame([values], columns=codes, index=["u1"])
    out = aggregate_level(
        frame,
        groups={"P": codes},
        weights=pd.Series(weights, index=codes),
        method=method,
        p=p,  # type: ignore[arg-type]
    )
    return float(out.loc["u1", "P"])


@pytest.mark.parametrize(
    ("values", "weights", "method", "p", "expected"),
    [
        # the known answers of COINr's tests/testthat/test-aggregate.R ("agg_functions")
        ([1, 2, 3], [1, 1, 1], "a_gmean", None, 6 ** (1 / 3)),
        ([1, 2, 3], [1, 1, 2], "a_gmean", None, (1 * 2 * 3**2) ** (1 / 4)),
        ([1, 2, 3], [2, 1, 1], "a_hmean", None, 4 / (2 / 1 + 1 / 2 + 1 / 3)),
        ([1, 2, 3], [2, 1, 1], "a_genmean", -1, 4 / (2 / 1 + 1 / 2 + 1 / 3)),
        ([1, 2, 3], [1, 1, 1], "a_genmean", 1, 2.0),
        # COINr's a_amean example: x = 1:10, w = 10:1 → Σ(x·w)/Σw = 220/55
        (list(range(1, 11)), list(range(10, 0, -1)), "a_amean", None, 220 / 55),
        ([1, 2, 3], [1, 1, 1], "a_genmean", 2, np.sqrt(14 / 3)),
        ([1, 2, 3], [3, 0, 1], "a_genmean", 3, ((3 + 27) / 4) ** (1 / 3)),
        # weights are relative, and negative weights (PCA loadings) pass through a_amean as in COINr
        ([2, 4], [0.5, 1.5], "a_amean", None, 3.5),
        ([2, 4], [2, -1], "a_amean", None, 0.0),
        # missing children: dropped with their weights, the others re-normalised
        ([1, NAN, 3], [1, 1, 2], "a_amean", None, 7 / 3),
        ([1, NAN, 4], [1, 5, 1], "a_gmean", None, 2.0),
        ([1, NAN, 3], [1, 5, 1], "a_hmean", None, 2 / (1 + 1 / 3)),
        ([1, NAN, 3], [1, 5, 1], "a_genmean", 2, np.sqrt(5)),
        ([NAN, NAN], [1, 1], "a_amean", None, NAN),
        ([NAN, NAN], [1, 1], "a_gmean", None, NAN),
        # COINr allows negative values in the harmonic mean (only zeros fail)
        ([-1, 2], [1, 1], "a_hmean", None, 2 / (-1 + 1 / 2)),
        # x^p of a negative value with a fractional p is NaN, as in R; an integer p is fine
        ([-1, 2], [1, 1], "a_genmean", 0.5, NAN),
        ([-1, 2], [1, 1], "a_genmean", 3, (7 / 2) ** (1 / 3)),
    ],
)
def test_means_known(values: list[float], weights: list[float], method: str, p: float | None, expected: float) -> None:
    result = _one(values, weights, method, p)
    assert result == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    ("values", "method", "p", "message"),
    [
        ([1, 0, 3], "a_gmean", None, "positive"),
        ([1, -2, 3], "a_gmean", None, "positive"),
        ([1, 0, 3], "a_hmean", None, "non-zero"),
        ([1, 2, 3], "a_genmean", 0, "a_gmean"),
        ([1, 0, 3], "a_genmean", -2, "negative p"),
        ([1, 2, 3], "a_genmean", None, "needs the parameter p"),
        ([1, 2, 3], "a_median", None, "unknown aggregation method"),
    ],
)
def test_means_reject(values: list[float], method: str, p: float | None, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _one(values, [1, 1, 1], method, p)


# COINr's "outranking" and "copeland" tests: units are rows
COINR_X = np.array([[1.0, 3, 2], [2, 2, 3], [3, 1, 1], [4, 5, 4]])


def test_outranking_matrix_matches_coinr_test() -> None:
    matrix = outranking(COINR_X, np.ones(3))
    assert np.diag(matrix).tolist() == [0, 0, 0, 0]
    assert (matrix[1, 0], matrix[2, 0], matrix[3, 0]) == pytest.approx((2 / 3, 1 / 3, 1.0))
    upper = matrix[np.triu_indices(4, 1)]
    assert upper + matrix.T[np.triu_indices(4, 1)] == pytest.approx(np.ones(6))
    assert int(np.sum(matrix == 1)) == 3  # COINr's nDominant


@pytest.mark.parametrize(
    ("values", "weights", "expected"),
    [
        # U1 loses to U2 and U4 and beats U3; U2 beats U1 and U3; U3 loses to all; U4 beats all
        (COINR_X, [1, 1, 1], [-1, 1, -3, 3]),
        # weight on x2 alone: the order of x2 (3, 2, 1, 5)
        (COINR_X, [0, 1, 0], [1, -1, -3, 3]),
        # a tie on the weighted majority (one indicator each way) scores 0 for both
        (np.array([[1.0, 2], [2, 1]]), [1, 1], [0, 0]),
        # a unit with nothing available has no score; the others compare on what they share
        (np.array([[1.0, NAN], [NAN, NAN], [2, 5]]), [1, 1], [-1, NAN, 1]),
        (np.array([[3.0, NAN], [1, 2], [2, 5]]), [1, 1], [2, -2, 0]),
    ],
)
def test_copeland_known(values: np.ndarray, weights: list[float], expected: list[float]) -> None:
    assert a_copeland(values, np.array(weights, dtype=float)).tolist() == pytest.approx(expected, nan_ok=True)


def test_copeland_through_aggregate_level_honours_dat_thresh() -> None:
    frame = pd.DataFrame(COINR_X, columns=["x1", "x2", "x3"], index=["U1", "U2", "U3", "U4"])
    frame.loc["U4", ["x1", "x2"]] = NAN
    weights = pd.Series(1.0, index=frame.columns)
    out = aggregate_level(frame, groups={"C": ["x1", "x2", "x3"]}, weights=weights, method="a_copeland", dat_thresh=0.5)
    # U4 (1 of 3 available) is out; U1..U3 as in COINr's example without U4
    assert out["C"].tolist() == pytest.approx([0, 2, -2, NAN], nan_ok=True)


@pytest.mark.parametrize(
    ("dat_thresh", "expected"),
    [
        (None, [2.0, 1.0, 5.0]),
        (0.5, [2.0, 1.0, NAN]),
        (2 / 3, [2.0, 1.0, NAN]),
        (0.7, [2.0, NAN, NAN]),
        (0.0, [2.0, 1.0, 5.0]),
    ],
)
def test_dat_thresh_is_minimum_share_of_available_children(dat_thresh: float | None, expected: list[float]) -> None:
    frame = pd.DataFrame({"a": [1.0, 1, NAN], "b": [2.0, NAN, NAN], "c": [3.0, 1, 5]}, index=["u1", "u2", "u3"])
    out = aggregate_level(
        frame, groups={"P": ["a", "b", "c"]}, weights=pd.Series(1.0, index=["a", "b", "c"]), dat_thresh=dat_thresh
    )
    assert out["P"].tolist() == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"groups": {"P": ["a", "z"]}}, "not columns"),
        ({"weights": pd.Series({"a": 1.0})}, "no weight"),
        ({"weights": pd.Series({"a": 1.0, "b": NAN})}, "no weight"),
        ({"dat_thresh": 1.5}, "dat_thresh"),
    ],
)
def test_aggregate_level_rejects(options: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"groups": {"P": ["a", "b"]}, "weights": pd.Series({"a": 1.0, "b": 1.0})} | options
    with pytest.raises(InvalidInput, match=message):
        aggregate_level(pd.DataFrame({"a": [1.0], "b": [2.0]}), **arguments)  # type: ignore[arg-type]


LEVELS = [{"P1": ["a", "b"], "P2": ["c", "d"]}, {"IDX": ["P1", "P2"]}]
TREE_W = pd.Series({"a": 1.0, "b": 3.0, "c": 1.0, "d": 1.0, "P1": 1.0, "P2": 1.0})
TREE_X = pd.DataFrame({"a": [4.0, 1], "b": [8.0, NAN], "c": [1.0, 9], "d": [4.0, 1]}, index=["u1", "u2"])


@pytest.mark.parametrize(
    ("methods", "dat_thresh", "expected"),
    [
        # P1 = (4 + 24)/4 = 7, P2 = 2.5, IDX = 4.75; u2: P1 = 1 (b missing), P2 = 5, IDX = 3
        ("a_amean", None, {"P1": [7.0, 1.0], "P2": [2.5, 5.0], "IDX": [4.75, 3.0]}),
        # geometric within pillars: P1 = (4·8³)^¼, P2 = 2; u2: P2 = 3
        (
            ["a_gmean", "a_amean"],
            None,
            {"P1": [(4 * 8**3) ** 0.25, 1.0], "P2": [2.0, 3.0], "IDX": [(4 * 8**3) ** 0.25 / 2 + 1, 2.0]},
        ),
        # a pillar with half its children missing fails a 0.6 threshold, the index then takes P2 alone
        ("a_amean", [0.6, None], {"P1": [7.0, NAN], "P2": [2.5, 5.0], "IDX": [4.75, 5.0]}),
    ],
)
def test_aggregate_tree_known(
    methods: str | list[str], dat_thresh: list[float | None] | None, expected: dict[str, list[float]]
) -> None:
    out = aggregate_tree(TREE_X, levels=LEVELS, weights=TREE_W, methods=methods, dat_thresh=dat_thresh)
    assert list(out.columns) == ["a", "b", "c", "d", "P1", "P2", "IDX"]
    for code, values in expected.items():
        assert out[code].tolist() == pytest.approx(values, nan_ok=True)


def test_aggregate_tree_generalised_mean_per_level() -> None:
    out = aggregate_tree(TREE_X, levels=LEVELS, weights=TREE_W, methods=["a_genmean", "a_amean"], p=[2, None])
    assert out["P2"].tolist() == pytest.approx([np.sqrt(8.5), np.sqrt(41)])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"methods": ["a_amean"]}, "one entry per level"),
        ({"dat_thresh": [0.5, 0.5, 0.5]}, "one entry per level"),
        ({"methods": ["a_amean", "a_mode"]}, "unknown aggregation method"),
        ({"levels": [{"a": ["b", "c"]}]}, "already name columns"),
    ],
)
def test_aggregate_tree_rejects(options: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"levels": LEVELS, "weights": TREE_W} | options
    with pytest.raises(InvalidInput, match=message):
        aggregate_tree(TREE_X, **arguments)  # type: ignore[arg-type]


positive_rows = st.lists(
    st.lists(st.floats(0.01, 100, allow_nan=False), min_size=3, max_size=3), min_size=1, max_size=6
)
weights_3 = st.lists(st.floats(0.01, 10), min_size=3, max_size=3)


def _level(rows: list[list[float]], weights: list[float], method: str, p: float | None = None) -> np.ndarray:
    frame = pd.DataFrame(rows, columns=["a", "b", "c"])
    w = pd.Series(weights, index=["a", "b", "c"])
    return aggregate_level(frame, groups={"P": ["a", "b", "c"]}, weights=w, method=method, p=p)["P"].to_numpy()  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(positive_rows, weights_3)
def test_arithmetic_geometric_harmonic_inequality(rows: list[list[float]], weights: list[float]) -> None:
    arithmetic, geometric, harmonic = (_level(rows, weights, m) for m in ("a_amean", "a_gmean", "a_hmean"))
    assert np.all(arithmetic >= geometric * (1 - 1e-12))
    assert np.all(geometric >= harmonic * (1 - 1e-12))
    assert _level(rows, weights, "a_genmean", 1) == pytest.approx(arithmetic)
    assert _level(rows, weights, "a_genmean", -1) == pytest.approx(harmonic)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.01, 100), min_size=1, max_size=6),
    weights_3,
    st.sampled_from(["a_amean", "a_gmean", "a_hmean", "a_genmean"]),
)
def test_identical_children_aggregate_to_the_child(column: list[float], weights: list[float], method: str) -> None:
    rows = [[v, v, v] for v in column]
    assert _level(rows, weights, method, 2.5).tolist() == pytest.approx(column)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from([NAN, 1.0, 2.0, 3.0, 4.5]), min_size=3, max_size=3), min_size=2, max_size=7),
    weights_3,
    st.sampled_from(["a_amean", "a_gmean", "a_hmean", "a_copeland"]),
    st.randoms(use_true_random=False),
)
def test_scores_do_not_depend_on_row_order(
    rows: list[list[float]], weights: list[float], method: str, rng: object
) -> None:
    order = list(range(len(rows)))
    rng.shuffle(order)  # type: ignore[attr-defined]
    original = _level(rows, weights, method)
    shuffled = _level([rows[i] for i in order], weights, method)
    assert shuffled.tolist() == pytest.approx(original[order].tolist(), nan_ok=True)
