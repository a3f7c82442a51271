"""Uncertainty and sensitivity analysis of an index, as COINr's ``get_sensitivity`` and ``remove_elements``.

Read from ``bluefoxr/COINr`` ``R/sensitivity.R`` and ``R/audit_tools.R``. What matches COINr:

* the uncertain inputs are alternatives of the build (COINr's ``SA_specs`` with ``Address``/``Distribution``/
  ``Type = "discrete"``), here declared as data (:mod:`~xinxiao.indices.sensitivity_choices`): step
  alternatives, a step switched off, and weight noise ``w · (1 + (2u − 1) n)`` over pre-drawn weight sets as
  ``get_noisy_weights``; a sample value ``x`` in [0, 1) picks alternative ``⌊x k⌋`` of ``k`` (COINr's ``cut``);
* the target is the mean over units of the absolute change of the target's rank against the nominal build
  (``y_AvDiffs``), ranks are 1 = best with ties sharing the best rank;
* rank statistics (mean, median, 5th and 95th percentiles) use only the independent ``A`` and ``B`` runs;
* the estimators: Saltelli 2010 first order ``mean(y_B (y_ABi − y_A)) / V`` and Jansen total order
  ``mean((y_A − y_ABi)²) / 2V``; ``leave_one_out`` sets each element's weight to zero in the weights the
  aggregation used and reports scores, ranks, rank changes (nominal − new) and their mean absolute value.

Where this differs from COINr, on purpose:

* the base sample is SALib's scrambled Sobol' sequence (``N`` must be a power of 2), not ``runif``; the runs are
  laid out by base sample (``A, AB¹…ABᵈ, B``) rather than as blocks; ``V`` is the population variance of the
  standardised output (SALib) rather than R's ``var``; confidence intervals are SALib's ±1.96 × bootstrap
  standard deviation rather than COINr's 5th–95th bootstrap percentiles;
* a run whose alternatives cannot be combined raises :class:`InvalidInput` (COINr records NA and goes on);
* per-unit rank indices and a convergence flag are added (see :class:`Convergence` for the rule);
* ``leave_one_out`` re-aggregates from the stages before aggregation, which removing a weight cannot change,
  and skips missing ranks in the mean; panel data are refused (COINr analyses one coin, i.e. one time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.sample import sobol as sobol_sample

from xinxiao.core import InvalidInput
from xinxiao.indices.framework import Framework, IndicatorData
from xinxiao.indices.pipeline import build
from xinxiao.indices.scorers import ranks as rank_scores
from xinxiao.indices.sensitivity_choices import Choice, Design, make_design, parse_choices
from xinxiao.indices.sensitivity_runs import (
    UpstreamCache,
    aggregate_batch,
    aggregate_step,
    base_weights,
    cached_scores,
    naive_scores,
)
from xinxiao.indices.sensitivity_stats import (
    Convergence,
    base_runs,
    convergence,
    mean_abs_rank_change,
    rank_stats,
    sobol_indices,
    unit_sensitivity,
)
from xinxiao.indices.spec import BuildSpec

__all__ = [
    "Choice",
    "Convergence",
    "LeaveOneOut",
    "Sensitivity",
    "get_sensitivity",
    "leave_one_out",
    "parse_choices",
    "run_design",
    "sample_inputs",
]


@dataclass(frozen=True)
class Sensitivity:
    """What an analysis found: every run's scores and ranks, rank summaries, Sobol indices and convergence."""

    target: str
    choices: tuple[Choice, ...]
    samples: np.ndarray
    picks: pd.DataFrame
    nominal: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    rank_stats: pd.DataFrame
    rank_change: pd.Series
    indices: pd.DataFrame
    unit_indices: pd.DataFrame
    convergence: Convergence


@dataclass(frozen=True)
class LeaveOneOut:
    """Scores and ranks with each element removed in turn (columns), and the mean absolute rank change."""

    nominal: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    rank_change: pd.DataFrame
    mean_abs_change: pd.Series


def sample_inputs(choices: Sequence[Choice], n: int, *, seed: int) -> np.ndarray:
    """SALib's Saltelli design over the inputs: ``n (d + 2)`` rows in [0, 1), the same for the same seed.

    >>> c = Choice("n", "discrete", "normalise", ({"f_n": "n_minmax"}, {"f_n": "n_rank"}))
    >>> sample_inputs([c, c], 4, seed=1).shape
    (16, 2)
    """
    if n < 4 or n & (n - 1):
        raise InvalidInput(f"the base sample size must be a power of 2 of at least 4, got {n}", field="n")
    names = [c.name for c in choices]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    return np.asarray(sobol_sample.sample(problem, n, calc_second_order=False, seed=seed))


def resolve_target(framework: Framework, target: str | None) -> str:
    """The aggregate to analyse: ``target``, or the one code at the top level."""
    if target is None:
        top = framework.codes_at(framework.max_level)
        if len(top) != 1:
            raise InvalidInput(f"the framework has {len(top)} top-level codes: name the target", field="target")
        return top[0]
    if framework.levels.get(target, 1) < 2:
        raise InvalidInput(f"target {target!r} is not an aggregate of the framework", field="target")
    return target


def run_design(
    data: IndicatorData, framework: Framework, spec: BuildSpec, design: Design, *, target: str, naive: bool = False
) -> pd.DataFrame:
    """The target's scores (units × runs) for every run of a design, cached and vectorised or naive."""
    if data.is_panel:
        raise InvalidInput("a sensitivity analysis takes one time: select it with data.at_time(...)", field="Time")
    aggregate_step(spec)
    runner = naive_scores if naive else cached_scores
    return runner(data, framework, spec, design, target=target)


def get_sensitivity(
    data: IndicatorData,
    framework: Framework,
    spec: BuildSpec,
    choices: Sequence[Choice],
    *,
    n: int = 64,
    seed: int = 0,
    target: str | None = None,
    num_resamples: int = 100,
    tolerance: float = 0.05,
    naive: bool = False,
) -> Sensitivity:
    """Run the index over a Saltelli design of the uncertain inputs and summarise ranks and Sobol indices.

    >>> meta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "Index"], "Parent": ["Index", "Index", None],
    ...     "Direction": [1, 1, 1], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> from xinxiao.indices.framework import read_idata, read_imeta
    >>> from xinxiao.indices.spec import parse_steps
    >>> fw = read_imeta(meta)
    >>> d = read_idata(pd.DataFrame({"uCode": ["p", "q", "r"], "a": [1, 2, 9], "b": [5, 4, 1]}), fw)
    >>> choices = parse_choices([{"name": "w", "kind": "noise", "noise": 0.0},
    ...     {"name": "norm", "kind": "discrete", "step": "normalise", "alternatives": [{}, {"f_n": "n_rank"}]}])
    >>> sa = get_sensitivity(d, fw, parse_steps([{"normalise": {}}, {"aggregate": {}}]), choices, n=8)
    >>> sa.scores.shape, sa.indices["ST"].round(2).tolist(), sa.rank_stats["Q95"].tolist()
    ((3, 32), [0.0, 1.0], [1.0, 3.0, 1.0])
    """
    code = resolve_target(framework, target)
    samples = sample_inputs(choices, n, seed=seed)
    design = make_design(choices, samples, framework, seed=seed)
    scores = run_design(data, framework, spec, design, target=code, naive=naive)
    nominal = _nominal(data, framework, spec, code)
    names = [c.name for c in choices]
    ranks = rank_scores(scores)
    change = mean_abs_rank_change(ranks, nominal["Rank"])
    y = change.to_numpy(dtype=float)
    indices = sobol_indices(y, names, num_resamples=num_resamples, seed=seed)
    return Sensitivity(
        target=code,
        choices=tuple(choices),
        samples=samples,
        picks=pd.DataFrame(design.picks, columns=names),
        nominal=nominal,
        scores=scores,
        ranks=ranks,
        rank_stats=rank_stats(ranks.iloc[:, base_runs(design.runs, len(names))], nominal["Rank"]),
        rank_change=change,
        indices=indices,
        unit_indices=unit_sensitivity(ranks, names),
        convergence=convergence(y, names, indices, tolerance=tolerance, num_resamples=num_resamples, seed=seed),
    )


def _nominal(data: IndicatorData, framework: Framework, spec: BuildSpec, target: str) -> pd.DataFrame:
    score = build(data, framework, spec).aggregates[target].reindex(data.indicators.index)
    return pd.DataFrame({"Score": score, "Rank": rank_scores(score)})


def leave_one_out(
    data: IndicatorData, framework: Framework, spec: BuildSpec, *, level: int = 1, target: str | None = None
) -> LeaveOneOut:
    """Remove each element of a level in turn (its weight set to 0, as COINr) and compare the target's ranks.

    >>> meta = pd.DataFrame({"Level": [1, 1, 1, 2], "iCode": ["a", "b", "c", "Index"],
    ...     "Parent": ["Index"] * 3 + [None], "Direction": [1] * 4, "Weight": [1] * 4,
    ...     "Type": ["Indicator"] * 3 + ["Aggregate"]})
    >>> from xinxiao.indices.framework import read_idata, read_imeta
    >>> from xinxiao.indices.spec import parse_steps
    >>> fw = read_imeta(meta)
    >>> d = read_idata(pd.DataFrame({"uCode": ["p", "q", "r"], "a": [1, 2, 3], "b": [3, 1, 2], "c": [1, 3, 2]}), fw)
    >>> out = leave_one_out(d, fw, parse_steps([{"normalise": {"f_n": "n_minmax"}}, {"aggregate": {}}]))
    >>> out.mean_abs_change.round(4).to_dict()
    {'a': 1.0, 'b': 0.3333, 'c': 0.6667}
    """
    code = resolve_target(framework, target)
    if not 1 <= level < framework.max_level:
        raise InvalidInput(f"level must lie between 1 and {framework.max_level - 1}, got {level}", field="level")
    step = aggregate_step(spec)
    upstream = UpstreamCache(data, framework).build(spec.steps[:-1])
    base = base_weights(upstream)
    removed = list(framework.codes_at(level))
    weights = np.tile(base.to_numpy(dtype=float), (len(removed), 1))
    weights[np.arange(len(removed)), base.index.get_indexer(pd.Index(removed))] = 0.0
    codes = [str(c) for c in base.index]
    values = aggregate_batch(upstream.last, framework, step, weights, codes, code)
    scores = pd.DataFrame(values, index=upstream.last.index, columns=removed).reindex(data.indicators.index)
    nominal = _nominal(data, framework, spec, code)
    ranks = rank_scores(scores)
    change = ranks.rsub(nominal["Rank"], axis=0)
    return LeaveOneOut(nominal, scores, ranks, change, change.abs().mean(axis=0, skipna=True))
