"""Target attainment: the required path from a base year, progress, on-track/lagging, and growth-vs-level checks.

Pure functions, no database. Conventions (they match ``xinxiao.plans.parsing.model.Target``):

- ``level`` / ``count`` / ``coverage`` / ``share``: ``target_value`` is the level to reach; actuals are levels.
- ``annual_growth`` (年均增长6%): ``target_value`` is the yearly rate in percent; actuals are levels and the
  required level path is ``base × (1 + g)^t``.
- ``yoy_growth`` (增长8%): ``target_value`` is the rate in percent for the target year; actuals are rates.
- ``relative`` (翻一番): ``target_value`` is the multiple of the base (2.0), reached on a compound path.

Operators: ``>=`` ``>`` ``<=`` ``<`` as written; ``=`` (达到) counts as reached once the actual gets to the
target in the direction of travel (up from the base, or down); ``~`` (左右) accepts anything within
``APPROX_TOLERANCE`` (±5 %, relative) of the target *or beyond it in the direction of travel*, because plans
use 左右 as a soft floor; ``range`` (1-2个) needs ``value <= actual <= value_high``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from xinxiao.core import InvalidInput

Kind = Literal["level", "yoy_growth", "annual_growth", "share", "count", "coverage", "relative"]
Operator = Literal["=", ">=", ">", "<=", "<", "~", "range"]
Shape = Literal["linear", "compound"]
Status = Literal["achieved", "on_track", "lagging", "no_data"]

APPROX_TOLERANCE = 0.05
"""左右 (``~``): within ±5 % of the target value, relative, counts as reached."""

_EPS = 1e-9  # relative float noise allowed when an actual is compared with the required path
_DEFAULT_SHAPES: dict[Kind, Shape] = {
    "level": "compound",
    "relative": "compound",
    "annual_growth": "compound",
    "count": "linear",
    "coverage": "linear",
    "share": "linear",
    "yoy_growth": "linear",
}


@dataclass(frozen=True)
class Attainment:
    """Where a target stands: required and actual paths, percent complete, on-track, status."""

    required: dict[int, float]
    actual: dict[int, float]
    latest_year: int | None  # the latest actual year after the base year, up to ``as_of_year``
    percent_complete: float | None  # progress from base toward target at ``latest_year``, 0..100+
    expected_percent: float | None  # where the required path is at ``latest_year``
    on_track: bool | None
    achieved: bool
    status: Status


@dataclass(frozen=True)
class Consistency:
    """A growth rate checked against a level stated for the same metric and year."""

    implied_level: float | None  # the level the growth rate gives from a known base
    implied_base: float | None  # the base the level and rate imply, when the base is unknown
    difference_pct: float | None  # (implied_level - level_target) / level_target × 100
    consistent: bool | None  # None when the base is unknown and nothing can disagree
    message: str


@dataclass(frozen=True)
class _Progress:
    percent: float | None
    expected: float | None
    on_track: bool | None
    achieved: bool


def required_path(
    *,
    kind: Kind,
    base_value: float | None,
    base_year: int,
    target_value: float,
    target_year: int,
    operator: Operator,
    shape: Shape | None = None,
) -> dict[int, float]:
    """The required value for every year from ``base_year`` to ``target_year``.

    ``shape`` defaults to compound for amounts (level, relative) and linear for counts, coverage and
    shares; ``annual_growth`` is always compound. Compound needs a positive base and end, else the path is
    linear. ``operator`` does not bend the path: a range aims at its lower bound. With no base, only the
    target year is known (empty for kinds defined relative to the base). ``yoy_growth`` gives the rate.

    >>> required_path(kind="annual_growth", base_value=100, base_year=2021, target_value=6,
    ...               target_year=2024, operator="~")
    {2021: 100.0, 2022: 106.0, 2023: 112.36, 2024: 119.1016}
    >>> required_path(kind="level", base_value=10, base_year=2021, target_value=22, target_year=2024,
    ...               operator=">=", shape="linear")
    {2021: 10.0, 2022: 14.0, 2023: 18.0, 2024: 22.0}
    >>> required_path(kind="yoy_growth", base_value=None, base_year=2021, target_value=8, target_year=2024,
    ...               operator="=")
    {2024: 8.0}
    """
    if target_year < base_year:
        raise InvalidInput(f"目标年份{target_year}早于基期{base_year}")
    if kind == "yoy_growth":
        return {target_year: float(target_value)}
    if base_value is None:
        return {} if kind in ("relative", "annual_growth") else {target_year: float(target_value)}
    if kind == "annual_growth":
        factor = 1 + target_value / 100
        return {year: _round(base_value * factor ** (year - base_year)) for year in range(base_year, target_year + 1)}
    end = base_value * target_value if kind == "relative" else target_value
    return _interpolate(float(base_value), float(end), base_year, target_year, shape or _DEFAULT_SHAPES[kind])


def _interpolate(base: float, end: float, first: int, last: int, shape: Shape) -> dict[int, float]:
    n = last - first
    if n == 0:
        return {first: end}
    if shape == "compound" and base > 0 and end > 0:
        factor = (end / base) ** (1 / n)
        path = {first + t: _round(base * factor**t) for t in range(n + 1)}
    else:
        path = {first + t: _round(base + (end - base) * t / n) for t in range(n + 1)}
    path[last] = end  # exact at the target year, whatever the float drift
    return path


def _round(value: float) -> float:
    # 12 significant digits hide binary noise (1.06**3) without touching any figure a plan prints.
    return float(f"{value:.12g}")


def assess(
    *,
    kind: Kind,
    operator: Operator,
    target_value: float,
    target_value_high: float | None = None,
    base_value: float | None,
    base_year: int,
    target_year: int,
    actuals: Mapping[int, float],
    as_of_year: int,
    shape: Shape | None = None,
) -> Attainment:
    """Compare the actual path with the required one as of ``as_of_year``.

    Judged on the latest actual after the base year. An unknown ``base_value`` is taken from
    ``actuals[base_year]`` when present; without any base only ``achieved`` can be told. ``no_data`` means
    no actual after the base year, or nothing to measure progress against.

    >>> a = assess(kind="level", operator=">=", target_value=121, base_value=100, base_year=2021,
    ...            target_year=2023, actuals={2022: 112}, as_of_year=2022)
    >>> a.status, a.required[2022], round(a.percent_complete, 2), round(a.expected_percent, 2)
    ('on_track', 110.0, 57.14, 47.62)
    """
    base = base_value if base_value is not None else actuals.get(base_year)
    required = required_path(
        kind=kind,
        base_value=base,
        base_year=base_year,
        target_value=target_value,
        target_year=target_year,
        operator=operator,
        shape=shape,
    )
    actual = {year: float(actuals[year]) for year in sorted(actuals) if year <= as_of_year}
    latest = _judged_year(kind, actual, base_year, target_year)
    if latest is None:
        return Attainment(required, actual, None, None, None, None, False, "no_data")
    goal = _Goal(kind, operator, target_value, target_value_high, base_year, target_year)
    if kind == "yoy_growth":
        p = _growth_progress(goal, actual[latest], latest)
    else:
        p = _level_progress(goal, base, required, actual[latest], latest)
    return Attainment(required, actual, latest, p.percent, p.expected, p.on_track, p.achieved, _status(p))


@dataclass(frozen=True)
class _Goal:
    kind: Kind
    operator: Operator
    value: float
    high: float | None
    base_year: int
    target_year: int


def _judged_year(kind: Kind, actual: Mapping[int, float], base_year: int, target_year: int) -> int | None:
    if kind == "yoy_growth" and target_year in actual:
        return target_year  # a year-on-year target is about its own year, not later ones
    return max((year for year in actual if year > base_year), default=None)


def _status(progress: _Progress) -> Status:
    if progress.achieved:
        return "achieved"
    if progress.on_track is None:
        return "no_data"
    return "on_track" if progress.on_track else "lagging"


def _growth_progress(goal: _Goal, value: float, year: int) -> _Progress:
    # Before the target year the rate is held against the same pace: growing at g is on track.
    on_track = _meets(value, goal.operator, goal.value, goal.high, direction=1)
    percent = value / goal.value * 100 if goal.value != 0 else None
    return _Progress(percent, 100.0, on_track, year >= goal.target_year and on_track)


def _level_progress(
    goal: _Goal, base: float | None, required: Mapping[int, float], value: float, year: int
) -> _Progress:
    end = required.get(goal.target_year)
    direction = _direction(base, end, goal.operator)
    achieved = _level_achieved(goal, base, value, year, direction)
    if base is None or end is None:
        return _Progress(None, None, None, achieved)
    wanted = required[min(year, goal.target_year)]
    on_track = direction * (value - wanted) >= -_EPS * max(1.0, abs(wanted))
    if end == base:
        return _Progress(None, None, on_track, achieved)
    percent = (value - base) / (end - base) * 100
    expected = (wanted - base) / (end - base) * 100
    return _Progress(percent, expected, on_track, achieved)


def _direction(base: float | None, end: float | None, operator: Operator) -> int:
    if base is not None and end is not None and end != base:
        return 1 if end > base else -1
    return -1 if operator in ("<=", "<") else 1


def _level_achieved(goal: _Goal, base: float | None, value: float, year: int, direction: int) -> bool:
    if goal.kind == "annual_growth":
        return _rate_achieved(goal, base, value, year)
    target, high = goal.value, goal.high
    if goal.kind == "relative":
        if base is None:
            return False
        target, high = base * target, (None if high is None else base * high)
    return _meets(value, goal.operator, target, high, direction=direction)


def _rate_achieved(goal: _Goal, base: float | None, value: float, year: int) -> bool:
    # 年均增长 is a rate over the whole period, so it is judged only once the target year is in.
    if base is None or base <= 0 or value <= 0 or year < goal.target_year:
        return False
    rate = ((value / base) ** (1 / (year - goal.base_year)) - 1) * 100
    return _meets(rate, goal.operator, goal.value, goal.high, direction=1)


def _meets(value: float, operator: Operator, target: float, high: float | None, *, direction: int) -> bool:
    slack = _EPS * max(1.0, abs(target))
    if operator == "range":
        upper = math.inf if high is None else high
        return target - slack <= value <= upper + slack
    if operator in (">=", ">", "<=", "<"):
        return _compare(value, operator, target, slack)
    if operator == "~":
        slack = APPROX_TOLERANCE * abs(target)
    return direction * (value - target) >= -slack


def _compare(value: float, operator: Operator, target: float, slack: float) -> bool:
    if operator == ">=":
        return value >= target - slack
    if operator == ">":
        return value > target
    if operator == "<=":
        return value <= target + slack
    return value < target


def check_consistency(
    *,
    base_value: float | None,
    base_year: int,
    level_target: float,
    growth_rate_pct: float,
    target_year: int,
    tolerance_pct: float = 1.0,
    unit: str = "",
) -> Consistency | None:
    """Check a stated level against a stated yearly growth rate; ``None`` when no check is possible.

    The difference is the implied level relative to the target, in percent; beyond ``tolerance_pct`` the
    two disagree. With the base unknown, the base the two figures imply is reported instead.

    >>> check_consistency(base_value=None, base_year=2021, level_target=1.82, growth_rate_pct=10,
    ...                   target_year=2024, unit="亿元").message
    '基期2021年数值未知: 按年均增长10%推算, 2024年达到1.82亿元需2021年约为1.3674亿元'
    >>> c = check_consistency(base_value=1.5, base_year=2021, level_target=1.82, growth_rate_pct=10,
    ...                       target_year=2024, unit="亿元")
    >>> c.consistent, c.message
    (False, '按年均增长10%推算, 2024年应为1.9965亿元, 与目标1.82亿元相差9.7%')
    """
    years = target_year - base_year
    if years <= 0 or level_target <= 0 or growth_rate_pct <= -100:
        return None
    factor = (1 + growth_rate_pct / 100) ** years
    rate = f"按年均增长{_fmt(growth_rate_pct)}%推算"
    goal = f"{_fmt(level_target)}{unit}"
    if base_value is None:
        base = level_target / factor
        text = f"基期{base_year}年数值未知: {rate}, {target_year}年达到{goal}需{base_year}年约为{_fmt(base)}{unit}"
        return Consistency(None, base, None, None, text)
    implied = base_value * factor
    diff = (implied - level_target) / level_target * 100
    agrees = abs(diff) <= tolerance_pct
    verdict = f"一致(相差{abs(diff):.1f}%, 容差{_fmt(tolerance_pct)}%)" if agrees else f"相差{abs(diff):.1f}%"
    text = f"{rate}, {target_year}年应为{_fmt(implied)}{unit}, 与目标{goal}{verdict}"
    return Consistency(implied, None, diff, agrees, text)


def _fmt(value: float) -> str:
    """Up to four decimals, no trailing zeros: 1.3674, 10, 119.1016."""
    return f"{value:.4f}".rstrip("0").rstrip(".")
