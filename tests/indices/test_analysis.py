"""Analysis: COINr's get_stats, get_corr, get_corr_flags, get_cronbach, get_str_weak, and contributions."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from xinxiao.core import InvalidInput
from xinxiao.indices.aggregate import aggregate_tree
from xinxiao.indices.analysis import (
    STAT_COLUMNS,
    contributions,
    correlation_flags,
    correlations,
    cronbach_alpha,
    group_alpha,
    indicator_stats,
    kurtosis,
    level_correlations,
    skewness,
    strengths_weaknesses,
)
from xinxiao.indices.framework import Framework, read_imeta

NAN = np.nan


def _framework(weights: tuple[float, ...] = (1, 1, 1, 1, 1, 1, 1)) -> Framework:
    """a, b → P; c, d → Q; P, Q → I (weights in that order: a b c d P Q I)."""
    return read_imeta(
        pd.DataFrame(
            {
                "Level": [1, 1, 1, 1, 2, 2, 3],
                "iCode": ["a", "b", "c", "d", "P", "Q", "I"],
                "Parent": ["P", "P", "Q", "Q", "I", "I", None],
                "Direction": [1, 1, -1, 1, 1, 1, 1],
                "Weight": list(weights),
                "Type": ["Indicator"] * 4 + ["Aggregate"] * 3,
            }
        )
    )


def _stat(values: list[float], name: str, **kwargs: float) -> object:
    frame = pd.DataFrame({"x": values}, index=[f"u{i}" for i in range(len(values))])
    return indicator_stats(frame, **kwargs).loc["x", name]


# ---------------------------------------------------------------------------------------------------- stats


@pytest.mark.parametrize(
    ("values", "name", "expected"),
    [
        ([1, 2, 3, 4, 5], "Min", 1.0),
        ([1, 2, 3, 4, 5], "Max", 5.0),
        ([1, 2, 3, 4, 5], "Mean", 3.0),
        ([1, 2, 3, 4, 10], "Median", 3.0),
        ([1, 2, 3, 4, 5], "Std", math.sqrt(2.5)),
        ([1, 2, 3, 4, 5], "Skew", 0.0),
        # r = 5·34/10² = 1.7; G2 = ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)) = (6·(−1.3)+6)·4/6
        ([1, 2, 3, 4, 5], "Kurt", -1.2),
        # [0, 0, 1]: g1 = √3·(2/9)/(2/3)^1.5 = 1/√2, G1 = g1·√6/1 = √3
        ([0, 0, 1, NAN], "Skew", math.sqrt(3)),
        ([0, 0, 1, NAN], "Kurt", NAN),
        ([0, 0, 1, NAN], "N.Avail", 3),
        ([0, 0, 1, NAN], "Frc.Avail", 0.75),
        ([0, 0, 1, NAN], "N.NonZero", 1),
        ([0, 0, 1, NAN], "Frc.NonZero", 1 / 3),
        ([0, 0, 1, NAN], "Frc.Zero", 2 / 3),
        ([0, 0, 1, NAN], "N.Unique", 2),
        ([0, 0, 1, NAN], "Frc.Unique", 2 / 3),
        ([0, 0, 1, NAN], "N.Same", 2),
        ([0, 0, 1, NAN], "Frc.Same", 2 / 3),
        ([2, 2, 2, 2], "Std", 0.0),
        ([2, 2, 2, 2], "Skew", NAN),
        ([2, 2, 2, 2], "Kurt", NAN),
        ([5], "Std", NAN),
        ([NAN, NAN], "Mean", NAN),
        ([NAN, NAN], "N.Same", 0),
        ([NAN, NAN], "Frc.NonZero", NAN),
    ],
)
def test_stats_known_answers(values: list[float], name: str, expected: float) -> None:
    got = _stat(values, name)
    assert isinstance(got, (int, float, np.integer, np.floating))
    if math.isnan(expected):
        assert math.isnan(float(got))
    else:
        assert float(got) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("values", "kwargs", "name", "expected"),
    [
        # COINr's rules: Frc ≥ t is "ok" (equality passes), OUT needs |skew| > t_skew AND kurt > t_kurt
        ([1, 2, 3, 4, 100], {}, "Flag.SkewKurt", "OUT"),  # skew 2.232, kurt 4.987
        ([1, 2, 3, 4, 100], {"t_skew": 2.3}, "Flag.SkewKurt", "ok"),
        ([1, 2, 3, 4, 100], {"t_kurt": 5.0}, "Flag.SkewKurt", "ok"),
        ([-100, -4, -3, -2, -1], {}, "Flag.SkewKurt", "OUT"),  # negative skew counts through |skew|
        ([1, 2, NAN], {}, "Flag.SkewKurt", "ok"),  # skew and kurtosis cannot be computed: not flagged
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, NAN, NAN, NAN, NAN, NAN, NAN, NAN], {}, "Flag.Avail", "ok"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN], {}, "Flag.Avail", "LOW"),
        ([0, 0, 1, 2], {}, "Flag.NonZero", "ok"),  # 2/4 = t_zero
        ([0, 0, 0, 2], {}, "Flag.NonZero", "LOW"),
        ([0, 0, 0, 2], {"t_zero": 0.25}, "Flag.NonZero", "ok"),
        ([1, 1, 2, 2], {}, "Flag.Unique", "ok"),  # 2/4 = t_unq
        ([1, 1, 1, 1, 2], {}, "Flag.Unique", "LOW"),  # 2/5
        ([1, NAN, NAN, 2], {}, "Flag.Unique", "ok"),  # over the available values (COINr's documented rule)
    ],
)
def test_stats_flags(values: list[float], kwargs: dict[str, float], name: str, expected: str) -> None:
    assert _stat(values, name, **kwargs) == expected


def test_stats_table_shape_and_errors() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3, 2, 1]}, index=["u1", "u2", "u3"])
    table = indicator_stats(frame)
    assert list(table.columns) == list(STAT_COLUMNS)
    assert list(table.index) == ["a", "b"]
    with pytest.raises(InvalidInput, match="not numeric"):
        indicator_stats(frame.assign(c=["x", "y", "z"]))
    with pytest.raises(InvalidInput, match="empty"):
        indicator_stats(frame.iloc[:0])


samples = st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False), min_size=4, max_size=30)


@given(samples)
@settings(max_examples=60, deadline=None)
def test_skew_kurt_are_scipy_unbiased(values: list[float]) -> None:
    x = np.array(values)
    assume(np.ptp(x) > 1e-3 * (1 + np.abs(x).max()))  # scipy itself warns about catastrophic cancellation there
    assert skewness(x) == pytest.approx(sps.skew(x, bias=False), rel=1e-7, abs=1e-6)
    assert kurtosis(x) == pytest.approx(sps.kurtosis(x, bias=False), rel=1e-7, abs=1e-6)


with_gaps = st.lists(st.one_of(st.just(NAN), st.integers(-5, 5).map(float), st.floats(-1e3, 1e3)), min_size=1)


@given(with_gaps, with_gaps, st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_stats_invariant_to_row_order(a: list[float], b: list[float], rnd: random.Random) -> None:
    n = min(len(a), len(b))
    frame = pd.DataFrame({"a": a[:n], "b": b[:n]}, index=[f"u{i}" for i in range(n)])
    order = list(frame.index)
    rnd.shuffle(order)
    pd.testing.assert_frame_equal(indicator_stats(frame), indicator_stats(frame.loc[order]))


# ---------------------------------------------------------------------------------------------------- alpha


@pytest.mark.parametrize(
    ("columns", "use", "expected"),
    [
        # var 1, 4, cov 2: total 9, alpha = 2·(1 − 5/9)
        ({"x": [1, 2, 3], "y": [2, 4, 6]}, "pairwise", 8 / 9),
        # Σσ² = 5/3 + 19/12 + 5/3, Σcov = 2·(3/2 + 4/3 + 3/2): alpha = 1.5·(26/3)/(163/12)
        ({"a": [1, 2, 3, 4], "b": [2, 3, 3, 5], "c": [1, 3, 2, 4]}, "pairwise", 1.5 * (26 / 3) / (163 / 12)),
        # pairwise (COINr's default): var a = 5/3, var b = 1, cov = 1 → 2·(1 − (8/3)/(14/3)) = 6/7
        ({"a": [1, 2, 3, 4], "b": [1, 2, 3, NAN]}, "pairwise", 6 / 7),
        # listwise: the first three rows, identical columns
        ({"a": [1, 2, 3, 4], "b": [1, 2, 3, NAN]}, "complete", 1.0),
        # perfectly opposed columns: the total variance is 0
        ({"a": [1, 2, 3], "b": [3, 2, 1]}, "pairwise", NAN),
        # negative inter-item covariance gives a negative alpha: var 1, 1, cov −0.5 → 2·(1 − 2/1)
        ({"a": [1, 2, 3], "b": [2, 3, 1]}, "pairwise", -2.0),
    ],
)
def test_cronbach_known_answers(columns: dict[str, list[float]], use: str, expected: float) -> None:
    got = cronbach_alpha(pd.DataFrame(columns), use=use)  # type: ignore[arg-type]
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected, abs=1e-12)


def test_cronbach_errors() -> None:
    with pytest.raises(InvalidInput, match="at least 2"):
        cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0]}))
    with pytest.raises(InvalidInput, match="use"):
        cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 1.0]}), use="everything")  # type: ignore[arg-type]


@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=20), st.integers(2, 6))
@settings(max_examples=60, deadline=None)
def test_alpha_of_identical_columns_is_one(values: list[float], k: int) -> None:
    assume(np.ptp(values) > 1e-6)
    frame = pd.DataFrame({f"c{j}": values for j in range(k)})
    assert cronbach_alpha(frame) == pytest.approx(1.0, abs=1e-9)


def test_group_alpha_per_group_and_over_levels() -> None:
    fw = _framework()
    x = pd.DataFrame({"a": [1, 2, 3], "b": [2, 4, 6], "c": [1, 2, 3], "d": [3, 2, 1]}, dtype=float)
    by_pillar = group_alpha(x, framework=fw)
    assert by_pillar["P"] == pytest.approx(8 / 9)
    assert math.isnan(by_pillar["Q"])
    # the index over its four indicators: variances 1 + 4 + 1 + 1 = 7, covariances ab 2, ac 1, ad −1, bc 2,
    # bd −2, cd −1, so the whole matrix sums to 7 + 2·1 = 9 and alpha = 4/3·(1 − 7/9)
    assert group_alpha(x, framework=fw, level=3, of_level=1)["I"] == pytest.approx(8 / 27)
    with pytest.raises(InvalidInput, match="not in the frame"):
        group_alpha(x, framework=fw, level=3)  # P and Q are not columns


# ---------------------------------------------------------------------------------------------------- correlations

XY = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.0, 3.0, 2.0, 4.0]})


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("pearson", 0.8),  # Σdxdy = 4, Σdx² = Σdy² = 5
        ("spearman", 0.8),  # 1 − 6·2/(4·15)
        ("kendall", 4 / 6),  # 5 concordant, 1 discordant pair
    ],
)
def test_correlation_known_answers(method: str, expected: float) -> None:
    matrix = correlations(XY, method=method)  # type: ignore[arg-type]
    assert matrix.loc["x", "y"] == pytest.approx(expected)
    assert matrix.loc["y", "x"] == pytest.approx(expected)
    assert np.diag(matrix.to_numpy()).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall"])
def test_correlations_pairwise_complete_and_degenerate(method: str) -> None:
    frame = pd.DataFrame(
        {"x": [1.0, 2.0, 3.0, 4.0, 9.0], "y": [1.0, 3.0, 2.0, 4.0, NAN], "k": [2.0] * 5, "s": [NAN] * 4 + [1.0]}
    )
    matrix = correlations(frame, method=method)  # type: ignore[arg-type]
    assert matrix.loc["x", "y"] == pytest.approx(correlations(XY, method=method).loc["x", "y"])  # type: ignore[arg-type]
    assert matrix[["k", "s"]].isna().all().all()
    assert matrix.loc[["k", "s"]].isna().all().all()


def test_correlations_across_two_frames_and_errors() -> None:
    cross = correlations(XY[["x"]], XY[["y"]].rename(columns={"y": "z"}))
    assert cross.shape == (1, 1)
    assert cross.loc["x", "z"] == pytest.approx(0.8)
    with pytest.raises(InvalidInput, match="share column"):
        correlations(XY, XY)
    with pytest.raises(InvalidInput, match="unknown correlation method"):
        correlations(XY, method="distance")  # type: ignore[arg-type]


def _scored() -> pd.DataFrame:
    x = pd.DataFrame(
        {"a": [1, 2, 3, 4, 5], "b": [1.1, 2.0, 2.9, 4.2, 5.0], "c": [5, 1, 4, 2, 3], "d": [1, 2, 3, 5, 4]},
        index=[f"u{i}" for i in range(5)],
        dtype=float,
    )
    levels = [{"P": ["a", "b"], "Q": ["c", "d"]}, {"I": ["P", "Q"]}]
    scored: pd.DataFrame = aggregate_tree(x, levels=levels, weights=_framework().weights)
    return scored


def test_level_correlations_parent_and_family() -> None:
    scored = _scored()
    family = level_correlations(scored, framework=_framework())
    assert family[["code", "ancestor", "ancestor_level"]].values.tolist() == [
        ["a", "P", 2],
        ["a", "I", 3],
        ["b", "P", 2],
        ["b", "I", 3],
        ["c", "Q", 2],
        ["c", "I", 3],
        ["d", "Q", 2],
        ["d", "I", 3],
    ]
    full = scored.corr()
    for code, ancestor, r in family[["code", "ancestor", "correlation"]].itertuples(index=False):
        assert r == pytest.approx(full.loc[code, ancestor])
    parents = level_correlations(scored, framework=_framework(), level=2, against="parent", method="kendall")
    assert parents[["code", "ancestor"]].values.tolist() == [["P", "I"], ["Q", "I"]]
    with pytest.raises(InvalidInput, match="aggregate first"):
        level_correlations(scored[["a", "b", "c", "d"]], framework=_framework())


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # by hand: r(a, b) = 10/√100.52 = 0.9974, r(c, d) = −4/10, r(c, Q) = r(d, Q) = 3/√30 = 0.548
        ({"weak": None, "low": -0.45}, [("collinear", "P", "a", "b")]),
        ({"weak": None, "low": -0.35}, [("collinear", "P", "a", "b"), ("negative", "Q", "c", "d")]),
        ({"weak": None, "high": 0.998, "low": -0.45}, []),
        ({"weak": 0.5, "low": -0.45}, [("collinear", "P", "a", "b")]),
        ({"weak": 0.6, "low": -0.45}, [("collinear", "P", "a", "b"), ("weak", "Q", "c", "Q"), ("weak", "Q", "d", "Q")]),
        # grouped by the index, pairs across pillars count: a–d 0.9, b–d 0.918 (a–c −0.3, b–c −0.31)
        ({"weak": None, "high": 0.5, "low": -0.45, "group_level": 3}, None),
    ],
)
def test_correlation_flags(kwargs: dict[str, float | None], expected: list[tuple[str, ...]] | None) -> None:
    scored = _scored()
    flags = correlation_flags(scored, framework=_framework(), **kwargs)  # type: ignore[arg-type]
    got = [tuple(row) for row in flags[["flag", "group", "code", "other"]].itertuples(index=False)]
    if expected is not None:
        assert got == expected
        return
    full = scored.corr().to_dict()
    pairs = [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d")]
    assert got == [("collinear", "I", p, q) for p, q in pairs if full[q][p] > 0.5]


def test_correlation_flags_values_and_errors() -> None:
    scored = _scored()
    flags = correlation_flags(scored, framework=_framework(), weak=None)
    assert flags["correlation"].tolist() == pytest.approx([scored.corr().loc["a", "b"]])
    with pytest.raises(InvalidInput, match=r"aggregate first"):
        correlation_flags(scored[["a", "b", "c", "d"]], framework=_framework())
    with pytest.raises(InvalidInput, match="group_level"):
        correlation_flags(scored, framework=_framework(), group_level=1)


def test_correlation_hand_values_used_above() -> None:
    full = _scored().corr()
    assert full.loc["c", "d"] == pytest.approx(-0.4)
    assert full.loc["a", "d"] == pytest.approx(0.9)


# ---------------------------------------------------------------------------------------------------- strengths

UNITS = pd.DataFrame(
    {
        "a": [3.0, 1.0, 2.0, 0.0],
        "b": [1.0, 2.0, 3.0, 4.0],
        "c": [2.0, 3.0, 1.0, NAN],
        "bin": [1.0, 0.0, 0.0, 1.0],
        "zero": [0.0, 0.0, 5.0, 6.0],
    },
    index=["u1", "u2", "u3", "u4"],
)


@pytest.mark.parametrize(
    ("unit", "kwargs", "strengths", "weaknesses"),
    [
        # u1 ranks: a 1, b 4, c 2, bin 1 (tie with u4), zero 3 (tie with u2, the worst rank)
        ("u1", {"n": 2}, [("a", 1.0), ("bin", 1.0)], [("zero", 3.0), ("b", 4.0)]),
        (
            "u1",
            {"n": 5},
            [("a", 1.0), ("bin", 1.0), ("c", 2.0)],
            [("a", 1.0), ("bin", 1.0), ("c", 2.0), ("zero", 3.0), ("b", 4.0)],
        ),
        # min_discard off: the shared last place of "zero" may be a strength again
        ("u1", {"n": 5, "min_discard": False}, [("a", 1.0), ("bin", 1.0), ("c", 2.0), ("zero", 3.0), ("b", 4.0)], None),
        # unq_discard: bin has 2/4 unique values, zero 3/4, c 4/4 (NA counted as a value, as in R)
        (
            "u1",
            {"n": 5, "unq_discard": 0.5},
            [("a", 1.0), ("c", 2.0)],
            [("a", 1.0), ("c", 2.0), ("zero", 3.0), ("b", 4.0)],
        ),
        ("u1", {"n": 5, "unq_discard": 0.75}, [("a", 1.0), ("c", 2.0)], [("a", 1.0), ("c", 2.0), ("b", 4.0)]),
        # a missing value takes no rank and is left out
        ("u4", {"n": 1, "bottom_n": 2}, [("b", 1.0)], [("zero", 1.0), ("a", 4.0)]),
        # u2 without directions: c 1, a 3, b 3 (bin and zero hold the worst rank 3 and are no strengths)
        ("u2", {"n": 3}, [("c", 1.0), ("a", 3.0), ("b", 3.0)], None),
        # directions flip before ranking: with a reversed, u2 (a = 1) is second after u4 (a = 0)
        (
            "u2",
            {"n": 2, "directions": pd.Series({"a": -1, "b": 1, "c": 1, "bin": 1, "zero": 1})},
            [("c", 1.0), ("a", 2.0)],
            None,
        ),
    ],
)
def test_strengths_weaknesses(
    unit: str, kwargs: dict[str, object], strengths: list[tuple[str, float]], weaknesses: list[tuple[str, float]] | None
) -> None:
    result = strengths_weaknesses(UNITS, unit=unit, **kwargs)  # type: ignore[arg-type]
    assert list(zip(result.strengths.index, result.strengths["rank"], strict=True)) == strengths
    if weaknesses is not None:
        assert list(zip(result.weaknesses.index, result.weaknesses["rank"], strict=True)) == weaknesses
    assert result.strengths["value"].tolist() == [UNITS.loc[unit, c] for c in result.strengths.index]


def test_strengths_weaknesses_u4_order() -> None:
    # u4 ranks: a 4, b 1, bin 1, zero 1 (c missing); stable sort keeps file order among ties
    result = strengths_weaknesses(UNITS, unit="u4", n=2, bottom_n=2)
    assert list(result.strengths.index) == ["b", "bin"]
    assert list(result.weaknesses.index) == ["zero", "a"]
    assert result.weaknesses["value"].tolist() == [6.0, 0.0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"unit": "nowhere"}, "not in the frame"),
        ({"unit": "u1", "n": 0}, "at least 1"),
        ({"unit": "u1", "unq_discard": 1.5}, "unq_discard"),
        ({"unit": "u1", "directions": pd.Series({"a": 1})}, "no direction"),
    ],
)
def test_strengths_weaknesses_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        strengths_weaknesses(UNITS, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------- contributions


def test_contributions_known_answer() -> None:
    # weights a 1, b 3 | c 1, d 1 | P 2, Q 1
    fw = _framework((1, 3, 1, 1, 2, 1, 1))
    x = pd.DataFrame({"a": [40.0, 10.0], "b": [80.0, NAN], "c": [30.0, 20.0], "d": [50.0, 40.0]}, index=["u1", "u2"])
    out = contributions(x, framework=fw, unit="u1")
    keyed = out.set_index(["parent", "child"])
    # P = 0.25·40 + 0.75·80 = 70; Q = 0.5·30 + 0.5·50 = 40; I = (2/3)·70 + (1/3)·40 = 60
    pairs = [("P", "a"), ("P", "b"), ("Q", "c"), ("Q", "d"), ("I", "P"), ("I", "Q")]
    assert [keyed.loc[k, "weight"] for k in pairs] == pytest.approx([0.25, 0.75, 0.5, 0.5, 2 / 3, 1 / 3])
    assert [keyed.loc[k, "contribution"] for k in pairs] == pytest.approx([10.0, 60.0, 15.0, 25.0, 140 / 3, 40 / 3])
    assert out.groupby("parent")["score"].first().to_dict() == pytest.approx({"P": 70.0, "Q": 40.0, "I": 60.0})
    u2 = contributions(x, framework=fw, unit="u2").set_index(["parent", "child"])
    # b is missing: a carries P alone (weight re-normalised to 1)
    assert u2.loc[("P", "a"), "weight"] == 1.0
    assert u2["contribution"].isna().tolist() == [False, True, False, False, False, False]
    assert u2.loc[("P", "a"), "score"] == 10.0


def test_contributions_order_and_errors() -> None:
    x = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0], "c": [5.0, 6.0], "d": [7.0, 8.0]}, index=["u2", "u1"])
    out = contributions(x, framework=_framework())
    assert out["uCode"].tolist()[:4] == ["u2"] * 4
    assert out[out["uCode"] == "u2"]["level"].tolist() == [2, 2, 2, 2, 3, 3]
    with pytest.raises(InvalidInput, match="not in the frame"):
        contributions(x.drop(columns="d"), framework=_framework())
    with pytest.raises(InvalidInput, match="not in the frame"):
        contributions(x, framework=_framework(), unit="u9")


values_or_gaps = st.one_of(st.just(NAN), st.floats(0, 100))


@given(
    st.lists(st.tuples(values_or_gaps, values_or_gaps, values_or_gaps, values_or_gaps), min_size=1, max_size=8),
    st.tuples(*[st.floats(0.1, 10)] * 7),
)
@settings(max_examples=60, deadline=None)
def test_contributions_sum_to_the_score(rows: list[tuple[float, ...]], weights: tuple[float, ...]) -> None:
    fw = _framework(weights)
    x = pd.DataFrame(rows, columns=["a", "b", "c", "d"], index=[f"u{i}" for i in range(len(rows))])
    out = contributions(x, framework=fw)
    sums = out.groupby(["uCode", "parent"], sort=False).agg(
        total=("contribution", lambda s: s.sum(min_count=1)), score=("score", "first")
    )
    np.testing.assert_allclose(sums["total"], sums["score"], rtol=1e-12, atol=1e-9)
    levels = [{"P": ["a", "b"], "Q": ["c", "d"]}, {"I": ["P", "Q"]}]
    expected = aggregate_tree(x, levels=levels, weights=fw.weights)
    got = sums["score"].unstack()
    np.testing.assert_allclose(got.loc[x.index, ["P", "Q", "I"]], expected[["P", "Q", "I"]], rtol=1e-12, atol=1e-9)
