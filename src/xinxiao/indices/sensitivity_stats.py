"""Statistics of a sensitivity analysis: rank summaries, the COINr target, Sobol indices and their convergence.

Runs are laid out as SALib's Saltelli design without second-order terms: base sample ``i`` gives ``d + 2``
consecutive runs ``A_i, AB_i^1 … AB_i^d, B_i``. Sobol indices come from ``SALib.analyze.sobol.analyze``
(Saltelli 2010 first-order and Jansen total-order estimators, the same ones COINr's ``SA_estimate`` uses).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze

INDEX_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")


def base_runs(runs: int, dims: int) -> np.ndarray:
    """The positions of the ``A`` and ``B`` runs (independent random draws), as COINr keeps for rank statistics.

    >>> base_runs(8, 2).tolist()
    [0, 3, 4, 7]
    """
    step = dims + 2
    return np.sort(np.concatenate([np.arange(0, runs, step), np.arange(step - 1, runs, step)]))


def rank_stats(ranks: pd.DataFrame, nominal: pd.Series) -> pd.DataFrame:
    """Per unit: nominal rank, mean, median, 5th and 95th percentile of the ranks over runs (NaN skipped).

    >>> r = pd.DataFrame([[1.0, 2.0, 1.0], [2.0, 1.0, 2.0]], index=["p", "q"])
    >>> rank_stats(r, pd.Series({"p": 1.0, "q": 2.0})).round(2).to_dict("list")["Q95"]
    [1.9, 2.0]
    """
    values = ranks.to_numpy(dtype=float)
    with warnings.catch_warnings():  # a unit screened out of every run has no ranks: NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        columns = {
            "Nominal": nominal.reindex(ranks.index).to_numpy(dtype=float),
            "Mean": np.nanmean(values, axis=1),
            "Median": np.nanmedian(values, axis=1),
            "Q5": np.nanquantile(values, 0.05, axis=1),
            "Q95": np.nanquantile(values, 0.95, axis=1),
        }
    return pd.DataFrame(columns, index=ranks.index)


def mean_abs_rank_change(ranks: pd.DataFrame, nominal: pd.Series) -> pd.Series:
    """COINr's target: per run, the mean over units of ``|rank − nominal rank|`` (missing ranks skipped).

    >>> r = pd.DataFrame([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]], index=["p", "q", "r"])
    >>> mean_abs_rank_change(r, pd.Series({"p": 1.0, "q": 2.0, "r": 3.0})).round(4).tolist()
    [0.0, 0.6667]
    """
    diffs = (ranks.sub(nominal.reindex(ranks.index), axis=0)).abs()
    return diffs.mean(axis=0, skipna=True)


def sobol_indices(y: np.ndarray, names: Sequence[str], *, num_resamples: int = 100, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices of ``y`` with 95% bootstrap half-widths, per input.

    An output that never varies has no variance to share out: every index is 0.

    >>> from SALib.sample import sobol
    >>> x = sobol.sample({"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}, 64,
    ...                  calc_second_order=False, seed=1)
    >>> sobol_indices(x[:, 0] + 0.1 * x[:, 1], ["a", "b"], seed=1)["ST"].round(1).tolist()
    [1.0, 0.0]
    """
    y = np.asarray(y, dtype=float)
    if np.ptp(y) <= np.finfo(float).eps:
        return pd.DataFrame(0.0, index=list(names), columns=list(INDEX_COLUMNS))
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    rng = np.random.default_rng([seed, 1])  # a Generator: SALib treats an int seed of 0 as "no seed"
    with warnings.catch_warnings():  # a bootstrap resample may happen to be constant; SALib scores it 0
        warnings.filterwarnings("ignore", message="Constant values encountered")
        found = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=num_resamples, seed=rng)
    return pd.DataFrame({key: np.asarray(found[key], dtype=float) for key in INDEX_COLUMNS}, index=list(names))


def unit_sensitivity(ranks: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Per unit, the first-order and total index of its rank for each input (columns ``S1:name``, ``ST:name``).

    >>> from SALib.sample import sobol
    >>> x = sobol.sample({"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}, 16,
    ...                  calc_second_order=False, seed=1)
    >>> ranks = pd.DataFrame([1.0 + (x[:, 1] > 0.5), 1.0 + (x[:, 1] <= 0.5)], index=["p", "q"])
    >>> unit_sensitivity(ranks, ["a", "b"]).round(2).to_dict("list")["ST:b"]
    [1.0, 1.0]
    """
    y = ranks.to_numpy(dtype=float).T
    spread = y.std(axis=0)
    scaled = (y - y.mean(axis=0)) / np.where(spread > 0, spread, 1.0)  # as SALib normalises its output
    step = len(names) + 2
    a, b = scaled[0::step], scaled[step - 1 :: step]
    columns: dict[str, np.ndarray] = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Constant values encountered")
        for j, name in enumerate(names):
            columns[f"S1:{name}"] = sobol_analyze.first_order(a, scaled[j + 1 :: step], b)
            columns[f"ST:{name}"] = sobol_analyze.total_order(a, scaled[j + 1 :: step], b)
    order = [f"{kind}:{name}" for kind in ("S1", "ST") for name in names]
    return pd.DataFrame(columns, index=ranks.index)[order]


@dataclass(frozen=True)
class Convergence:
    """Whether the total indices have settled: the figures the rule compares, and the flag.

    Rule: converged when no total index moves by more than ``tolerance`` between the first half of the base
    samples and all of them. The widest 95% bootstrap half-width is reported beside it, not tested: the
    bootstrap ignores the balance of Sobol' points and stays wide at small ``N``.
    """

    max_change: float
    max_conf: float
    tolerance: float
    converged: bool


def convergence(
    y: np.ndarray, names: Sequence[str], indices: pd.DataFrame, *, tolerance: float, num_resamples: int, seed: int
) -> Convergence:
    """Compare the total indices from the first half of the base samples with those from all of them.

    >>> from SALib.sample import sobol
    >>> x = sobol.sample({"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}, 64,
    ...                  calc_second_order=False, seed=1)
    >>> y = x[:, 0] + 0.1 * x[:, 1]
    >>> found = convergence(y, ["a", "b"], sobol_indices(y, ["a", "b"]), tolerance=0.05, num_resamples=10, seed=1)
    >>> found.converged, round(found.max_change, 3)
    (True, 0.0)
    """
    half = (len(y) // (len(names) + 2) // 2) * (len(names) + 2)
    first = sobol_indices(y[:half], names, num_resamples=num_resamples, seed=seed)
    change = float(np.max(np.abs(first["ST"].to_numpy() - indices["ST"].to_numpy())))
    conf = float(np.nanmax(indices["ST_conf"].to_numpy()))
    return Convergence(change, conf, tolerance, bool(change <= tolerance))
