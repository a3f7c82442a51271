"""In-memory stand-ins for the indicator values and feed freshness that alert runs read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

Key = tuple[str, str, str, str]  # indicator, region, grain, view


@dataclass
class FakeValues:
    """Series by (indicator, region, grain, view); anything else is empty. Raises for indicator ``broken``."""

    data: dict[Key, pd.Series] = field(default_factory=dict)
    synthetic: bool = False

    def put(self, indicator: str, region: str, grain: str, series: pd.Series, view: str = "level") -> None:
        """Store a series."""
        self.data[(indicator, region, grain, view)] = series

    def series(self, indicator_id: str, region_adcode: str, grain: str, end: date, *, view: str = "level") -> pd.Series:
        """The stored series up to ``end``."""
        if indicator_id == "broken":
            raise KeyError(f"unknown indicator {indicator_id}")
        stored = self.data.get((indicator_id, region_adcode, grain, view), pd.Series([], dtype=float))
        result = stored[pd.to_datetime(stored.index) <= pd.Timestamp(end)].copy()
        result.attrs["synthetic"] = self.synthetic
        return result


@dataclass
class FakeFreshness:
    """Last data dates and delivery instants by feed kind."""

    dates: dict[str, date] = field(default_factory=dict)
    deliveries: dict[str, datetime] = field(default_factory=dict)

    def last_date(self, feed_kind: str) -> date | None:
        """The last data date of a feed."""
        return self.dates.get(feed_kind)

    def last_delivery_at(self, feed_kind: str) -> datetime | None:
        """When the feed was last delivered."""
        return self.deliveries.get(feed_kind)


def monthly(values: list[float], start: str = "2024-01-01") -> pd.Series:
    """A month-start indexed series."""
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))
