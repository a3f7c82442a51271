"""Moving-holiday regressors for China's lunar festivals (春节, 端午, 中秋), monthly and daily.

A festival's effect window (``start``..``end`` days around the festival day, from ``data/adjustment.yaml``)
moves between months from year to year. The monthly regressor is the share of the window falling in each
month, minus its long-run mean for that calendar month (X-13 genhol's ``center=mean``): the fixed part of the
effect stays in the seasonal factors, the regressor carries only the moving part. China releases January and
February as one figure (1–2月); :func:`split_jan_feb` turns such a series into a regular monthly one and
``merged_jan_feb=True`` treats the regressors the same way, so that only the identifiable part of an effect
(the window days leaving Jan–Feb) is estimated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from xinxiao import reference
from xinxiao.core import InvalidInput

DEFAULT_FESTIVALS = ("spring", "dragon_boat", "mid_autumn")
_ANCHORS: dict[str, Callable[[int], date]] = {
    "spring_festival": reference.calendar.spring_festival,
    "dragon_boat": reference.calendar.dragon_boat,
    "mid_autumn": reference.calendar.mid_autumn,
}
_MAX_OFFSET = 200


@dataclass(frozen=True)
class FestivalWindow:
    """The effect window of one festival: days ``start``..``end`` (inclusive) around the festival day."""

    key: str
    name: str
    anchor: str
    start: int
    end: int
    daily_bins: tuple[tuple[int, int], ...]

    @property
    def length(self) -> int:
        """The number of days in the window."""
        return self.end - self.start + 1

    def day(self, year: int) -> date:
        """The festival day (offset 0) in ``year``."""
        return _anchor_day(self.anchor, year)


@dataclass(frozen=True)
class _Config:
    festivals: dict[str, FestivalWindow]
    centre_years: tuple[int, int]
    jan_share: float


@cache
def _anchor_day(anchor: str, year: int) -> date:
    return _ANCHORS[anchor](year)


@cache
def _config() -> _Config:
    text = resources.files("xinxiao.monitoring").joinpath("data/adjustment.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    festivals = {key: _festival(key, spec) for key, spec in data["festivals"].items()}
    first, last = data["centre_years"]
    return _Config(festivals, (int(first), int(last)), float(data["jan_share_of_jan_feb"]))


def _festival(key: str, spec: dict[str, Any]) -> FestivalWindow:
    bins = tuple((int(a), int(b)) for a, b in spec["daily_bins"])
    return FestivalWindow(key, str(spec["name"]), str(spec["anchor"]), int(spec["start"]), int(spec["end"]), bins)


def festival_windows() -> dict[str, FestivalWindow]:
    """The default festival windows of ``data/adjustment.yaml``, by key.

    >>> w = festival_windows()["spring"]
    >>> w.name, w.start, w.end
    ('春节', -20, 14)
    """
    return dict(_config().festivals)


def resolve_windows(
    festivals: Iterable[str], window: Mapping[str, tuple[int, int]] | None = None
) -> list[FestivalWindow]:
    """The windows of ``festivals``, with ``(start, end)`` overrides from ``window``; bad keys raise InvalidInput."""
    known, overrides = _config().festivals, dict(window or {})
    unknown = sorted((set(festivals) | set(overrides)) - set(known))
    if unknown:
        raise InvalidInput(f"unknown festival {unknown[0]!r}; known: {', '.join(known)}", field="festivals")
    return [_override(known[key], overrides.get(key)) for key in festivals]


def _override(fw: FestivalWindow, bounds: tuple[int, int] | None) -> FestivalWindow:
    if bounds is None:
        return fw
    start, end = (int(b) for b in bounds)
    if not -_MAX_OFFSET <= start <= end <= _MAX_OFFSET:
        raise InvalidInput(f"window of {fw.key} must satisfy -{_MAX_OFFSET} <= start <= end <= {_MAX_OFFSET}")
    return replace(fw, start=start, end=end, daily_bins=((start, end),))


def _window_days(fw: FestivalWindow, first: int, last: int, start: int, end: int) -> pd.DatetimeIndex:
    """Every day of the sub-window ``start..end`` of the festivals of years ``first-1..last+1``."""
    offsets = np.arange(start, end + 1)
    days = [np.datetime64(fw.day(y)) + offsets for y in range(first - 1, last + 2)]
    return pd.DatetimeIndex(np.concatenate(days).astype("datetime64[ns]"))


def _raw_shares(fw: FestivalWindow, first: int, last: int) -> pd.Series:
    """The share of the window in each month of years ``first..last`` (uncentred)."""
    months = pd.period_range(f"{first}-01", f"{last}-12", freq="M")
    counts = _window_days(fw, first, last, fw.start, fw.end).to_period("M").value_counts()
    return counts.reindex(months, fill_value=0).astype(float) / fw.length


def _merge(shares: pd.Series, jan_share: float) -> pd.Series:
    """Replace Jan and Feb by their sum split with the fixed weights, as :func:`split_jan_feb` does to data."""
    out = shares.copy()
    index = pd.PeriodIndex(out.index)
    jan, feb = np.flatnonzero(index.month == 1), np.flatnonzero(index.month == 2)
    total = out.iloc[jan].to_numpy() + out.iloc[feb].to_numpy()
    out.iloc[jan], out.iloc[feb] = total * jan_share, total * (1 - jan_share)
    return out


def _centred_shares(fw: FestivalWindow, first: int, last: int, merged: bool) -> pd.Series:
    cfg = _config()
    shares, span = _raw_shares(fw, first, last), _raw_shares(fw, *cfg.centre_years)
    if merged:
        shares, span = _merge(shares, cfg.jan_share), _merge(span, cfg.jan_share)
    means = span.groupby(pd.PeriodIndex(span.index).month).mean()
    centred: pd.Series = shares - means.reindex(pd.PeriodIndex(shares.index).month).to_numpy()
    return centred


def _as_months(index: pd.Index) -> pd.PeriodIndex:
    if isinstance(index, pd.PeriodIndex):
        return index.asfreq("M")
    if isinstance(index, pd.DatetimeIndex):
        return index.to_period("M")
    raise InvalidInput("a monthly series needs a PeriodIndex or DatetimeIndex", field="index")


def holiday_regressors(
    index: pd.Index,
    festivals: Sequence[str] = DEFAULT_FESTIVALS,
    window: Mapping[str, tuple[int, int]] | None = None,
    *,
    merged_jan_feb: bool = False,
) -> pd.DataFrame:
    """Centred monthly moving-holiday regressors (share of each festival window per month) on ``index``.

    >>> idx = pd.period_range("2015-01", "2015-03", freq="M")
    >>> holiday_regressors(idx, ["spring"], {"spring": (-20, 14)}).round(3)["spring"].tolist()
    [-0.411, 0.283, 0.128]
    """
    months = _as_months(index)
    if len(months) == 0:
        return pd.DataFrame(index=months, columns=list(festivals), dtype=float)
    first, last = int(months.year.min()), int(months.year.max())
    columns = {
        fw.key: _centred_shares(fw, first, last, merged_jan_feb).reindex(months).to_numpy()
        for fw in resolve_windows(festivals, window)
    }
    return pd.DataFrame(columns, index=index)


def _bin_dummy(fw: FestivalWindow, days: pd.DatetimeIndex, a: int, b: int) -> np.ndarray:
    """The 0/1 indicator of sub-window ``a..b``, minus its long-run mean for each calendar day."""
    first, last = _config().centre_years
    marked = _window_days(fw, int(days.year.min()), int(days.year.max()), a, b)
    dummy = days.isin(marked).astype(float)
    span = pd.date_range(f"{first}-01-01", f"{last}-12-31", freq="D")
    span_dummy = pd.Series(span.isin(_window_days(fw, first, last, a, b)).astype(float), index=span)
    means = span_dummy.groupby(span.strftime("%m-%d")).mean()
    return np.asarray(dummy - means.reindex(days.strftime("%m-%d")).to_numpy(), dtype=float)


def daily_holiday_regressors(
    index: pd.Index,
    festivals: Sequence[str] = ("spring",),
    window: Mapping[str, tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """Centred daily festival dummies, one per sub-window (``daily_bins``), named ``key[a,b]``.

    >>> idx = pd.date_range("2024-02-08", periods=3, freq="D")  # 春节 2024-02-10
    >>> daily_holiday_regressors(idx, ["spring"], {"spring": (0, 0)}).round(2)["spring[0,0]"].tolist()
    [-0.04, -0.02, 0.93]
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise InvalidInput("a daily series needs a DatetimeIndex", field="index")
    days = index.normalize()
    columns = {
        f"{fw.key}[{a},{b}]": _bin_dummy(fw, days, a, b)
        for fw in resolve_windows(festivals, window)
        for a, b in fw.daily_bins
    }
    return pd.DataFrame(columns, index=index)


def is_merged_jan_feb(series: pd.Series) -> bool:
    """Whether every January of a monthly series is missing while its Februaries (the 1–2月 totals) are not.

    >>> s = pd.Series([30.0, None, 16.0], index=pd.period_range("2012-02", periods=3, freq="M"))
    >>> is_merged_jan_feb(s)
    True
    """
    months = _as_months(series.index)
    jan, feb = series[months.month == 1], series[months.month == 2]
    return bool(len(feb) > 0 and jan.isna().all() and feb.notna().all())


def split_jan_feb(series: pd.Series) -> pd.Series:
    """Split each 1–2月 total (stored at February, January missing) into Jan and Feb by fixed day weights.

    >>> s = pd.Series([None, 100.0, 60.0], index=pd.period_range("2012-01", periods=3, freq="M"))
    >>> split_jan_feb(s).round(2).tolist()
    [52.32, 47.68, 60.0]
    """
    months = _as_months(series.index)
    first = months.min() - 1 if months.min().month == 2 else months.min()
    full = pd.period_range(first, months.max(), freq="M")
    out = pd.Series(series.to_numpy(dtype=float), index=months).reindex(full)
    if not is_merged_jan_feb(out):
        raise InvalidInput("expected every January missing and every 1–2月 total stored at February")
    jan_share, feb = _config().jan_share, np.flatnonzero(full.month == 2)
    totals = out.iloc[feb].to_numpy()
    out.iloc[feb - 1], out.iloc[feb] = totals * jan_share, totals * (1 - jan_share)
    return out


def festival_days(key: str, years: Iterable[int]) -> list[date]:
    """The festival day of ``key`` in each of ``years``.

    >>> festival_days("spring", [2015, 2018])
    [datetime.date(2015, 2, 19), datetime.date(2018, 2, 16)]
    """
    fw = resolve_windows([key])[0]
    return [fw.day(y) for y in years]
