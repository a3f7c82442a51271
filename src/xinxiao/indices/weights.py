"""Weights for composite indicators: effective weights, PCA (COINr), 熵权法, CRITIC, SD/CV, 组合赋权, AHP.

COINr correspondence (read from ``bluefoxr/COINr``):

* :func:`effective_weights` follows ``get_eff_wts`` (``R/weights.R``): weights are first scaled to sum to 1
  among siblings (the top level included), then multiplied by the effective weight of the parent, top down.
* :func:`pca_weights` follows ``get_PCA`` (``R/PCA.R``): per parent group, rows with any missing child are
  dropped (``na.omit``), ``prcomp(center = TRUE, scale = TRUE)`` is run (i.e. the eigenvectors of the
  correlation matrix) and the weights are the raw loadings of PC1, ``rotation[, 1]``: COINr takes no absolute
  value, no square and does not rescale them (they have unit Euclidean norm and may be negative). COINr leaves
  the sign to the SVD, so it is arbitrary; here the sign is fixed so that the loadings of each group sum to a
  positive number (ties broken by the first non-zero loading being positive). ``normalise=True`` additionally
  divides by the group sum (an option COINr does not have; aggregation rescales weights anyway).

The objective methods (entropy, CRITIC, SD, CV) are the textbook definitions given on each function; they return
non-negative weights that sum to 1. ``pd.Series`` weights are indexed by indicator code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput
from xinxiao.indices.weights_ahp import RANDOM_INDEX, AHPResult, ahp_weights

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "ahp_weights",
    "combine_weights",
    "critic_weights",
    "cv_weights",
    "effective_weights",
    "entropy_weights",
    "pca_weights",
    "sd_weights",
    "weight_set",
]

CriticVariant = Literal["critic", "critic_abs", "critic_cv"]
CombineMethod = Literal["multiplicative", "linear"]


def _proportional(scores: pd.Series) -> pd.Series:
    """Scores scaled to sum to 1; equal weights when every score is 0 (nothing discriminates)."""
    total = float(scores.sum())
    if total <= 0:
        return pd.Series(1.0 / len(scores), index=scores.index, name="weight")
    return (scores / total).rename("weight")


def _numeric(frame: pd.DataFrame, *, min_rows: int = 2) -> pd.DataFrame:
    if frame.shape[1] == 0:
        raise InvalidInput("no indicator columns given", field="frame")
    values = frame.astype(float)
    short = [str(c) for c in values.columns if values[c].count() < min_rows]
    if short:
        raise InvalidInput(f"fewer than {min_rows} non-missing values in {short}", field="frame")
    if np.isinf(values.to_numpy()).any():
        raise InvalidInput("infinite values in the indicator frame", field="frame")
    return values


def _constant(values: pd.DataFrame) -> pd.Series:
    return (values.max() - values.min()) == 0


def effective_weights(parents: Mapping[str, str | None], weights: pd.Series) -> pd.Series:
    """Effective weight of every node in the final index: its within-parent share times its parent's.

    ``parents`` maps each code to its parent (``None`` at the top). The leaves under one root sum to 1.

    >>> parents = {"i1": "P1", "i2": "P1", "i3": "P2", "P1": "IDX", "P2": "IDX", "IDX": None}
    >>> w = pd.Series({"i1": 1.0, "i2": 3.0, "i3": 1.0, "P1": 1.0, "P2": 1.0, "IDX": 1.0})
    >>> effective_weights(parents, w).round(3).to_dict()
    {'i1': 0.125, 'i2': 0.375, 'i3': 0.5, 'P1': 0.5, 'P2': 0.5, 'IDX': 1.0}
    """
    missing = [code for code in parents if code not in weights.index or pd.isna(weights[code])]
    if missing:
        raise InvalidInput(f"no weight for {missing}", field="weights")
    share = _sibling_shares(parents, weights)
    effective: dict[str, float] = {}
    for code in parents:
        effective[code] = _effective(code, parents, share, effective, ())
    return pd.Series(effective, name="effective_weight", dtype=float).reindex(list(parents))


def _sibling_shares(parents: Mapping[str, str | None], weights: pd.Series) -> dict[str, float]:
    totals: dict[str | None, float] = {}
    for code, parent in parents.items():
        totals[parent] = totals.get(parent, 0.0) + float(weights[code])
    zero = [parent for parent, total in totals.items() if total == 0]
    if zero:
        raise InvalidInput(f"the weights of the children of {zero} sum to 0", field="weights")
    return {code: float(weights[code]) / totals[parent] for code, parent in parents.items()}


def _effective(
    code: str,
    parents: Mapping[str, str | None],
    share: Mapping[str, float],
    done: dict[str, float],
    path: tuple[str, ...],
) -> float:
    if code in done:
        return done[code]
    if code in path:
        raise InvalidInput(f"the tree has a cycle through {code!r}", field="parents")
    parent = parents[code]
    if parent is not None and parent not in parents:
        raise InvalidInput(f"parent {parent!r} of {code!r} is not in the tree", field="parents")
    above = 1.0 if parent is None else _effective(parent, parents, share, done, (*path, code))
    done[code] = share[code] * above
    return done[code]


def _pc1(block: pd.DataFrame) -> np.ndarray:
    """PC1 loadings of the standardised block (prcomp with centring and scaling), sign: positive sum."""
    values = block.to_numpy(dtype=float)
    sd = values.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise InvalidInput(f"constant indicator in {list(block.columns)}: PCA cannot scale it", field="frame")
    _, _, vt = np.linalg.svd((values - values.mean(axis=0)) / sd, full_matrices=False)
    loadings = vt[0]
    total = float(loadings.sum())
    pivot = total if abs(total) > 1e-12 else float(loadings[np.flatnonzero(np.abs(loadings) > 1e-12)[0]])
    return np.asarray(loadings if pivot > 0 else -loadings)


def pca_weights(frame: pd.DataFrame, *, groups: Mapping[str, Sequence[str]], normalise: bool = False) -> pd.Series:
    """COINr ``get_PCA`` weights: PC1 loadings within each parent group (listwise deletion of missing rows).

    >>> x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8], "c": [4.0, 3, 2, 1]})
    >>> pca_weights(x, groups={"P": ["a", "b"], "Q": ["c"]}).round(4).to_dict()
    {'a': 0.7071, 'b': 0.7071, 'c': 1.0}
    """
    out: dict[str, float] = {}
    for parent, children in groups.items():
        block = _numeric(frame[list(children)]).dropna()
        if len(block) < 2:
            raise InvalidInput(f"fewer than 2 complete rows for PCA in group {parent!r}", field="frame")
        loadings = _pc1(block)
        if normalise:
            loadings = loadings / loadings.sum()
        out.update(zip(children, (float(v) for v in loadings), strict=True))
    return pd.Series(out, name="weight", dtype=float)


def entropy_weights(frame: pd.DataFrame, *, panel: bool = False) -> pd.Series:
    """熵权法 (entropy weights) on non-negative, direction-aligned normalised data.

    ``p_ij = x_ij / Σ_i x_ij``, ``e_j = −(1/ln n_j) Σ_i p_ij ln p_ij`` with ``0·ln 0 := 0``, ``d_j = 1 − e_j``,
    ``w_j = d_j / Σ_k d_k``; ``n_j`` counts the non-missing values of column j (missing values are skipped).
    A constant column (including all zeros) has ``e_j = 1`` and weight 0; if every column is constant the
    weights are equal. Negative values raise ``InvalidInput``: normalise (e.g. min-max) first, since shifting
    by an arbitrary constant would change the weights. With ``panel=True`` the rows are unit-periods (a
    repeated uCode or a (uCode, period) MultiIndex) and all of them are pooled (n = units × periods), giving one
    set of weights fixed across time; with ``panel=False`` the index must be unique and flat (one row per unit).

    >>> x = pd.DataFrame({"a": [1.0, 0.0], "b": [1.0, 1.0], "c": [0.5, 0.5]}, index=["u1", "u2"])
    >>> entropy_weights(x).to_dict()
    {'a': 1.0, 'b': 0.0, 'c': 0.0}
    """
    values = _numeric(frame)
    if not panel and (isinstance(values.index, pd.MultiIndex) or not values.index.is_unique):
        raise InvalidInput("unit-periods in a cross-section: pass panel=True to pool them", field="frame")
    if (values < 0).any().any():
        raise InvalidInput("entropy weights need non-negative (normalised) data", field="frame")
    return _proportional(_entropy_divergence(values))


def _entropy_divergence(values: pd.DataFrame) -> pd.Series:
    """``d_j = 1 − e_j`` per column, exactly 0 for constant columns."""
    p = values / values.sum()
    terms = p * np.log(p.where(p > 0, 1.0))
    entropy = pd.Series(-terms.sum().to_numpy() / np.log(values.count().to_numpy()), index=values.columns)
    divergence = (1.0 - entropy).clip(lower=0.0)
    return divergence.where(~_constant(values), 0.0)


def _minmax(values: pd.DataFrame) -> pd.DataFrame:
    span = (values.max() - values.min()).replace(0.0, 1.0)
    return (values - values.min()) / span


def critic_weights(frame: pd.DataFrame, *, variant: CriticVariant = "critic") -> pd.Series:
    """CRITIC weights ``w_j = C_j / Σ C`` on min-max normalised, direction-aligned data.

    * ``"critic"`` (Diakoulaki et al. 1995): ``C_j = σ_j Σ_k (1 − r_jk)``, Pearson ``r``, standard deviation σ;
    * ``"critic_abs"``: ``C_j = σ_j Σ_k (1 − |r_jk|)`` (a negative correlation is not counted as conflict);
    * ``"critic_cv"``: ``C_j = v_j Σ_k (1 − r_jk)`` with ``v_j = σ_j / mean_j`` the coefficient of variation.

    σ uses ``ddof=1``; the weights do not depend on that choice. Correlations use pairwise-complete rows.
    Constant columns get weight 0 and are left out of the others' conflict sums; all constant gives equal weights.

    >>> x = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [0.0, 2.0, 1.0]})
    >>> critic_weights(x).round(4).to_dict()
    {'a': 0.5, 'b': 0.5}
    """
    if variant not in ("critic", "critic_abs", "critic_cv"):
        raise InvalidInput(f"unknown CRITIC variant {variant!r}", field="variant")
    values = _numeric(frame)
    varying = values.columns[~_constant(values)]
    scores = pd.Series(0.0, index=values.columns)
    if len(varying):
        scores[varying] = _critic_scores(_minmax(values[varying]), variant)
    return _proportional(scores)


def _critic_scores(normalised: pd.DataFrame, variant: CriticVariant) -> pd.Series:
    corr = normalised.corr().fillna(0.0)
    conflict = (1 - (corr.abs() if variant == "critic_abs" else corr)).sum()
    spread = normalised.std()
    if variant == "critic_cv":
        spread = spread / normalised.mean()
    return (spread * conflict).clip(lower=0.0)


def sd_weights(frame: pd.DataFrame) -> pd.Series:
    """Weights proportional to each indicator's standard deviation (ddof=1; on the data as given).

    >>> sd_weights(pd.DataFrame({"a": [0.0, 1.0], "b": [0.0, 3.0], "c": [1.0, 1.0]})).round(4).to_dict()
    {'a': 0.25, 'b': 0.75, 'c': 0.0}
    """
    return _proportional(_numeric(frame).std())


def cv_weights(frame: pd.DataFrame) -> pd.Series:
    """Weights proportional to the coefficient of variation σ_j / mean_j (ddof=1; ratio-scale data, mean > 0).

    >>> cv_weights(pd.DataFrame({"a": [1.0, 3.0], "b": [10.0, 30.0], "c": [1.0, 5.0]})).round(4).to_dict()
    {'a': 0.3, 'b': 0.3, 'c': 0.4}
    """
    values = _numeric(frame)
    mean = values.mean()
    if (mean <= 0).any():
        raise InvalidInput(f"CV weights need positive means; not so for {list(mean.index[mean <= 0])}")
    return _proportional(values.std() / mean)


def _unit_sum(weights: pd.Series, name: str) -> pd.Series:
    values = weights.astype(float)
    if values.isna().any() or (values < 0).any() or float(values.sum()) <= 0:
        raise InvalidInput(f"{name} weights must be non-negative, non-missing and not all 0", field=name)
    return values / float(values.sum())


def combine_weights(
    subjective: pd.Series, objective: pd.Series, *, method: CombineMethod = "multiplicative", alpha: float = 0.5
) -> pd.Series:
    """组合赋权: ``α·w1 + (1−α)·w2`` (linear) or ``w1·w2 / Σ(w1·w2)`` (multiplicative), inputs scaled to sum 1.

    >>> w1, w2 = pd.Series({"a": 0.5, "b": 0.5}), pd.Series({"a": 0.8, "b": 0.2})
    >>> combine_weights(w1, w2).to_dict(), combine_weights(w1, w2, method="linear", alpha=0.5).round(2).to_dict()
    ({'a': 0.8, 'b': 0.2}, {'a': 0.65, 'b': 0.35})
    """
    if set(subjective.index) != set(objective.index) or not subjective.index.is_unique:
        raise InvalidInput("the two weight sets must cover the same indicators", field="objective")
    w1, w2 = _unit_sum(subjective, "subjective"), _unit_sum(objective, "objective").reindex(subjective.index)
    if method == "linear":
        if not 0 <= alpha <= 1:
            raise InvalidInput(f"alpha must lie in [0, 1], got {alpha}", field="alpha")
        return (alpha * w1 + (1 - alpha) * w2).rename("weight")
    if method != "multiplicative":
        raise InvalidInput(f"unknown combination method {method!r}", field="method")
    product = w1 * w2
    if float(product.sum()) <= 0:
        raise InvalidInput("the two weight sets have no indicator weighted by both", field="objective")
    return (product / float(product.sum())).rename("weight")


def weight_set(name: str, sets: Mapping[str, pd.Series]) -> pd.Series:
    """The named weight set (a copy), e.g. ``"Original"`` or ``"PCA"``, as COINr's ``.$Meta$Weights[[name]]``.

    >>> weight_set("equal", {"equal": pd.Series({"a": 1.0})}).to_dict()
    {'a': 1.0}
    """
    if name not in sets:
        raise InvalidInput(f"no weight set {name!r}; known: {sorted(sets)}", field="name")
    return sets[name].astype(float).copy()
