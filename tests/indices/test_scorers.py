"""Scorers: TOPSIS, grey relational analysis (灰色关联分析) and ranks."""

from __future__ import annotations

from math import sqrt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.core import InvalidInput
from xinxiao.indices.scorers import grey_coefficients, grey_relational, ranks, topsis

UNITS = ["u1", "u2", "u3"]
NAN = np.nan

# column norms are both 5: r = (0.6, 0.8), (0.8, 0.6), (0, 0); with w = ½ each v = (0.3, 0.4), (0.4, 0.3), (0, 0)
TOPSIS_X = pd.DataFrame({"a": [3.0, 4, 0], "b": [4.0, 3, 0]}, index=UNITS)
HALF = pd.Series({"a": 0.5, "b": 0.5})


@pytest.mark.parametrize(
    ("directions", "weights", "normalisation", "d_plus", "d_minus", "rank"),
    [
        # both benefit: ideal (0.4, 0.4), anti-ideal (0, 0); u1 and u2 tie and share rank 1
        ({"a": 1, "b": 1}, HALF, "vector", [0.1, 0.1, sqrt(0.32)], [0.5, 0.5, 0.0], [1, 1, 3]),
        # b is a cost: ideal (0.4, 0), anti-ideal (0, 0.4)
        ({"a": 1, "b": -1}, HALF, "vector", [sqrt(0.17), 0.3, 0.4], [0.3, sqrt(0.17), 0.4], [3, 1, 2]),
        # weights are relative: (3, 1) is (¾, ¼); v = (0.45, 0.2), (0.6, 0.15), (0, 0); ideal (0.6, 0.2)
        (
            {"a": 1, "b": 1},
            pd.Series({"a": 3.0, "b": 1.0}),
            "vector",
            [sqrt(0.0225), 0.05, sqrt(0.4)],
            [sqrt(0.2425), sqrt(0.3825), 0.0],
            [2, 1, 3],
        ),
        # min-max: r = (0.75, 1), (1, 0.75), (0, 0); v = half of that
        ({"a": 1, "b": 1}, HALF, "minmax", [0.125, 0.125, sqrt(0.5)], [0.625, 0.625, 0.0], [1, 1, 3]),
    ],
)
def test_topsis_known(
    directions: dict[str, int],
    weights: pd.Series,
    normalisation: str,
    d_plus: list[float],
    d_minus: list[float],
    rank: list[int],
) -> None:
    out = topsis(TOPSIS_X, weights=weights, directions=directions, normalisation=normalisation)  # type: ignore[arg-type]
    assert list(out.columns) == ["d_plus", "d_minus", "closeness", "rank"]
    assert out["d_plus"].tolist() == pytest.approx(d_plus)
    assert out["d_minus"].tolist() == pytest.approx(d_minus)
    closeness = [m / (p + m) for p, m in zip(d_plus, d_minus, strict=True)]
    assert out["closeness"].tolist() == pytest.approx(closeness)
    assert out["rank"].tolist() == rank


@pytest.mark.parametrize(
    ("frame", "options", "message"),
    [
        (TOPSIS_X.assign(a=[3.0, NAN, 0]), {}, "missing"),
        (TOPSIS_X, {"directions": {"a": 1, "b": 0}}, "direction"),
        (TOPSIS_X, {"directions": {"a": 1}}, "direction"),
        (TOPSIS_X, {"weights": pd.Series({"a": 1.0})}, "weights"),
        (TOPSIS_X, {"weights": pd.Series({"a": -1.0, "b": 2.0})}, "weights"),
        (TOPSIS_X, {"normalisation": "sum"}, "normalisation"),
        (pd.DataFrame({"a": [1.0, 1], "b": [2.0, 2]}), {}, "constant"),
    ],
)
def test_topsis_rejects(frame: pd.DataFrame, options: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"weights": HALF, "directions": {"a": 1, "b": 1}} | options
    with pytest.raises(InvalidInput, match=message):
        topsis(frame, **arguments)  # type: ignore[arg-type]


# a benefit: (0, ½, 1) after min-max; b a cost: (max − x)/(max − min) = (0, 1, ½); reference (1, 1)
GREY_X = pd.DataFrame({"a": [10.0, 20, 30], "b": [5.0, 1, 3]}, index=UNITS)
GREY_DIR = {"a": 1, "b": -1}


@pytest.mark.parametrize(
    ("options", "coefficients", "grade", "rank"),
    [
        # Δ = (1, 1), (½, 0), (0, ½); Δmin = 0, Δmax = 1; ξ = ½ / (Δ + ½)
        ({}, [[1 / 3, 1 / 3], [0.5, 1.0], [1.0, 0.5]], [1 / 3, 0.75, 0.75], [3, 1, 1]),
        ({"weights": pd.Series({"a": 3.0, "b": 1.0})}, None, [1 / 3, 0.625, 0.875], [3, 2, 1]),
        # ρ = 1: ξ = 1 / (Δ + 1)
        ({"rho": 1.0}, [[0.5, 0.5], [2 / 3, 1.0], [1.0, 2 / 3]], [0.5, 5 / 6, 5 / 6], [3, 1, 1]),
        # a reference in raw units (25, 2) normalises to (¾, ¾): Δ = (¾, ¾), (¼, ¼), (¼, ¼); Δmin ¼, Δmax ¾
        (
            {"reference": pd.Series({"a": 25.0, "b": 2.0})},
            [[0.625 / 1.125] * 2, [1.0, 1.0], [1.0, 1.0]],
            [0.625 / 1.125, 1, 1],
            [3, 1, 1],
        ),
    ],
)
def test_grey_relational_known(
    options: dict[str, object], coefficients: list[list[float]] | None, grade: list[float], rank: list[int]
) -> None:
    out = grey_relational(GREY_X, directions=GREY_DIR, **options)  # type: ignore[arg-type]
    assert out["grade"].tolist() == pytest.approx(grade)
    assert out["rank"].tolist() == rank
    if coefficients is not None:
        xi = grey_coefficients(GREY_X, directions=GREY_DIR, **{k: v for k, v in options.items() if k != "weights"})  # type: ignore[arg-type]
        assert xi.to_numpy().ravel().tolist() == pytest.approx(np.ravel(coefficients).tolist())


def test_grey_constant_indicator_is_best_for_all_and_equal_units_score_one() -> None:
    xi = grey_coefficients(GREY_X.assign(c=7.0), directions=GREY_DIR | {"c": 1})
    assert xi["c"].tolist() == [1.0, 1.0, 1.0]
    same = pd.DataFrame({"a": [2.0, 2.0]}, index=["u1", "u2"])
    assert grey_relational(same, directions={"a": 1})["grade"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rho": 0.0}, "rho"),
        ({"rho": 1.5}, "rho"),
        ({"reference": pd.Series({"a": 1.0})}, "reference"),
        ({"directions": {"a": 1, "b": 2}}, "direction"),
    ],
)
def test_grey_relational_rejects(options: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"directions": GREY_DIR} | options
    with pytest.raises(InvalidInput, match=message):
        grey_relational(GREY_X, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([0.2, 0.9, 0.2, NAN], [2, 1, 2, NAN]),
        ([3.0, 3.0, 3.0], [1, 1, 1]),
        ([1.0, 2.0, 3.0, 2.0], [4, 2, 1, 2]),
    ],
)
def test_ranks_known(scores: list[float], expected: list[float]) -> None:
    assert ranks(pd.Series(scores)).tolist() == pytest.approx(expected, nan_ok=True)


def test_ranks_frame_ranks_each_column() -> None:
    out = ranks(pd.DataFrame({"x": [1.0, 2.0], "y": [5.0, 4.0]}, index=["u1", "u2"]))
    assert out.to_dict(orient="list") == {"x": [2.0, 1.0], "y": [1.0, 2.0]}


grids = st.integers(2, 7).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=n, max_size=n)
)
signs = st.lists(st.sampled_from([1, -1]), min_size=3, max_size=3)


def _frame(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["a", "b", "c"], index=[f"u{k}" for k in range(len(rows))], dtype=float)


@settings(max_examples=60, deadline=None)
@given(grids, signs, st.sampled_from(["vector", "minmax"]))
def test_topsis_closeness_bounded_and_row_order_free(rows: list[list[int]], sign: list[int], norm: str) -> None:
    x = _frame(rows)
    directions = dict(zip(x.columns, sign, strict=True))
    weights = pd.Series(1.0, index=x.columns)
    if (x.max() == x.min()).all():
        return
    out = topsis(x, weights=weights, directions=directions, normalisation=norm)  # type: ignore[arg-type]
    assert ((out["closeness"] >= 0) & (out["closeness"] <= 1)).all()
    assert out.loc[out["closeness"].idxmax(), "rank"] == 1
    flipped = topsis(x.iloc[::-1], weights=weights, directions=directions, normalisation=norm)  # type: ignore[arg-type]
    assert flipped.loc[x.index, "closeness"].tolist() == pytest.approx(out["closeness"].tolist())


@settings(max_examples=60, deadline=None)
@given(grids, signs, st.floats(0.05, 1.0))
def test_grey_grade_in_unit_interval_and_row_order_free(rows: list[list[int]], sign: list[int], rho: float) -> None:
    x = _frame(rows)
    directions = dict(zip(x.columns, sign, strict=True))
    out = grey_relational(x, directions=directions, rho=rho)
    assert ((out["grade"] > 0) & (out["grade"] <= 1 + 1e-12)).all()
    flipped = grey_relational(x.iloc[::-1], directions=directions, rho=rho)
    assert flipped.loc[x.index, "grade"].tolist() == pytest.approx(out["grade"].tolist())
