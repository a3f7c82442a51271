"""The clock seam: ``now()`` is the system's UTC time, or a fixed instant inside ``frozen()`` (tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime


def _system() -> datetime:
    return datetime.now(UTC)


_source: ContextVar[Callable[[], datetime]] = ContextVar("xinxiao_clock", default=_system)


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _source.get()()


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Make ``now()`` return ``at`` inside the block (an in-process clock for tests).

    >>> from datetime import datetime, UTC
    >>> with frozen(datetime(2024, 2, 10, tzinfo=UTC)):
    ...     now().date().isoformat()
    '2024-02-10'
    """
    if at.tzinfo is None:
        raise ValueError("frozen() needs a timezone-aware instant")
    token = _source.set(lambda: at)
    try:
        yield at
    finally:
        _source.reset(token)
