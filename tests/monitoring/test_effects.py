"""Window effects: the uplift interval covers a planted uplift, and the window analysis over a cube."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy.orm import Session

from monitoring.indicator_factory import table
from support import principal
from xinxiao.analytics import DuckDBEngine
from xinxiao.core import NotFound, system_principal
from xinxiao.monitoring.effects import uplift_interval, window_effect
from xinxiao.monitoring.query import RESULTS, CubeSources
from xinxiao.monitoring.schema import PAYMENTS_CUBE
from xinxiao.monitoring.windows import seed_windows, window_defs


def _series(rng: np.random.Generator, days: int, level: float, noise: float) -> list[float]:
    return list(rng.normal(level, noise * level, size=days))


# A known noise pattern: ±8 % around the level, mean exactly zero, so the window's true uplift is exact.
PATTERN = [0.08, -0.08, 0.04, -0.04, 0.0, 0.06, -0.06]


@pytest.mark.parametrize("uplift", [15.0, 30.0, 50.0])
def test_a_large_planted_uplift_is_inside_the_interval_and_zero_is_not(uplift: float) -> None:
    baseline = [100.0 * (1 + e) for e in PATTERN * 4]
    window = [100.0 * (1 + uplift / 100) * (1 + e) for e in PATTERN[::-1]]
    point, low, high = uplift_interval(window, baseline, seed=11)
    assert point == pytest.approx(uplift)
    assert 0 < low < uplift < high


def test_a_small_uplift_in_noisy_days_is_not_called() -> None:
    baseline = [100.0 * (1 + 3 * e) for e in PATTERN * 4]  # ±24 % day to day
    _, low, high = uplift_interval([105.0 * (1 + 3 * e) for e in PATTERN], baseline, seed=11)
    assert low < 0 < high


def test_no_uplift_gives_an_interval_around_zero() -> None:
    rng = np.random.default_rng(7)
    point, low, high = uplift_interval(_series(rng, 7, 100.0, 0.1), _series(rng, 28, 100.0, 0.1), seed=7)
    assert low < 0 < high and abs(point) < 10


def test_the_90_percent_interval_covers_about_90_percent_of_the_time() -> None:
    rng = np.random.default_rng(2024)
    covered = 0
    runs = 200
    for run in range(runs):
        baseline = _series(rng, 28, 100.0, 0.1)
        window = _series(rng, 7, 120.0, 0.1)
        _, low, high = uplift_interval(window, baseline, replicates=1000, seed=run)
        covered += low < 20.0 < high
    assert 0.82 <= covered / runs <= 0.96  # nominal 0.90; measured 0.89 (see effects.py)


def test_the_interval_repeats_with_its_seed_and_widens_with_noise() -> None:
    rng = np.random.default_rng(5)
    quiet, noisy = _series(rng, 28, 100.0, 0.02), _series(rng, 28, 100.0, 0.2)
    window = [120.0] * 7
    assert uplift_interval(window, quiet, seed=3) == uplift_interval(window, quiet, seed=3)
    width = [high - low for _, low, high in (uplift_interval(window, b, seed=3) for b in (quiet, noisy))]
    assert width[0] < width[1] / 4


def test_too_short_a_baseline_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 7 baseline days"):
        uplift_interval([1.0], [1.0] * 6)


# --- the window analysis over a cube --------------------------------------------------------------------


def _cube() -> CubeSources:
    """Daily payments in 香格里拉: 2023 at 1 000 元 a day, 2024 at 1 100 元, 国庆 2024 at 1 650 元 (+50 %).

    Every day has one night row (a fifth of the money) and one row from another province (two fifths).
    """
    rows = []
    for first, last in ((date(2023, 8, 1), date(2023, 10, 31)), (date(2024, 8, 1), date(2024, 10, 31))):
        day = first
        while day <= last:
            level = 100_000 if day.year == 2023 else 110_000
            if date(day.year, 10, 1) <= day <= date(day.year, 10, 7):
                level = level * 3 // 2
            wiggle = 1 + 0.03 * ((day.toordinal() % 5) - 2)  # a small, known day-to-day variation
            amount = int(level * wiggle)
            for night, origin, share in ((True, "local_county", 0.2), (False, "other_province", 0.4),
                                         (False, "local_county", 0.4)):  # fmt: skip
                rows.append((day, "533401", "5211", "offline_qr", night, origin, None, int(amount * share), 1, 1,
                             0, 0))  # fmt: skip
            day += timedelta(days=1)
    return CubeSources({"payments": table(PAYMENTS_CUBE, rows)}, version="e", synthetic=True)


@pytest.fixture
def engine() -> Iterator[DuckDBEngine]:
    RESULTS.invalidate()
    duck = DuckDBEngine()
    yield duck
    duck.close()


def test_window_effect_over_a_cube(session: Session, engine: DuckDBEngine) -> None:
    seed_windows(
        session, actor=system_principal(), years=[2023, 2024], defs=[window_defs()["national_day_golden_week"]]
    )
    effect = window_effect(
        session, actor=principal("533400"), engine=engine, cubes=_cube(), code="national_day_golden_week", year=2024
    )
    metrics = effect.metrics
    assert effect.region == "533400"
    assert metrics["count"] == 21.0  # 7 days × 3 rows
    assert metrics["night_share"] == pytest.approx(20.0, abs=0.01)
    assert metrics["nonlocal_share"] == pytest.approx(40.0, abs=0.01)
    assert metrics["daily_mean"] == pytest.approx(0.165, rel=0.02)  # 1 650 元 = 0.165 万元
    uplifts = {u.baseline: u for u in effect.uplifts}
    last_year, pre = uplifts["last_year"], uplifts["pre_window"]
    assert (last_year.first, last_year.last) == (date(2023, 10, 1), date(2023, 10, 7))
    assert last_year.point == pytest.approx(10.0, abs=1.5) and last_year.low < 10.0 < last_year.high
    assert (pre.first, pre.last, pre.days) == (date(2024, 9, 3), date(2024, 9, 30), 28)
    assert pre.point == pytest.approx(50.0, abs=3) and pre.low < 50.0 < pre.high and pre.low > 0
    body = effect.to_dict()
    assert body["synthetic"] is True and body["window"]["start"] == "2024-10-01"
    assert {d["segment"] for d in body["daily"]} == {"window", "pre_window", "last_year"}


def test_a_missing_baseline_is_noted_not_invented(session: Session, engine: DuckDBEngine) -> None:
    seed_windows(session, actor=system_principal(), years=[2023], defs=[window_defs()["national_day_golden_week"]])
    effect = window_effect(
        session, actor=principal("533401"), engine=engine, cubes=_cube(), code="national_day_golden_week", year=2023
    )
    assert [u.baseline for u in effect.uplifts] == ["pre_window"]
    assert effect.notes and effect.notes[0].startswith("last_year")
    assert effect.region == "533401"


def test_windows_and_regions_outside_the_scope_are_not_found(session: Session, engine: DuckDBEngine) -> None:
    seed_windows(session, actor=system_principal(), years=[2024])
    with pytest.raises(NotFound):
        window_effect(session, actor=principal("420000"), engine=engine, cubes=_cube(), code="meili100", year=2024)
    with pytest.raises(NotFound):
        window_effect(
            session, actor=principal("533401"), engine=engine, cubes=_cube(), code="618", year=2024, region="533422"
        )
    with pytest.raises(NotFound):
        window_effect(session, actor=principal("533401"), engine=engine, cubes=None, code="618", year=2024)
