"""The result cache: hits and misses, LRU eviction, and invalidation by lake version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from monitoring.indicator_factory import cubes
from xinxiao.analytics import DuckDBEngine
from xinxiao.monitoring.cache import VersionedLRU
from xinxiao.monitoring.indicators import get_indicator
from xinxiao.monitoring.query import RESULTS, cube_frame


class CountingEngine(DuckDBEngine):
    """DuckDB that counts the queries it runs."""

    calls = 0

    def execute(self, build, tables):  # type: ignore[no-untyped-def]
        self.calls += 1
        return super().execute(build, tables)


@pytest.fixture
def engine() -> Iterator[CountingEngine]:
    RESULTS.invalidate()
    duck = CountingEngine()
    yield duck
    duck.close()


def _turnover(engine: CountingEngine, version: str, **kwargs: object) -> float:
    options = {"region": "533400", "start": date(2024, 1, 1), "end": date(2024, 12, 31), "grain": "month"} | kwargs
    frame = cube_frame(engine, cubes(version=version), get_indicator("payment_turnover"), **options)  # type: ignore[arg-type]
    return float(frame["value"].sum())


def test_a_repeated_query_is_served_from_the_cache(engine: CountingEngine) -> None:
    first = _turnover(engine, "1")
    assert _turnover(engine, "1") == first
    assert engine.calls == 1
    stats = RESULTS.stats()
    assert (stats.hits, stats.misses, stats.size, stats.version) == (1, 1, 1, "1")


@pytest.mark.parametrize(
    "change",
    [{"region": "533401"}, {"grain": "day"}, {"end": date(2024, 1, 31)}, {"filters": (("night", ("True",)),)}],
)
def test_any_other_filter_region_or_range_is_a_miss(engine: CountingEngine, change: dict[str, object]) -> None:
    _turnover(engine, "1")
    _turnover(engine, "1", **change)
    assert engine.calls == 2


def test_a_new_lake_version_invalidates(engine: CountingEngine) -> None:
    _turnover(engine, "1")
    _turnover(engine, "2")  # an ingest committed version 2
    _turnover(engine, "2")
    assert engine.calls == 2 and RESULTS.stats().size == 1 and RESULTS.stats().version == "2"
    _turnover(engine, "1")  # a reader still holding the old snapshot does not get version 2's results
    assert engine.calls == 3


def test_explicit_invalidation(engine: CountingEngine) -> None:
    _turnover(engine, "1")
    RESULTS.invalidate()
    _turnover(engine, "1")
    assert engine.calls == 2


def test_results_are_copies(engine: CountingEngine) -> None:
    frame = cube_frame(engine, cubes(), get_indicator("payment_turnover"), region="533400",
                       start=date(2024, 1, 1), end=date(2024, 12, 31), grain="month")  # fmt: skip
    frame["value"] = 0.0
    assert _turnover(engine, "1") == pytest.approx(0.11)


def test_least_recently_used_entries_go_first() -> None:
    cache: VersionedLRU[int] = VersionedLRU(maxsize=2)
    computed: list[str] = []

    def compute(key: str) -> int:
        computed.append(key)
        return len(computed)

    for key in ("a", "b", "a", "c", "a", "b"):
        cache.get_or_compute(key, "v", lambda key=key: compute(key))  # type: ignore[misc]
    assert computed == ["a", "b", "c", "b"]  # "b" was evicted by "c"; "a" stayed in use
