"""Seasonal and moving-holiday adjustment by STL/MSTL with festival regressors (pure Python, always available).

The model is multiplicative: ``log y = trend + seasonal + Σ β_f·H_f + irregular`` where ``H_f`` are the
centred festival regressors of :mod:`holidays_regressors`. STL has no regressors, so the two parts are fitted by
backfitting: decompose ``log y − Hβ`` with robust STL, estimate ``β`` by weighted least squares of the
remainder on ``H`` (STL's robustness weights), repeat until ``β`` settles. ``β_f`` is in log points per unit
of the regressor: a month holding the whole window (share 1 above its usual share) is ``exp(β_f) − 1`` higher.
See ``docs/adjustment.md`` for the known-answer evidence and the results on the national series.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from xinxiao.core import InvalidInput
from xinxiao.monitoring.holidays_regressors import (
    DEFAULT_FESTIVALS,
    daily_holiday_regressors,
    holiday_regressors,
    is_merged_jan_feb,
    split_jan_feb,
)

MIN_REGRESSOR_SD = 1e-3
_Decomposer = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


class Effect(NamedTuple):
    """A festival's estimated effect in log points per unit of its regressor, with its standard error."""

    coef: float
    se: float


@dataclass(frozen=True)
class Adjustment:
    """The result of an adjustment; ``observed = trend × seasonal × holiday × irregular`` (factors near 1)."""

    observed: pd.Series
    adjusted: pd.Series
    seasonal: pd.Series
    holiday: pd.Series
    trend: pd.Series
    irregular: pd.Series
    effects: dict[str, Effect]
    regressors: pd.DataFrame
    method: str
    params: dict[str, Any] = field(default_factory=dict)


def prepare_monthly(series: pd.Series, *, min_years: int = 3) -> tuple[pd.Series, bool]:
    """A regular, positive monthly series on a PeriodIndex, 1–2月 totals split; and whether they were merged."""
    if not isinstance(series.index, (pd.PeriodIndex, pd.DatetimeIndex)):
        raise InvalidInput("a monthly series needs a PeriodIndex or DatetimeIndex", field="index")
    index = series.index.to_period("M") if isinstance(series.index, pd.DatetimeIndex) else series.index.asfreq("M")
    values = pd.Series(series.to_numpy(dtype=float), index=index).sort_index()
    values = values.reindex(pd.period_range(values.index.min(), values.index.max(), freq="M"))
    merged = is_merged_jan_feb(values)
    if merged:
        values = split_jan_feb(values)
    _check_values(values, min_years * 12)
    return values, merged


def _check_values(values: pd.Series, min_length: int) -> None:
    missing = values.index[values.isna()]
    if len(missing):
        raise InvalidInput(f"value missing for {missing[0]} (only a merged 1–2月 may be missing)", field="value")
    bad = values.index[values <= 0]
    if len(bad):
        raise InvalidInput(f"value {values[bad[0]]} for {bad[0]} is not positive (the model is multiplicative)")
    if len(values) < min_length:
        raise InvalidInput(f"{len(values)} periods given, at least {min_length} needed", field="value")


def identifiable(regressors: pd.DataFrame) -> list[str]:
    """The regressors that move enough in the sample to be estimated (sd ≥ MIN_REGRESSOR_SD).

    >>> identifiable(pd.DataFrame({"a": [0.0, 0.3, -0.3], "b": [0.0, 0.0, 1e-5]}))
    ['a']
    """
    return [str(c) for c in regressors.columns if float(regressors[c].std(ddof=0)) >= MIN_REGRESSOR_SD]


def _wls(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least squares without intercept (the remainder has mean ~0)."""
    sw = np.sqrt(w)
    beta, *_ = np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)
    return np.asarray(beta)


def _remainder(decompose: _Decomposer, values: np.ndarray) -> np.ndarray:
    trend, seasonal, _ = decompose(values)
    return values - trend - seasonal


def covariance(linear: _Decomposer, x: np.ndarray, remainder: np.ndarray, *, probes: int = 30) -> np.ndarray:
    """Covariance of β linearised around the non-robust smoother ``linear`` (residual maker M = I − P).

    The remainder shrinks noise by ``tr(M'M)/n`` (estimated from Rademacher probes, seeded), so
    ``σ² = Σ r² / (tr(M'M) − k)``; by Frisch–Waugh, ``cov = σ² (X̃'X̃)⁻¹`` with ``X̃ = M X``. Robustness
    weights are left out: they protect the estimate from outliers, and the SE stays that of the linear fit.
    """
    n, k = x.shape
    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=(probes, n))
    trace = float(np.mean([np.sum(_remainder(linear, z) ** 2) for z in signs]))
    x_tilde = np.column_stack([_remainder(linear, column) for column in x.T])
    sigma2 = float(remainder @ remainder) / max(trace - k, 1.0)
    return np.asarray(sigma2 * np.linalg.pinv(x_tilde.T @ x_tilde))


def linear_solution(linear: _Decomposer, x: np.ndarray, logy: np.ndarray) -> np.ndarray:
    """The fixed point of non-robust backfitting, solved directly: ``β = (X'MX)⁻¹ X'M y`` with ``M = I − P``."""
    mx = np.column_stack([_remainder(linear, column) for column in x.T])
    return np.asarray(np.linalg.lstsq(x.T @ mx, x.T @ _remainder(linear, logy), rcond=None)[0])


def backfit(
    logy: np.ndarray,
    x: np.ndarray,
    decompose: _Decomposer,
    *,
    start: np.ndarray | None = None,
    max_iter: int = 50,
    tol: float = 1e-7,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Alternate ``decompose(logy − xβ)`` and WLS of the remainder on ``x``: β, trend, seasonal, weights, iterations."""
    beta, iterations = np.zeros(x.shape[1]) if start is None else start, 0
    while x.shape[1] and iterations < max_iter:
        iterations += 1
        trend, seasonal, weights = decompose(logy - x @ beta)
        new_beta = _wls(logy - trend - seasonal, x, weights)
        step, beta = float(np.max(np.abs(new_beta - beta))), new_beta
        if step < tol:
            break
    trend, seasonal, weights = decompose(logy - x @ beta)
    return beta, trend, seasonal, weights, iterations


def _stl(period: int, seasonal: int, robust: bool, trend: int | None = None) -> _Decomposer:
    # Long windows are evaluated every ~10th point and interpolated (statsmodels' *_jump), 20 times faster.
    jumps = {"trend_jump": max(1, (trend or 0) // 10), "seasonal_jump": max(1, seasonal // 10)}

    def decompose(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        res = STL(values, period=period, seasonal=seasonal, trend=trend, robust=robust, **jumps).fit()
        return np.asarray(res.trend), np.asarray(res.seasonal), np.asarray(res.weights)

    return decompose


def fourier_terms(index: pd.DatetimeIndex, harmonics: int) -> pd.DataFrame:
    """Yearly sine and cosine pairs (period 365.2425 days) on a daily index.

    >>> fourier_terms(pd.date_range("2000-01-01", periods=2), 1).round(4).to_numpy().tolist()
    [[0.0, 1.0], [0.0172, 0.9999]]
    """
    years = (index - pd.Timestamp("2000-01-01")).days.to_numpy() / 365.2425
    columns = {}
    for k in range(1, harmonics + 1):
        columns[f"sin{k}"], columns[f"cos{k}"] = np.sin(2 * np.pi * k * years), np.cos(2 * np.pi * k * years)
    return pd.DataFrame(columns, index=index)


def _fit(
    observed: pd.Series,
    regressors: pd.DataFrame,
    smoothers: tuple[_Decomposer, _Decomposer],
    *,
    seasonal_terms: pd.DataFrame | None = None,
    **backfit_args: Any,
) -> tuple[dict[str, pd.Series], dict[str, Effect], dict[str, Any]]:
    """Backfit the robust smoother with the identifiable regressors (and seasonal terms); linearised SEs."""
    used, logy = identifiable(regressors), np.log(observed.to_numpy(dtype=float))
    extra = np.empty((len(logy), 0)) if seasonal_terms is None else seasonal_terms.to_numpy(dtype=float)
    x, k = np.column_stack([regressors[used].to_numpy(dtype=float), extra]), len(used)
    start = linear_solution(smoothers[1], x, logy) if x.shape[1] else None
    beta, trend, seasonal, _, iterations = backfit(logy, x, smoothers[0], start=start, **backfit_args)
    holiday, seasonal = x[:, :k] @ beta[:k], seasonal + x[:, k:] @ beta[k:]
    irregular = logy - trend - seasonal - holiday
    cov = covariance(smoothers[1], x, irregular) if x.shape[1] else np.zeros((0, 0))
    effects = {str(c): Effect(float("nan"), float("nan")) for c in regressors.columns}
    effects.update({c: Effect(float(beta[i]), float(np.sqrt(cov[i, i]))) for i, c in enumerate(used)})
    logs = {"adjusted": logy - seasonal - holiday, "seasonal": seasonal, "holiday": holiday, "trend": trend}
    parts = {name: pd.Series(np.exp(v), index=observed.index, name=name) for name, v in logs.items()}
    parts["irregular"] = pd.Series(np.exp(irregular), index=observed.index, name="irregular")
    return parts, effects, {"iterations": iterations, "not_identified": sorted(set(effects) - set(used))}


def adjust_stl(
    series: pd.Series,
    *,
    festivals: Sequence[str] = DEFAULT_FESTIVALS,
    window: Mapping[str, tuple[int, int]] | None = None,
    seasonal: int = 13,
    robust: bool = True,
) -> Adjustment:
    """Adjust a monthly series for seasonality and moving festivals by robust STL (period 12) with backfitting.

    A series whose Januaries are missing and whose Februaries hold the 1–2月 totals is split first.

    >>> idx = pd.period_range("2010-01", periods=72, freq="M")
    >>> y = pd.Series(100 * np.exp(0.004 * np.arange(72) + 0.1 * np.cos(np.arange(72) * np.pi / 6)), index=idx)
    >>> adj = adjust_stl(y, festivals=["spring"])
    >>> round(float(adj.adjusted.pct_change().std()), 4) < 0.001, abs(adj.effects["spring"].coef) < 0.01
    (True, True)
    """
    observed, merged = prepare_monthly(series)
    regressors = holiday_regressors(observed.index, festivals, window, merged_jan_feb=merged)
    parts, effects, info = _fit(observed, regressors, (_stl(12, seasonal, robust), _stl(12, seasonal, False)))
    params = {"period": 12, "seasonal": seasonal, "robust": robust, "merged_jan_feb": merged, "window": window}
    return Adjustment(observed, **parts, effects=effects, regressors=regressors, method="stl", params=params | info)


def adjust_stl_daily(
    series: pd.Series,
    *,
    festivals: Sequence[str] = ("spring",),
    window: Mapping[str, tuple[int, int]] | None = None,
    harmonics: int = 6,
    weekly_seasonal: int = 31,
    trend_days: int = 365,
    robust: bool = True,
) -> Adjustment:
    """Adjust a daily series: STL for the weekly pattern and trend, yearly Fourier terms and festival dummies.

    The yearly pattern is ``harmonics`` sine/cosine pairs estimated jointly with the festival sub-window dummies
    (backfitted against STL with period 7 and a ``trend_days`` trend window): MSTL's period-365 STL takes
    seconds per fit and its seasonal soaks up part of a festival that moves by a month.
    """
    if not isinstance(series.index, pd.DatetimeIndex):
        raise InvalidInput("a daily series needs a DatetimeIndex", field="index")
    observed = series.astype(float).asfreq("D")
    days = pd.DatetimeIndex(observed.index)
    _check_values(observed, 2 * 365)
    regressors = daily_holiday_regressors(days, festivals, window)
    stl = (_stl(7, weekly_seasonal, robust, trend_days), _stl(7, weekly_seasonal, False, trend_days))
    fourier = fourier_terms(days, harmonics)
    parts, effects, info = _fit(observed, regressors, stl, seasonal_terms=fourier, tol=1e-5)
    params = {"period": 7, "harmonics": harmonics, "weekly_seasonal": weekly_seasonal, "trend_days": trend_days}
    params |= {"robust": robust, "window": window} | info
    return Adjustment(observed, **parts, effects=effects, regressors=regressors, method="stl+fourier", params=params)


def national_retail_monthly(column: str = "retail_sales_total_100m_yuan") -> pd.Series:
    """The national monthly 社零 series 2012–2018 shipped in ``data/official`` (亿元), 1–2月 totals at February.

    >>> s = national_retail_monthly()
    >>> str(s.index[1]), float(s.iloc[1]), bool(np.isnan(s.iloc[0]))
    ('2012-02', 33668.6, True)
    """
    path = resources.files("xinxiao.monitoring").joinpath("data/official/nbs_retail_monthly_2012_2018.csv")
    with path.open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle)
    index = pd.PeriodIndex(frame["period_end"], freq="M")
    values = pd.Series(frame[column].to_numpy(dtype=float), index=index, name=column)
    start = index.min() - 1 if index.min().month == 2 else index.min()
    return values.reindex(pd.period_range(start, index.max(), freq="M"))


def comparable_levels(levels: pd.Series, yoy_pct: pd.Series) -> pd.Series:
    """Levels on one comparable basis: the first 12 months as published, later ones chained by published YoY.

    NBS levels are revised between years (2015-10 is 18% above 2014-10 while the published growth is 11.0%),
    so the published YoY on the comparable basis (可比口径) is the consistent signal.

    >>> idx = pd.period_range("2012-01", periods=14, freq="M")
    >>> lv = pd.Series(range(100, 114), index=idx, dtype=float)
    >>> comparable_levels(lv, pd.Series(10.0, index=idx)).iloc[12:].tolist()
    [110.00000000000001, 111.10000000000001]
    """
    out = levels.astype(float).copy()
    growth = 1 + yoy_pct.reindex(out.index).to_numpy(dtype=float) / 100
    for i in range(12, len(out)):
        if not np.isnan(growth[i]):
            out.iloc[i] = out.iloc[i - 12] * growth[i]
    return out
