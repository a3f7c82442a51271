"""An in-process LRU cache of indicator results, keyed by the query and the lake version.

``cachetools`` is not among the dependencies, so this is a small ``OrderedDict`` LRU behind a lock
(``functools.lru_cache`` cannot key on a version without also holding on to the unhashable inputs).
A result is stored under ``(query key, lake version)``: a new lake version, which every ingest and cube
rebuild commits, makes every older entry unreachable, and the first lookup under the new version drops
them all at once. ``invalidate()`` empties the cache explicitly (after an ingest in the same process).
Only cube indicators are cached; official series are a single indexed database read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
DEFAULT_SIZE = 512


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since the cache was made or cleared."""

    hits: int
    misses: int
    size: int
    version: str | None


class VersionedLRU(Generic[T]):
    """Least-recently-used results for one lake version at a time.

    >>> cache: VersionedLRU[int] = VersionedLRU(maxsize=2)
    >>> cache.get_or_compute(("a",), "v1", lambda: 1), cache.get_or_compute(("a",), "v1", lambda: 2)
    (1, 1)
    >>> cache.get_or_compute(("a",), "v2", lambda: 3), cache.stats().hits
    (3, 1)
    """

    def __init__(self, maxsize: int = DEFAULT_SIZE) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._version: str | None = None
        self._hits = self._misses = 0
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, version: str, compute: Callable[[], T]) -> T:
        """The cached value for ``key`` under ``version``, computing and storing it on a miss."""
        with self._lock:
            if version != self._version:
                self._items.clear()  # a newer (or different) lake: nothing older may be served
                self._version = version
            if key in self._items:
                self._hits += 1
                self._items.move_to_end(key)
                return self._items[key]
            self._misses += 1
        value = compute()  # outside the lock: a slow query must not block cached readers
        with self._lock:
            if version == self._version:
                self._items[key] = value
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
        return value

    def invalidate(self) -> None:
        """Drop every entry and reset the counters."""
        with self._lock:
            self._items.clear()
            self._version = None
            self._hits = self._misses = 0

    def stats(self) -> CacheStats:
        """Hits, misses, entries and the version being served."""
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._items), self._version)
