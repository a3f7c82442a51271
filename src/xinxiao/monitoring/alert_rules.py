"""Pure evaluation of alert rules: a series (or a feed's freshness) in, a 红/黄/绿 finding with its evidence out.

Rule kinds and their parameters are declared here as Pydantic models; the values of the parameters are data
(``data/alert_rules.yaml`` and the rule table). Nothing here touches the database.

The anomaly rule compares the last day of a daily series with the same weekday of the previous ``weeks``
weeks: z = (x − mean) / sd, where mean and sd (ddof = 1) are taken over those weekdays, and sd is floored at
``min_sd_pct`` % of the mean so that a perfectly flat history does not divide by zero. The same-weekday
baseline removes the weekly cycle; a comparison window of eight weeks follows the tourist season without
reaching back across it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

Status = Literal["green", "yellow", "red"]
RuleKind = Literal["threshold", "yoy_drop", "anomaly", "feed_missing", "feed_late"]
Grain = Literal["day", "week", "month", "ytd", "quarter", "year"]
SEVERITY: Final[dict[str, int]] = {"green": 0, "yellow": 1, "red": 2}
STATUS_ZH: Final[dict[str, str]] = {"green": "绿", "yellow": "黄", "red": "红"}


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=300, description="口径 or policy note shown with the rule")


class ThresholdParams(_Params):
    """A value above or below fixed lines; ``view`` ``yoy`` reads the indicator's YoY % (published if official)."""

    grain: Grain = "month"
    view: Literal["level", "yoy"] = "level"
    direction: Literal["below", "above"]
    yellow: float
    red: float
    window: int = Field(13, ge=1, le=400)

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdParams:
        if (self.red > self.yellow) if self.direction == "below" else (self.red < self.yellow):
            raise ValueError(f"red must lie beyond yellow in direction {self.direction!r}")
        return self


class YoyDropParams(_Params):
    """A YoY fall of at least ``yellow_pct`` / ``red_pct`` percentage points below zero."""

    grain: Grain = "month"
    yellow_pct: float = Field(gt=0)
    red_pct: float = Field(gt=0)
    window: int = Field(13, ge=1, le=400)

    @model_validator(mode="after")
    def _ordered(self) -> YoyDropParams:
        if self.red_pct < self.yellow_pct:
            raise ValueError("red_pct must be at least yellow_pct")
        return self


class AnomalyParams(_Params):
    """The last day against the same weekday of the previous weeks (seasonal-naive baseline, z-score)."""

    grain: Literal["day"] = "day"
    weeks: int = Field(8, ge=3, le=52)
    min_points: int = Field(6, ge=3)
    yellow_z: float = Field(2.0, gt=0)
    red_z: float = Field(3.0, gt=0)
    direction: Literal["below", "above", "both"] = "both"
    min_sd_pct: float = Field(1.0, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> AnomalyParams:
        if self.red_z < self.yellow_z:
            raise ValueError("red_z must be at least yellow_z")
        if self.min_points > self.weeks:
            raise ValueError("min_points cannot exceed weeks")
        return self


class FeedMissingParams(_Params):
    """Days since the last delivered data date (as of the run date)."""

    yellow_days: int = Field(ge=1)
    red_days: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> FeedMissingParams:
        if self.red_days < self.yellow_days:
            raise ValueError("red_days must be at least yellow_days")
        return self


class FeedLateParams(_Params):
    """Hours since the last delivery arrived."""

    yellow_hours: float = Field(gt=0)
    red_hours: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> FeedLateParams:
        if self.red_hours < self.yellow_hours:
            raise ValueError("red_hours must be at least yellow_hours")
        return self


PARAMS: Final[dict[str, type[_Params]]] = {
    "threshold": ThresholdParams,
    "yoy_drop": YoyDropParams,
    "anomaly": AnomalyParams,
    "feed_missing": FeedMissingParams,
    "feed_late": FeedLateParams,
}
SERIES_KINDS: Final = frozenset({"threshold", "yoy_drop", "anomaly"})
FEED_RULE_KINDS: Final = frozenset({"feed_missing", "feed_late"})


@dataclass(frozen=True)
class Finding:
    """What one rule saw: status, the period it is about, the value against its baseline, and the evidence."""

    status: Status
    period_key: str
    value: float | None
    baseline: float | None
    message: str
    snapshot: dict[str, Any] = field(default_factory=dict)

    @property
    def fires(self) -> bool:
        """A firing is anything but green."""
        return self.status != "green"


def grade(score: float, yellow: float, red: float) -> Status:
    """Status of ``score`` where larger is worse.

    >>> grade(1.0, 2, 3), grade(2.0, 2, 3), grade(3.5, 2, 3), grade(float("nan"), 2, 3)
    ('green', 'yellow', 'red', 'green')
    """
    if math.isnan(score) or score < yellow:
        return "green"
    return "red" if score >= red else "yellow"


def period_key(label: Any, grain: str) -> str:
    """The key of a period label at ``grain`` (what makes a firing unique per rule).

    >>> period_key(date(2024, 10, 3), "day"), period_key(pd.Timestamp("2024-10-01"), "month")
    ('2024-10-03', '2024-10')
    >>> period_key(pd.Period("2024Q2"), "quarter"), period_key("2024-12-31", "ytd"), period_key("2023-05", "year")
    ('2024Q2', '2024-12ytd', '2023')
    """
    stamp = label.to_timestamp() if isinstance(label, pd.Period) else pd.Timestamp(label)
    formats = {"month": "%Y-%m", "ytd": "%Y-%mytd", "year": "%Y", "week": "%G-W%V"}
    if grain == "quarter":
        return f"{stamp.year}Q{stamp.quarter}"
    return stamp.strftime(formats.get(grain, "%Y-%m-%d"))


def clean(series: pd.Series) -> pd.Series:
    """The series with a sorted timestamp index and numeric values (labels may be dates, strings or periods)."""
    index = series.index
    stamps = index.to_timestamp() if isinstance(index, pd.PeriodIndex) else pd.to_datetime(index)
    result = pd.Series(pd.to_numeric(series.to_numpy(), errors="coerce"), index=stamps, dtype="float64")
    return result.sort_index()


def window_rows(series: pd.Series, grain: str, size: int) -> list[dict[str, Any]]:
    """The last ``size`` points as JSON rows ``{period, value}`` (NaN becomes null)."""
    tail = series.iloc[-size:]
    return [{"period": period_key(k, grain), "value": _num(v)} for k, v in tail.items()]


def _num(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _empty(grain: str) -> Finding:
    return Finding("green", "", None, None, "无数据, 未评估", {"grain": grain, "window": []})


def evaluate_threshold(series: pd.Series, params: ThresholdParams) -> Finding:
    """The last value of ``series`` against the yellow and red lines."""
    data = clean(series).dropna()
    if data.empty:
        return _empty(params.grain)
    value = float(data.iloc[-1])
    sign = -1.0 if params.direction == "below" else 1.0
    status = grade(sign * value, sign * params.yellow, sign * params.red)
    key = period_key(data.index[-1], params.grain)
    word = "低于" if params.direction == "below" else "高于"
    unit = "%" if params.view == "yoy" else ""
    lines = f"黄线 {word} {params.yellow:g}{unit}, 红线 {params.red:g}{unit}"
    message = f"{key} {_view_zh(params.view)} {value:.4g}{unit} ({lines})"
    snapshot = {"grain": params.grain, "view": params.view, "window": window_rows(data, params.grain, params.window)}
    return Finding(status, key, value, params.yellow, message, snapshot)


def _view_zh(view: str) -> str:
    return "同比" if view == "yoy" else "值"


def evaluate_yoy_drop(yoy: pd.Series, params: YoyDropParams, levels: pd.Series | None = None) -> Finding:
    """The last YoY growth (%) against the allowed drops; ``levels`` only go into the snapshot."""
    data = clean(yoy).dropna()
    if data.empty:
        return _empty(params.grain)
    value = float(data.iloc[-1])
    status = grade(-value, params.yellow_pct, params.red_pct)
    key = period_key(data.index[-1], params.grain)
    message = f"{key} 同比 {value:+.1f}% (下降超过 {params.yellow_pct:g}% 为黄, 超过 {params.red_pct:g}% 为红)"
    snapshot: dict[str, Any] = {"grain": params.grain, "view": "yoy"}
    snapshot["window"] = window_rows(data, params.grain, params.window)
    if levels is not None:
        snapshot["levels"] = window_rows(clean(levels), params.grain, params.window)
    return Finding(status, key, value, 0.0, message, snapshot)


def seasonal_zscore(series: pd.Series, *, weeks: int = 8, min_sd_pct: float = 1.0) -> tuple[float, float, float, int]:
    """(value, baseline mean, sd, points) of the last day against the same weekday in the previous ``weeks`` weeks.

    >>> days = pd.date_range("2024-03-04", periods=57, freq="D")
    >>> values = [(90.0 if (i // 7) % 2 else 110.0) for i in range(56)] + [130.0]
    >>> value, mean, sd, n = seasonal_zscore(pd.Series(values, index=days))
    >>> value, mean, round(sd, 2), n, round((value - mean) / sd, 2)
    (130.0, 100.0, 10.69, 8, 2.81)
    """
    data = clean(series).dropna()
    last = data.index[-1]
    lags = [last - pd.Timedelta(weeks=k) for k in range(1, weeks + 1)]
    reference = data.reindex(lags).dropna()
    mean = float(reference.mean()) if len(reference) else math.nan
    sd = float(reference.std(ddof=1)) if len(reference) > 1 else math.nan
    floor = abs(mean) * min_sd_pct / 100
    return float(data.iloc[-1]), mean, max(sd, floor) if not math.isnan(sd) else sd, len(reference)


def evaluate_anomaly(series: pd.Series, params: AnomalyParams) -> Finding:
    """Flag the last day when its z-score against the same-weekday baseline passes the yellow or red line."""
    data = clean(series).dropna()
    if data.empty:
        return _empty("day")
    value, mean, sd, points = seasonal_zscore(data, weeks=params.weeks, min_sd_pct=params.min_sd_pct)
    key = period_key(data.index[-1], "day")
    window = data[data.index > data.index[-1] - pd.Timedelta(weeks=params.weeks)]
    snapshot: dict[str, Any] = {"grain": "day", "window": window_rows(window, "day", len(window))}
    snapshot |= {"reference_points": points, "mean": _num(mean), "sd": _num(sd), "weeks": params.weeks}
    if points < params.min_points or sd == 0 or math.isnan(sd):
        return Finding("green", key, value, _num(mean), f"{key} 同星期基准不足 ({points} 点), 未评估", snapshot)
    z = (value - mean) / sd
    snapshot["z"] = round(z, 4)
    score = {"below": -z, "above": z, "both": abs(z)}[params.direction]
    status = grade(score, params.yellow_z, params.red_z)
    message = f"{key} 值 {value:.4g}, 前 {params.weeks} 周同星期均值 {mean:.4g}, z = {z:+.2f}"
    return Finding(status, key, value, mean, message, snapshot)


def evaluate_feed_missing(last_date: date | None, as_of: date, params: FeedMissingParams) -> Finding:
    """Days without data after the last delivered date, up to ``as_of``.

    >>> p = FeedMissingParams(yellow_days=2, red_days=4)
    >>> [evaluate_feed_missing(date(2024, 10, d), date(2024, 10, 5), p).status for d in (5, 3, 1)]
    ['green', 'yellow', 'red']
    """
    if last_date is None:
        snapshot: dict[str, Any] = {"last_date": None, "as_of": as_of.isoformat(), "missing_days": None}
        return Finding("red", "never", None, None, "从未收到该数据源的数据", snapshot)
    days = (as_of - last_date).days
    status = grade(float(days), params.yellow_days, params.red_days)
    snapshot = {"last_date": last_date.isoformat(), "as_of": as_of.isoformat(), "missing_days": days}
    message = f"最后数据日期 {last_date.isoformat()}, 截至 {as_of.isoformat()} 已缺 {days} 天"
    return Finding(status, f"after-{last_date.isoformat()}", float(days), 0.0, message, snapshot)


def evaluate_feed_late(last_at: datetime | None, now: datetime, params: FeedLateParams) -> Finding:
    """Hours since the last delivery arrived."""
    if last_at is None:
        snapshot: dict[str, Any] = {"last_delivery_at": None, "now": now.isoformat(), "hours": None}
        return Finding("red", "never", None, None, "该数据源从未交付", snapshot)
    hours = (now - last_at).total_seconds() / 3600
    status = grade(hours, params.yellow_hours, params.red_hours)
    snapshot = {"last_delivery_at": last_at.isoformat(), "now": now.isoformat(), "hours": round(hours, 2)}
    message = f"最后交付于 {last_at.isoformat(timespec='minutes')}, 已过 {hours:.1f} 小时"
    return Finding(status, f"after-{last_at.strftime('%Y-%m-%dT%H:%M')}", round(hours, 2), 0.0, message, snapshot)
