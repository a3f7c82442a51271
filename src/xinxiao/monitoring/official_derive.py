"""Single-month figures derived by differencing consecutive YTD levels (Dec = ytd(Dec) − ytd(Nov)).

Rules: only levels (亿元, 万元, 元) are differenced, never percentages; January and February are never
derived on their own, because the merged 1–2月 release is the first YTD figure of a year (so the first
month derived is March = ytd(Mar) − ytd(1–2月)); growth is never derived (``yoy_pct`` stays empty — the
published growth is on the comparable basis and cannot be recomputed from levels); a month whose
single-month figure is published is not derived. A derived row has ``derived`` set, source id
``derived``, a ``derivation`` text, and the later vintage of its two inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby, pairwise

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from xinxiao.core import Principal
from xinxiao.monitoring.models import Series
from xinxiao.monitoring.official_layouts import SeriesRecord
from xinxiao.monitoring.official_store import store_records
from xinxiao.monitoring.official_vocab import vocabulary

DERIVED_SOURCE = "derived"


@dataclass(frozen=True, slots=True)
class YtdFigure:
    """A published year-to-date level: Jan..``end`` of one indicator and region."""

    indicator_id: str
    region_adcode: str
    end: date
    value: float
    unit: str
    vintage: date
    source_id: str


@dataclass(frozen=True, slots=True)
class Derivation:
    """What a derivation run did."""

    inserted: int
    unchanged: int
    skipped_published: int


def monthly_from_ytd(figures: Iterable[YtdFigure]) -> list[SeriesRecord]:
    """Months derived from consecutive YTD levels of the same indicator, region, unit and year.

    >>> nov = YtdFigure("retail_sales", "000000", date(2019, 11, 30), 372872, "亿元", date(2019, 12, 16), "S2019N")
    >>> dec = YtdFigure("retail_sales", "000000", date(2019, 12, 31), 411649, "亿元", date(2020, 1, 17), "S2019Y")
    >>> [(r.period_start, r.value, r.vintage, r.derivation) for r in monthly_from_ytd([dec, nov])]
    [(datetime.date(2019, 12, 1), 38777.0, datetime.date(2020, 1, 17), '2019-12 = ytd(2019-12) − ytd(2019-11)')]
    >>> jf = YtdFigure("retail_sales", "000000", date(2019, 2, 28), 66064, "亿元", date(2019, 3, 14), "S2019JF")
    >>> monthly_from_ytd([jf])  # 1–2月 is the first YTD: January and February are never derived
    []
    """

    def series(f: YtdFigure) -> tuple[str, str, str, int]:
        return f.indicator_id, f.region_adcode, f.unit, f.end.year

    derived: list[SeriesRecord] = []
    for _, group in groupby(sorted(figures, key=lambda f: (series(f), f.end)), key=series):
        for earlier, later in pairwise(group):
            if later.end.month == earlier.end.month + 1 and earlier.end.month >= 2:
                derived.append(_month(earlier, later))
    return derived


def _month(earlier: YtdFigure, later: YtdFigure) -> SeriesRecord:
    month = f"{later.end:%Y-%m}"
    return SeriesRecord(
        line=0,
        indicator_id=later.indicator_id,
        region_adcode=later.region_adcode,
        period_start=later.end.replace(day=1),
        period_end=later.end,
        period_kind="month",
        value=float(round(later.value - earlier.value, 6)),
        unit=later.unit,
        yoy_pct=None,
        yoy_real_pct=None,
        source_id=DERIVED_SOURCE,
        vintage=max(earlier.vintage, later.vintage),
        note=f"ytd {later.source_id} − ytd {earlier.source_id}",
        derivation=f"{month} = ytd({month}) − ytd({earlier.end:%Y-%m})",
    )


def derive_monthly(
    session: Session, *, actor: Principal, indicator_id: str | None = None, region_adcode: str | None = None
) -> Derivation:
    """Store the single months derivable from the latest YTD levels inside the actor's scope (idempotent)."""
    rows = _latest_ytd(session, actor, indicator_id, region_adcode)
    published = _published_months(session, actor, indicator_id, region_adcode)
    candidates = monthly_from_ytd(_figure(r) for r in rows)
    keep = [r for r in candidates if (r.indicator_id, r.region_adcode, r.period_start) not in published]
    stored = store_records(session, actor=actor, records=keep, file="derive_monthly", batch=DERIVED_SOURCE)
    return Derivation(len(stored.inserted), stored.unchanged, len(candidates) - len(keep))


def _where(actor: Principal, indicator_id: str | None, region: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [actor.scope.clause(Series.region_adcode), Series.derived.is_(False)]
    if indicator_id:
        conditions.append(Series.indicator_id == indicator_id)
    if region:
        conditions.append(Series.region_adcode == region)
    return conditions


def _latest_ytd(session: Session, actor: Principal, indicator_id: str | None, region: str | None) -> list[Series]:
    query = (
        select(Series)
        .where(*_where(actor, indicator_id, region))
        .where(Series.period_kind == "ytd", Series.value.is_not(None), Series.unit.in_(vocabulary().level_units))
        .order_by(Series.vintage, Series.id)
    )
    latest: dict[tuple[object, ...], Series] = {}
    for row in session.scalars(query):  # ordered by vintage: the last one of a period wins
        latest[(row.indicator_id, row.region_adcode, row.period_start, row.period_end)] = row
    return list(latest.values())


def _published_months(
    session: Session, actor: Principal, indicator_id: str | None, region: str | None
) -> set[tuple[str, str, date]]:
    query = select(Series.indicator_id, Series.region_adcode, Series.period_start).where(
        *_where(actor, indicator_id, region), Series.period_kind == "month"
    )
    return {(a, b, c) for a, b, c in session.execute(query)}


def _figure(row: Series) -> YtdFigure:
    assert row.value is not None  # the query keeps levels only
    return YtdFigure(
        row.indicator_id, row.region_adcode, row.period_end, row.value, row.unit, row.vintage, row.source_id
    )
