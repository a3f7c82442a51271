"""AHP (层次分析法) weights from a pairwise comparison matrix, with Saaty's consistency ratio.

For a positive reciprocal matrix ``A`` (``a_ii = 1``, ``a_ji = 1/a_ij``) of order ``n``:

* eigenvector method (Saaty): ``w`` is the principal (Perron) eigenvector of ``A`` scaled to sum to 1 and
  ``λmax`` its eigenvalue;
* geometric-mean (row geometric mean, 方根法) method: ``w_i ∝ (Π_j a_ij)^(1/n)`` and
  ``λmax = (1/n) Σ_i (A w)_i / w_i``;
* ``CI = (λmax − n)/(n − 1)`` (0 when ``n ≤ 2``), ``CR = CI/RI(n)`` (0 when ``RI = 0``), consistent when
  ``CR < 0.1``.

``RI`` is Saaty's random index for n = 1..15 as tabulated in most Chinese textbooks
(0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.54, 1.56, 1.58, 1.59). Published tables differ in
the last digits for n ≥ 11 (e.g. 1.48 or 1.54 for n = 12); this is the one used here.

Reciprocity is checked with a tolerance of 0.05 on ``a_ij·a_ji`` so that reciprocals typed to two decimals
(0.33 for 1/3, 0.13 for 1/8) are accepted; the computation then uses the upper triangle and its exact
reciprocals, so such rounding does not move λmax.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput

# Saaty's random index RI(n), n = 1..15.
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.54, 1.56, 1.58, 1.59)
RECIPROCITY_TOL = 0.05
CR_THRESHOLD = 0.1

AHPMethod = Literal["eigenvector", "geometric"]


@dataclass(frozen=True)
class AHPResult:
    """AHP weights (summing to 1) with the principal eigenvalue and Saaty's consistency figures."""

    weights: pd.Series
    lambda_max: float
    ci: float
    ri: float
    cr: float
    consistent: bool


def _as_matrix(matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[float]]) -> tuple[np.ndarray, list[str]]:
    if isinstance(matrix, pd.DataFrame):
        if list(matrix.index) != list(matrix.columns):
            raise InvalidInput("the comparison matrix needs the same labels on rows and columns", field="matrix")
        return matrix.to_numpy(dtype=float), [str(c) for c in matrix.columns]
    values = np.asarray(matrix, dtype=float)
    return values, [str(i) for i in range(values.shape[0] if values.ndim else 0)]


def check_comparison_matrix(values: np.ndarray) -> None:
    """Raise ``InvalidInput`` unless ``values`` is a square, positive, reciprocal matrix of order 1..15."""
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        raise InvalidInput(f"the comparison matrix must be square, got shape {values.shape}", field="matrix")
    if values.shape[0] > len(RANDOM_INDEX):
        raise InvalidInput(f"RI is tabulated for n ≤ {len(RANDOM_INDEX)}, got n = {values.shape[0]}", field="matrix")
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise InvalidInput("comparison judgements must be finite and positive", field="matrix")
    bad = np.argwhere(np.abs(values * values.T - 1) > RECIPROCITY_TOL)
    if len(bad):
        i, j = (int(k) for k in bad[0])
        raise InvalidInput(f"not reciprocal: a[{i},{j}] = {values[i, j]:g} but a[{j},{i}] = {values[j, i]:g}")


def _eigenvector(values: np.ndarray) -> tuple[np.ndarray, float]:
    eigenvalues, vectors = np.linalg.eig(values)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(vectors[:, k].real)
    return vector / vector.sum(), float(eigenvalues[k].real)


def _geometric(values: np.ndarray) -> tuple[np.ndarray, float]:
    vector = np.exp(np.log(values).mean(axis=1))
    vector = vector / vector.sum()
    return vector, float(np.mean(values @ vector / vector))


def ahp_weights(
    matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[float]], *, method: AHPMethod = "eigenvector"
) -> AHPResult:
    """AHP weights, λmax, CI, RI, CR and ``consistent = CR < 0.1`` from a pairwise comparison matrix.

    >>> res = ahp_weights([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    >>> [round(float(w), 4) for w in res.weights], round(res.lambda_max, 6), round(res.cr, 6), res.consistent
    ([0.5714, 0.2857, 0.1429], 3.0, 0.0, True)
    """
    values, labels = _as_matrix(matrix)
    check_comparison_matrix(values)
    upper = np.triu(values, 1)
    values = upper + np.tril(1 / values.T, -1) + np.eye(len(values))
    if method not in ("eigenvector", "geometric"):
        raise InvalidInput(f"unknown AHP method {method!r}", field="method")
    vector, lambda_max = _eigenvector(values) if method == "eigenvector" else _geometric(values)
    n = len(labels)
    ci = max(lambda_max - n, 0.0) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    weights = pd.Series(vector, index=labels, name="weight")
    return AHPResult(weights, lambda_max, ci, ri, cr, cr < CR_THRESHOLD)
