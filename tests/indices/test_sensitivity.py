"""Sensitivity analysis: choices as data, the cached path against the naive loop, Sobol targets, leave-one-out."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import yaml

from xinxiao.core import InvalidInput
from xinxiao.indices.framework import Framework, IndicatorData, read_idata, read_imeta
from xinxiao.indices.pipeline import build
from xinxiao.indices.sensitivity import (
    Choice,
    get_sensitivity,
    leave_one_out,
    parse_choices,
    run_design,
    sample_inputs,
)
from xinxiao.indices.sensitivity_choices import make_design
from xinxiao.indices.spec import BuildSpec, parse_steps

NOMINAL = [
    {"impute": {"f_i": "i_mean"}},
    {"treat": {"winmax": 2}},
    {"normalise": {"f_n": "n_minmax", "l_u": [1, 100]}},
    {"aggregate": {"f_ag": "a_amean"}},
]

CHOICES = """
- {name: weights, kind: noise, step: aggregate, noise: 0.25, replicates: 20}
- name: normalisation
  kind: discrete
  step: normalise
  alternatives: [{f_n: n_minmax, l_u: [1, 100]}, {f_n: n_rank}, {f_n: n_zscore, m_sd: [10, 1]}]
- name: aggregation
  kind: discrete
  step: aggregate
  alternatives: [{f_ag: a_amean}, {f_ag: a_gmean}, {f_ag: a_copeland}]
- {name: imputation, kind: discrete, step: impute, alternatives: [{f_i: i_mean}, null]}
- {name: treatment, kind: discrete, step: treat, alternatives: [{winmax: 2}, null]}
"""


def three_levels(units: int = 12, missing: bool = True, seed: int = 7) -> tuple[Framework, IndicatorData]:
    """Six indicators → pillars P1 (a, b), P2 (c, d), P3 (e, f) → S1 (P1, P2), S2 (P3) → Index."""
    rows = [(1, code, parent) for code, parent in zip("abcdef", ["P1", "P1", "P2", "P2", "P3", "P3"], strict=True)]
    rows += [(2, "P1", "S1"), (2, "P2", "S1"), (2, "P3", "S2"), (3, "S1", "Index"), (3, "S2", "Index")]
    rows += [(4, "Index", None)]
    meta = pd.DataFrame(
        {
            "Level": [r[0] for r in rows],
            "iCode": [r[1] for r in rows],
            "Parent": [r[2] for r in rows],
            "Direction": [1, -1, 1, 1, 1, 1] + [1] * 6,
            "Weight": [1, 2, 1, 1, 3, 1] + [1] * 6,
            "Type": ["Indicator"] * 6 + ["Aggregate"] * 6,
        }
    )
    rng = np.random.default_rng(seed)
    values = rng.normal(50, 10, (units, 6))
    values[:, 4] = rng.lognormal(1, 1.2, units)  # a skewed indicator
    if missing:
        values[[1, 5], [0, 3]] = np.nan
    frame = pd.DataFrame(values, columns=list("abcdef"))
    frame.insert(0, "uCode", [f"u{k:02d}" for k in range(units)])
    fw = read_imeta(meta)
    return fw, read_idata(frame, fw)


def test_choices_read_from_yaml() -> None:
    choices = parse_choices(yaml.safe_load(CHOICES))
    assert [c.name for c in choices] == ["weights", "normalisation", "aggregation", "imputation", "treatment"]
    assert [c.size for c in choices] == [20, 3, 3, 2, 2]
    assert choices[3].alternatives == ({"f_i": "i_mean"}, None)
    assert parse_choices({"uncertainty": [{"name": "w", "kind": "noise", "noise": 0.1}]})[0].step == "aggregate"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "x", "kind": "uniform", "step": "normalise"}, "kind"),
        ({"name": "x", "kind": "discrete", "step": "normalise", "alternatives": []}, "non-empty"),
        ({"name": "x", "kind": "discrete", "step": "aggregate", "alternatives": [None]}, "cannot be dropped"),
        ({"name": "x", "kind": "noise", "noise": 1.5}, "noise must"),
        ({"name": "x", "kind": "noise", "noise": 0.1, "step": "normalise"}, "noise applies"),
        ({"name": "x", "kind": "noise", "noise": 0.1, "spread": 2}, "unknown keys"),
    ],
)
def test_bad_choices_are_refused(entry: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_choices([entry])


def test_variant_inserts_and_drops_steps_in_coinr_order() -> None:
    spec = parse_steps([{"impute": {}}, {"normalise": {"f_n": "n_minmax"}}, {"aggregate": {}}])
    choices = parse_choices(
        [
            {"name": "t", "kind": "discrete", "step": "treat", "alternatives": [{"winmax": 3}]},
            {"name": "i", "kind": "discrete", "step": "impute", "alternatives": [None]},
        ]
    )
    fw, _ = three_levels()
    design = make_design(choices, np.zeros((1, 2)), fw, seed=0)
    assert [s.name for s in design.variant(spec, 0).steps] == ["treat", "normalise", "aggregate"]


def test_same_seed_same_analysis() -> None:
    fw, data = three_levels()
    spec, choices = parse_steps(NOMINAL), parse_choices(yaml.safe_load(CHOICES))
    first, again = (get_sensitivity(data, fw, spec, choices, n=4, seed=11, num_resamples=20) for _ in range(2))
    other = get_sensitivity(data, fw, spec, choices, n=4, seed=12, num_resamples=20)
    pd.testing.assert_frame_equal(first.scores, again.scores)
    pd.testing.assert_frame_equal(first.indices, again.indices)
    assert not np.allclose(first.samples, other.samples)


@pytest.mark.parametrize(
    "weight_step",
    [None, {"weight": {"method": "equal"}}],
    ids=["framework-weights", "computed-weights"],
)
def test_cached_path_equals_naive_loop(weight_step: dict[str, object] | None) -> None:
    fw, data = three_levels()
    steps = NOMINAL[:-1] + ([weight_step] if weight_step else []) + NOMINAL[-1:]
    spec, choices = parse_steps(steps), parse_choices(yaml.safe_load(CHOICES))
    fast = get_sensitivity(data, fw, spec, choices, n=8, seed=3, num_resamples=20)
    slow = get_sensitivity(data, fw, spec, choices, n=8, seed=3, num_resamples=20, naive=True)
    np.testing.assert_allclose(fast.scores.to_numpy(), slow.scores.to_numpy(), rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(fast.ranks, slow.ranks)
    np.testing.assert_allclose(fast.indices.to_numpy(), slow.indices.to_numpy(), rtol=1e-12, atol=1e-12)
    assert fast.picks.iloc[:, 1:].nunique().tolist() == [3, 3, 2, 2]  # every alternative was run


def test_weight_noise_of_zero_keeps_every_rank_nominal() -> None:
    fw, data = three_levels()
    result = get_sensitivity(data, fw, parse_steps(NOMINAL), [Choice("w", "noise", "aggregate", noise=0.0)], n=4)
    stats = result.rank_stats
    assert ((stats["Q5"] <= stats["Nominal"]) & (stats["Nominal"] <= stats["Q95"])).all()
    assert (stats["Median"] == stats["Nominal"]).all()
    assert result.rank_change.eq(0).all()
    assert result.indices.eq(0).all().all()


def test_only_the_choice_that_matters_gets_the_variance() -> None:
    fw, data = three_levels(missing=False)  # complete data: imputation changes nothing
    choices = parse_choices(
        [
            {"name": "normalisation", "kind": "discrete", "step": "normalise", "alternatives": [{}, {"f_n": "n_rank"}]},
            {"name": "imputation", "kind": "discrete", "step": "impute", "alternatives": [{"f_i": "i_mean"}, None]},
            {"name": "weights", "kind": "noise", "noise": 0.0},
        ]
    )
    spec = parse_steps([{"impute": {}}, {"normalise": {}}, {"aggregate": {}}])
    result = get_sensitivity(data, fw, spec, choices, n=16, seed=5, num_resamples=50)
    assert result.rank_change.max() > 0
    total = result.indices["ST"]
    assert total["normalisation"] == pytest.approx(1.0, abs=0.15)
    assert total["imputation"] == pytest.approx(0.0, abs=1e-12)
    assert total["weights"] == pytest.approx(0.0, abs=1e-12)
    assert result.convergence.converged


def test_sample_size_must_be_a_power_of_two() -> None:
    with pytest.raises(InvalidInput, match="power of 2"):
        sample_inputs([Choice("w", "noise", "aggregate", noise=0.1)], 10, seed=0)


def test_run_design_refuses_a_spec_without_aggregation() -> None:
    fw, data = three_levels()
    choices = [Choice("w", "noise", "aggregate", noise=0.1)]
    design = make_design(choices, sample_inputs(choices, 4, seed=0), fw, seed=0)
    with pytest.raises(InvalidInput, match="aggregate step"):
        run_design(data, fw, parse_steps([{"normalise": {}}]), design, target="Index")


def tiny() -> tuple[Framework, IndicatorData, BuildSpec]:
    """a, b → P; c → Q; P, Q → Index. Min-max: a = (0, 50, 100), b = (100, 0, 50), c = (0, 100, 50)."""
    meta = pd.DataFrame(
        {
            "Level": [1, 1, 1, 2, 2, 3],
            "iCode": ["a", "b", "c", "P", "Q", "Index"],
            "Parent": ["P", "P", "Q", "Index", "Index", None],
            "Direction": [1] * 6,
            "Weight": [1] * 6,
            "Type": ["Indicator"] * 3 + ["Aggregate"] * 3,
        }
    )
    fw = read_imeta(meta)
    data = read_idata(pd.DataFrame({"uCode": ["p", "q", "r"], "a": [1, 2, 3], "b": [3, 1, 2], "c": [1, 3, 2]}), fw)
    return fw, data, parse_steps([{"normalise": {"f_n": "n_minmax"}}, {"aggregate": {"f_ag": "a_amean"}}])


def test_leave_one_out_by_hand() -> None:
    # nominal: P = (50, 25, 75), Q = (0, 100, 50), Index = (25, 62.5, 62.5) → ranks (3, 1, 1)
    # without a: Index = (50, 50, 50) → (1, 1, 1); without b: (0, 75, 75) → (3, 1, 1);
    # without c: Q has no weight left (NaN), Index = P → (2, 3, 1)
    fw, data, spec = tiny()
    out = leave_one_out(data, fw, spec, level=1)
    assert out.nominal["Rank"].tolist() == [3.0, 1.0, 1.0]
    assert out.scores["a"].tolist() == [50.0, 50.0, 50.0]
    assert out.ranks.to_dict("list") == {"a": [1.0, 1.0, 1.0], "b": [3.0, 1.0, 1.0], "c": [2.0, 3.0, 1.0]}
    assert out.rank_change["c"].tolist() == [1.0, -2.0, 0.0]
    assert out.mean_abs_change.to_dict() == pytest.approx({"a": 2 / 3, "b": 0.0, "c": 1.0})
    # pillars: without P, Index = Q → (3, 1, 2); without Q, Index = P → (2, 3, 1)
    pillars = leave_one_out(data, fw, spec, level=2)
    assert pillars.mean_abs_change.to_dict() == pytest.approx({"P": 1 / 3, "Q": 1.0})


def test_leave_one_out_equals_rebuilding_with_a_zero_weight() -> None:
    fw, data = three_levels()
    spec = parse_steps(NOMINAL)
    out = leave_one_out(data, fw, spec, level=2)
    for code in out.scores.columns:
        rebuilt = build(data, replace(fw, weights=fw.weights.where(fw.weights.index != code, 0.0)), spec)
        np.testing.assert_allclose(out.scores[code], rebuilt.aggregates["Index"], rtol=1e-12)


def test_leave_one_out_level_must_lie_below_the_index() -> None:
    fw, data, spec = tiny()
    with pytest.raises(InvalidInput, match="level"):
        leave_one_out(data, fw, spec, level=3)
