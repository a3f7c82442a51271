"""Alternative scorers to hierarchical aggregation: TOPSIS, grey relational analysis (灰色关联分析), ranks.

Both scorers take a complete frame (no missing values: impute first), ``weights`` indexed by indicator (scaled
to sum 1 here) and ``directions`` mapping each indicator to +1 (larger is better, 效益型) or −1 (smaller is
better, 成本型). Neither is part of COINr; the definitions are the textbook ones given on each function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput

Normalisation = Literal["vector", "minmax"]
Scores = TypeVar("Scores", pd.Series, pd.DataFrame)


def ranks(scores: Scores) -> Scores:
    """Rank 1 = highest score; ties share the best rank (``method="min"``); NaN stays NaN.

    >>> ranks(pd.Series({"a": 0.2, "b": 0.9, "c": 0.2, "d": float("nan")})).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    return scores.rank(ascending=False, method="min", na_option="keep")


def _complete(frame: pd.DataFrame) -> np.ndarray:
    values = frame.to_numpy(dtype=float)
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise InvalidInput("the scorer needs a non-empty frame without missing or infinite values", field="frame")
    return values


def _directions(frame: pd.DataFrame, directions: Mapping[str, int] | pd.Series) -> np.ndarray:
    lookup = dict(directions.items())
    bad = [str(c) for c in frame.columns if lookup.get(c) not in (1, -1)]
    if bad:
        raise InvalidInput(f"direction must be +1 or -1 for {bad}", field="directions")
    return np.array([float(lookup[c]) for c in frame.columns])


def _weights(frame: pd.DataFrame, weights: pd.Series | None) -> np.ndarray:
    if weights is None:
        return np.full(frame.shape[1], 1.0 / frame.shape[1])
    missing = [str(c) for c in frame.columns if c not in weights.index]
    values = weights.reindex(frame.columns).to_numpy(dtype=float)
    if missing or np.isnan(values).any() or (values < 0).any() or values.sum() <= 0:
        raise InvalidInput(f"weights must be non-negative and cover every indicator (missing: {missing})")
    return np.asarray(values / values.sum())


def _span(values: np.ndarray) -> np.ndarray:
    span = values.max(axis=0) - values.min(axis=0)
    return np.where(span > 0, span, 1.0)


def _topsis_normalise(values: np.ndarray, normalisation: Normalisation) -> np.ndarray:
    if normalisation == "vector":
        norm = np.sqrt((values**2).sum(axis=0))
        return np.asarray(values / np.where(norm > 0, norm, 1.0))
    if normalisation == "minmax":
        return np.asarray((values - values.min(axis=0)) / _span(values))
    raise InvalidInput(f"unknown normalisation {normalisation!r}", field="normalisation")


def topsis(
    frame: pd.DataFrame,
    *,
    weights: pd.Series,
    directions: Mapping[str, int] | pd.Series,
    normalisation: Normalisation = "vector",
) -> pd.DataFrame:
    """TOPSIS: distances to the ideal and anti-ideal units and closeness ``C = d⁻ / (d⁺ + d⁻)``.

    ``r_ij = x_ij / √Σ_i x_ij²`` ("vector", Hwang & Yoon) or ``(x_ij − min_j)/(max_j − min_j)`` ("minmax");
    ``v_ij = w_j r_ij``; the ideal takes ``max_i v_ij`` for a +1 indicator and ``min_i v_ij`` for a −1 one, the
    anti-ideal the opposite; ``d⁺_i = ‖v_i − ideal‖₂``, ``d⁻_i = ‖v_i − anti-ideal‖₂``. A constant indicator
    contributes nothing. Rank 1 = largest closeness.

    >>> x = pd.DataFrame({"a": [1.0, 0.0, 0.5], "b": [0.0, 1.0, 0.5]}, index=["u1", "u2", "u3"])
    >>> out = topsis(x, weights=pd.Series({"a": 0.5, "b": 0.5}), directions={"a": 1, "b": -1}, normalisation="minmax")
    >>> out["closeness"].tolist(), out["rank"].tolist()
    ([1.0, 0.0, 0.5], [1.0, 3.0, 2.0])
    """
    values, sign, w = _complete(frame), _directions(frame, directions), _weights(frame, weights)
    weighted = _topsis_normalise(values, normalisation) * w
    best = np.where(sign > 0, weighted.max(axis=0), weighted.min(axis=0))
    worst = np.where(sign > 0, weighted.min(axis=0), weighted.max(axis=0))
    d_plus = np.sqrt(((weighted - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((weighted - worst) ** 2).sum(axis=1))
    if np.any(d_plus + d_minus == 0):
        raise InvalidInput("every weighted indicator is constant: TOPSIS cannot separate the units", field="frame")
    out = pd.DataFrame(
        {"d_plus": d_plus, "d_minus": d_minus, "closeness": d_minus / (d_plus + d_minus)}, index=frame.index
    )
    out["rank"] = ranks(out["closeness"])
    return out


def _grey_normalise(values: np.ndarray, sign: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Min-max by direction with the frame's own range; a constant indicator maps to 1 (all units are best)."""
    span = high - low
    scaled = np.where(sign > 0, values - low, high - values) / np.where(span > 0, span, 1.0)
    return np.asarray(np.where(span > 0, scaled, 1.0))


def grey_coefficients(
    frame: pd.DataFrame,
    *,
    directions: Mapping[str, int] | pd.Series,
    rho: float = 0.5,
    reference: pd.Series | None = None,
) -> pd.DataFrame:
    """Grey relational coefficients ``ξ_ij = (Δmin + ρΔmax) / (Δ_ij + ρΔmax)`` of each unit to the reference.

    ``x'_ij`` is min-max normalised by direction ((x − min)/(max − min), or (max − x)/(max − min) for −1);
    the reference is ``x'_0j = max_i x'_ij`` (= 1), or ``reference`` given in raw units and normalised with the
    same min and max; ``Δ_ij = |x'_0j − x'_ij|`` and Δmin, Δmax are taken over all units and indicators.
    ``ρ`` (分辨系数) lies in (0, 1]. If every Δ is 0, every ξ is 1.

    >>> x = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=["u1", "u2"])
    >>> grey_coefficients(x, directions={"a": 1, "b": 1}).round(4).to_dict(orient="list")
    {'a': [1.0, 0.3333], 'b': [0.3333, 1.0]}
    """
    if not 0 < rho <= 1:
        raise InvalidInput(f"rho must lie in (0, 1], got {rho}", field="rho")
    values, sign = _complete(frame), _directions(frame, directions)
    low, high = values.min(axis=0), values.max(axis=0)
    normalised = _grey_normalise(values, sign, low, high)
    target = normalised.max(axis=0) if reference is None else _grey_reference(frame, reference, sign, low, high)
    delta = np.abs(normalised - target)
    d_min, d_max = float(delta.min()), float(delta.max())
    coefficients = np.ones_like(delta) if d_max == 0 else (d_min + rho * d_max) / (delta + rho * d_max)
    return pd.DataFrame(coefficients, index=frame.index, columns=frame.columns)


def _grey_reference(
    frame: pd.DataFrame, reference: pd.Series, sign: np.ndarray, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    raw = reference.reindex(frame.columns).to_numpy(dtype=float)
    if not np.all(np.isfinite(raw)):
        raise InvalidInput("the reference sequence must give a value for every indicator", field="reference")
    return np.asarray(_grey_normalise(raw[None, :], sign, low, high)[0])


def grey_relational(
    frame: pd.DataFrame,
    *,
    weights: pd.Series | None = None,
    directions: Mapping[str, int] | pd.Series,
    rho: float = 0.5,
    reference: pd.Series | None = None,
) -> pd.DataFrame:
    """灰色关联分析: grade ``γ_i = Σ_j w_j ξ_ij`` (equal weights by default) and its rank (1 = closest).

    >>> x = pd.DataFrame({"a": [1.0, 0.0, 0.5], "b": [1.0, 0.0, 0.0]}, index=["u1", "u2", "u3"])
    >>> out = grey_relational(x, directions={"a": 1, "b": 1})
    >>> out["grade"].round(4).tolist(), out["rank"].tolist()
    ([1.0, 0.3333, 0.4167], [1.0, 3.0, 2.0])
    """
    coefficients = grey_coefficients(frame, directions=directions, rho=rho, reference=reference)
    grade = coefficients.to_numpy() @ _weights(frame, weights)
    out = pd.DataFrame({"grade": grade}, index=frame.index)
    out["rank"] = ranks(out["grade"])
    return out
