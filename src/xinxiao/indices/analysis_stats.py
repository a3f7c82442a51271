"""Indicator statistics (COINr ``get_stats``) and Cronbach's alpha (COINr ``get_cronbach``); see :mod:`.analysis`."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput
from xinxiao.indices.framework import Framework
from xinxiao.indices.treat import kurt, skew

Use = Literal["pairwise", "complete"]
STAT_COLUMNS = (
    "Min",
    "Max",
    "Mean",
    "Median",
    "Std",
    "Skew",
    "Kurt",
    "N.Avail",
    "N.NonZero",
    "N.Unique",
    "N.Same",
    "Frc.Avail",
    "Frc.NonZero",
    "Frc.Zero",
    "Frc.Unique",
    "Frc.Same",
    "Flag.Avail",
    "Flag.NonZero",
    "Flag.Unique",
    "Flag.SkewKurt",
)


def numeric_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as float64, or ``InvalidInput`` naming the first non-numeric column; at least one row and column.

    >>> numeric_frame(pd.DataFrame({"a": [1, 2]}, index=["u1", "u2"])).dtypes.tolist()
    [dtype('float64')]
    """
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise InvalidInput(f"the frame is empty ({frame.shape[0]} rows, {frame.shape[1]} columns)", field="frame")
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) or pd.api.types.is_bool_dtype(frame[column]):
            raise InvalidInput(f"column {column} is not numeric", field=str(column))
    return frame.astype(float)


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom != 0 else np.nan


def skewness(x: np.ndarray) -> float:
    """Adjusted skewness G1 of the present values (treatment's ``skew``); NaN below 3 values or constant.

    >>> round(skewness(np.array([1.0, 2.0, 3.0, 10.0, np.nan])), 6)
    1.763633
    """
    v = x[~np.isnan(x)]
    if v.size < 3 or np.ptp(v) == 0:
        return np.nan
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):  # tiny spreads underflow to 0/0, as in R
        return skew(v)


def kurtosis(x: np.ndarray) -> float:
    """Adjusted excess kurtosis G2 of the present values (treatment's ``kurt``); NaN below 4 values or constant.

    >>> round(kurtosis(np.array([1.0, 2.0, 3.0, 10.0])), 6)
    3.228
    """
    v = x[~np.isnan(x)]
    if v.size < 4 or np.ptp(v) == 0:
        return np.nan
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        return kurt(v)


def _moments(v: np.ndarray) -> dict[str, float]:
    """Location and shape of the sorted present values (sorting makes every sum independent of row order)."""
    if v.size == 0:
        return dict.fromkeys(("Min", "Max", "Mean", "Median", "Std", "Skew", "Kurt"), np.nan)
    return {
        "Min": float(v[0]),
        "Max": float(v[-1]),
        "Mean": float(v.mean()),
        "Median": float(np.median(v)),
        "Std": float(v.std(ddof=1)) if v.size > 1 else np.nan,
        "Skew": skewness(v),
        "Kurt": kurtosis(v),
    }


def _counts(v: np.ndarray, n_rows: int) -> dict[str, Any]:
    """Availability, zeros, unique values and the largest tie (COINr's ``N.Same``) of the present values."""
    n, nonzero = v.size, int(np.count_nonzero(v))
    unique, same = np.unique(v, return_counts=True)
    n_same = int(same.max()) if same.size else 0
    return {
        "N.Avail": n,
        "N.NonZero": nonzero,
        "N.Unique": unique.size,
        "N.Same": n_same,
        "Frc.Avail": n / n_rows,
        "Frc.NonZero": _ratio(nonzero, n),
        "Frc.Zero": _ratio(n - nonzero, n),
        "Frc.Unique": _ratio(unique.size, n),
        "Frc.Same": _ratio(n_same, n),
    }


def _flags(row: dict[str, Any], t_skew: float, t_kurt: float, thresholds: tuple[float, float, float]) -> dict[str, str]:
    t_avail, t_zero, t_unq = thresholds
    out = bool(abs(row["Skew"]) > t_skew and row["Kurt"] > t_kurt)  # NaN compares False: not flagged
    return {
        "Flag.Avail": "ok" if row["Frc.Avail"] >= t_avail else "LOW",
        "Flag.NonZero": "ok" if row["Frc.NonZero"] >= t_zero else "LOW",
        "Flag.Unique": "ok" if row["Frc.Unique"] >= t_unq else "LOW",
        "Flag.SkewKurt": "OUT" if out else "ok",
    }


def indicator_stats(
    frame: pd.DataFrame,
    *,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unq: float = 0.5,
) -> pd.DataFrame:
    """COINr's ``get_stats``: one row per column with moments, counts, shares and ``ok``/``LOW``/``OUT`` flags.

    >>> x = pd.DataFrame({"a": [0.0, 0.0, 0.0, 1.0, 1.0], "b": [1.0, 2.0, 3.0, 4.0, 100.0]})
    >>> s = indicator_stats(x)
    >>> s.loc["a", ["Flag.NonZero", "Flag.Unique"]].tolist(), float(s.loc["a", "Frc.Zero"])
    (['LOW', 'LOW'], 0.6)
    >>> s.loc["b", ["Median", "Skew", "Kurt"]].astype(float).round(3).tolist(), s.loc["b", "Flag.SkewKurt"]
    ([3.0, 2.232, 4.987], 'OUT')
    """
    values = numeric_frame(frame)
    rows = []
    for column in values.columns:
        x = values[column].to_numpy()
        v = np.sort(x[~np.isnan(x)])
        row: dict[str, Any] = {**_moments(v), **_counts(v, len(x))}
        rows.append({**row, **_flags(row, t_skew, t_kurt, (t_avail, t_zero, t_unq))})
    index = pd.Index([str(c) for c in values.columns], name="iCode")
    return pd.DataFrame(rows, index=index, columns=list(STAT_COLUMNS))


def cronbach_alpha(frame: pd.DataFrame, *, use: Use = "pairwise") -> float:
    """Cronbach's alpha ``k/(k−1)·(1 − Σσ²_i / Σ_ij σ_ij)`` from pairwise (COINr's default) or listwise covariances.

    >>> x = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 3.0, 3.0, 5.0], "c": [1.0, 3.0, 2.0, 4.0]})
    >>> round(cronbach_alpha(x), 6)
    0.957055
    """
    values = numeric_frame(frame)
    k = values.shape[1]
    if k < 2:
        raise InvalidInput(f"Cronbach's alpha needs at least 2 columns, got {k}", field="frame")
    if use not in ("pairwise", "complete"):
        raise InvalidInput(f"use must be 'pairwise' or 'complete', got {use!r}", field="use")
    cov = (values if use == "pairwise" else values.dropna()).cov().to_numpy()
    total, variances = float(np.nansum(cov)), float(np.nansum(np.diag(cov)))
    return k / (k - 1) * (1 - variances / total) if total != 0 else np.nan


def members(framework: Framework, code: str, *, level: int) -> tuple[str, ...]:
    """The codes at ``level`` below ``code`` (its children when ``level`` is one below), in file order."""
    found: list[str] = []
    for child in framework.children.get(code, ()):
        found.extend([child] if framework.levels[child] == level else members(framework, child, level=level))
    return tuple(found)


def group_alpha(
    frame: pd.DataFrame, *, framework: Framework, level: int = 2, of_level: int | None = None, use: Use = "pairwise"
) -> pd.Series:
    """Cronbach's alpha of each aggregate at ``level`` over its members at ``of_level`` (default: its children).

    >>> meta = pd.DataFrame({"Level": [1, 1, 1, 2, 2], "iCode": ["a", "b", "c", "P", "Q"],
    ...     "Parent": ["P", "P", "Q", None, None], "Direction": 1, "Weight": 1,
    ...     "Type": ["Indicator"] * 3 + ["Aggregate"] * 2})
    >>> from xinxiao.indices.framework import read_imeta
    >>> x = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 3.0], "c": [3.0, 1.0, 2.0]})
    >>> group_alpha(x, framework=read_imeta(meta)).round(6).to_dict()
    {'P': 1.0, 'Q': nan}
    """
    below = level - 1 if of_level is None else of_level
    out: dict[str, float] = {}
    for code in framework.codes_at(level):
        codes = list(members(framework, code, level=below))
        absent = [c for c in codes if c not in frame.columns]
        if absent:
            raise InvalidInput(f"columns {absent} of group {code} are not in the frame", field="frame")
        out[code] = cronbach_alpha(frame[codes], use=use) if len(codes) > 1 else np.nan
    return pd.Series(out, name="alpha", dtype=float)
