"""Target attainment: required paths, assessment against actuals, and growth-vs-level consistency."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinxiao.core import InvalidInput
from xinxiao.plans.attainment import (
    Kind,
    Operator,
    Shape,
    assess,
    check_consistency,
    required_path,
)

# Hand-computed: 100×1.06=106, ×1.06=112.36, ×1.06=119.1016; linear 10→22 in 3 steps of 4;
# compound 100→121 in 2 years is 10 %/year; 翻两番 (×4) of 100 in 2 years doubles each year.
PATHS: list[tuple[Kind, float | None, int, float, int, Operator, Shape | None, dict[int, float]]] = [
    ("annual_growth", 100, 2021, 6, 2024, "~", None, {2021: 100, 2022: 106, 2023: 112.36, 2024: 119.1016}),
    ("level", 10, 2021, 22, 2024, ">=", "linear", {2021: 10, 2022: 14, 2023: 18, 2024: 22}),
    ("level", 100, 2021, 121, 2023, "=", None, {2021: 100, 2022: 110, 2023: 121}),
    ("level", 100, 2021, 121, 2023, "=", "compound", {2021: 100, 2022: 110, 2023: 121}),
    ("level", 20, 2021, 10, 2024, "<=", "linear", {2021: 20, 2022: 50 / 3, 2023: 40 / 3, 2024: 10}),
    ("count", 0, 2021, 12, 2024, ">=", None, {2021: 0, 2022: 4, 2023: 8, 2024: 12}),
    ("coverage", 40, 2021, 100, 2024, "=", None, {2021: 40, 2022: 60, 2023: 80, 2024: 100}),
    ("share", 30, 2022, 35, 2023, ">=", None, {2022: 30, 2023: 35}),
    ("relative", 100, 2022, 4, 2024, "=", None, {2022: 100, 2023: 200, 2024: 400}),
    ("yoy_growth", None, 2021, 8, 2024, "=", None, {2024: 8}),
    ("level", None, 2021, 1.82, 2024, "=", None, {2024: 1.82}),
    ("annual_growth", None, 2021, 10, 2024, ">=", None, {}),
    ("level", 5, 2024, 7, 2024, ">=", None, {2024: 7}),
    ("level", 0, 2021, 30, 2024, ">=", "compound", {2021: 0, 2022: 10, 2023: 20, 2024: 30}),  # falls back
]


@pytest.mark.parametrize(("kind", "base", "base_year", "value", "year", "op", "shape", "expected"), PATHS)
def test_required_path(
    kind: Kind,
    base: float | None,
    base_year: int,
    value: float,
    year: int,
    op: Operator,
    shape: Shape | None,
    expected: dict[int, float],
) -> None:
    path = required_path(
        kind=kind, base_value=base, base_year=base_year, target_value=value, target_year=year, operator=op, shape=shape
    )
    assert list(path) == list(expected)
    assert path == pytest.approx(expected, rel=1e-9)


def test_required_path_rejects_target_before_base() -> None:
    with pytest.raises(InvalidInput):
        required_path(kind="level", base_value=1, base_year=2024, target_value=2, target_year=2022, operator="=")


# (kind, op, value, high, base, base_year, target_year, actuals, as_of, status, percent, expected_percent)
ASSESSMENTS: list[tuple[Kind, Operator, float, float | None, float | None, int, int, dict[int, float], int, str]] = [
    ("level", ">=", 121, None, 100, 2021, 2023, {2022: 112}, 2022, "on_track"),
    ("level", ">=", 121, None, 100, 2021, 2023, {2022: 105}, 2022, "lagging"),
    ("level", ">=", 121, None, 100, 2021, 2023, {2022: 110, 2023: 125}, 2023, "achieved"),
    ("level", ">=", 121, None, 100, 2021, 2023, {2022: 110, 2023: 125}, 2022, "on_track"),  # 2023 not yet in
    ("level", ">=", 121, None, 100, 2021, 2023, {}, 2023, "no_data"),
    ("level", ">=", 121, None, 100, 2021, 2023, {2021: 100}, 2023, "no_data"),  # only the base year
    ("level", "=", 121, None, 100, 2021, 2023, {2022: 125}, 2022, "achieved"),  # reached a year early
    ("level", "<=", 10, None, 20, 2021, 2024, {2022: 15.8}, 2022, "on_track"),  # compound: 20×0.5^(1/3)=15.87
    ("level", "<=", 10, None, 20, 2021, 2024, {2022: 18}, 2022, "lagging"),
    ("level", "<=", 10, None, 20, 2021, 2024, {2024: 9}, 2024, "achieved"),
    ("level", "<", 10, None, 20, 2021, 2024, {2024: 10}, 2024, "on_track"),  # on the path, not below it
    ("level", ">", 121, None, 100, 2021, 2023, {2023: 121}, 2023, "on_track"),
    ("level", "~", 100, None, 50, 2021, 2024, {2024: 96}, 2024, "achieved"),  # within 5 %
    ("level", "~", 100, None, 50, 2021, 2024, {2024: 94}, 2024, "lagging"),
    ("level", "=", 1.82, None, None, 2021, 2024, {2024: 1.9}, 2024, "achieved"),  # no base: only achieved
    ("level", "=", 1.82, None, None, 2021, 2024, {2023: 1.5}, 2023, "no_data"),
    ("count", "range", 1, 2, 0, 2021, 2024, {2024: 2}, 2024, "achieved"),
    ("count", "range", 1, 2, 0, 2021, 2024, {2024: 3}, 2024, "on_track"),  # above the range: not achieved
    ("annual_growth", "~", 6, None, 100, 2021, 2024, {2022: 106}, 2022, "on_track"),
    ("annual_growth", "~", 6, None, 100, 2021, 2024, {2022: 105}, 2022, "lagging"),
    ("annual_growth", "~", 6, None, 100, 2021, 2024, {2022: 120}, 2022, "on_track"),  # a rate: judged at the end
    ("annual_growth", ">=", 6, None, 100, 2021, 2024, {2024: 119.2}, 2024, "achieved"),
    ("annual_growth", ">=", 6, None, 100, 2021, 2024, {2024: 118.5}, 2024, "lagging"),  # 5.82 %/year
    ("annual_growth", "~", 6, None, 100, 2021, 2024, {2024: 118.5}, 2024, "achieved"),  # 5.82 ≥ 6×0.95
    ("annual_growth", "~", 6, None, 100, 2021, 2024, {2024: 117}, 2024, "lagging"),  # 5.37 %/year
    ("annual_growth", "~", 6, None, None, 2021, 2024, {2021: 100, 2022: 106}, 2022, "on_track"),  # base from actuals
    ("yoy_growth", "=", 8, None, None, 2021, 2024, {2024: 8.5}, 2024, "achieved"),
    ("yoy_growth", "=", 8, None, None, 2021, 2024, {2023: 7}, 2023, "lagging"),
    ("yoy_growth", "~", 8, None, None, 2021, 2024, {2024: 7.7}, 2024, "achieved"),
    ("yoy_growth", ">=", 8, None, None, 2021, 2024, {2024: 7.7, 2025: 9}, 2025, "lagging"),  # judged on 2024
    ("relative", "=", 2, None, 50, 2020, 2025, {2025: 100}, 2025, "achieved"),
    ("relative", "=", 2, None, 50, 2020, 2025, {2025: 90}, 2025, "lagging"),
]


@pytest.mark.parametrize(
    ("kind", "op", "value", "high", "base", "base_year", "target_year", "actuals", "as_of", "status"), ASSESSMENTS
)
def test_assess_status(
    kind: Kind,
    op: Operator,
    value: float,
    high: float | None,
    base: float | None,
    base_year: int,
    target_year: int,
    actuals: dict[int, float],
    as_of: int,
    status: str,
) -> None:
    result = assess(
        kind=kind,
        operator=op,
        target_value=value,
        target_value_high=high,
        base_value=base,
        base_year=base_year,
        target_year=target_year,
        actuals=actuals,
        as_of_year=as_of,
    )
    assert result.status == status
    assert result.achieved == (status == "achieved")
    assert all(year <= as_of for year in result.actual)


@pytest.mark.parametrize(
    ("kind", "value", "base", "actuals", "as_of", "percent", "expected_percent", "latest"),
    [
        ("level", 121, 100, {2022: 112}, 2022, 1200 / 21, 1000 / 21, 2022),
        ("level", 121, 100, {2022: 105}, 2022, 500 / 21, 1000 / 21, 2022),
        ("annual_growth", 6, 100, {2022: 106}, 2022, 600 / 19.1016, 600 / 19.1016, 2022),
        ("count", 12, 0, {2022: 2, 2023: 9}, 2023, 75, 200 / 3, 2023),
        ("count", 12, 0, {2022: 2, 2023: 9}, 2022, 100 / 6, 100 / 3, 2022),
        ("yoy_growth", 8, None, {2023: 7}, 2023, 87.5, 100, 2023),
        ("level", 121, None, {2023: 130}, 2023, None, None, 2023),
        ("level", 121, 100, {2024: 130}, 2024, 1.3 * 1e4 / 21 - 1e4 / 21, 100, 2024),  # after the target year
    ],
)
def test_assess_percentages(
    kind: Kind,
    value: float,
    base: float | None,
    actuals: dict[int, float],
    as_of: int,
    percent: float | None,
    expected_percent: float | None,
    latest: int,
) -> None:
    target_year = 2024 if kind in ("annual_growth", "yoy_growth", "count") else 2023
    result = assess(
        kind=kind,
        operator=">=",
        target_value=value,
        base_value=base,
        base_year=2021,
        target_year=target_year,
        actuals=actuals,
        as_of_year=as_of,
    )
    assert result.latest_year == latest
    assert result.percent_complete == pytest.approx(percent)
    assert result.expected_percent == pytest.approx(expected_percent)


def test_assess_shows_required_and_actual_paths() -> None:
    result = assess(
        kind="annual_growth",
        operator="~",
        target_value=6,
        base_value=100,
        base_year=2021,
        target_year=2024,
        actuals={2022: 106.5, 2023: 113.0},
        as_of_year=2024,
    )
    assert result.required == {2021: 100, 2022: 106, 2023: 112.36, 2024: 119.1016}
    assert result.actual == {2022: 106.5, 2023: 113.0}
    assert result.on_track is True
    assert result.status == "on_track"


# Seed 000 (迪庆): 网络零售额 达到1.82亿元, 力争年均增长10%, by 2024 from 2021. 1.1³ = 1.331.
CONSISTENCY: list[tuple[float | None, float, float, float, bool | None, str]] = [
    (None, 1.82, 10, 1.0, None, "基期2021年数值未知: 按年均增长10%推算, 2024年达到1.82亿元需2021年约为1.3674亿元"),
    (1.5, 1.82, 10, 1.0, False, "按年均增长10%推算, 2024年应为1.9965亿元, 与目标1.82亿元相差9.7%"),
    (1.37, 1.82, 10, 1.0, True, "按年均增长10%推算, 2024年应为1.8235亿元, 与目标1.82亿元一致(相差0.2%, 容差1%)"),
    (1.37, 1.82, 10, 0.1, False, "按年均增长10%推算, 2024年应为1.8235亿元, 与目标1.82亿元相差0.2%"),
    (1.2, 1.82, 10, 1.0, False, "按年均增长10%推算, 2024年应为1.5972亿元, 与目标1.82亿元相差12.2%"),
]


@pytest.mark.parametrize(("base", "level", "rate", "tolerance", "consistent", "message"), CONSISTENCY)
def test_check_consistency(
    base: float | None, level: float, rate: float, tolerance: float, consistent: bool | None, message: str
) -> None:
    result = check_consistency(
        base_value=base,
        base_year=2021,
        level_target=level,
        growth_rate_pct=rate,
        target_year=2024,
        tolerance_pct=tolerance,
        unit="亿元",
    )
    assert result is not None
    assert result.consistent is consistent
    assert result.message == message


def test_check_consistency_figures() -> None:
    known = check_consistency(base_value=1.5, base_year=2021, level_target=1.82, growth_rate_pct=10, target_year=2024)
    unknown = check_consistency(
        base_value=None, base_year=2021, level_target=1.82, growth_rate_pct=10, target_year=2024
    )
    assert known is not None
    assert unknown is not None
    assert known.implied_level == pytest.approx(1.9965)
    assert known.difference_pct == pytest.approx((1.9965 - 1.82) / 1.82 * 100)
    assert unknown.implied_base == pytest.approx(1.82 / 1.331)
    assert unknown.implied_level is None


@pytest.mark.parametrize(
    ("base_year", "level", "rate"),
    [(2024, 1.82, 10), (2025, 1.82, 10), (2021, 0, 10), (2021, 1.82, -100)],
)
def test_check_consistency_not_possible(base_year: int, level: float, rate: float) -> None:
    assert (
        check_consistency(
            base_value=1.0, base_year=base_year, level_target=level, growth_rate_pct=rate, target_year=2024
        )
        is None
    )


_BASES = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
_RATES = st.floats(min_value=0.1, max_value=50, allow_nan=False, allow_infinity=False)
_SPANS = st.integers(min_value=1, max_value=10)


@given(base=_BASES, rate=_RATES, span=_SPANS)
def test_growth_path_is_increasing(base: float, rate: float, span: int) -> None:
    path = required_path(
        kind="annual_growth", base_value=base, base_year=2020, target_value=rate, target_year=2020 + span, operator="="
    )
    values = list(path.values())
    assert len(values) == span + 1
    assert all(a < b for a, b in itertools.pairwise(values))


@given(base=_BASES, rate=_RATES, span=_SPANS, shape=st.sampled_from(["linear", "compound"]))
def test_level_path_runs_monotonically_from_base_to_target(base: float, rate: float, span: int, shape: Shape) -> None:
    target = base * (1 + rate / 10)
    path = required_path(
        kind="level",
        base_value=base,
        base_year=2020,
        target_value=target,
        target_year=2020 + span,
        operator=">=",
        shape=shape,
    )
    values = list(path.values())
    assert values[0] == pytest.approx(base)
    assert values[-1] == target
    assert all(a <= b for a, b in itertools.pairwise(values))


@given(
    kind=st.sampled_from(["level", "annual_growth", "count", "coverage", "relative"]),
    base=_BASES,
    rate=_RATES,
    span=_SPANS,
    elapsed=st.integers(min_value=1, max_value=10),
    shape=st.sampled_from(["linear", "compound"]),
)
def test_actual_on_the_required_path_is_on_track(
    kind: Kind, base: float, rate: float, span: int, elapsed: int, shape: Shape
) -> None:
    value = {"annual_growth": rate, "relative": 1 + rate / 10}.get(kind, base * (1 + rate / 10))
    common = {"kind": kind, "base_value": base, "base_year": 2020, "target_value": value, "target_year": 2020 + span}
    path = required_path(operator=">=", shape=shape, **common)
    as_of = 2020 + min(elapsed, span)
    result = assess(operator=">=", actuals=path, as_of_year=as_of, shape=shape, **common)
    assert result.on_track is True
    assert result.status in ("on_track", "achieved")
    assert result.percent_complete == pytest.approx(result.expected_percent)
