"""Normalisation as in COINr's ``Normalise`` and its ``n_*`` functions (``R/normalise.R``, COINr ≥ 1.1).

Each indicator is first multiplied by its direction (COINr's ``Normalise.numeric``), then passed to the method.
Targets and goalposts are given in the indicator's own units and flipped with the data, as COINr does when
they come from ``iMeta`` (``get_iMeta_norm_paras``): ``n_dist2targ`` receives ``direction × target``, and
``n_goalposts`` with direction −1 receives ``(−upper, −lower, scale)``. ``n_scaled``'s ``npara`` is not flipped
(COINr does not flip it either).

Arithmetic follows R's IEEE rules with no warnings: a constant column gives NaN for ``n_minmax``,
``n_zscore`` and ``n_dist2max`` (COINr warns "The range of x is 0: returning vector of NaNs"); an all-missing
column gives NaN throughout; missing values stay missing and are left out of ranks (``na.last = "keep"``).
Ties take the minimum rank (COINr hard-codes ``ties.method = "min"`` whatever is passed).

Where this differs from COINr by choice: ``n_dist2ref`` names the reference *unit* (an index label of the
frame) rather than a row position.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput

Vector = np.ndarray
METHODS = (
    "n_minmax",
    "n_zscore",
    "n_scaled",
    "n_rank",
    "n_prank",
    "n_borda",
    "n_fracmax",
    "n_dist2max",
    "n_dist2ref",
    "n_dist2targ",
    "n_goalposts",
    "none",
)


def _present(x: Vector) -> Vector:
    values: Vector = x[~np.isnan(x)]
    return values


def _min(x: Vector) -> float:
    values = _present(x)
    return float(values.min()) if values.size else np.nan


def _max(x: Vector) -> float:
    values = _present(x)
    return float(values.max()) if values.size else np.nan


def _ratio(numerator: Vector, denominator: Vector | float) -> Vector:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # extreme magnitudes give inf, not a warning
        return np.asarray(numerator / denominator, dtype=float)


def _cap(y: Vector, *, upper: float | None = 1.0, lower: float | None = None) -> Vector:
    out = y.copy()
    if upper is not None:
        out[out > upper] = upper
    if lower is not None:
        out[out < lower] = lower
    return out


def n_minmax(x: Vector, l_u: tuple[float, float] = (0.0, 100.0)) -> Vector:
    """Min-max scaling onto ``[l, u]``.

    >>> n_minmax(np.array([1.0, 2.0, 5.0, np.nan])).tolist()
    [0.0, 25.0, 100.0, nan]
    """
    low, high = _min(x), _max(x)
    return _ratio(x - low, high - low) * (l_u[1] - l_u[0]) + l_u[0]


def n_zscore(x: Vector, m_sd: tuple[float, float] = (0.0, 1.0)) -> Vector:
    """Standardise to mean ``m`` and sample standard deviation ``sd`` (n − 1 divisor, as R's ``sd``).

    >>> n_zscore(np.array([1.0, 2.0, 3.0])).tolist()
    [-1.0, 0.0, 1.0]
    """
    if m_sd[1] <= 0:
        raise InvalidInput(f"m_sd standard deviation {m_sd[1]} must be positive", field="m_sd")
    values = _present(x)
    mean = float(values.mean()) if values.size else np.nan
    sd = float(values.std(ddof=1)) if values.size > 1 else np.nan
    return _ratio(x - mean, sd) * m_sd[1] + m_sd[0]


def n_scaled(x: Vector, npara: tuple[float, float] = (0.0, 100.0)) -> Vector:
    """The GII scaling ``(x − l)/(u − l) × 100`` with fixed ``l, u`` (not min-max).

    >>> n_scaled(np.array([2.0, 6.0]), npara=(2.0, 10.0)).tolist()
    [0.0, 50.0]
    """
    return _ratio(x - npara[0], npara[1] - npara[0]) * 100


def n_dist2max(x: Vector) -> Vector:
    """Distance to the maximum, ``1 − (max − x)/(max − min)``.

    >>> n_dist2max(np.array([0.0, 1.0, 4.0])).tolist()
    [0.0, 0.25, 1.0]
    """
    low, high = _min(x), _max(x)
    return 1 - _ratio(high - x, high - low)


def n_dist2ref(x: Vector, iref: int, cap_max: bool = False) -> Vector:
    """Distance to the value at position ``iref`` (0-based), ``1 − (x_ref − x)/(x_ref − min)``.

    >>> n_dist2ref(np.array([0.0, 2.0, 4.0]), iref=1, cap_max=True).tolist()
    [0.0, 1.0, 1.0]
    """
    if not 0 <= iref < len(x):
        raise InvalidInput(f"reference position {iref} is outside 0..{len(x) - 1}", field="iref")
    ref = float(x[iref])
    y = 1 - _ratio(ref - x, ref - _min(x))
    return _cap(y) if cap_max else y


def n_dist2targ(x: Vector, targ: float, direction: int = 1, cap_max: bool = False) -> Vector:
    """Distance to a target: ``(x − min)/(targ − min)``, or ``(max − x)/(max − targ)`` for direction −1.

    >>> n_dist2targ(np.array([0.0, 5.0, 12.0]), targ=10.0, cap_max=True).tolist()
    [0.0, 0.5, 1.0]
    """
    if np.isnan(targ):
        raise InvalidInput("target is missing", field="Target")
    if direction == 1:
        low = _min(x)
        y = _ratio(x - low, targ - low)
    else:
        high = _max(x)
        y = _ratio(high - x, high - targ)
    return _cap(y) if cap_max else y


def n_fracmax(x: Vector) -> Vector:
    """Fraction of the maximum, ``x / max``.

    >>> n_fracmax(np.array([1.0, 4.0])).tolist()
    [0.25, 1.0]
    """
    return _ratio(x, _max(x))


def n_rank(x: Vector) -> Vector:
    """Ranks, ties taking the minimum rank, missing values kept missing (R ``rank(ties = "min")``).

    >>> n_rank(np.array([3.0, 1.0, 3.0, np.nan])).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    ranks: Vector = pd.Series(x).rank(method="min", na_option="keep").to_numpy(dtype=float)
    return ranks


def n_borda(x: Vector) -> Vector:
    """Borda scores, ``rank − 1``.

    >>> n_borda(np.array([3.0, 1.0, 3.0])).tolist()
    [1.0, 0.0, 1.0]
    """
    return n_rank(x) - 1


def n_prank(x: Vector) -> Vector:
    """Percentile ranks, ``(rank − 1)/(n − 1)`` with n the number of non-missing values.

    >>> n_prank(np.array([3.0, 1.0, 3.0, 7.0, np.nan])).tolist()
    [0.3333333333333333, 0.0, 0.3333333333333333, 1.0, nan]
    """
    return _ratio(n_borda(x), float(_present(x).size - 1))


def n_goalposts(x: Vector, gposts: tuple[float, float, float], direction: int = 1, trunc2posts: bool = True) -> Vector:
    """Goalposts ``(x − l)/(u − l)`` (or ``(x − u)/(l − u)`` for direction −1), cut to [0, 1], times ``a``.

    >>> n_goalposts(np.array([-5.0, 5.0, 20.0]), gposts=(0.0, 10.0, 100.0)).tolist()
    [0.0, 50.0, 100.0]
    """
    low, high, scale = gposts
    y = _ratio(x - high, low - high) if direction == -1 else _ratio(x - low, high - low)
    return (_cap(y, upper=1.0, lower=0.0) if trunc2posts else y) * scale


def normalise(
    frame: pd.DataFrame, *, method: str = "n_minmax", directions: pd.Series | Mapping[str, int], **params: Any
) -> pd.DataFrame:
    """Normalise every column: multiply by its direction, then apply a COINr ``n_*`` method.

    Parameters (``l_u``, ``m_sd``, ``npara``, ``targets``, ``gposts``, ``cap_max``, ``trunc2posts``, ``iref``)
    are either one value for all indicators or a mapping from iCode to value.

    >>> data = pd.DataFrame({"a": [1.0, 3.0, 5.0], "b": [10.0, 20.0, 30.0]}, index=["x", "y", "z"])
    >>> normalise(data, directions={"a": 1, "b": -1}).to_dict("list")
    {'a': [0.0, 50.0, 100.0], 'b': [100.0, 50.0, 0.0]}
    """
    if method not in METHODS:
        raise InvalidInput(f"normalisation method {method!r} is not one of {', '.join(METHODS)}", field="method")
    out = {}
    for code in frame.columns:
        direction = _direction(directions, code)
        x = frame[code].to_numpy(dtype=float) * direction
        out[code] = _METHOD_CALLS[method](x, direction, _Params(params, str(code), frame.index))
    return pd.DataFrame(out, index=frame.index, columns=frame.columns, dtype=float)


def _direction(directions: pd.Series | Mapping[str, int], code: Any) -> int:
    if code not in directions:
        raise InvalidInput(f"no direction given for indicator {code}", field="directions")
    direction = directions[code]
    if direction not in (1, -1):
        raise InvalidInput(f"direction of {code} is {direction}, not 1 or -1", field="directions")
    return int(direction)


class _Params:
    """The parameters of one indicator: a global value, or the indicator's entry in a mapping."""

    def __init__(self, params: Mapping[str, Any], code: str, index: pd.Index) -> None:
        self.params, self.code, self.index = params, code, index

    def get(self, name: str, default: Any = None) -> Any:
        """The parameter for this indicator; a mapping without an entry for it is an error."""
        value = self.params.get(name, default)
        if isinstance(value, (Mapping, pd.Series)):
            if self.code not in value:
                raise InvalidInput(f"{name} has no entry for indicator {self.code}", field=name)
            return value[self.code]
        if value is None:
            raise InvalidInput(f"{name} is required for this normalisation method", field=name)
        return value

    def position(self, name: str) -> int:
        """The row position of the reference unit named by a parameter."""
        label = self.get(name)
        if label not in self.index:
            raise InvalidInput(f"reference unit {label} is not in the data", field=name)
        location = self.index.get_loc(label)
        if not isinstance(location, int):
            raise InvalidInput(f"reference unit {label} does not name a single row", field=name)
        return location


def _goalposts(x: Vector, direction: int, p: _Params) -> Vector:
    low, high, scale = (float(v) for v in p.get("gposts"))
    flipped = (-high, -low, scale) if direction == -1 else (low, high, scale)
    return n_goalposts(x, flipped, trunc2posts=bool(p.get("trunc2posts", True)))


_METHOD_CALLS: dict[str, Callable[[Vector, int, _Params], Vector]] = {
    "n_minmax": lambda x, d, p: n_minmax(x, tuple(p.get("l_u", (0.0, 100.0)))),
    "n_zscore": lambda x, d, p: n_zscore(x, tuple(p.get("m_sd", (0.0, 1.0)))),
    "n_scaled": lambda x, d, p: n_scaled(x, tuple(p.get("npara", (0.0, 100.0)))),
    "n_rank": lambda x, d, p: n_rank(x),
    "n_prank": lambda x, d, p: n_prank(x),
    "n_borda": lambda x, d, p: n_borda(x),
    "n_fracmax": lambda x, d, p: n_fracmax(x),
    "n_dist2max": lambda x, d, p: n_dist2max(x),
    "n_dist2ref": lambda x, d, p: n_dist2ref(x, p.position("iref"), bool(p.get("cap_max", False))),
    "n_dist2targ": lambda x, d, p: n_dist2targ(x, d * float(p.get("targets")), 1, bool(p.get("cap_max", False))),
    "n_goalposts": _goalposts,
    "none": lambda x, d, p: x,
}
