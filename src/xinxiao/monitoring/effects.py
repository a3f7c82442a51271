"""Window effects: what a holiday, promotion, event or voucher round did to spending, with an interval.

For a window and a region: turnover, transaction count, night share, non-local share, the daily mean
(and for voucher rounds the redemption, leverage and budget use), and the **uplift** of the window's
daily mean turnover over two baselines:

* ``last_year``: the same window a year earlier (the stored row, or the dates aligned on 春节 for
  lunar windows and on the calendar for the others), so the uplift is the window's YoY growth;
* ``pre_window``: the ``baseline_weeks`` weeks just before the window, so the uplift is the lift
  over ordinary days of the season.

The interval comes from the baseline's own variability (a bootstrap, seeded, so results repeat):
each replicate draws, with replacement from the baseline days, a pseudo-window of as many days as the
window and a pseudo-baseline of as many days as the baseline, and takes the ratio of their means. Those
ratios show how far a window mean can stray from a baseline mean by chance alone; dividing the observed
ratio by their 5th and 95th percentiles gives the 90 % interval of ``window mean / baseline mean``,
reported as uplift in % (point, low, high). With an uplift of zero the interval straddles 0. Baseline
days are resampled with their spread widened by √(n/(n−1)), the usual small-sample correction.
Measured in simulation (tests/monitoring/test_effects.py: 28 baseline days, 7 window days, normal noise
of 10 %), the nominal 90 % interval covered the planted uplift in 89 % of 200 runs, and in 85–88 % of
400 runs with 7 or 15 window days and 14 or 28 baseline days: percentile bootstrap intervals from a
few weeks of days run slightly narrow.

Assumptions, stated: window days vary around their level as baseline days do around theirs (relative
noise), days are exchangeable (no day-of-week pattern or autocorrelation is modelled, which a block
bootstrap would address), and the baseline holds at least ``MIN_BASELINE_DAYS`` days with data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from xinxiao.analytics import AnalyticsEngine
from xinxiao.core import NotFound, Principal, Scope
from xinxiao.monitoring.indicators import get_indicator
from xinxiao.monitoring.models import Window
from xinxiao.monitoring.query import CubeSources, cube_frame, frame_records, resolve_region
from xinxiao.monitoring.windows import get_window, previous_window

MIN_BASELINE_DAYS: Final = 7
DEFAULT_SEED: Final = 20240210
METHOD: Final = "bootstrap of baseline days (window-length and baseline-length means), ratio percentiles"


@dataclass(frozen=True, slots=True)
class Uplift:
    """The window's daily mean against one baseline, in %, with its interval."""

    baseline: str  # last_year | pre_window
    first: date
    last: date
    days: int
    window_mean: float
    baseline_mean: float
    point: float
    low: float
    high: float
    level: float
    method: str = METHOD


def uplift_interval(
    window: Sequence[float], baseline: Sequence[float], *, level: float = 0.9, replicates: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """Uplift in % of the window's mean over the baseline's, with a bootstrap interval (point, low, high).

    >>> baseline = [100.0, 90.0, 110.0, 105.0, 95.0, 100.0, 98.0, 102.0] * 3
    >>> point, low, high = uplift_interval([130.0, 125.0, 135.0, 130.0, 128.0, 132.0, 130.0], baseline, seed=1)
    >>> round(point, 1), low > 20, high < 40
    (30.0, True, True)
    """
    w, b = np.asarray(window, dtype="float64"), np.asarray(baseline, dtype="float64")
    if len(b) < MIN_BASELINE_DAYS or not len(w) or b.mean() <= 0:
        raise ValueError(f"an uplift needs a window and at least {MIN_BASELINE_DAYS} baseline days with turnover")
    ratio = w.mean() / b.mean()
    # Resample days spread as widely as the sample variance says (n − 1), not the narrower 1/n spread.
    b = b.mean() + (b - b.mean()) * np.sqrt(len(b) / (len(b) - 1))
    rng = np.random.default_rng(seed)
    pseudo_window = rng.choice(b, size=(replicates, len(w))).mean(axis=1)
    pseudo_baseline = rng.choice(b, size=(replicates, len(b))).mean(axis=1)
    chance = pseudo_window / pseudo_baseline
    low_q, high_q = np.quantile(chance, [(1 - level) / 2, (1 + level) / 2])
    return float((ratio - 1) * 100), float((ratio / high_q - 1) * 100), float((ratio / low_q - 1) * 100)


@dataclass(frozen=True)
class WindowEffect:
    """A window's figures in one region, its uplifts, and the daily turnover behind them."""

    window: Window
    region: str
    metrics: dict[str, float | None]
    uplifts: list[Uplift]
    daily: pd.DataFrame  # period, value (万元), segment: window | pre_window | last_year
    vintage: str
    synthetic: bool
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API and the page."""
        w = self.window
        return {
            "window": {
                "code": w.code, "year": w.year, "name_zh": w.name_zh, "name_en": w.name_en, "kind": w.kind,
                "region": w.region_adcode, "start": w.start_date.isoformat(), "end": w.end_date.isoformat(),
                "alignment": w.alignment, "budget_yuan": w.budget_yuan, "note": w.note, "synthetic": w.synthetic,
            },
            "region": self.region,
            "metrics": self.metrics,
            "uplifts": [_uplift_dict(u) for u in self.uplifts],
            "daily": frame_records(self.daily),
            "unit": {"turnover": "万元", "count": "笔", "shares": "%", "uplift": "%"},
            "vintage": self.vintage,
            "synthetic": self.synthetic or w.synthetic,
            "notes": self.notes,
        }  # fmt: skip


def _uplift_dict(u: Uplift) -> dict[str, Any]:
    return {
        "baseline": u.baseline, "from": u.first.isoformat(), "to": u.last.isoformat(), "days": u.days,
        "window_mean": u.window_mean, "baseline_mean": u.baseline_mean, "point": u.point, "low": u.low,
        "high": u.high, "level": u.level, "method": u.method,
    }  # fmt: skip


def window_effect(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: CubeSources | None,
    code: str,
    year: int,
    region: str | None = None,
    baseline_weeks: int = 4,
    level: float = 0.9,
    replicates: int = 2000,
    seed: int = DEFAULT_SEED,
) -> WindowEffect:
    """Turnover, count, night and non-local share and uplift (vs last year and the weeks before) of a window."""
    if cubes is None:
        raise NotFound("数据湖中还没有可用的指标立方体 (no cube has been built yet)")
    window = get_window(session, actor=actor, code=code, year=year)
    code_region = resolve_region(actor, region or _default_region(actor.scope, window.region_adcode))
    first, last = window.start_date, window.end_date
    pre = (first - timedelta(weeks=baseline_weeks), first - timedelta(days=1))
    before = previous_window(session, window)
    daily = _daily(engine, cubes, code_region, [("pre_window", *pre), ("window", first, last), ("last_year", *before)])
    notes: list[str] = []
    uplifts = [
        u for u in (_uplift(daily, name, level, replicates, seed, notes) for name in ("last_year", "pre_window")) if u
    ]
    metrics = _metrics(engine, cubes, code_region, window)
    vintage = cubes.vintage or f"lake v{cubes.version}"
    return WindowEffect(window, code_region, metrics, uplifts, daily, vintage, cubes.synthetic, notes)


def _default_region(scope: Scope, window_region: str) -> str:
    """The more local of the window's region and the actor's scope (they lie on one line of the tree)."""
    return window_region if len(Scope(window_region).prefix) > len(scope.prefix) else scope.adcode


def _daily(
    engine: AnalyticsEngine, cubes: CubeSources, region: str, segments: list[tuple[str, date, date]]
) -> pd.DataFrame:
    indicator = get_indicator("payment_turnover")
    frames = []
    for name, first, last in segments:
        frame = cube_frame(engine, cubes, indicator, region=region, start=first, end=last, grain="day")
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        # Within a segment that has data, a day without rows had no turnover; a segment without any
        # rows is missing (the lake does not reach that far back), not zero.
        values = frame.set_index("period")["value"].reindex(days, fill_value=0.0 if len(frame) else np.nan)
        frames.append(pd.DataFrame({"period": days, "value": values.to_numpy("float64"), "segment": name}))
    return pd.concat(frames, ignore_index=True)


def _uplift(
    daily: pd.DataFrame, baseline: str, level: float, replicates: int, seed: int, notes: list[str]
) -> Uplift | None:
    window = daily[daily["segment"] == "window"]["value"].dropna()
    base_rows = daily[daily["segment"] == baseline]
    base = base_rows["value"].dropna()
    try:
        point, low, high = uplift_interval(
            window.tolist(), base.tolist(), level=level, replicates=replicates, seed=seed
        )
    except ValueError as exc:
        notes.append(f"{baseline}: {exc}")
        return None
    first, last = base_rows["period"].min(), base_rows["period"].max()
    return Uplift(baseline, first, last, len(base), float(window.mean()), float(base.mean()), point, low, high, level)


_METRICS: Final = {
    "turnover": "payment_turnover",
    "count": "payment_count",
    "night_share": "night_share",
    "nonlocal_share": "nonlocal_share",
}
_VOUCHER_METRICS: Final = {"voucher_redemption": "voucher_redemption", "voucher_leverage": "voucher_leverage"}


def _metrics(engine: AnalyticsEngine, cubes: CubeSources, region: str, window: Window) -> dict[str, float | None]:
    names = _METRICS | (_VOUCHER_METRICS if window.kind == "voucher" else {})
    metrics: dict[str, float | None] = {}
    for key, indicator_id in names.items():
        frame = cube_frame(
            engine, cubes, get_indicator(indicator_id), region=region, start=window.start_date,
            end=window.end_date, grain="total",
        )  # fmt: skip
        value = frame["value"].iloc[0] if len(frame) else np.nan
        metrics[key] = None if pd.isna(value) else float(value)
    days = (window.end_date - window.start_date).days + 1
    metrics["daily_mean"] = metrics["turnover"] / days if metrics["turnover"] is not None else None
    if window.kind == "voucher" and window.budget_yuan and metrics.get("voucher_redemption") is not None:
        metrics["budget_use"] = metrics["voucher_redemption"] * 10_000 / window.budget_yuan * 100  # type: ignore[operator]
    return metrics
