"""Aggregation of indicators into their parents, level by level, with COINr's ``a_*`` methods.

Read from ``bluefoxr/COINr`` ``R/aggregate.R`` (``Aggregate.coin``, ``Aggregate.data.frame``, ``a_amean``,
``a_gmean``, ``a_hmean``, ``a_genmean``, ``outrankMatrix``, ``a_copeland``). Shared rules, as in COINr:

* weights are relative: missing children are dropped with their weights and the rest re-normalised per unit;
  a unit with no child available gets NaN;
* ``dat_thresh``: if the share of available children ``Σ!is.na(x)/len(x)`` is *below* the threshold the result
  is NaN (a share equal to the threshold passes);
* ``a_gmean`` raises on any zero or negative value, ``a_hmean`` on any zero (negatives are allowed, as in
  COINr), ``a_genmean`` on ``p = 0`` and on zero/negative values when ``p < 0``; for ``p > 0`` a negative value
  with a fractional ``p`` gives NaN, as ``x^p`` does in R. Where COINr stops with an error we raise
  ``InvalidInput``; weights may not be missing.

Deviations, chosen on purpose:

* COINr's ``a_genmean`` sums ``w·x^p`` without ``na.rm`` so one missing child makes the result NA; here it
  re-weights over the available children like the other means (COINr's documented "NA are skipped").
* ``a_copeland`` (COINr: ``by_df = TRUE``, where ``dat_thresh`` is ignored). The outranking score of unit i over
  j is ``Σ w_k [x_ik > x_jk] + ½ Σ w_k [x_ik = x_jk]`` (weights scaled to sum 1 over the group) and a pair
  scores +1 / 0 / −1 as it is above / equal to / below 0.5, summed over opponents (net wins). COINr fills the
  lower triangle as ``1 − upper``, which with missing values makes the result depend on row order; here both
  directions are computed over the children the two units share and compared with each other (identical to
  COINr on complete data). Units below ``dat_thresh`` or with nothing available get NaN and take no part in
  the comparisons. Equality uses a tolerance of 1e-12 so that floating sums of weights tie as they should.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, cast

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput

Method = Literal["a_amean", "a_gmean", "a_hmean", "a_genmean", "a_copeland"]
METHODS: tuple[str, ...] = ("a_amean", "a_gmean", "a_hmean", "a_genmean", "a_copeland")
TIE_TOL = 1e-12


def _weighted(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row weights with missing children set to 0, and their row sums."""
    w = np.where(np.isnan(values), 0.0, weights[None, :])
    return w, w.sum(axis=1)


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(bottom != 0, top / np.where(bottom != 0, bottom, 1.0), np.nan))


def a_amean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean per row, ``Σ w x / Σ w`` over the available children.

    >>> a_amean(np.array([[1.0, 3.0], [np.nan, 3.0]]), np.array([1.0, 3.0])).tolist()
    [2.5, 3.0]
    """
    w, total = _weighted(values, weights)
    return _ratio(np.nansum(w * np.nan_to_num(values), axis=1), total)


def a_gmean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted geometric mean per row, ``exp(Σ w ln x / Σ w)``; values must be positive.

    >>> a_gmean(np.array([[1.0, 2.0, 3.0]]), np.array([1.0, 1.0, 2.0])).round(6).tolist()
    [2.059767]
    """
    if np.any(values[~np.isnan(values)] <= 0):
        raise InvalidInput("zero or negative values: the geometric mean needs positive data", field="method")
    w, total = _weighted(values, weights)
    logs = np.log(np.where(np.isnan(values), 1.0, values))
    return np.asarray(np.exp(_ratio((w * logs).sum(axis=1), total)))


def a_hmean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted harmonic mean per row, ``Σ w / Σ (w / x)``; values must be non-zero.

    >>> a_hmean(np.array([[1.0, 2.0, 3.0]]), np.array([2.0, 1.0, 1.0])).round(6).tolist()
    [1.411765]
    """
    if np.any(values[~np.isnan(values)] == 0):
        raise InvalidInput("zero values: the harmonic mean needs non-zero data", field="method")
    w, total = _weighted(values, weights)
    return _ratio(total, (w / np.where(np.isnan(values), 1.0, values)).sum(axis=1))


def a_genmean(values: np.ndarray, weights: np.ndarray, p: float) -> np.ndarray:
    """Weighted generalised (power) mean per row, ``(Σ w x^p / Σ w)^(1/p)``, ``p ≠ 0``.

    >>> a_genmean(np.array([[1.0, 2.0, 3.0]]), np.array([1.0, 1.0, 1.0]), p=2).round(6).tolist()
    [2.160247]
    """
    if p == 0:
        raise InvalidInput("p = 0 is the geometric mean in the limit: use a_gmean", field="p")
    if p < 0 and np.any(values[~np.isnan(values)] <= 0):
        raise InvalidInput("zero or negative values with a negative p: the mean cannot be computed", field="p")
    w, total = _weighted(values, weights)
    with np.errstate(invalid="ignore"):
        powered = np.power(np.where(np.isnan(values), 1.0, values), p)
        return np.asarray(np.power(_ratio((w * powered).sum(axis=1), total), 1.0 / p))


def outranking(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Outranking matrix ``O[i, j] = Σ w [x_i > x_j] + ½ Σ w [x_i = x_j]`` (weights scaled to sum 1), diagonal 0.

    >>> outranking(np.array([[1.0, 3.0], [2.0, 3.0]]), np.array([1.0, 1.0])).tolist()
    [[0.0, 0.25], [0.75, 0.0]]
    """
    w = weights / weights.sum()
    above = (values[:, None, :] > values[None, :, :]).astype(float)
    equal = (values[:, None, :] == values[None, :, :]).astype(float)
    matrix = (above + equal / 2) @ w
    np.fill_diagonal(matrix, 0.0)
    return np.asarray(matrix)


def a_copeland(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Copeland scores: pairwise wins minus losses by weighted outranking; all-missing rows get NaN.

    >>> a_copeland(np.array([[1.0, 3.0], [2.0, 3.0], [0.0, 4.0]]), np.array([1.0, 1.0])).tolist()
    [-1.0, 1.0, 0.0]
    """
    present = ~np.all(np.isnan(values), axis=1)
    matrix = outranking(values[present], weights)
    margin = matrix - matrix.T
    net = np.where(margin > TIE_TOL, 1.0, np.where(margin < -TIE_TOL, -1.0, 0.0)).sum(axis=1)
    out = np.full(len(values), np.nan)
    out[present] = net
    return out


def _group_inputs(frame: pd.DataFrame, children: Sequence[str], weights: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    absent = [c for c in children if c not in frame.columns]
    if absent:
        raise InvalidInput(f"children {absent} are not columns of the frame", field="groups")
    unweighted = [c for c in children if c not in weights.index or pd.isna(weights[c])]
    if unweighted:
        raise InvalidInput(f"no weight for {unweighted}", field="weights")
    return frame[list(children)].to_numpy(dtype=float), weights[list(children)].to_numpy(dtype=float)


def _aggregate_group(values: np.ndarray, weights: np.ndarray, method: str, p: float | None) -> np.ndarray:
    if method == "a_amean":
        return a_amean(values, weights)
    if method == "a_gmean":
        return a_gmean(values, weights)
    if method == "a_hmean":
        return a_hmean(values, weights)
    if method == "a_genmean":
        if p is None:
            raise InvalidInput("a_genmean needs the parameter p", field="p")
        return a_genmean(values, weights, p)
    return a_copeland(values, weights)


def _check_options(method: str, dat_thresh: float | None) -> None:
    if method not in METHODS:
        raise InvalidInput(f"unknown aggregation method {method!r}; known: {list(METHODS)}", field="method")
    if dat_thresh is not None and not 0 <= dat_thresh <= 1:
        raise InvalidInput(f"dat_thresh must lie in [0, 1], got {dat_thresh}", field="dat_thresh")


def aggregate_level(
    frame: pd.DataFrame,
    *,
    groups: Mapping[str, Sequence[str]],
    weights: pd.Series,
    method: Method = "a_amean",
    dat_thresh: float | None = None,
    p: float | None = None,
) -> pd.DataFrame:
    """Aggregate each parent's children with a COINr method; columns are the parent codes, rows the units.

    >>> x = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, np.nan], "c": [5.0, 6.0]}, index=["u1", "u2"])
    >>> w = pd.Series({"a": 1.0, "b": 1.0, "c": 1.0})
    >>> aggregate_level(x, groups={"P": ["a", "b"], "Q": ["c"]}, weights=w, dat_thresh=0.6).to_dict()
    {'P': {'u1': 2.0, 'u2': nan}, 'Q': {'u1': 5.0, 'u2': 6.0}}
    """
    _check_options(method, dat_thresh)
    columns: dict[str, np.ndarray] = {}
    for parent, children in groups.items():
        values, w = _group_inputs(frame, children, weights)
        if dat_thresh is not None:
            values = np.where((np.sum(~np.isnan(values), axis=1) / len(children) < dat_thresh)[:, None], np.nan, values)
        columns[parent] = _aggregate_group(values, w, method, p)
    return pd.DataFrame(columns, index=frame.index, columns=list(groups), dtype=float)


def _per_level(value: object, n: int, name: str) -> list[object]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != n:
            raise InvalidInput(f"{name} needs one entry per level ({n}), got {len(value)}", field=name)
        return list(value)
    return [value] * n


def _level_specs(
    n: int, methods: str | Sequence[str], dat_thresh: object, p: object
) -> list[tuple[Method, float | None, float | None]]:
    methods_, thresholds, ps = (
        _per_level(methods, n, "methods"),
        _per_level(dat_thresh, n, "dat_thresh"),
        _per_level(p, n, "p"),
    )
    specs = [
        (cast(Method, m), cast(float | None, t), cast(float | None, q))
        for m, t, q in zip(methods_, thresholds, ps, strict=True)
    ]
    for method, thresh, _ in specs:
        _check_options(method, thresh)
    return specs


def aggregate_tree(
    frame: pd.DataFrame,
    *,
    levels: Sequence[Mapping[str, Sequence[str]]],
    weights: pd.Series,
    methods: str | Sequence[str] = "a_amean",
    dat_thresh: float | Sequence[float | None] | None = None,
    p: float | Sequence[float | None] | None = None,
) -> pd.DataFrame:
    """Aggregate level after level (``levels[0]`` groups indicators); the frame plus every aggregate column.

    ``methods``, ``dat_thresh`` and ``p`` are one value for all levels or one per level, as in COINr.

    >>> x = pd.DataFrame({"a": [1.0, 4.0], "b": [4.0, 1.0], "c": [2.0, 2.0]}, index=["u1", "u2"])
    >>> w = pd.Series(1.0, index=["a", "b", "c", "P", "Q"])
    >>> levels = [{"P": ["a", "b"], "Q": ["c"]}, {"IDX": ["P", "Q"]}]
    >>> aggregate_tree(x, levels=levels, weights=w, methods=["a_gmean", "a_amean"])["IDX"].tolist()
    [2.0, 2.0]
    """
    out = frame.astype(float)
    for groups, (method, thresh, p_level) in zip(
        levels, _level_specs(len(levels), methods, dat_thresh, p), strict=True
    ):
        clash = [c for c in groups if c in out.columns]
        if clash:
            raise InvalidInput(f"aggregate codes {clash} already name columns", field="levels")
        level = aggregate_level(out, groups=groups, weights=weights, method=method, dat_thresh=thresh, p=p_level)
        out = pd.concat([out, level], axis=1)
    return out
