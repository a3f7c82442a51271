"""The build pipeline: steps as data, every stage kept, panel data, weights computed from the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinxiao.core import InvalidInput
from xinxiao.indices import build, parse_steps, read_idata, read_imeta
from xinxiao.indices.pipeline import normalise_base
from xinxiao.indices.spec import flatten
from xinxiao.indices.weights import entropy_weights

META = pd.DataFrame(
    {
        "Level": [1, 1, 1, 2, 2, 3],
        "iCode": ["a", "b", "c", "P", "Q", "Index"],
        "Parent": ["P", "P", "Q", "Index", "Index", None],
        "Direction": [1, -1, 1, 1, 1, 1],
        "Weight": [1, 3, 1, 1, 1, 1],
        "Type": ["Indicator"] * 3 + ["Aggregate"] * 3,
    }
)
DATA = pd.DataFrame(
    {"uCode": ["u1", "u2", "u3", "u4"], "a": [1.0, 2.0, 3.0, 5.0], "b": [4.0, 3.0, 2.0, 0.0], "c": [10, 30, 20, 40]}
)


def _build(steps: list[dict[str, object]], data: pd.DataFrame = DATA) -> object:
    framework = read_imeta(META)
    return build(read_idata(data, framework), framework, parse_steps(steps))


def test_minmax_and_arithmetic_mean_by_hand() -> None:
    result = _build([{"normalise": {"f_n": "n_minmax", "l_u": [0, 100]}}, {"aggregate": {"f_ag": "a_amean"}}])
    a = np.array([0.0, 25.0, 50.0, 100.0])
    b = np.array([0.0, 25.0, 50.0, 100.0])  # direction -1: 4 → 0, 0 → 100
    c = np.array([0.0, 200 / 3, 100 / 3, 100.0])
    p = (1 * a + 3 * b) / 4
    expected = (p + c) / 2
    np.testing.assert_allclose(result.aggregates["P"], p)
    np.testing.assert_allclose(result.aggregates["Index"], expected)
    assert list(result.stages) == ["raw", "normalised", "aggregated"]
    assert result.ranks()["Index"].tolist() == [4.0, 2.0, 3.0, 1.0]  # u2: (25 + 66.7)/2 beats u3: (50 + 33.3)/2


def test_every_stage_is_kept_unchanged_by_later_steps() -> None:
    data = DATA.assign(a=[1.0, None, 3.0, 5.0])
    result = _build([{"impute": {"f_i": "i_median"}}, {"normalise": {}}, {"aggregate": {}}], data)
    assert np.isnan(result.stages["raw"].loc["u2", "a"])
    assert result.stages["imputed"].loc["u2", "a"] == 3.0
    assert result.stages["normalised"].loc["u2", "a"] == 50.0


def test_per_level_methods_and_their_count() -> None:
    result = _build([{"normalise": {"l_u": [1, 10]}}, {"aggregate": {"f_ag": ["a_gmean", "a_amean"]}}])
    normalised = result.stages["normalised"]
    p = np.exp((np.log(normalised["a"]) + 3 * np.log(normalised["b"])) / 4)
    np.testing.assert_allclose(result.aggregates["P"], p)
    with pytest.raises(InvalidInput, match="2 levels"):
        _build([{"normalise": {}}, {"aggregate": {"f_ag": ["a_amean"]}}])


def test_weight_step_uses_entropy_weights_of_the_normalised_data() -> None:
    result = _build([{"normalise": {"l_u": [1, 10]}}, {"weight": {"method": "entropy"}}, {"aggregate": {}}])
    w = entropy_weights(result.stages["normalised"])
    x = result.stages["normalised"]
    np.testing.assert_allclose(result.aggregates["P"], (w["a"] * x["a"] + w["b"] * x["b"]) / (w["a"] + w["b"]))
    assert result.weights is not None and result.weights["Index"] == 1.0


def test_screen_removes_units_and_records_them() -> None:
    data = DATA.assign(a=[1.0, None, 3.0, 5.0], b=[4.0, None, 2.0, 0.0])
    result = _build([{"screen": {"dat_thresh": 0.9}}, {"normalise": {}}, {"aggregate": {}}], data)
    assert result.removed == ["u2"]
    assert "u2" not in result.aggregates.index


def _panel() -> pd.DataFrame:
    rows = []
    for t, shift in ((2023, 0.0), (2024, 1.0)):
        for _, row in DATA.iterrows():
            rows.append({**row.to_dict(), "Time": t, "a": row["a"] + shift})
    frame = pd.DataFrame(rows)
    frame.loc[(frame["uCode"] == "u1") & (frame["Time"] == 2024), "c"] = None
    return frame


def test_panel_is_built_per_time_unless_pooled() -> None:
    steps = [{"impute": {"f_i": "impute_panel", "imp_type": "latest"}}, {"normalise": {}}, {"aggregate": {}}]
    per_time = _build(steps, _panel())
    assert per_time.stages["imputed"].loc[("u1", 2024), "c"] == 10.0  # carried from 2023
    # each year alone: a is min-maxed within the year, so the shift of +1 in 2024 disappears
    assert per_time.stages["normalised"].loc[("u1", 2024), "a"] == 0.0
    pooled = _build([steps[0], {"normalise": {"pooled": True}}, steps[2]], _panel())
    assert pooled.stages["normalised"].loc[("u1", 2024), "a"] == pytest.approx(100 * 1 / 5)
    ranks = per_time.ranks()
    assert sorted(ranks.loc[(slice(None), 2024), "Index"]) == [1.0, 2.0, 3.0, 4.0]


def test_base_period_normalisation_makes_the_base_mean_100() -> None:
    result = _build(
        [{"normalise": {"f_n": "n_base", "base": 2023}}, {"aggregate": {}}],
        _panel().fillna(20.0).assign(b=lambda f: f["b"] + 1),
    )
    base = result.stages["normalised"].xs(2023, level="Time")
    assert base["a"].mean() == pytest.approx(100.0)
    assert result.stages["normalised"].loc[("u1", 2024), "a"] == pytest.approx(100 * 2 / 2.75)
    raw = read_idata(_panel(), read_imeta(META)).indicators
    with pytest.raises(InvalidInput, match="base period 2020"):
        normalise_base(raw, directions=pd.Series(1, index=["a", "b", "c"]), base=2020)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "non-empty list"),
        ([{"rank": {}}], "not one of"),
        ([{"aggregate": {}}, {"normalise": {}}], "last step"),
        ([{"normalise": {}}, {"normalise": {}}], "more than once"),
        ([{"normalise": [1, 2]}], "must be a mapping"),
        (["normalise"], "one 'name"),
    ],
)
def test_bad_specs_are_refused_with_the_step(steps: list[object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_steps(steps, "SPEC.yaml")


def test_coinr_nested_arguments_are_accepted() -> None:
    nested = parse_steps([{"normalise": {"global_specs": {"f_n": "n_zscore", "f_n_para": {"m_sd": [10, 2]}}}}])
    flat = parse_steps([{"normalise": {"f_n": "n_zscore", "m_sd": [10, 2]}}])
    assert nested.sha256 == flat.sha256
    assert flatten({"f1_para": {"winmax": 3}, "f2": "log_CT"}) == {"winmax": 3, "f2": "log_CT"}


@given(st.permutations(["u1", "u2", "u3", "u4"]))
def test_scores_do_not_depend_on_unit_order(order: list[str]) -> None:
    steps = [{"treat": {}}, {"normalise": {}}, {"aggregate": {"f_ag": ["a_amean", "a_copeland"]}}]
    data = pd.concat([DATA] * 2).assign(uCode=[f"{u}{k}" for k in "xy" for u in DATA["uCode"]])
    data[["a", "b", "c"]] += np.arange(8)[:, None] * 0.37
    shuffled = data.set_index("uCode").loc[[f"{u}{k}" for k in "yx" for u in order]].reset_index()
    first = _build(steps, data).aggregates
    second = _build(steps, shuffled).aggregates.loc[first.index]
    pd.testing.assert_frame_equal(first, second)


def test_named_weight_sets_and_combined_weights() -> None:
    sets = {"policy": {"a": 2.0, "b": 1.0, "c": 1.0}}
    named = _build([{"normalise": {}}, {"weight": {"method": "set", "sets": sets, "use": "policy"}}, {"aggregate": {}}])
    assert named.weights is not None and named.weights[["a", "b", "c"]].tolist() == [2.0, 1.0, 1.0]
    x = named.stages["normalised"]
    np.testing.assert_allclose(named.aggregates["P"], (2 * x["a"] + x["b"]) / 3)
    combined = _build(
        [
            {"normalise": {"l_u": [1, 10]}},
            {"weight": {"method": "entropy", "combine": {"subjective": "original", "method": "linear", "alpha": 0.5}}},
            {"aggregate": {}},
        ]
    )
    entropy = entropy_weights(combined.stages["normalised"])
    original = pd.Series({"a": 1.0, "b": 3.0, "c": 1.0}) / 5
    assert combined.weights is not None
    np.testing.assert_allclose(combined.weights[["a", "b", "c"]], 0.5 * original + 0.5 * entropy[["a", "b", "c"]])


def test_ahp_sets_a_parents_child_weights_and_refuses_an_inconsistent_matrix() -> None:
    ahp = {"Index": {"order": ["P", "Q"], "matrix": [[1, 3], [1 / 3, 1]]}}
    result = _build([{"normalise": {}}, {"weight": {"ahp": ahp}}, {"aggregate": {}}])
    assert result.weights is not None and result.weights[["P", "Q"]].tolist() == pytest.approx([0.75, 0.25])
    assert result.ahp["Index"].cr == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(
        result.aggregates["Index"], 0.75 * result.aggregates["P"] + 0.25 * result.aggregates["Q"]
    )
    meta = pd.concat([META.iloc[:3].assign(Parent="Index"), META.iloc[[5]].assign(Level=2)])
    framework = read_imeta(meta)
    circular = {"Index": {"order": ["a", "b", "c"], "matrix": [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]}}
    with pytest.raises(InvalidInput, match="inconsistent"):
        build(read_idata(DATA, framework), framework, parse_steps([{"weight": {"ahp": circular}}, {"aggregate": {}}]))


@pytest.mark.parametrize("method", ["topsis", "grey_relational"])
def test_an_alternative_scorer_ranks_beside_the_aggregation(method: str) -> None:
    result = _build([{"normalise": {}}, {"aggregate": {}}, {"score": {"method": method}}])
    assert result.scores is not None and list(result.scores.index) == ["u1", "u2", "u3", "u4"]
    assert result.scores["rank"].tolist()[3] == 1.0  # u4 is best on every normalised indicator
    assert result.scores["score"].between(0, 1).all()
