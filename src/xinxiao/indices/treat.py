"""Outlier treatment as COINr's default ``Treat`` (``R/treat.R``): winsorise, else a log transform.

For each indicator (missing values left out throughout):

1. test ``check_SkewKurt``: pass when ``|skew| < skew_thresh`` **or** ``kurt < kurt_thresh``, with COINr's
   ``skew``/``kurt`` (e1071 type 2: the adjusted Fisher–Pearson skewness and the adjusted *excess* kurtosis,
   equal to ``scipy.stats.skew/kurtosis(bias=False)``);
2. if it fails, winsorise one step at a time on the side given by the sign of the current skew (``skew ≥ 0``:
   high): every point equal to the extreme takes the next value in, so ties move together and previously moved
   points move again; re-test after each step; stop when it passes or ``nwin ≥ winmax``, where ``nwin``
   counts the points sitting at the moved extreme(s) — so ties can take ``nwin`` past ``winmax``;
3. if it still fails, discard the winsorisation (``combine_treat = FALSE``) and apply ``f2`` to the original
   values: ``log_CT`` = ``log(x − min + 0.01·(max − min))`` or ``log_CT_orig`` = ``log(x − min + 1)``; the
   result is tested again and reported, but not treated further.

A constant indicator has no skew (0/0): COINr's test returns NA and it is returned untreated with a warning;
here its status is ``"untestable"``. COINr stops on fewer than 4 non-missing values (kurtosis needs 4); this
raises :class:`InvalidInput`. If winsorising ever makes the skew undefined (everything tied), COINr errors in
its loop; here winsorisation stops and the indicator is returned untreated as ``"untestable"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput

Vector = np.ndarray
TRANSFORMS = ("log_CT", "log_CT_orig")


def skew(x: Vector) -> float:
    """Sample skewness as COINr's ``skew`` (e1071 type 2, Excel's SKEW); NaN when undefined.

    >>> round(skew(np.array([1.0, 2.0, 3.0, 10.0])), 6)
    1.763633
    """
    values = x[~np.isnan(x)]
    n = values.size
    if n < 3:
        raise InvalidInput(f"skewness needs at least 3 values, {n} given")
    dev = values - values.mean()
    m2 = float(np.sum(dev**2))
    if m2 == 0:
        return np.nan
    g1 = np.sqrt(n) * float(np.sum(dev**3)) / m2**1.5
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: Vector) -> float:
    """Sample excess kurtosis as COINr's ``kurt`` (e1071 type 2, Excel's KURT); NaN when undefined.

    >>> round(kurt(np.array([1.0, 2.0, 3.0, 10.0])), 6)
    3.228
    """
    values = x[~np.isnan(x)]
    n = values.size
    if n < 4:
        raise InvalidInput(f"kurtosis needs at least 4 values, {n} given")
    dev = values - values.mean()
    m2 = float(np.sum(dev**2))
    if m2 == 0:
        return np.nan
    r = n * float(np.sum(dev**4)) / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


class Check(NamedTuple):
    """A skew/kurtosis test: ``passed`` is None when the moments are undefined."""

    passed: bool | None
    skew: float
    kurt: float


def check_skew_kurt(x: Vector, *, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> Check:
    """COINr's ``check_SkewKurt``: pass when ``|skew| < skew_thresh`` or ``kurt < kurt_thresh``.

    >>> check_skew_kurt(np.array([1.0, 2.0, 3.0, 4.0, 5.0, 60.0])).passed
    False
    """
    s, k = skew(x), kurt(x)
    if np.isnan(s) or np.isnan(k):
        return Check(None, s, k)
    return Check(bool(abs(s) < skew_thresh or k < kurt_thresh), s, k)


class Winsorised(NamedTuple):
    """The winsorised values, the count COINr reports, and the positions moved on each side."""

    x: Vector
    nwin: int
    high: tuple[int, ...]
    low: tuple[int, ...]
    check: Check


def winsorise(x: Vector, *, winmax: int | None = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> Winsorised:
    """COINr's ``winsorise``: move the extreme point(s) to the next value in until the test passes or winmax.

    >>> w = winsorise(np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 30.0, 100.0]), winmax=5)
    >>> w.x[-2:].tolist(), w.nwin, w.high
    ([30.0, 30.0], 1, (11,))
    """
    x = x.astype(float)
    check = check_skew_kurt(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    high: tuple[int, ...] = ()
    low: tuple[int, ...] = ()
    nwin = 0
    while check.passed is False and (winmax is None or nwin < winmax):
        side_high = skew(x) >= 0
        moved = _move_extreme(x, high=side_high)
        high, low = (moved, low) if side_high else (high, moved)
        nwin = len(high) + len(low)
        check = check_skew_kurt(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    return Winsorised(x, nwin, high, low, check)


def _move_extreme(x: Vector, *, high: bool) -> tuple[int, ...]:
    present = ~np.isnan(x)
    extreme = np.max(x[present]) if high else np.min(x[present])
    at_extreme = present & (x == extreme)
    rest = x[present & ~at_extreme]
    x[at_extreme] = (np.max(rest) if high else np.min(rest)) if rest.size else extreme
    return tuple(int(i) for i in np.flatnonzero(at_extreme))


def log_ct(x: Vector, *, orig: bool = False) -> Vector:
    """COINr's ``log_CT`` ``log(x − min + 0.01·(max − min))``, or ``log_CT_orig`` ``log(x − min + 1)``.

    >>> log_ct(np.array([0.0, 100.0])).round(6).tolist()
    [0.0, 4.615121]
    """
    values = x[~np.isnan(x)]
    low, high = float(values.min()), float(values.max())
    with np.errstate(divide="ignore"):
        return np.asarray(np.log(x - low + (1.0 if orig else 0.01 * (high - low))), dtype=float)


@dataclass(frozen=True)
class TreatSpec:
    """The treatment of one indicator (COINr's ``f1_para``/``f2``/``f_pass_para`` defaults)."""

    winmax: int | None = 5
    skew_thresh: float = 2.0
    kurt_thresh: float = 3.5
    f2: str | None = "log_CT"
    combine_treat: bool = False


class Treatment(NamedTuple):
    """Treated data, one row of details per indicator, and per point what was done (``winhi``, ``log_CT``…)."""

    frame: pd.DataFrame
    table: pd.DataFrame
    points: pd.DataFrame


def treat(
    frame: pd.DataFrame,
    *,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    f2: str | None = "log_CT",
    combine_treat: bool = False,
    overrides: Mapping[str, Mapping[str, Any] | str] | None = None,
) -> Treatment:
    """Treat every column as COINr's default ``Treat``; ``overrides`` maps an iCode to spec changes or ``"none"``.

    >>> data = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100]})
    >>> result = treat(data)
    >>> result.frame["a"].max(), result.table.loc["a", "status"], result.table.loc["a", "winsorised_high"]
    (np.float64(30.0), 'winsorised', '11')
    """
    base = _checked(TreatSpec(winmax, skew_thresh, kurt_thresh, f2, combine_treat))
    labels = [str(unit) for unit in frame.index]
    results = {str(c): _treat_column(frame[c], labels, _spec(base, overrides, str(c))) for c in frame.columns}
    treated = pd.DataFrame({code: r[0] for code, r in results.items()}, index=frame.index, dtype=float)
    table = pd.DataFrame([r[1] for r in results.values()], index=pd.Index(list(results), name="iCode"))
    points = pd.DataFrame({code: r[2] for code, r in results.items()}, index=frame.index, dtype=object)
    return Treatment(treated, table, points)


def _spec(base: TreatSpec, overrides: Mapping[str, Mapping[str, Any] | str] | None, code: str) -> TreatSpec | None:
    change = (overrides or {}).get(code)
    if change is None:
        return base
    if change == "none":
        return None
    if isinstance(change, str):
        raise InvalidInput(f"override for {code} must be a mapping or 'none'", field="overrides")
    return _checked(replace(base, **dict(change)))


def _checked(spec: TreatSpec) -> TreatSpec:
    if spec.f2 is not None and spec.f2 not in TRANSFORMS:
        raise InvalidInput(f"f2 {spec.f2!r} is not one of {', '.join(TRANSFORMS)}", field="f2")
    return spec


_Column = tuple[Vector, dict[str, Any], list[str]]


def _treat_column(column: pd.Series, units: list[str], spec: TreatSpec | None) -> _Column:
    x = column.to_numpy(dtype=float)
    blank = [""] * len(x)
    if spec is None:
        return x, _row("skipped"), blank
    try:
        first = check_skew_kurt(x, skew_thresh=spec.skew_thresh, kurt_thresh=spec.kurt_thresh)
    except InvalidInput as error:
        raise InvalidInput(f"indicator {column.name}: {error.detail}", field=str(column.name)) from None
    if first.passed is None:
        return x, _row("untestable", first), blank
    if first.passed:
        return x, _row("passed", first), blank
    return _winsorise_then_transform(x, units, spec, first)


def _winsorise_then_transform(x: Vector, units: list[str], spec: TreatSpec, first: Check) -> _Column:
    win = winsorise(x, winmax=spec.winmax, skew_thresh=spec.skew_thresh, kurt_thresh=spec.kurt_thresh)
    labels = _labels(len(x), win)
    row = _row("winsorised", first, win, units)
    if win.check.passed is None:
        return x, {**row, "status": "untestable"}, [""] * len(x)
    if win.check.passed or spec.f2 is None:
        return win.x, {**row, "status": "winsorised" if win.check.passed else "failed"}, labels
    start = win.x if spec.combine_treat else x
    logged = log_ct(start, orig=spec.f2 == "log_CT_orig")
    last = check_skew_kurt(logged, skew_thresh=spec.skew_thresh, kurt_thresh=spec.kurt_thresh)
    status = "transformed" if last.passed else "failed"
    prefix = labels if spec.combine_treat else [""] * len(x)
    marks = [f"{p}+{spec.f2}" if p else spec.f2 for p in prefix]
    extra = {"transform": spec.f2, "skew_2": last.skew, "kurt_2": last.kurt, "pass_2": last.passed, "status": status}
    return logged, {**row, **extra}, [m if not np.isnan(v) else "" for m, v in zip(marks, x, strict=True)]


def _labels(n: int, win: Winsorised) -> list[str]:
    labels = [""] * n
    for i in win.high:
        labels[i] = "winhi"
    for i in win.low:
        labels[i] = "winlo"
    return labels


def _row(
    status: str, first: Check | None = None, win: Winsorised | None = None, units: list[str] | None = None
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "skew_0": np.nan,
        "kurt_0": np.nan,
        "pass_0": None,
        "n_winsorised": 0,
        "winsorised_high": "",
        "winsorised_low": "",
        "skew_1": np.nan,
        "kurt_1": np.nan,
        "pass_1": None,
        "transform": "",
        "skew_2": np.nan,
        "kurt_2": np.nan,
        "pass_2": None,
        "status": status,
    }
    if first is not None:
        row.update(skew_0=first.skew, kurt_0=first.kurt, pass_0=first.passed)
    if win is not None:
        row.update(n_winsorised=win.nwin, skew_1=win.check.skew, kurt_1=win.check.kurt, pass_1=win.check.passed)
        row.update(winsorised_high=", ".join(units[i] for i in win.high) if units else "")
        row.update(winsorised_low=", ".join(units[i] for i in win.low) if units else "")
    return row
