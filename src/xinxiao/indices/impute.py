"""Imputation as COINr's ``Impute`` (column-wise) and ``impute_panel`` (``R/impute.R``, COINr ≥ 1.1).

* ``i_mean`` / ``i_median``: each missing value takes the column mean / median of the present values.
* ``i_mean_grp`` / ``i_median_grp``: the same within the unit's group; a unit with no group is left as it is
  (COINr's ``skip_f_na = TRUE``), and a group with no present value leaves its gaps missing.
* An all-missing column stays missing (COINr ≥ 1.1 warns and returns it). On panel data (index
  ``(uCode, Time)``) these cross-sectional methods run within each time, as COINr imputes each coin of a purse.
* ``impute_panel``: ``"latest"`` takes the most recent earlier value of the same unit, looking back at most
  ``max_time`` of the data's time points (a time at which the unit has no row still counts);
  ``"constant"`` and ``"linear"`` are R's ``approx(method = ..., rule = 2)`` over the unit's own times: the last
  observation carried forward, or straight-line interpolation, with the nearest observed value beyond
  either end. Panel data with a single time point is an error, as in COINr; so is ``"linear"`` for a series
  with exactly one observed value (R's ``approx`` stops: "need at least two non-NA values to interpolate").

COINr's row-wise and whole-frame modes (``impute_by = "row"/"df"``) are not provided. COINr writes each unit's
time-sorted values back in the rows' original order; here values go back to their own times (the same when
rows are sorted by time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput

CROSS_SECTION = ("i_mean", "i_median", "i_mean_grp", "i_median_grp")
PANEL_TYPES = ("latest", "constant", "linear")


def impute(
    frame: pd.DataFrame,
    *,
    method: str = "i_mean",
    groups: pd.Series | None = None,
    imp_type: str = "latest",
    max_time: int | None = None,
) -> pd.DataFrame:
    """Fill missing values by a COINr method (``i_mean``, ``i_median``, ``i_*_grp`` or ``impute_panel``).

    >>> data = pd.DataFrame({"a": [1.0, 2.0, np.nan, 9.0]}, index=["p", "q", "r", "s"])
    >>> impute(data, method="i_median")["a"].tolist()
    [1.0, 2.0, 2.0, 9.0]
    >>> impute(data, method="i_mean_grp", groups=pd.Series(["x", "x", "x", "y"], index=data.index))["a"].tolist()
    [1.0, 2.0, 1.5, 9.0]
    """
    if method == "impute_panel":
        return impute_panel(frame, imp_type=imp_type, max_time=max_time)
    if method not in CROSS_SECTION:
        raise InvalidInput(f"imputation method {method!r} is not one of {', '.join(CROSS_SECTION)}, impute_panel")
    if method.endswith("_grp") and groups is None:
        raise InvalidInput(f"{method} needs a group column", field="groups")
    fill = _group_fill(frame, groups, method) if method.endswith("_grp") else _column_fill(frame, method)
    return frame.astype(float).where(frame.notna(), fill)


def _stat(method: str) -> Literal["mean", "median"]:
    return "mean" if method.startswith("i_mean") else "median"


def _times(frame: pd.DataFrame) -> pd.Series:
    """The time of each row on panel data, else one constant key."""
    if isinstance(frame.index, pd.MultiIndex):
        return pd.Series(frame.index.get_level_values("Time"), index=frame.index)
    return pd.Series(0, index=frame.index)


def _column_fill(frame: pd.DataFrame, method: str) -> pd.DataFrame:
    filled: pd.DataFrame = frame.astype(float).groupby(_times(frame)).transform(_stat(method))
    return filled


def _group_fill(frame: pd.DataFrame, groups: pd.Series | None, method: str) -> pd.DataFrame:
    assert groups is not None
    if not groups.index.equals(frame.index):
        groups = groups.reindex(frame.index)
    keys = [_times(frame), groups.astype(object)]
    filled: pd.DataFrame = frame.astype(float).groupby(keys, dropna=True).transform(_stat(method))
    return filled


def impute_panel(frame: pd.DataFrame, *, imp_type: str = "latest", max_time: int | None = None) -> pd.DataFrame:
    """COINr's ``impute_panel`` on a frame indexed by ``(uCode, Time)``.

    >>> index = pd.MultiIndex.from_product([["A"], [2020, 2021, 2022]], names=["uCode", "Time"])
    >>> data = pd.DataFrame({"i2": [3.0, np.nan, 5.0], "i3": [np.nan, 5.0, 6.0]}, index=index)
    >>> impute_panel(data, imp_type="linear").to_dict("list")
    {'i2': [3.0, 4.0, 5.0], 'i3': [5.0, 5.0, 6.0]}
    >>> impute_panel(data, imp_type="latest").to_dict("list")
    {'i2': [3.0, 3.0, 5.0], 'i3': [nan, 5.0, 6.0]}
    """
    if not isinstance(frame.index, pd.MultiIndex) or list(frame.index.names) != ["uCode", "Time"]:
        raise InvalidInput("panel imputation needs a frame indexed by (uCode, Time)", field="Time")
    if imp_type not in PANEL_TYPES:
        raise InvalidInput(f"imp_type {imp_type!r} is not one of {', '.join(PANEL_TYPES)}", field="imp_type")
    times = np.sort(frame.index.get_level_values("Time").unique().to_numpy())
    if times.size < 2:
        raise InvalidInput("cannot impute by time: only one time point of data is available", field="Time")
    if imp_type == "latest":
        return pd.DataFrame({c: _latest(frame[c], times, max_time) for c in frame.columns}, index=frame.index)
    fill = _approx_linear if imp_type == "linear" else _approx_constant
    return pd.DataFrame({c: _by_unit(frame[c], fill) for c in frame.columns}, index=frame.index)


def _latest(column: pd.Series, times: np.ndarray, max_time: int | None) -> pd.Series:
    grid = column.astype(float).unstack("Time").reindex(columns=times)
    original = grid.copy()
    for step in range(1, times.size if max_time is None else min(max_time, times.size - 1) + 1):
        grid = grid.fillna(original.shift(step, axis=1))
    stacked = grid.stack(future_stack=True)
    return pd.Series(stacked.reindex(column.index).to_numpy(dtype=float), index=column.index, name=column.name)


def _by_unit(column: pd.Series, fill: Callable[[np.ndarray, np.ndarray, str], np.ndarray]) -> pd.Series:
    out = column.astype(float).copy()
    for unit, series in column.groupby(level="uCode", sort=False):
        t = series.index.get_level_values("Time").to_numpy(dtype=float)
        y = series.to_numpy(dtype=float)
        present = ~np.isnan(y)
        if present.all() or not present.any():
            continue
        out.loc[series.index] = fill(t, y, f"unit {unit}, indicator {column.name}")
    return out


def _approx_linear(t: np.ndarray, y: np.ndarray, what: str) -> np.ndarray:
    present = ~np.isnan(y)
    if present.sum() < 2:
        raise InvalidInput(f"linear interpolation needs at least two observed values ({what})", field="imp_type")
    order = np.argsort(t[present])
    return np.asarray(np.interp(t, t[present][order], y[present][order]), dtype=float)


def _approx_constant(t: np.ndarray, y: np.ndarray, what: str) -> np.ndarray:
    present = ~np.isnan(y)
    order = np.argsort(t[present])
    known_t, known_y = t[present][order], y[present][order]
    position = np.searchsorted(known_t, t, side="right") - 1
    return np.asarray(known_y[np.clip(position, 0, known_t.size - 1)], dtype=float)
