"""Merchant registry pages: list, detail, import with progress, statistics with a choropleth."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinxiao.core import PageParams, Principal
from xinxiao.http import AnalyticsDep, PagePrincipal, SessionDep, check_csrf, region_breadcrumb, render, scope_context
from xinxiao.http.i18n import translate
from xinxiao.http.templating import language
from xinxiao.merchants import service, stats
from xinxiao.merchants.columns import BUSINESS_FORMATS, COLUMNS
from xinxiao.merchants.places import PLACE_KINDS
from xinxiao.merchants.router import FilterDep, StateDep, begin_import, job_read
from xinxiao.reference import drillable, get_region, region_choices

router = APIRouter(prefix="/merchants", include_in_schema=False)


def _common(session: SessionDep, actor: Principal) -> dict[str, object]:
    return scope_context(session, actor) | {"synthetic": service.has_synthetic(session, actor=actor)}


@router.get("", response_class=HTMLResponse)
def list_page(
    request: Request,
    session: SessionDep,
    actor: PagePrincipal,
    filters: FilterDep,
    page: Annotated[PageParams, Query()],
) -> Response:
    """The merchant list with filters, search and export links."""
    result = service.list_merchants(session, actor=actor, filters=filters, page=page)
    context = _common(session, actor) | {
        "result": result,
        "filters": filters,
        "formats": BUSINESS_FORMATS,
        "regions": region_choices(session, scope=actor.scope),
        "places": service.list_places(session, actor=actor),
        "query": request.url.query,
    }
    return render(request, "merchants/list.html", context)


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """The upload form and the latest imports."""
    context = _common(session, actor) | {
        "columns": COLUMNS,
        "jobs": service.list_imports(session, actor=actor),
    }
    return render(request, "merchants/import.html", context)


@router.post("/import", dependencies=[Depends(check_csrf)])
def import_upload(
    file: Annotated[UploadFile, File()],
    actor: PagePrincipal,
    state: StateDep,
    background: BackgroundTasks,
) -> Response:
    """Accept the uploaded file and show the job's progress page."""
    job_id = begin_import(file, actor, state, background)
    return RedirectResponse(f"/merchants/imports/{job_id}", status_code=303)


@router.get("/imports/{job_id}", response_class=HTMLResponse)
def import_page(job_id: int, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """Progress and result of an import, with the error report to download."""
    context = _common(session, actor) | {"job": job_read(session, actor, job_id)}
    return render(request, "merchants/job.html", context)


@router.get("/stats", response_class=HTMLResponse)
def stats_page(
    request: Request,
    session: SessionDep,
    actor: PagePrincipal,
    engine: AnalyticsDep,
    region: str | None = None,
) -> Response:
    """Statistics of the scope (or a node inside it): choropleth by region, bars by industry, 业态 and place."""
    node = region or actor.scope.adcode
    by = {
        d: stats.summary(session, actor=actor, engine=engine, dimension=d, region=region)
        for d in ("region", "industry", "format", "place")
    }
    context = _common(session, actor) | {
        "node": node,
        "node_region": get_region(session, adcode=node) if node != "000000" else None,
        "breadcrumb": region_breadcrumb(session, actor, node),
        "by": by,
        "new_above_quota": stats.new_above_quota(session, actor=actor, engine=engine, region=region),
        "map_available": drillable(node),
        "drillable": [r.key for r in by["region"] if drillable(r.key)],
    }
    context["chart_data"] = {
        **{d: [r.model_dump() for r in rows] for d, rows in by.items()},
        "drillable": context["drillable"],
        "labels": {k: translate(f"stats.{k}", language(request)) for k in ("merchants", "digital_rate")},
    }
    return render(request, "merchants/stats.html", context)


@router.get("/{merchant_id}", response_class=HTMLResponse)
def detail_page(merchant_id: int, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """One merchant's fields, its place and region."""
    merchant = service.get(session, actor=actor, merchant_id=merchant_id)
    place = service.get_place(session, actor=actor, place_id=merchant.place_id) if merchant.place_id else None
    context = _common(session, actor) | {
        "m": merchant,
        "place": place,
        "place_kinds": PLACE_KINDS,
        "region": get_region(session, adcode=merchant.region_adcode),
    }
    context["synthetic"] = merchant.synthetic
    return render(request, "merchants/detail.html", context)
