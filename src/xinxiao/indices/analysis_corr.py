"""Correlations (COINr ``get_corr``) and correlation flags (COINr ``get_corr_flags``); see :mod:`.analysis`."""

from __future__ import annotations

from typing import Literal, cast

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput
from xinxiao.indices.analysis_stats import members, numeric_frame
from xinxiao.indices.framework import Framework

CorrMethod = Literal["pearson", "spearman", "kendall"]
CORR_METHODS = ("pearson", "spearman", "kendall")
FLAG_COLUMNS = ["flag", "group", "code", "other", "correlation"]


def correlations(
    frame: pd.DataFrame, other: pd.DataFrame | None = None, *, method: CorrMethod = "pearson"
) -> pd.DataFrame:
    """Correlation matrix over pairwise-complete rows (R's ``use = "pairwise.complete.obs"``); rows × ``other``.

    A column with fewer than two distinct values correlates as NaN, itself included (R's ``cor`` gives NA).

    >>> x = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 3.0, 2.0, np.nan], "c": [4.0, 3.0, 2.0, 1.0]})
    >>> correlations(x, method="spearman").round(3).to_dict("list")
    {'a': [1.0, 0.5, -1.0], 'b': [0.5, 1.0, -0.5], 'c': [-1.0, -0.5, 1.0]}
    >>> correlations(x[["a"]], x[["c"]]).to_dict()
    {'c': {'a': -1.0}}
    """
    if method not in CORR_METHODS:
        raise InvalidInput(f"unknown correlation method {method!r}; known: {list(CORR_METHODS)}", field="method")
    left = numeric_frame(frame)
    right = left if other is None else numeric_frame(other)
    both = left if other is None else pd.concat([left, right], axis=1)
    if not both.columns.is_unique:
        raise InvalidInput("the two frames share column codes", field="other")
    matrix = both.corr(method=method)
    degenerate = [c for c in both.columns if both[c].nunique() < 2]
    matrix.loc[degenerate, :] = np.nan
    matrix.loc[:, degenerate] = np.nan
    return matrix.loc[list(left.columns), list(right.columns)]


def _cell(matrix: pd.DataFrame, row: str, column: str) -> float:
    return float(cast(float, matrix.loc[row, column]))


def ancestors(framework: Framework, code: str) -> list[str]:
    """The parent, grandparent … up to the index of ``code``."""
    chain: list[str] = []
    parent = framework.parents.get(code)
    while parent is not None:
        chain.append(parent)
        parent = framework.parents.get(parent)
    return chain


def _require(frame: pd.DataFrame, codes: list[str]) -> None:
    absent = [c for c in codes if c not in frame.columns]
    if absent:
        raise InvalidInput(f"columns {absent} are not in the frame (aggregate first?)", field="frame")


def level_correlations(
    frame: pd.DataFrame,
    *,
    framework: Framework,
    level: int = 1,
    against: Literal["parent", "family"] = "family",
    method: CorrMethod = "pearson",
) -> pd.DataFrame:
    """Each code at ``level`` against its parent (``withparent = TRUE``) or every ancestor (``"family"``), long.

    >>> from xinxiao.indices.framework import read_imeta
    >>> meta = pd.DataFrame({"Level": [1, 1, 2, 3], "iCode": ["a", "b", "P", "I"], "Parent": ["P", "P", "I", None],
    ...     "Direction": 1, "Weight": 1, "Type": ["Indicator"] * 2 + ["Aggregate"] * 2})
    >>> x = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0], "P": [2.0, 1.5, 2.5], "I": [2.0, 1.5, 2.5]})
    >>> level_correlations(x, framework=read_imeta(meta), against="parent").round(3).values.tolist()
    [['a', 'P', 2, 0.5], ['b', 'P', 2, 0.5]]
    """
    if against not in ("parent", "family"):
        raise InvalidInput(f"against must be 'parent' or 'family', got {against!r}", field="against")
    rows = []
    for code in framework.codes_at(level):
        chain = ancestors(framework, code)
        for ancestor in chain[:1] if against == "parent" else chain:
            rows.append((code, ancestor))
    _require(frame, sorted({c for pair in rows for c in pair}))
    matrix = correlations(frame[list(dict.fromkeys(c for pair in rows for c in pair))], method=method)
    data = [(c, a, framework.levels[a], _cell(matrix, c, a)) for c, a in rows]
    return pd.DataFrame(data, columns=["code", "ancestor", "ancestor_level", "correlation"])


def _pair_flags(
    matrix: pd.DataFrame, group: str, codes: list[str], high: float, low: float
) -> list[tuple[object, ...]]:
    """Pairs (upper triangle, file order) above ``high`` or below ``low``; NaN correlations are never flagged."""
    rows: list[tuple[object, ...]] = []
    for i, first in enumerate(codes):
        for second in codes[i + 1 :]:
            r = _cell(matrix, first, second)
            if r > high or r < low:
                rows.append(("collinear" if r > high else "negative", group, first, second, r))
    return rows


def correlation_flags(
    frame: pd.DataFrame,
    *,
    framework: Framework,
    level: int = 1,
    group_level: int = 2,
    method: CorrMethod = "pearson",
    high: float = 0.9,
    low: float = -0.4,
    weak: float | None = 0.2,
) -> pd.DataFrame:
    """COINr's ``get_corr_flags`` (``r > high`` collinear, ``r < low`` negative) within groups, plus weak links.

    A code at ``level`` whose correlation with its group (its ancestor at ``group_level``) is below ``weak`` is
    flagged ``weak``; that needs the group columns in the frame (pass ``weak=None`` to skip).

    >>> from xinxiao.indices.framework import read_imeta
    >>> meta = pd.DataFrame({"Level": [1, 1, 1, 2], "iCode": ["a", "b", "c", "P"], "Parent": ["P", "P", "P", None],
    ...     "Direction": 1, "Weight": 1, "Type": ["Indicator"] * 3 + ["Aggregate"]})
    >>> x = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.1, 2.0, 3.2, 4.0], "c": [4.0, 1.0, 3.0, 1.0]})
    >>> correlation_flags(x, framework=read_imeta(meta), weak=None).round(3).values.tolist()
    [['collinear', 'P', 'a', 'b', 0.997], ['negative', 'P', 'a', 'c', -0.602], ['negative', 'P', 'b', 'c', -0.551]]
    """
    if group_level <= level:
        raise InvalidInput(f"group_level {group_level} must be above level {level}", field="group_level")
    rows: list[tuple[object, ...]] = []
    for group in framework.codes_at(group_level):
        codes = list(members(framework, group, level=level))
        needed = codes + ([group] if weak is not None else [])
        _require(frame, needed)
        matrix = correlations(frame[needed], method=method)
        rows.extend(_pair_flags(matrix, group, codes, high, low))
        if weak is not None:
            links = {c: _cell(matrix, c, group) for c in codes}
            rows.extend(("weak", group, c, group, r) for c, r in links.items() if r < weak)
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)
