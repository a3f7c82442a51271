"""Merchant registry routes: the JSON API under /api/v1/merchants and the pages under /merchants."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, File, Query, UploadFile
from fastapi.responses import FileResponse, Response, StreamingResponse

from xinxiao.core import NotFound, PageParams, Principal
from xinxiao.http import AnalyticsDep, AppState, CurrentPrincipal, SessionDep, SettingsDep
from xinxiao.http.deps import get_state
from xinxiao.merchants import exporting, jobs, service, stats
from xinxiao.merchants.schemas import (
    ImportJobRead,
    MerchantCreate,
    MerchantFilter,
    MerchantPage,
    MerchantRead,
    MerchantUpdate,
    NewAboveQuotaRow,
    PlaceRead,
    StatsRow,
)

api = APIRouter(prefix="/api/v1/merchants", tags=["merchants"])
FilterDep = Annotated[MerchantFilter, Query()]
PageDep = Annotated[PageParams, Query()]
StateDep = Annotated[AppState, Depends(get_state)]


@api.get("", response_model=MerchantPage)
def list_merchants(session: SessionDep, actor: CurrentPrincipal, filters: FilterDep, page: PageDep) -> MerchantPage:
    """Merchants inside your region scope, filtered and paged."""
    return service.list_merchants(session, actor=actor, filters=filters, page=page)


@api.post("", response_model=MerchantRead, status_code=201)
def create_merchant(body: MerchantCreate, session: SessionDep, actor: CurrentPrincipal) -> MerchantRead:
    """Register a merchant in a county inside your scope."""
    return MerchantRead.model_validate(service.create(session, actor=actor, data=body))


@api.get("/export")
def export(
    session: SessionDep,
    actor: CurrentPrincipal,
    filters: FilterDep,
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    """Download the filtered merchants inside your scope as CSV (UTF-8 with BOM) or XLSX."""
    if format == "xlsx":
        content = exporting.export_xlsx(session, actor=actor, filters=filters)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(content, media_type=media, headers=_attachment("merchants.xlsx"))
    rows = list(exporting.export_csv(session, actor=actor, filters=filters))
    return StreamingResponse(iter(rows), media_type="text/csv; charset=utf-8", headers=_attachment("merchants.csv"))


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@api.get("/places", response_model=list[PlaceRead])
def list_places(session: SessionDep, actor: CurrentPrincipal, region: str | None = None) -> list[PlaceRead]:
    """Business districts, night-economy clusters and pedestrian streets inside your scope."""
    return [PlaceRead.model_validate(p) for p in service.list_places(session, actor=actor, region=region)]


@api.get("/stats", response_model=list[StatsRow])
def statistics(
    session: SessionDep,
    actor: CurrentPrincipal,
    engine: AnalyticsDep,
    dimension: stats.Dimension = "region",
    region: str | None = None,
    level: stats.Level | None = None,
) -> list[StatsRow]:
    """Counts, 数字化率 and 限额以上 counts by region, industry, 业态 or place."""
    return stats.summary(session, actor=actor, engine=engine, dimension=dimension, region=region, region_level=level)


@api.get("/stats/new-above-quota", response_model=list[NewAboveQuotaRow])
def new_above_quota(
    session: SessionDep,
    actor: CurrentPrincipal,
    engine: AnalyticsDep,
    region: str | None = None,
    level: stats.Level | None = None,
) -> list[NewAboveQuotaRow]:
    """New 限额以上 units by region and year (the plan target 新增限额以上单位 reads this)."""
    return stats.new_above_quota(session, actor=actor, engine=engine, region=region, region_level=level)


@api.post("/imports", response_model=ImportJobRead, status_code=202)
def start_import(
    file: Annotated[UploadFile, File()],
    actor: CurrentPrincipal,
    state: StateDep,
    background: BackgroundTasks,
) -> ImportJobRead:
    """Upload a CSV (UTF-8 or GBK) or XLSX file; the import runs in the background."""
    job_id = begin_import(file, actor, state, background)
    with state.sessions() as fresh:  # the request's own snapshot predates the job row
        return job_read(fresh, actor, job_id)


@api.get("/imports/{job_id}", response_model=ImportJobRead)
def get_import(job_id: int, session: SessionDep, actor: CurrentPrincipal) -> ImportJobRead:
    """State and counts of an import; ``rows_total`` grows while it runs."""
    return job_read(session, actor, job_id)


@api.get("/imports/{job_id}/errors.csv")
def import_errors(job_id: int, session: SessionDep, actor: CurrentPrincipal, settings: SettingsDep) -> Response:
    """The rejected rows of an import: line, column, reason."""
    job = service.get_import(session, actor=actor, job_id=job_id)
    if not job.error_report:
        raise NotFound("该导入没有错误报告")
    path = settings.var_dir / "imports" / job.error_report
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=job.error_report)


@api.get("/{merchant_id}", response_model=MerchantRead)
def get_merchant(merchant_id: int, session: SessionDep, actor: CurrentPrincipal) -> MerchantRead:
    """One merchant inside your scope."""
    return MerchantRead.model_validate(service.get(session, actor=actor, merchant_id=merchant_id))


@api.patch("/{merchant_id}", response_model=MerchantRead)
def update_merchant(
    merchant_id: int, body: MerchantUpdate, session: SessionDep, actor: CurrentPrincipal
) -> MerchantRead:
    """Change a merchant's fields (the USCC is fixed)."""
    return MerchantRead.model_validate(service.update(session, actor=actor, merchant_id=merchant_id, data=body))


def begin_import(file: UploadFile, actor: Principal, state: AppState, background: BackgroundTasks) -> int:
    settings = state.settings
    name = file.filename or "upload.csv"
    path = jobs.save_upload(
        file.file, directory=settings.var_dir / "uploads", filename=name, max_bytes=settings.upload_max_bytes
    )
    job_id = jobs.start_import(state.sessions, actor=actor, path=path, filename=name)
    background.add_task(
        jobs.run_import,
        state.sessions,
        actor=actor,
        job_id=job_id,
        path=path,
        report_dir=settings.var_dir / "imports",
        batch_size=settings.import_batch_size,
    )
    return job_id


def job_read(session: SessionDep, actor: Principal, job_id: int) -> ImportJobRead:
    job = service.get_import(session, actor=actor, job_id=job_id)
    read = ImportJobRead.model_validate(job)
    running = jobs.progress(job_id)
    return read.model_copy(
        update={
            "has_error_report": bool(job.error_report),
            "rows_total": running if running is not None else job.rows_total,
        }
    )
