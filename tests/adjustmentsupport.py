"""Synthetic series with planted festival effects, and diagnostics, for the seasonal-adjustment tests."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from xinxiao.monitoring.adjustment import Adjustment, comparable_levels, national_retail_monthly
from xinxiao.monitoring.holidays_regressors import daily_holiday_regressors, holiday_regressors

MONTHS = pd.period_range("2008-01", "2024-12", freq="M")
SIGMA = 0.005  # irregular noise in log points (0.5%), about what the national retail series shows
SEASONAL = np.array([0.06, -0.12, -0.02, -0.03, 0.0, 0.01, -0.02, -0.01, 0.03, 0.05, 0.04, 0.10])
DAILY_TRUTH = {"spring[-20,-8]": 0.10, "spring[-7,-1]": 0.25, "spring[0,6]": -0.30, "spring[7,14]": -0.05}


def planted_monthly(seed: int, effects: Mapping[str, float], sigma: float = SIGMA) -> pd.Series:
    """Monthly 2008–2024: smooth trend with a cycle, stable seasonality, planted festival effects, noise."""
    rng, t = np.random.default_rng(seed), np.arange(len(MONTHS))
    trend = 8 + 0.006 * t + 0.02 * np.sin(2 * np.pi * t / 60)
    regressors = holiday_regressors(MONTHS, list(effects))
    holiday = sum(regressors[key].to_numpy() * size for key, size in effects.items())
    seasonal = np.tile(SEASONAL - SEASONAL.mean(), len(MONTHS) // 12)
    return pd.Series(np.exp(trend + seasonal + holiday + rng.normal(0, sigma, len(MONTHS))), index=MONTHS)


def theoretical_se(key: str, sigma: float = SIGMA) -> float:
    """The OLS standard error of a festival coefficient if trend and seasonality were known: σ / √ΣH²."""
    h = holiday_regressors(MONTHS, [key])[key].to_numpy()
    return float(sigma / np.sqrt(h @ h))


def merge_jan_feb(series: pd.Series) -> pd.Series:
    """The series as NBS releases it: each 1–2月 total at February, January missing."""
    out, months = series.copy(), pd.PeriodIndex(series.index).month
    out[months == 2] = out[months == 2].to_numpy() + out[months == 1].to_numpy()
    out[months == 1] = np.nan
    return out


def planted_daily(seed: int, sigma: float = 0.03) -> pd.Series:
    """Daily 2016–2021: weekly and yearly patterns, a 春节 profile (DAILY_TRUTH by sub-window), noise."""
    days = pd.date_range("2016-01-01", "2021-12-31", freq="D")
    rng, t = np.random.default_rng(seed), np.arange(len(days))
    weekly = np.array([0.0, -0.03, -0.04, -0.02, 0.02, 0.08, 0.06])[days.day_of_week]
    yearly = 0.08 * np.cos(2 * np.pi * (days.day_of_year - 200) / 365.25)
    regressors = daily_holiday_regressors(days, ["spring"])
    holiday = sum(regressors[key].to_numpy() * size for key, size in DAILY_TRUTH.items())
    noise = rng.normal(0, sigma, len(days))
    return pd.Series(np.exp(10 + 0.0002 * t + weekly + yearly + holiday + noise), index=days)


def growth(series: pd.Series, lag: int = 1) -> pd.Series:
    """Log growth over ``lag`` periods."""
    logs: pd.Series = np.log(series)
    return logs.diff(lag)


def smoothness_ratio(adjustment: Adjustment) -> float:
    """sd of the adjusted series' monthly log growth over that of the observed series."""
    return float(growth(adjustment.adjusted).std() / growth(adjustment.observed).std())


def calendar_month_r2(series: pd.Series) -> float:
    """Share of the variance of monthly log growth explained by calendar-month dummies (residual seasonality)."""
    g = growth(series).dropna()
    dummies = pd.get_dummies(pd.PeriodIndex(g.index).month).to_numpy(dtype=float)
    fitted = dummies @ np.linalg.lstsq(dummies, g.to_numpy(), rcond=None)[0]
    return float(1 - np.var(g.to_numpy() - fitted) / np.var(g.to_numpy()))


def national_comparable() -> pd.Series:
    """The national 社零 series 2012–2018 on one comparable basis (chained by published YoY), 1–2月 merged."""
    return comparable_levels(national_retail_monthly(), national_retail_monthly("retail_sales_total_yoy_pct"))
