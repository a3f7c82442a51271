"""Build an index: run a spec's steps over indicator data, keeping every stage with its parameters.

Stages, in COINr's order and under COINr's names: ``raw`` → ``denominated`` → ``imputed`` → ``screened`` →
``treated`` → ``normalised`` → ``aggregated`` (a stage exists when its step ran; ``raw`` always). The
aggregated stage holds the normalised indicators and every aggregate, as COINr's ``Aggregated`` data set.

Panel data (a ``Time`` column) are built one time at a time, as COINr builds a purse of coins, except where
comparability across time is the point: ``impute_panel`` uses each unit's own history, ``normalise`` with
``pooled: true`` (or fixed goalposts, or ``n_base``) puts every time on one scale, and ``weight`` with
``panel: true`` pools all unit-periods (panel entropy).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput
from xinxiao.indices import weights as weighting
from xinxiao.indices.aggregate import aggregate_level
from xinxiao.indices.framework import Framework, IndicatorData
from xinxiao.indices.impute import impute
from xinxiao.indices.normalise import normalise
from xinxiao.indices.scorers import grey_relational, ranks, topsis
from xinxiao.indices.spec import BuildSpec, Step
from xinxiao.indices.stages import denominate, screen
from xinxiao.indices.treat import treat

Frame = pd.DataFrame
STAGE_OF = {
    "denominate": "denominated",
    "impute": "imputed",
    "screen": "screened",
    "treat": "treated",
    "normalise": "normalised",
    "aggregate": "aggregated",
}


@dataclass
class Build:
    """What a build produced: every stage, the tables beside them, and the weights it aggregated with."""

    framework: Framework
    spec: BuildSpec
    data: IndicatorData
    stages: dict[str, Frame] = field(default_factory=dict)
    treatment: Frame | None = None
    screening: Frame | None = None
    weights: pd.Series | None = None
    removed: list[str] = field(default_factory=list)
    ahp: dict[str, weighting.AHPResult] = field(default_factory=dict)
    scores: Frame | None = None  # an alternative scorer's result (``score`` step): score, rank, …

    @property
    def last(self) -> Frame:
        """The latest stage's data."""
        return next(reversed(self.stages.values()))

    @property
    def aggregates(self) -> Frame:
        """The aggregate columns (levels 2 and up) of the aggregated stage."""
        codes = [c for c in self.stages["aggregated"].columns if self.framework.levels.get(c, 1) > 1]
        return self.stages["aggregated"][codes]

    def ranks(self) -> Frame:
        """Rank of every aggregate (1 = best, ties share the better rank), within each time for panel data."""
        scores = self.aggregates
        if isinstance(scores.index, pd.MultiIndex):
            return scores.groupby(level="Time", group_keys=False).apply(ranks)
        return ranks(scores)


def build(data: IndicatorData, framework: Framework, spec: BuildSpec) -> Build:
    """Run every step of ``spec`` over ``data`` in order and return all the stages.

    >>> meta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "Index"], "Parent": ["Index", "Index", None],
    ...     "Direction": [1, -1, 1], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> from xinxiao.indices.framework import read_idata, read_imeta
    >>> from xinxiao.indices.spec import parse_steps
    >>> fw = read_imeta(meta)
    >>> d = read_idata(pd.DataFrame({"uCode": ["p", "q", "r"], "a": [1, 2, 3], "b": [3, 2, 1]}), fw)
    >>> result = build(d, fw, parse_steps([{"normalise": {"f_n": "n_minmax"}}, {"aggregate": {}}]))
    >>> result.aggregates["Index"].tolist(), result.ranks()["Index"].tolist()
    ([0.0, 50.0, 100.0], [3.0, 2.0, 1.0])
    """
    result = Build(framework, spec, data, {"raw": data.indicators.astype(float)})
    for step in spec.steps:
        STEP_RUNNERS[step.name](result, step)
    return result


# --- steps --------------------------------------------------------------------------------------------------


def _denominate(result: Build, step: Step) -> None:
    by = dict(step.get("denomby") or result.framework.denominators)
    by = {code: by.get(code) for code in result.last.columns}
    scale = step.get("denoms_scale", step.get("scale", 1.0))
    out = denominate(result.last, denominators=result.data.denominators, by=by, scale=scale)
    result.stages["denominated"] = out


def _impute(result: Build, step: Step) -> None:
    method = str(step.get("f_i", "i_mean"))
    frame = result.last
    if method == "impute_panel":
        out = impute(frame, method=method, imp_type=step.get("imp_type", "latest"), max_time=step.get("max_time"))
    else:
        groups = _groups(result, step.get("use_group"), frame.index) if method.endswith("_grp") else None
        out = _by_time(frame, lambda f: impute(f, method=method, groups=None if groups is None else groups[f.index]))
    result.stages["imputed"] = out


def _groups(result: Build, column: Any, index: pd.Index) -> pd.Series:
    if column is None or column not in result.data.groups.columns:
        raise InvalidInput(f"use_group {column!r} is not a group column of the data", field="use_group")
    groups: pd.Series = result.data.groups[column].reindex(index)
    return groups


def _screen(result: Build, step: Step) -> None:
    frame = result.last
    kwargs = {k: step.get(k) for k in ("dat_thresh", "unit_screen", "nonzero_thresh") if step.get(k) is not None}
    force = step.get("Force") or step.get("force")
    outcome = screen(frame, force=force, **kwargs) if not _is_panel(frame) else None
    if outcome is None:  # panel: screen each time, as COINr screens each coin of a purse
        parts = [screen(part, force=force, **kwargs) for _, part in frame.groupby(level="Time")]
        result.stages["screened"] = pd.concat([p.frame for p in parts])
        result.screening = pd.concat([p.summary for p in parts])
        result.removed = [str(u) for p in parts for u in p.removed]
        return
    result.stages["screened"], result.screening = outcome.frame, outcome.summary
    result.removed = [str(u) for u in outcome.removed]


def _treat(result: Build, step: Step) -> None:
    keys = ("winmax", "skew_thresh", "kurt_thresh", "f2", "combine_treat")
    kwargs = {k: step.get(k) for k in keys if k in step.params}
    overrides = step.get("indiv_specs")
    frame = result.last
    if not _is_panel(frame) or step.get("pooled", False):
        outcome = treat(frame, overrides=overrides, **kwargs)
        result.stages["treated"], result.treatment = outcome.frame, outcome.table
        return
    parts = {t: treat(part, overrides=overrides, **kwargs) for t, part in frame.groupby(level="Time")}
    result.stages["treated"] = pd.concat([p.frame for p in parts.values()]).reindex(frame.index)
    result.treatment = pd.concat({t: p.table for t, p in parts.items()}, names=["Time"])


NORMALISE_PARAMS = ("l_u", "m_sd", "npara", "cap_max", "trunc2posts", "iref", "gposts")


def _normalise(result: Build, step: Step) -> None:
    method = str(step.get("f_n", "n_minmax"))
    frame, fw = result.last, result.framework
    directions = fw.directions.reindex(frame.columns)
    if method == "n_base":
        result.stages["normalised"] = normalise_base(frame, directions=directions, base=step.get("base"))
        return
    params = {k: step.get(k) for k in NORMALISE_PARAMS if step.get(k) is not None}
    if method == "n_dist2targ":
        params["targets"] = step.get("targets") or fw.targets.dropna().to_dict()

    def run(part: Frame) -> Frame:
        return normalise(part, method=method, directions=directions, **params)

    pooled = step.get("pooled", False) or method == "n_goalposts"
    result.stages["normalised"] = run(frame) if pooled or not _is_panel(frame) else _by_time(frame, run)


def normalise_base(frame: Frame, *, directions: pd.Series, base: Any) -> Frame:
    """Base-period normalisation: 100 × value ÷ the base period's mean over units (inverted when lower is better).

    >>> idx = pd.MultiIndex.from_tuples([("p", 2023), ("q", 2023), ("p", 2024), ("q", 2024)], names=["uCode", "Time"])
    >>> f = pd.DataFrame({"a": [1.0, 3.0, 2.0, 4.0], "b": [2.0, 2.0, 1.0, 4.0]}, index=idx)
    >>> normalise_base(f, directions=pd.Series({"a": 1, "b": -1}), base=2023).round(1).to_dict("list")
    {'a': [50.0, 150.0, 100.0, 200.0], 'b': [100.0, 100.0, 200.0, 50.0]}
    """
    if not _is_panel(frame) or base is None:
        raise InvalidInput("n_base needs panel data and a base period (base: YEAR or YYYYMM)", field="base")
    times = frame.index.get_level_values("Time")
    if int(base) not in set(times):
        raise InvalidInput(f"base period {base} is not in the data", field="base")
    mean = frame[times == int(base)].mean()
    if (mean <= 0).any() or ((directions < 0) & (frame <= 0).any()).any():
        raise InvalidInput("n_base needs positive values (and a positive base mean)", field="base")
    ratio = (frame / mean).to_numpy(dtype=float)
    up = (directions.reindex(frame.columns) > 0).to_numpy()[None, :]
    return pd.DataFrame(100 * np.where(up, ratio, 1 / ratio), index=frame.index, columns=frame.columns)


def _weight(result: Build, step: Step) -> None:
    method = str(step.get("method", "original"))
    frame, fw = result.last, result.framework
    computed = _computed_weights(method, frame, fw, step)
    if combine := step.get("combine"):
        subjective = _computed_weights(str(combine.get("subjective", "original")), frame, fw, step)
        how, alpha = combine.get("method", "multiplicative"), float(combine.get("alpha", 0.5))
        computed = weighting.combine_weights(subjective, computed, method=how, alpha=alpha)
    base = fw.weights.astype(float).copy()
    base[computed.index] = computed
    for parent, comparison in (step.get("ahp") or {}).items():
        result.ahp[str(parent)] = ahp = _ahp(fw, str(parent), comparison)
        base[ahp.weights.index] = ahp.weights
    result.weights = base


def _ahp(fw: Framework, parent: str, comparison: Any) -> weighting.AHPResult:
    """The AHP weights of ``parent``'s children from a pairwise matrix; an inconsistent matrix is refused."""
    order = list(comparison.get("order", ()))
    if sorted(order) != sorted(fw.children.get(parent, ())):
        raise InvalidInput(f"ahp order for {parent} must list its children {list(fw.children.get(parent, ()))}")
    ahp = weighting.ahp_weights(pd.DataFrame(comparison["matrix"], index=order, columns=order))
    if not ahp.consistent:
        raise InvalidInput(f"the AHP matrix of {parent} is inconsistent: CR = {ahp.cr:.3f} (must be < 0.1)")
    return ahp


def _computed_weights(method: str, frame: Frame, fw: Framework, step: Step) -> pd.Series:
    groups = {parent: list(fw.children[parent]) for parent in fw.codes_at(2)}
    flat = frame.reset_index(drop=True) if step.get("panel", False) else frame
    methods: dict[str, Callable[[], pd.Series]] = {
        "original": lambda: fw.weights[list(fw.indicators)].astype(float),
        "equal": lambda: pd.Series(1.0, index=list(fw.indicators)),
        "entropy": lambda: weighting.entropy_weights(flat, panel=bool(step.get("panel", False))),
        "critic": lambda: weighting.critic_weights(flat, variant=step.get("variant", "critic")),
        "pca": lambda: weighting.pca_weights(flat, groups=groups),
        "sd": lambda: weighting.sd_weights(flat),
        "cv": lambda: weighting.cv_weights(flat),
        "set": lambda: _named_set(step),
    }
    if method not in methods:
        raise InvalidInput(f"weight method {method!r} is not one of {', '.join(methods)}", field="method")
    return methods[method]()


def _named_set(step: Step) -> pd.Series:
    sets = {str(name): pd.Series(values, dtype=float) for name, values in (step.get("sets") or {}).items()}
    return weighting.weight_set(str(step.get("use")), sets)


def _score(result: Build, step: Step) -> None:
    """An alternative scorer (TOPSIS or grey relational analysis) over the latest stage's indicators."""
    method = str(step.get("method", "topsis"))
    fw = result.framework
    frame = result.stages.get("normalised", result.last)[list(fw.indicators)]
    weights = (result.weights if result.weights is not None else fw.weights)[list(fw.indicators)].astype(float)
    directions = (
        fw.directions[list(fw.indicators)] if "normalised" not in result.stages else pd.Series(1, index=frame.columns)
    )
    if method == "topsis":
        out = topsis(frame, weights=weights, directions=directions, normalisation=step.get("normalisation", "vector"))
        result.scores = out.rename(columns={"closeness": "score"})[["score", "rank", "d_plus", "d_minus"]]
    elif method == "grey_relational":
        out = grey_relational(frame, weights=weights, directions=directions, rho=float(step.get("rho", 0.5)))
        result.scores = out.rename(columns={"grade": "score"})[["score", "rank"]]
    else:
        raise InvalidInput(f"score method {method!r} is not one of topsis, grey_relational", field="method")


def _aggregate(result: Build, step: Step) -> None:
    fw = result.framework
    methods = step.get("f_ag", "a_amean")
    levels = list(range(2, fw.max_level + 1))
    per_level = methods if isinstance(methods, list) else [methods] * len(levels)
    if len(per_level) != len(levels):
        raise InvalidInput(f"f_ag lists {len(per_level)} methods for {len(levels)} levels", field="f_ag")
    weights = result.weights if result.weights is not None else fw.weights.astype(float)
    result.weights = weights
    out = result.last.copy()
    for level, method in zip(levels, per_level, strict=True):
        groups = {parent: list(fw.children[parent]) for parent in fw.codes_at(level)}

        def run(part: Frame, groups: dict[str, list[str]] = groups, method: Any = method) -> Frame:
            dat_thresh, p = step.get("dat_thresh"), step.get("p")
            return aggregate_level(part, groups=groups, weights=weights, method=method, dat_thresh=dat_thresh, p=p)

        level_frame = _by_time(out, run) if method == "a_copeland" else run(out)  # Copeland compares units
        out = pd.concat([out, level_frame], axis=1)
    result.stages["aggregated"] = out


STEP_RUNNERS: dict[str, Callable[[Build, Step], None]] = {
    "denominate": _denominate,
    "impute": _impute,
    "screen": _screen,
    "treat": _treat,
    "normalise": _normalise,
    "weight": _weight,
    "aggregate": _aggregate,
    "score": _score,
}


# --- helpers ------------------------------------------------------------------------------------------------


def _is_panel(frame: Frame) -> bool:
    return isinstance(frame.index, pd.MultiIndex)


def _by_time(frame: Frame, run: Callable[[Frame], Frame]) -> Frame:
    """``run`` on each time's cross-section of a panel (on the whole frame otherwise), in the frame's order."""
    if not _is_panel(frame):
        return run(frame)
    parts = [run(part) for _, part in frame.groupby(level="Time", sort=False)]
    return pd.concat(parts).reindex(frame.index) if parts else frame


def stage_table(frame: Frame) -> Frame:
    """A stage as written to CSV: ``uCode`` (and ``Time``) columns, then one column per code."""
    out = frame.reset_index()
    return out.replace([np.inf, -np.inf], np.nan)
