"""Weights: effective (COINr get_eff_wts), PCA (COINr get_PCA), entropy, CRITIC, SD/CV, AHP and combinations."""

from __future__ import annotations

from math import log, sqrt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.core import InvalidInput
from xinxiao.indices.weights import (
    RANDOM_INDEX,
    ahp_weights,
    combine_weights,
    critic_weights,
    cv_weights,
    effective_weights,
    entropy_weights,
    pca_weights,
    sd_weights,
    weight_set,
)

UNITS = ["u1", "u2", "u3"]


def frames(min_rows: int = 3, max_rows: int = 8, columns: int = 3, low: int = 0) -> st.SearchStrategy[pd.DataFrame]:
    """Small frames on an integer grid, so that degenerate columns come up often."""
    return (
        st.integers(min_rows, max_rows)
        .flatmap(
            lambda n: st.lists(
                st.lists(st.integers(low, 20), min_size=columns, max_size=columns), min_size=n, max_size=n
            )
        )
        .map(lambda rows: pd.DataFrame(rows, columns=[f"i{k}" for k in range(columns)], dtype=float))
    )


def _is_distribution(w: pd.Series) -> bool:
    return bool((w >= 0).all() and abs(float(w.sum()) - 1) < 1e-9)


# --- effective weights ---------------------------------------------------------------------------------------


TREE = {"i1": "P1", "i2": "P1", "i3": "P2", "i4": "P2", "P1": "IDX", "P2": "IDX", "IDX": None}


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # equal weights: a half per pillar, a quarter per indicator
        (dict.fromkeys(TREE, 1.0), {"i1": 0.25, "i2": 0.25, "i3": 0.25, "i4": 0.25, "P1": 0.5, "P2": 0.5, "IDX": 1.0}),
        # within P1 1:3, pillars 2:1, the index weight is irrelevant (it is scaled among roots)
        (
            {"i1": 1.0, "i2": 3.0, "i3": 5.0, "i4": 5.0, "P1": 2.0, "P2": 1.0, "IDX": 7.0},
            {"i1": 1 / 6, "i2": 1 / 2, "i3": 1 / 6, "i4": 1 / 6, "P1": 2 / 3, "P2": 1 / 3, "IDX": 1.0},
        ),
    ],
)
def test_effective_weights_known(weights: dict[str, float], expected: dict[str, float]) -> None:
    out = effective_weights(TREE, pd.Series(weights))
    assert list(out.index) == list(TREE)
    assert out.to_dict() == pytest.approx(expected)
    assert out[["i1", "i2", "i3", "i4"]].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("parents", "weights"),
    [
        ({"a": "b", "b": "a"}, {"a": 1.0, "b": 1.0}),
        ({"a": "P"}, {"a": 1.0}),
        ({"a": None}, {}),
        ({"a": "P", "b": "P", "P": None}, {"a": 0.0, "b": 0.0, "P": 1.0}),
    ],
    ids=["cycle", "unknown-parent", "missing-weight", "zero-sum"],
)
def test_effective_weights_rejects(parents: dict[str, str | None], weights: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        effective_weights(parents, pd.Series(weights, dtype=float))


# --- PCA ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        # two positively correlated indicators: PC1 of [[1, r], [r, 1]] is (1, 1)/√2 whatever r > 0
        ({"a": [1.0, 2, 3, 5], "b": [2.0, 1, 4, 4]}, [1 / sqrt(2), 1 / sqrt(2)]),
        # negatively correlated: (1, −1)/√2; the loadings sum to 0, so the first is made positive
        ({"a": [1.0, 2, 3, 5], "b": [4.0, 4, 1, 2]}, [1 / sqrt(2), -1 / sqrt(2)]),
        # one indicator: loading 1
        ({"a": [1.0, 2, 3]}, [1.0]),
    ],
)
def test_pca_weights_known(columns: dict[str, list[float]], expected: list[float]) -> None:
    out = pca_weights(pd.DataFrame(columns), groups={"P": list(columns)})
    assert out.tolist() == pytest.approx(expected)


def test_pca_weights_match_correlation_eigenvector_with_positive_sum() -> None:
    x = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 6], "c": [5.0, 4, 4, 2, 1]})
    values, vectors = np.linalg.eigh(np.corrcoef(x.to_numpy().T))
    pc1 = vectors[:, np.argmax(values)]
    pc1 = pc1 if pc1.sum() > 0 else -pc1
    out = pca_weights(x, groups={"P": ["a", "b", "c"]})
    assert out.tolist() == pytest.approx(pc1.tolist())
    assert out["c"] < 0 < out.sum()
    assert pca_weights(x, groups={"P": ["a", "b", "c"]}, normalise=True).sum() == pytest.approx(1.0)


def test_pca_weights_drop_incomplete_rows_per_group() -> None:
    x = pd.DataFrame({"a": [1.0, 2, 3, 4, 9], "b": [2.0, 1, 4, 3, np.nan], "c": [5.0, 4, 4, 2, 1]})
    groups = {"P": ["a", "b"], "Q": ["c"]}
    assert pca_weights(x, groups=groups).equals(pca_weights(x.iloc[:4], groups=groups))


def test_pca_weights_reject_constant_indicator() -> None:
    with pytest.raises(InvalidInput, match="constant"):
        pca_weights(pd.DataFrame({"a": [1.0, 2, 3], "b": [1.0, 1, 1]}), groups={"P": ["a", "b"]})


# --- entropy ------------------------------------------------------------------------------------------------


def _entropy_by_hand() -> dict[str, float]:
    # a = (1, 1, 2): p = (¼, ¼, ½); b = (0, 1, 1): p = (0, ½, ½) with 0·ln 0 = 0; c is constant
    d_a = 1 + (2 * 0.25 * log(0.25) + 0.5 * log(0.5)) / log(3)
    d_b = 1 + (2 * 0.5 * log(0.5)) / log(3)
    return {"a": d_a / (d_a + d_b), "b": d_b / (d_a + d_b), "c": 0.0}


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"a": [1.0, 1, 2], "b": [0.0, 1, 1], "c": [2.0, 2, 2]}, _entropy_by_hand()),
        ({"a": [1.0, 1, 2], "b": [0.0, 1, 1], "c": [2.0, 2, 2]}, {"a": 0.12682, "b": 0.87318, "c": 0.0}),
        ({"a": [3.0, 3, 3], "b": [0.0, 0, 0]}, {"a": 0.5, "b": 0.5}),
        (
            {"a": [1.0, 0, 0], "b": [1.0, 1, 0]},
            {"a": 1 / (1 + (1 - log(2) / log(3))), "b": 1 - 1 / (2 - log(2) / log(3))},
        ),
    ],
    ids=["hand", "hand-4dp", "all-constant", "one-hot"],
)
def test_entropy_weights_known(columns: dict[str, list[float]], expected: dict[str, float]) -> None:
    out = entropy_weights(pd.DataFrame(columns, index=UNITS))
    assert out.to_dict() == pytest.approx(expected, abs=1e-5)


def test_entropy_weights_skip_missing_with_n_per_column() -> None:
    x = pd.DataFrame({"a": [1.0, 1, 2, np.nan], "b": [0.0, 1, 1, 5]})
    d_a = 1 + (2 * 0.25 * log(0.25) + 0.5 * log(0.5)) / log(3)
    p_b = np.array([1, 1, 5]) / 7
    d_b = 1 + float((p_b * np.log(p_b)).sum()) / log(4)
    assert entropy_weights(x)["a"] == pytest.approx(d_a / (d_a + d_b))


def test_entropy_weights_panel_pools_unit_periods() -> None:
    index = pd.MultiIndex.from_product([["u1", "u2"], [2023, 2024]], names=["uCode", "Time"])
    x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 0, 0, 1]}, index=index)
    pooled = entropy_weights(x, panel=True)
    flat = entropy_weights(x.reset_index(drop=True))
    assert pooled.equals(flat)
    for cross_section in (x, x.droplevel("Time")):
        with pytest.raises(InvalidInput, match="panel=True"):
            entropy_weights(cross_section)


@pytest.mark.parametrize(
    "columns",
    [{"a": [1.0, -0.5, 2]}, {"a": [1.0, np.nan, np.nan]}, {"a": [1.0, np.inf, 2]}],
    ids=["negative", "too-few", "infinite"],
)
def test_entropy_weights_reject(columns: dict[str, list[float]]) -> None:
    with pytest.raises(InvalidInput):
        entropy_weights(pd.DataFrame(columns))


# --- CRITIC, SD, CV -----------------------------------------------------------------------------------------

# min-max normalised: a = (0, ½, 1), b = (0, 1, 1), c = (1, ½, 0); r_ab = √3/2, r_ac = −1, r_bc = −√3/2,
# σ_a = σ_c = ½, σ_b = 1/√3, means ½, ⅔, ½
CRITIC_X = pd.DataFrame({"a": [10.0, 15, 20], "b": [0.0, 3, 3], "c": [4.0, 2, 0]}, index=UNITS)
R = sqrt(3) / 2


def _shares(*scores: float) -> list[float]:
    return [s / sum(scores) for s in scores]


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("critic", _shares(0.5 * (3 - R), 2 / sqrt(3), 0.5 * (3 + R))),
        ("critic_abs", _shares(0.5 * (1 - R), 2 * (1 - R) / sqrt(3), 0.5 * (1 - R))),
        ("critic_cv", _shares(3 - R, R * 2, 3 + R)),
    ],
)
def test_critic_weights_known(variant: str, expected: list[float]) -> None:
    out = critic_weights(CRITIC_X, variant=variant)  # type: ignore[arg-type]
    assert out.tolist() == pytest.approx(expected)


def test_critic_constant_column_gets_zero_and_changes_nothing_else() -> None:
    out = critic_weights(CRITIC_X.assign(k=7.0))
    assert out["k"] == 0
    assert out.drop("k").tolist() == pytest.approx(critic_weights(CRITIC_X).tolist())
    assert critic_weights(pd.DataFrame({"a": [1.0, 1, 1], "b": [2.0, 2, 2]})).tolist() == [0.5, 0.5]


def test_critic_rejects_unknown_variant() -> None:
    with pytest.raises(InvalidInput, match="variant"):
        critic_weights(CRITIC_X, variant="entropy")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("function", "columns", "expected"),
    [
        (sd_weights, {"a": [0.0, 1, 2], "b": [0.0, 2, 4], "c": [5.0, 5, 5]}, [1 / 3, 2 / 3, 0.0]),
        (sd_weights, {"a": [1.0, 1, 1], "b": [2.0, 2, 2]}, [0.5, 0.5]),
        # CV: a = 1/2 (sd 1, mean 2), b = 1/2 (sd 10, mean 20), c = 1 (sd 2, mean 2)
        (cv_weights, {"a": [1.0, 2, 3], "b": [10.0, 20, 30], "c": [0.0, 2, 4]}, [0.25, 0.25, 0.5]),
    ],
)
def test_dispersion_weights_known(function: object, columns: dict[str, list[float]], expected: list[float]) -> None:
    assert callable(function)
    assert function(pd.DataFrame(columns)).tolist() == pytest.approx(expected)


def test_cv_weights_reject_non_positive_mean() -> None:
    with pytest.raises(InvalidInput, match="positive means"):
        cv_weights(pd.DataFrame({"a": [-1.0, 1.0], "b": [1.0, 2.0]}))


@settings(max_examples=60, deadline=None)
@given(frames())
def test_objective_weights_are_distributions_and_ignore_row_order(x: pd.DataFrame) -> None:
    reversed_rows = x.iloc[::-1]
    for compute in (entropy_weights, critic_weights, sd_weights):
        w = compute(x)
        assert _is_distribution(w)
        assert compute(reversed_rows).tolist() == pytest.approx(w.tolist())
    for variant in ("critic_abs", "critic_cv"):
        assert _is_distribution(critic_weights(x, variant=variant))


@settings(max_examples=40, deadline=None)
@given(frames(low=1))
def test_cv_weights_are_distributions(x: pd.DataFrame) -> None:
    assert _is_distribution(cv_weights(x))


# --- AHP ----------------------------------------------------------------------------------------------------


def _lambda_3x3(a12: float, a13: float, a23: float) -> float:
    """Closed form of the principal eigenvalue of a 3×3 reciprocal matrix: 1 + t + 1/t, t = (a13/(a12·a23))^⅓."""
    t = (a13 / (a12 * a23)) ** (1 / 3)
    return 1 + t + 1 / t


def _reciprocal(a12: float, a13: float, a23: float) -> list[list[float]]:
    return [[1, a12, a13], [1 / a12, 1, a23], [1 / a13, 1 / a23, 1]]


@pytest.mark.parametrize("method", ["eigenvector", "geometric"])
@pytest.mark.parametrize(
    ("entries", "weights", "cr", "consistent"),
    [
        # textbook example: λmax = 3.0092, CI = 0.0046, CR = 0.0079, w = (0.1634, 0.5396, 0.2970)
        ((1 / 3, 1 / 2, 2), (0.1634, 0.5396, 0.2970), 0.0079, True),
        # consistent: w ∝ (4, 2, 1), λmax = 3, CR = 0
        ((2, 4, 2), (4 / 7, 2 / 7, 1 / 7), 0.0, True),
        # a circular judgement (1 ≻ 2 ≻ 3 ≻ 1): CR far above 0.1
        ((9, 1 / 9, 9), (1 / 3, 1 / 3, 1 / 3), (_lambda_3x3(9, 1 / 9, 9) - 3) / 2 / 0.58, False),
    ],
)
def test_ahp_3x3_known(
    method: str, entries: tuple[float, float, float], weights: tuple[float, ...], cr: float, consistent: bool
) -> None:
    res = ahp_weights(_reciprocal(*entries), method=method)  # type: ignore[arg-type]
    # for n = 3 the row geometric mean is the principal eigenvector, so both methods agree
    assert res.weights.tolist() == pytest.approx(weights, abs=1e-4)
    assert res.lambda_max == pytest.approx(_lambda_3x3(*entries))
    assert res.ci == pytest.approx((_lambda_3x3(*entries) - 3) / 2, abs=1e-12)
    assert res.ri == 0.58
    assert res.cr == pytest.approx(cr, abs=1e-4)
    assert res.consistent is consistent


def test_ahp_keeps_labels_and_handles_small_orders() -> None:
    labels = ["经济", "社会"]
    res = ahp_weights(pd.DataFrame([[1, 3], [1 / 3, 1]], index=labels, columns=labels))
    assert res.weights.to_dict() == pytest.approx({"经济": 0.75, "社会": 0.25})
    assert (res.ci, res.cr, res.consistent) == (0.0, 0.0, True)
    assert ahp_weights([[1.0]]).weights.tolist() == [1.0]


def test_ahp_random_index_table() -> None:
    assert RANDOM_INDEX[:10] == (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
    assert len(RANDOM_INDEX) == 15


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2], [2, 1]], "reciprocal"),
        ([[1, 0], [0, 1]], "positive"),
        ([[1, -2], [-0.5, 1]], "positive"),
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
        (np.ones((16, 16)), "n ≤ 15"),
        ([[1, np.nan], [np.nan, 1]], "finite"),
        ([[2, 1], [1, 2]], "reciprocal"),
    ],
)
def test_ahp_rejects(matrix: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        ahp_weights(matrix)  # type: ignore[arg-type]


def test_ahp_uses_exact_reciprocals_of_the_upper_triangle() -> None:
    typed = ahp_weights([[1, 3, 8], [0.33, 1, 2], [0.13, 0.5, 1]])
    exact = ahp_weights(_reciprocal(3, 8, 2))
    assert typed.weights.tolist() == pytest.approx(exact.weights.tolist())
    assert typed.lambda_max == pytest.approx(_lambda_3x3(3, 8, 2))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.1, 10), min_size=2, max_size=9), st.sampled_from(["eigenvector", "geometric"]))
def test_ahp_consistent_matrix_recovers_weights(raw: list[float], method: str) -> None:
    w = np.array(raw) / sum(raw)
    res = ahp_weights(w[:, None] / w[None, :], method=method)  # type: ignore[arg-type]
    assert res.weights.tolist() == pytest.approx(w.tolist())
    assert res.lambda_max == pytest.approx(len(w))
    assert res.cr == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([1 / 9, 1 / 5, 1 / 3, 1.0, 3.0, 5.0, 9.0]), min_size=6, max_size=6))
def test_ahp_weights_are_positive_distributions(judgements: list[float]) -> None:
    matrix = np.ones((4, 4))
    matrix[np.triu_indices(4, 1)] = judgements
    matrix[np.tril_indices(4, -1)] = 1 / matrix.T[np.tril_indices(4, -1)]
    for method in ("eigenvector", "geometric"):
        res = ahp_weights(matrix, method=method)  # type: ignore[arg-type]
        assert _is_distribution(res.weights) and (res.weights > 0).all()
        assert res.lambda_max >= 4 - 1e-9
        assert res.consistent is (res.cr < 0.1)


# --- combinations and named sets ----------------------------------------------------------------------------

W1 = pd.Series({"a": 0.2, "b": 0.3, "c": 0.5})
W2 = pd.Series({"c": 2.0, "a": 1.0, "b": 1.0})


@pytest.mark.parametrize(
    ("method", "alpha", "expected"),
    [
        # W2 scaled: (¼, ¼, ½); product (0.05, 0.075, 0.25) / 0.375
        ("multiplicative", 0.5, {"a": 0.05 / 0.375, "b": 0.075 / 0.375, "c": 0.25 / 0.375}),
        ("linear", 0.5, {"a": 0.225, "b": 0.275, "c": 0.5}),
        ("linear", 0.3, {"a": 0.3 * 0.2 + 0.7 * 0.25, "b": 0.3 * 0.3 + 0.7 * 0.25, "c": 0.5}),
        ("linear", 1.0, {"a": 0.2, "b": 0.3, "c": 0.5}),
    ],
)
def test_combine_weights_known(method: str, alpha: float, expected: dict[str, float]) -> None:
    out = combine_weights(W1, W2, method=method, alpha=alpha)  # type: ignore[arg-type]
    assert list(out.index) == ["a", "b", "c"]
    assert out.to_dict() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("objective", "options"),
    [
        (pd.Series({"a": 1.0, "b": 1.0}), {}),
        (W2, {"method": "linear", "alpha": 1.5}),
        (W2, {"method": "average"}),
        (pd.Series({"a": -1.0, "b": 1.0, "c": 1.0}), {}),
        (pd.Series({"a": 0.0, "b": 0.0, "c": 1.0}), {"method": "multiplicative"}),
    ],
    ids=["indicators-differ", "alpha", "method", "negative", "no-overlap"],
)
def test_combine_weights_rejects(objective: pd.Series, options: dict[str, object]) -> None:
    w1 = pd.Series({"a": 0.5, "b": 0.5, "c": 0.0}) if "c" in objective.index else W1
    with pytest.raises(InvalidInput):
        combine_weights(w1, objective, **options)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 10), min_size=3, max_size=3).filter(lambda v: sum(v) > 0.01),
    st.lists(st.floats(0.01, 10), min_size=3, max_size=3),
    st.floats(0, 1),
)
def test_combined_weights_are_distributions(subjective: list[float], objective: list[float], alpha: float) -> None:
    w1, w2 = pd.Series(subjective, index=["a", "b", "c"]), pd.Series(objective, index=["a", "b", "c"])
    assert _is_distribution(combine_weights(w1, w2, method="linear", alpha=alpha))
    assert _is_distribution(combine_weights(w1, w2))


def test_weight_set_returns_a_copy_and_names_known_sets() -> None:
    sets = {"Original": pd.Series({"a": 1.0}), "PCA": pd.Series({"a": 0.7})}
    chosen = weight_set("PCA", sets)
    chosen["a"] = 0.0
    assert sets["PCA"]["a"] == 0.7
    with pytest.raises(InvalidInput, match="Original"):
        weight_set("Entropy", sets)
