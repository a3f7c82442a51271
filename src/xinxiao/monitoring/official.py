"""The official statistics store (官方统计): import published figures with their vintages, query them as of a date.

Import accepts CSV (UTF-8 or GBK) and XLSX in the layouts of ``official_layouts``; a file imports whole or
not at all, re-importing it adds nothing, and a later vintage of a figure is stored beside the earlier one
(a revision). Published growth (可比口径) is stored as published, never recomputed; single months derived
from YTD levels are labelled (``official_derive``).

Reading is scope-checked: national figures (region 000000) are public to every principal; any other
region must lie inside the caller's scope, else ``NotFound``. Writing needs the analyst or admin role and
a scope covering each figure's region (national figures therefore need a national scope).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from xinxiao.core import NATIONAL, InvalidInput, NotFound, Principal, Role, Scope
from xinxiao.monitoring import official_reading as reading
from xinxiao.monitoring.models import Series
from xinxiao.monitoring.official_derive import Derivation, derive_monthly
from xinxiao.monitoring.official_layouts import Defaults, parse_series
from xinxiao.monitoring.official_store import invalid, store_records
from xinxiao.monitoring.official_vocab import PERIOD_KINDS, vocabulary

# The real series shipped in data/official (see PROVENANCE.md there) and what their files leave out.
REFERENCE_FILES: tuple[tuple[str, Defaults], ...] = (
    ("nbs_retail_releases_2017_2024.csv", Defaults()),
    ("regional_bulletin_figures.csv", Defaults()),
    ("nbs_retail_monthly_2012_2018.csv", Defaults(region=NATIONAL, source_id="GOVCN2018")),
    ("nbs_retail_sa_mom_vintage_2014-11.csv", Defaults(region=NATIONAL)),
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing one file did."""

    file: str
    layout: str
    encoding: str
    sha256: str
    figures: int
    inserted: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class ReferenceLoad:
    """What loading the packaged real series did."""

    imports: list[ImportResult]
    derivation: Derivation


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """One indicator in one region held by the store, for listings."""

    indicator_id: str
    name_zh: str
    region_adcode: str
    unit: str
    rows: int
    first_period: date
    last_period: date
    latest_vintage: date
    synthetic: bool = False


def import_bytes(
    session: Session,
    *,
    actor: Principal,
    data: bytes,
    filename: str,
    region: str | None = None,
    source_id: str | None = None,
    synthetic: bool = False,
) -> ImportResult:
    """Import a file held in memory; ``region``/``source_id`` fill a missing column. Raises with every error."""
    actor.require(Role.analyst)
    parsed = parse_series(data, filename=filename, defaults=Defaults(region=region, source_id=source_id))
    if parsed.errors:
        raise invalid(filename, parsed.errors)
    digest = hashlib.sha256(data).hexdigest()
    stored = store_records(
        session, actor=actor, records=parsed.records, file=filename, batch=digest[:32], synthetic=synthetic
    )
    return ImportResult(
        filename, parsed.layout, parsed.encoding, digest, len(parsed.records), len(stored.inserted), stored.unchanged
    )


def import_file(
    session: Session,
    *,
    actor: Principal,
    path: Path,
    region: str | None = None,
    source_id: str | None = None,
    synthetic: bool = False,
) -> ImportResult:
    """Import a CSV or XLSX file of official figures (all or nothing, idempotent)."""
    data = path.read_bytes()
    return import_bytes(
        session, actor=actor, data=data, filename=path.name, region=region, source_id=source_id, synthetic=synthetic
    )


def load_national_reference(session: Session, *, actor: Principal) -> ReferenceLoad:
    """Import the four packaged real files and derive the months their YTD levels give (idempotent)."""
    folder = resources.files("xinxiao.monitoring").joinpath("data/official")
    imports = [
        import_bytes(
            session,
            actor=actor,
            data=folder.joinpath(name).read_bytes(),
            filename=name,
            region=defaults.region,
            source_id=defaults.source_id,
        )
        for name, defaults in REFERENCE_FILES
    ]
    return ReferenceLoad(imports, derive_monthly(session, actor=actor))


def _resolve(indicator_id: str, region_adcode: str, scope: Scope) -> tuple[str, str]:
    """Registry id and adcode for the names given; ``NotFound`` for a region outside the scope."""
    words = vocabulary()
    try:
        indicator, region = words.indicator_id(indicator_id), words.region(region_adcode)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if region != NATIONAL and not scope.covers(region):
        raise NotFound(f"地区 {region_adcode} 不在您的管辖范围内")
    return indicator, region


def _rank(row: Series) -> tuple[bool, date, int]:
    """Published beats derived; then the later vintage; then the later import."""
    return (not row.derived, row.vintage, row.id)


def latest(
    session: Session,
    *,
    scope: Scope,
    indicator_id: str,
    region_adcode: str,
    as_of: date | None = None,
    period_kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Series]:
    """Each period's figure as known on ``as_of`` (latest vintage; figures released later are invisible).

    ``start``/``end`` bound the period ends; a published figure wins over a derived one of the same period.
    """
    indicator, region = _resolve(indicator_id, region_adcode, scope)
    query = select(Series).where(Series.indicator_id == indicator, Series.region_adcode == region)
    if as_of is not None:
        query = query.where(Series.vintage <= as_of)
    if period_kind is not None:
        query = query.where(Series.period_kind == _kind(period_kind))
    if start is not None:
        query = query.where(Series.period_end >= start)
    if end is not None:
        query = query.where(Series.period_end <= end)
    best: dict[tuple[date, date, str], Series] = {}
    for row in session.scalars(query):
        key = (row.period_start, row.period_end, row.period_kind)
        if key not in best or _rank(row) > _rank(best[key]):
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.period_end, PERIOD_KINDS.index(r.period_kind), r.period_start))


def _kind(name: str) -> str:
    try:
        return vocabulary().period_kind(name)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="period_kind") from None


def revisions(
    session: Session,
    *,
    scope: Scope,
    indicator_id: str,
    region_adcode: str,
    period_start: date,
    period_end: date,
    period_kind: str,
) -> list[Series]:
    """Every stored vintage of one period's figure, oldest first (derived rows included, labelled)."""
    indicator, region = _resolve(indicator_id, region_adcode, scope)
    query = (
        select(Series)
        .where(Series.indicator_id == indicator, Series.region_adcode == region)
        .where(Series.period_start == period_start, Series.period_end == period_end)
        .where(Series.period_kind == _kind(period_kind))
        .order_by(Series.vintage, Series.derived, Series.id)
    )
    rows = list(session.scalars(query))
    if not rows:
        raise NotFound(f"没有 {indicator} {region} {period_start:%Y-%m}..{period_end:%Y-%m} ({period_kind}) 的数据")
    return rows


def list_indicators_with_series(session: Session, *, scope: Scope) -> list[SeriesSummary]:
    """The indicators and regions the store holds that the scope may read (national ones always)."""
    query = (
        select(
            Series.indicator_id,
            Series.region_adcode,
            func.min(Series.unit),
            func.count(),
            func.min(Series.period_start),
            func.max(Series.period_end),
            func.max(Series.vintage),
            func.max(case((Series.synthetic, 1), else_=0)),
        )
        .where(or_(scope.clause(Series.region_adcode), Series.region_adcode == NATIONAL))
        .group_by(Series.indicator_id, Series.region_adcode)
        .order_by(Series.region_adcode, Series.indicator_id)
    )
    names = vocabulary().indicators
    return [
        SeriesSummary(ind, names[ind].name_zh if ind in names else ind, reg, unit, n, first, last, vintage, bool(fake))
        for ind, reg, unit, n, first, last, vintage, fake in session.execute(query)
    ]


def period_bounds(kind: str, month: str) -> tuple[date, date]:
    """The start and end of the period of ``kind`` ending in ``month`` (YYYY-MM).

    >>> period_bounds("ytd", "2019-12"), period_bounds("month", "2019-12")[0]
    ((datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)), datetime.date(2019, 12, 1))
    >>> period_bounds("quarter", "2019-06")[0]
    datetime.date(2019, 4, 1)
    """
    end = reading.period_end(month)
    first_month = {"month": end.month, "ytd": 1, "quarter": end.month - 2, "year": 1}[_kind(kind)]
    start = date(end.year, max(first_month, 1), 1)
    try:
        reading.check_period(_kind(kind), start, end)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="period") from None
    return start, end
