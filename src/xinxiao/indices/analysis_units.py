"""Unit-level analysis: strengths and weaknesses (COINr ``get_str_weak``) and contributions; see :mod:`.analysis`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput
from xinxiao.indices.analysis_stats import numeric_frame
from xinxiao.indices.framework import Framework

CONTRIBUTION_COLUMNS = ["uCode", "level", "parent", "score", "child", "value", "weight", "contribution"]


@dataclass(frozen=True, eq=False)
class StrengthsWeaknesses:
    """A unit's best and worst indicators by rank among units (index = iCode; columns ``rank``, ``value``)."""

    unit: str
    strengths: pd.DataFrame
    weaknesses: pd.DataFrame


def _unit_row(frame: pd.DataFrame, unit: str) -> None:
    if unit not in frame.index:
        raise InvalidInput(f"unit {unit} is not in the frame", field="unit")


def _ranks(values: pd.DataFrame, directions: pd.Series | None) -> pd.DataFrame:
    """Sport ranks (1 = best, ties share the best place, NaN kept), after flipping by direction if given."""
    if directions is not None:
        absent = [c for c in values.columns if c not in directions.index]
        if absent:
            raise InvalidInput(f"no direction for {absent}", field="directions")
        values = values * directions[list(values.columns)].to_numpy(dtype=float)
    return values.rank(ascending=False, method="min", na_option="keep")


def _table(codes: list[str], ranks: pd.Series, values: pd.Series) -> pd.DataFrame:
    index = pd.Index(codes, name="iCode")
    return pd.DataFrame({"rank": ranks[codes].to_numpy(), "value": values[codes].to_numpy()}, index=index)


def _check_options(n: int, bottom: int, unq_discard: float | None) -> None:
    if n < 1 or bottom < 1:
        raise InvalidInput(f"n and bottom_n must be at least 1, got {n} and {bottom}", field="n")
    if unq_discard is not None and not 0 <= unq_discard <= 1:
        raise InvalidInput(f"unq_discard must lie in [0, 1], got {unq_discard}", field="unq_discard")


def strengths_weaknesses(
    frame: pd.DataFrame,
    *,
    unit: str,
    n: int = 5,
    bottom_n: int | None = None,
    directions: pd.Series | None = None,
    unq_discard: float | None = None,
    min_discard: bool = True,
) -> StrengthsWeaknesses:
    """COINr's ``get_str_weak``: the unit's ``n`` best-ranked and ``bottom_n`` worst-ranked indicators.

    >>> x = pd.DataFrame({"a": [3.0, 1.0, 2.0], "b": [1.0, 2.0, 3.0], "c": [2.0, 3.0, 1.0]}, index=["u1", "u2", "u3"])
    >>> sw = strengths_weaknesses(x, unit="u1", n=1)
    >>> sw.strengths.to_dict("index"), sw.weaknesses.to_dict("index")
    ({'a': {'rank': 1.0, 'value': 3.0}}, {'b': {'rank': 3.0, 'value': 1.0}})
    """
    values = numeric_frame(frame)
    _unit_row(values, unit)
    bottom = n if bottom_n is None else bottom_n
    _check_options(n, bottom, unq_discard)
    ranks = _ranks(values, directions)
    codes = list(values.columns)
    if unq_discard is not None:
        # COINr counts NA as a value and divides by all rows: length(unique(x)) / length(x) > unq_discard
        codes = [c for c in codes if values[c].nunique(dropna=False) / len(values) > unq_discard]
    mine = cast(pd.Series, ranks.loc[unit, codes]).dropna().sort_values(kind="stable")
    best = mine[mine < ranks[mine.index].max()] if min_discard else mine
    own = cast(pd.Series, values.loc[unit])
    return StrengthsWeaknesses(
        unit, _table(list(best.index[:n]), mine, own), _table(list(mine.index[-bottom:]), mine, own)
    )


def _level_contributions(scores: pd.DataFrame, framework: Framework, parent: str) -> pd.DataFrame:
    """One parent's children: value, weight re-normalised over the available ones, weight·value; adds the score."""
    children = list(framework.children[parent])
    x = scores[children].to_numpy(dtype=float)
    w = np.where(np.isnan(x), 0.0, framework.weights[children].to_numpy(dtype=float)[None, :])
    total = w.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total != 0, w / np.where(total != 0, total, 1.0), np.nan)
    part = np.where(np.isnan(x), np.nan, share * np.nan_to_num(x))
    present = ~np.all(np.isnan(part), axis=1)
    score = np.where(present, np.nansum(part, axis=1), np.nan)
    scores[parent] = score
    k = len(children)
    return pd.DataFrame(
        {
            "uCode": np.repeat(scores.index.to_numpy(), k),
            "level": framework.levels[parent],
            "parent": parent,
            "score": np.repeat(score, k),
            "child": np.tile(children, len(scores)),
            "value": x.ravel(),
            "weight": np.where(np.isnan(x), np.nan, share).ravel(),
            "contribution": part.ravel(),
        }
    )


def contributions(normalised: pd.DataFrame, *, framework: Framework, unit: str | None = None) -> pd.DataFrame:
    """Each child's ``w_i·x_i / Σ_available w_j`` in its parent's arithmetic-mean score, every level, long form.

    Aggregates are recomputed from the indicator columns (any aggregate columns of the frame are ignored), so
    the contributions of a parent's children always sum to the ``score`` shown.

    >>> from xinxiao.indices.framework import read_imeta
    >>> meta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "I"], "Parent": ["I", "I", None],
    ...     "Direction": 1, "Weight": [1, 3, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> x = pd.DataFrame({"a": [40.0, 80.0], "b": [80.0, np.nan]}, index=["u1", "u2"])
    >>> out = contributions(x, framework=read_imeta(meta))
    >>> out[["uCode", "child", "weight", "contribution", "score"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['u1', 'a', 0.25, 10.0, 70.0], ['u1', 'b', 0.75, 60.0, 70.0],
     ['u2', 'a', 1.0, 80.0, 80.0], ['u2', 'b', nan, nan, 80.0]]
    """
    absent = [c for c in framework.indicators if c not in normalised.columns]
    if absent:
        raise InvalidInput(f"indicator columns {absent} are not in the frame", field="normalised")
    scores = numeric_frame(normalised[list(framework.indicators)])
    if unit is not None:
        _unit_row(scores, unit)
    parts = [
        _level_contributions(scores, framework, parent)
        for level in range(2, framework.max_level + 1)
        for parent in framework.codes_at(level)
    ]
    out = pd.concat(parts, ignore_index=True)
    order = out.assign(_unit=pd.Categorical(out["uCode"], categories=scores.index.unique()))
    out = out.loc[order.sort_values(["_unit", "level"], kind="stable").index].reset_index(drop=True)
    return out if unit is None else out[out["uCode"] == unit].reset_index(drop=True)
