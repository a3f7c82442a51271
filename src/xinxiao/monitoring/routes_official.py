"""Official statistics routes: the JSON API under /api/v1/monitoring/official.

Reads need a signed-in principal; national figures (000000) are readable by all of them, other regions
only inside the caller's scope (404 otherwise). Imports need the analyst or admin role; a cookie-session
upload carries the page's CSRF token in ``X-CSRF-Token`` (checked by the shared principal dependency).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from xinxiao.core import InvalidInput
from xinxiao.http import CurrentPrincipal, SessionDep, SettingsDep
from xinxiao.monitoring import official

api = APIRouter(prefix="/api/v1/monitoring/official", tags=["monitoring"])
IndicatorQuery = Annotated[str, Query(description="indicator id (retail_sales, online_retail …) or a file name for it")]
RegionQuery = Annotated[str, Query(description="adcode (000000 = national) or a known name (CN, Hubei, 迪庆州)")]


class SeriesRead(BaseModel):
    """One stored figure with its vintage; ``derived`` figures carry their ``derivation``."""

    model_config = ConfigDict(from_attributes=True)

    indicator_id: str
    region_adcode: str
    period_start: date
    period_end: date
    period_kind: str = Field(description="month, ytd, quarter or year (1–2月 is ytd from January to February)")
    value: float | None
    unit: str = Field(description="亿元, 万元, 元 or %")
    yoy_pct: float | None = Field(description="YoY growth as published on the comparable basis (可比口径)")
    yoy_real_pct: float | None
    derived: bool
    derivation: str | None
    source_id: str
    source_note: str | None
    vintage: date = Field(description="release date of this figure")
    synthetic: bool


class SeriesSummaryRead(BaseModel):
    """An indicator and region held by the store."""

    indicator_id: str
    name_zh: str
    region_adcode: str
    unit: str
    rows: int
    first_period: date
    last_period: date
    latest_vintage: date
    synthetic: bool = False


class ImportRead(BaseModel):
    """What an import did."""

    file: str
    layout: str
    encoding: str
    sha256: str
    figures: int
    inserted: int
    unchanged: int


@api.get("/series", response_model=list[SeriesRead], summary="Official series as known on a date")
def series(
    session: SessionDep,
    actor: CurrentPrincipal,
    indicator: IndicatorQuery,
    region: RegionQuery,
    as_of: date | None = None,
    period_kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[SeriesRead]:
    """Each period's latest figure released on or before ``as_of`` (default: everything); periods ending in
    ``[start, end]``. A published figure wins over a derived one of the same period."""
    rows = official.latest(
        session,
        scope=actor.scope,
        indicator_id=indicator,
        region_adcode=region,
        as_of=as_of,
        period_kind=period_kind,
        start=start,
        end=end,
    )
    return [SeriesRead.model_validate(r) for r in rows]


@api.get("/revisions", response_model=list[SeriesRead], summary="Revision history of one period")
def revisions(
    session: SessionDep,
    actor: CurrentPrincipal,
    indicator: IndicatorQuery,
    region: RegionQuery,
    period: Annotated[str, Query(description="the period's last month, YYYY-MM")],
    period_kind: Annotated[str, Query(description="month, ytd, quarter or year")] = "month",
) -> list[SeriesRead]:
    """Every stored vintage of one period's figure, oldest first; 404 when there is none."""
    start, end = official.period_bounds(period_kind, period)
    rows = official.revisions(
        session,
        scope=actor.scope,
        indicator_id=indicator,
        region_adcode=region,
        period_start=start,
        period_end=end,
        period_kind=period_kind,
    )
    return [SeriesRead.model_validate(r) for r in rows]


@api.get("/indicators", response_model=list[SeriesSummaryRead], summary="Indicators and regions held")
def indicators(session: SessionDep, actor: CurrentPrincipal) -> list[SeriesSummaryRead]:
    """The official indicators and regions you may read, with their period range and latest vintage."""
    found = official.list_indicators_with_series(session, scope=actor.scope)
    return [SeriesSummaryRead.model_validate(s, from_attributes=True) for s in found]


@api.post("/imports", response_model=ImportRead, status_code=201, summary="Import a file of official figures")
def import_figures(
    session: SessionDep,
    actor: CurrentPrincipal,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GBK) or XLSX in the long or wide layout")],
    region: Annotated[str | None, Form(description="region of rows whose file has no region column")] = None,
    source_id: Annotated[str | None, Form(description="source of rows whose file has no source_id column")] = None,
) -> ImportRead:
    """Import all figures of the file or none (422 lists every line, field and reason; 409 on a changed
    figure at the same vintage). Re-importing a file adds nothing. Analyst or admin role."""
    data = file.file.read(settings.upload_max_bytes + 1)
    if len(data) > settings.upload_max_bytes:
        raise InvalidInput(f"文件超过 {settings.upload_max_bytes} 字节上限", field="file")
    result = official.import_bytes(
        session, actor=actor, data=data, filename=file.filename or "upload.csv", region=region, source_id=source_id
    )
    return ImportRead.model_validate(result, from_attributes=True)
