"""The runs of a sensitivity analysis: the target's scores for every run of a design, cached or naive.

The cached path builds each distinct upstream (every step before ``aggregate``) once, sharing common prefixes
between alternatives (impute → treat → normalise form a tree keyed by the steps so far), then aggregates all
the runs that share an upstream and an aggregation method at once: the runs' weights form a matrix, and the
weighted means are computed for all of them together (a matrix product for the arithmetic mean of the
indicators, broadcasting above). Copeland aggregation is not a weighted sum and runs one weight set at a time.
The naive path calls :func:`~xinxiao.indices.pipeline.build` once per run; the two agree to rounding.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput
from xinxiao.indices.aggregate import METHODS, a_copeland
from xinxiao.indices.framework import Framework, IndicatorData
from xinxiao.indices.pipeline import STEP_RUNNERS, Build, build
from xinxiao.indices.sensitivity_choices import Design
from xinxiao.indices.spec import BuildSpec, Step


def aggregate_step(spec: BuildSpec) -> Step:
    """The spec's aggregate step (a sensitivity analysis needs one: its target is an aggregate)."""
    if not spec.steps or spec.steps[-1].name != "aggregate":
        raise InvalidInput("a sensitivity analysis needs a spec that ends with the aggregate step", field="steps")
    return spec.steps[-1]


def base_weights(upstream: Build) -> pd.Series:
    """The weights aggregation would use after these steps: the weight step's, else the framework's."""
    return upstream.weights if upstream.weights is not None else upstream.framework.weights.astype(float)


class UpstreamCache:
    """Builds of step prefixes, each computed once: alternatives that share their first steps share the work."""

    def __init__(self, data: IndicatorData, framework: Framework) -> None:
        self.data, self.framework = data, framework
        self.builds: dict[str, Build] = {}

    def build(self, steps: Sequence[Step]) -> Build:
        """The build after ``steps`` (from the cache, extending the longest cached prefix)."""
        result = Build(self.framework, BuildSpec(()), self.data, {"raw": self.data.indicators.astype(float)})
        for end in range(1, len(steps) + 1):
            key = json.dumps([[s.name, dict(s.params)] for s in steps[:end]], sort_keys=True, default=str)
            if key not in self.builds:
                following = replace(result, stages=dict(result.stages), removed=list(result.removed))
                STEP_RUNNERS[steps[end - 1].name](following, steps[end - 1])
                self.builds[key] = following
            result = self.builds[key]
        return result


def cached_scores(
    data: IndicatorData, framework: Framework, spec: BuildSpec, design: Design, *, target: str
) -> pd.DataFrame:
    """The target's score in every run (units × runs), building each distinct upstream once."""
    units = data.indicators.index
    out = np.full((len(units), design.runs), np.nan)
    cache = UpstreamCache(data, framework)
    for runs in _groups(design):
        variant = design.variant(spec, runs[0])
        upstream = cache.build(variant.steps[:-1])
        base = base_weights(upstream).reindex(list(design.codes)).to_numpy(dtype=float)
        weights = base[None, :] * design.factors(runs)
        scores = aggregate_batch(upstream.last, framework, aggregate_step(variant), weights, design.codes, target)
        out[np.ix_(units.get_indexer(upstream.last.index), runs)] = scores
    return pd.DataFrame(out, index=units, columns=range(design.runs))


def _groups(design: Design) -> Iterator[np.ndarray]:
    keys: dict[tuple[int, ...], list[int]] = {}
    for run in range(design.runs):
        keys.setdefault(design.discrete_key(run), []).append(run)
    return (np.array(runs) for runs in keys.values())


def naive_scores(
    data: IndicatorData, framework: Framework, spec: BuildSpec, design: Design, *, target: str
) -> pd.DataFrame:
    """The target's score in every run (units × runs), re-running the whole build per run."""
    columns = [naive_run(data, framework, spec, design, run, target=target) for run in range(design.runs)]
    return pd.DataFrame(np.column_stack(columns), index=data.indicators.index, columns=range(design.runs))


def naive_run(
    data: IndicatorData, framework: Framework, spec: BuildSpec, design: Design, run: int, *, target: str
) -> np.ndarray:
    """One run built from scratch: the variant spec over a framework whose weights carry the run's noise."""
    variant = design.variant(spec, run)
    factors = pd.Series(design.factors([run])[0], index=list(design.codes))
    weight_step = variant.step("weight")
    if weight_step is None or weight_step.get("method", "original") == "original":
        noisy = replace(framework, weights=framework.weights.astype(float) * factors)
        result = build(data, noisy, variant)
    else:  # computed weights: perturb them between the weight and aggregate steps
        result = build(data, framework, BuildSpec(variant.steps[:-1], variant.source))
        result.weights = base_weights(result) * factors
        STEP_RUNNERS["aggregate"](result, aggregate_step(variant))
    return result.aggregates[target].reindex(data.indicators.index).to_numpy(dtype=float)


# --- aggregation of many weight sets at once ----------------------------------------------------------------


def level_methods(framework: Framework, step: Step) -> list[str]:
    """The aggregation method of each level from 2 up, as the aggregate step reads ``f_ag``."""
    methods = step.get("f_ag", "a_amean")
    count = framework.max_level - 1
    per_level = [str(m) for m in methods] if isinstance(methods, list) else [str(methods)] * count
    if len(per_level) != count:
        raise InvalidInput(f"f_ag lists {len(per_level)} methods for {count} levels", field="f_ag")
    unknown = [m for m in per_level if m not in METHODS]
    if unknown:
        raise InvalidInput(f"unknown aggregation method {unknown[0]!r}; known: {list(METHODS)}", field="f_ag")
    return per_level


def aggregate_batch(
    frame: pd.DataFrame, framework: Framework, step: Step, weights: np.ndarray, codes: Sequence[str], target: str
) -> np.ndarray:
    """The target aggregate (units × weight sets) for each row of ``weights`` (weight sets × ``codes``)."""
    position = {code: i for i, code in enumerate(codes)}
    column = {str(c): frame[c].to_numpy(dtype=float)[None, :] for c in frame.columns}
    thresh, p = step.get("dat_thresh"), step.get("p")
    for level, method in enumerate(level_methods(framework, step), start=2):
        for parent in framework.codes_at(level):
            children = framework.children[parent]
            absent = [c for c in children if c not in column]
            if absent:
                raise InvalidInput(f"children {absent} are not columns of the frame", field="groups")
            values = np.stack(np.broadcast_arrays(*[column[c] for c in children]), axis=-1)
            column[parent] = batch_mean(values, weights[:, [position[c] for c in children]], method, thresh, p)
    return np.asarray(np.broadcast_to(column[target], (len(weights), len(frame))).T)


def batch_mean(
    values: np.ndarray, weights: np.ndarray, method: str, thresh: float | None, p: float | None
) -> np.ndarray:
    """One group's aggregate per weight set: ``values`` (1 or S × units × children), ``weights`` (S × children).

    >>> batch_mean(np.array([[[1.0, 3.0], [np.nan, 3.0]]]), np.array([[1.0, 3.0], [1.0, 1.0]]), "a_amean", None, None)
    array([[2.5, 3. ],
           [2. , 3. ]])
    """
    if thresh is not None:
        short = np.mean(~np.isnan(values), axis=-1) < thresh
        values = np.where(short[..., None], np.nan, values)
    if method == "a_copeland":
        rows = [a_copeland(values[min(s, len(values) - 1)], weights[s]) for s in range(len(weights))]
        return np.array(rows)
    if method == "a_amean" and len(values) == 1:
        return _amean_shared(values[0], weights)
    w = np.where(np.isnan(values), 0.0, weights[:, None, :])
    return _weighted_mean(values, w, method, p)


def _amean_shared(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    present = ~np.isnan(values)
    return _divide(np.nan_to_num(values) @ weights.T, present.astype(float) @ weights.T).T


def _weighted_mean(values: np.ndarray, w: np.ndarray, method: str, p: float | None) -> np.ndarray:
    present = values[~np.isnan(values)]
    filled = np.where(np.isnan(values), 1.0, values)
    total = w.sum(axis=-1)
    if method == "a_amean":
        return _divide((w * np.nan_to_num(values)).sum(axis=-1), total)
    if method == "a_gmean":
        if np.any(present <= 0):
            raise InvalidInput("zero or negative values: the geometric mean needs positive data", field="method")
        return np.asarray(np.exp(_divide((w * np.log(filled)).sum(axis=-1), total)))
    if method == "a_hmean":
        if np.any(present == 0):
            raise InvalidInput("zero values: the harmonic mean needs non-zero data", field="method")
        return _divide(total, (w / filled).sum(axis=-1))
    return _genmean(filled, present, w, total, p)


def _genmean(filled: np.ndarray, present: np.ndarray, w: np.ndarray, total: np.ndarray, p: float | None) -> np.ndarray:
    if p is None:
        raise InvalidInput("a_genmean needs the parameter p", field="p")
    if p == 0:
        raise InvalidInput("p = 0 is the geometric mean in the limit: use a_gmean", field="p")
    if p < 0 and np.any(present <= 0):
        raise InvalidInput("zero or negative values with a negative p: the mean cannot be computed", field="p")
    with np.errstate(invalid="ignore"):
        return np.asarray(np.power(_divide((w * np.power(filled, p)).sum(axis=-1), total), 1.0 / p))


def _divide(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(bottom != 0, top / np.where(bottom != 0, bottom, 1.0), np.nan))
