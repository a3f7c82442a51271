"""Indices pages: the shipped indices, a run's ranking with rank intervals and map, a unit's profile, the method
(framework sunburst and formulas), the score history with its breaks, and the XLSX export of a run."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinxiao.core import NotFound, Principal
from xinxiao.http import PagePrincipal, SessionDep, region_breadcrumb, render, scope_context
from xinxiao.http.i18n import translate
from xinxiao.http.templating import language
from xinxiao.indices import service
from xinxiao.indices.analysis import contributions, strengths_weaknesses
from xinxiao.indices.definitions import Definition, get_definition, list_definitions
from xinxiao.indices.exporting import export_run
from xinxiao.indices.framework import Framework
from xinxiao.indices.models import IndexRun
from xinxiao.indices.routes import finite, history_data, method_data, results_data, run_summary
from xinxiao.reference import drillable, get_region

router = APIRouter(prefix="/indices", include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABELS = ("score", "rank", "median", "nominal", "interval", "break", "weight", "contribution")


def _context(session: Session, actor: Principal, *, synthetic: bool) -> dict[str, Any]:
    return scope_context(session, actor) | {"synthetic": synthetic, "synthetic_banner": "indices.banner"}


def _region_name(session: Session, adcode: str) -> str:
    return "全国" if adcode == "000000" else get_region(session, adcode=adcode).name


def _labels(request: Request) -> dict[str, str]:
    lang = language(request)
    return {key: translate(f"indices.{key}", lang) for key in LABELS}


def _names(definition: Definition, request: Request) -> dict[str, str]:
    """Each node's name in the page's language."""
    english = language(request) == "en"
    return {c: definition.names_en.get(c, n) if english else n for c, n in definition.framework.names.items()}


@router.get("", response_class=HTMLResponse)
def index_page(request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """The shipped indices and the latest runs inside the user's scope."""
    runs = [run_summary(r) for r in service.list_runs(session, actor=actor, limit=50)]
    names = {r["region"]: _region_name(session, r["region"]) for r in runs}
    context = _context(session, actor, synthetic=any(r["synthetic"] for r in runs)) | {
        "definitions": list_definitions(),
        "runs": runs,
        "region_names": names,
    }
    return render(request, "indices/index.html", context)


@router.get("/runs/{run_id}/export.xlsx")
def export_page(run_id: int, session: SessionDep, actor: PagePrincipal) -> Response:
    """A run's results, stages and 方法说明 as XLSX (audited; 404 outside the scope)."""
    content = export_run(session, actor=actor, run_id=run_id)
    headers = {"Content-Disposition": f'attachment; filename="indices-run-{run_id}.xlsx"'}
    return Response(content, media_type=XLSX, headers=headers)


@router.get("/{name}", response_class=HTMLResponse)
def ranking_page(
    name: str,
    request: Request,
    session: SessionDep,
    actor: PagePrincipal,
    region: str | None = None,
    period: str | None = None,
) -> Response:
    """The ranking of a run: scores, pillar scores, rank intervals (band chart), the map and a period selector."""
    results = service.latest_results(session, actor=actor, name=name, region=region, period=period)
    definition, run = get_definition(name), results.run
    data = results_data(results) | {
        "labels": _labels(request),
        "names": _names(definition, request),
        "map": definition.units == "regions" and drillable(run.region_adcode),
    }
    context = _context(session, actor, synthetic=run.synthetic) | {
        "definition": definition,
        "data": data,
        "region_name": _region_name(session, run.region_adcode),
        "region_q": run.region_adcode,
        "breadcrumb": region_breadcrumb(session, actor, run.region_adcode),
    }
    return render(request, "indices/ranking.html", context)


@router.get("/{name}/method", response_class=HTMLResponse)
def method_page(name: str, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """The framework as a sunburst and the method generated from the definition, its spec and the latest run."""
    definition = get_definition(name)
    latest = service.list_runs(session, actor=actor, name=name, limit=1)
    method = method_data(definition, latest[0] if latest else None)
    names = _names(definition, request)
    title = definition.name_zh if language(request) == "zh" else definition.name_en
    data = {"sunburst": _sunburst(method["framework"], names), "labels": _labels(request), "title": title}
    context = _context(session, actor, synthetic=bool(latest and latest[0].synthetic)) | {
        "definition": definition,
        "method": method,
        "names": names,
        "data": data,
    }
    return render(request, "indices/method.html", context)


def _sunburst(nodes: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """The framework below the index for ECharts' sunburst (one ring per level), leaves sized by effective weight."""
    by_code = {n["code"]: n for n in nodes}

    def tree(code: str) -> dict[str, Any]:
        node = by_code[code]
        entry: dict[str, Any] = {"name": names.get(code, code), "code": code}
        if node["children"]:
            entry["children"] = [tree(child) for child in node["children"]]
        else:
            entry["value"] = round(node["effective_weight"], 6)
        return entry

    roots = [tree(n["code"]) for n in nodes if n["parent"] is None]
    return [child for root in roots for child in root.get("children", [root])]  # the index is the centre


@router.get("/{name}/history", response_class=HTMLResponse)
def history_page(
    name: str,
    request: Request,
    session: SessionDep,
    actor: PagePrincipal,
    region: str | None = None,
    kind: Literal["month", "year"] = "month",
) -> Response:
    """Each unit's index score over the months (or years) with stored runs, with 断点 where the spec changed."""
    definition = get_definition(name)
    code = region or actor.scope.adcode
    data = history_data(service.history(session, actor=actor, name=name, region=code, kind=kind))
    context = _context(session, actor, synthetic=data["synthetic"]) | {
        "definition": definition,
        "data": data | {"labels": _labels(request)},
        "region": code,
        "region_q": code,
        "region_name": _region_name(session, code),
        "kind": kind,
    }
    return render(request, "indices/history.html", context)


@router.get("/{name}/units/{code}", response_class=HTMLResponse)
def unit_page(
    name: str,
    code: str,
    request: Request,
    session: SessionDep,
    actor: PagePrincipal,
    region: str | None = None,
    period: str | None = None,
) -> Response:
    """A unit's profile: pillar radar against the median unit, strengths and weaknesses, contributions."""
    results = service.latest_results(session, actor=actor, name=name, region=region, period=period)
    run, definition = results.run, get_definition(name)
    if code not in run.payload["names"]:
        raise NotFound(f"{code} is not a unit of run {run.id}")
    names = _names(definition, request)
    score = next((s for s in results.scores if s.code == "Index" and s.unit_code == code), None)
    data = profile_data(run, definition, code, names) | {"labels": _labels(request)}
    context = _context(session, actor, synthetic=run.synthetic) | {
        "definition": definition,
        "run": run_summary(run),
        "unit": {"code": code, "name": run.payload["names"][code], "score": score},
        "data": data,
        "names": names,
        "region_name": _region_name(session, run.region_adcode),
        "region_q": run.region_adcode,
    }
    return render(request, "indices/unit.html", context)


# --- the unit profile -----------------------------------------------------------------------------------------


def _stage(run: IndexRun, *names: str) -> pd.DataFrame:
    """The first of ``names`` the run holds, as a float frame (index uCode)."""
    stages = run.payload["stages"]
    found = next(n for n in names if n in stages)
    return pd.DataFrame.from_dict(stages[found], orient="index").astype(float)


def profile_data(run: IndexRun, definition: Definition, unit: str, names: dict[str, str]) -> dict[str, Any]:
    """The radar, strengths and weaknesses and contributions of one unit of a run."""
    fw = replace(definition.framework, weights=pd.Series(run.payload["weights"], dtype=float))
    return {
        "radar": _radar(_stage(run, "aggregated"), list(fw.codes_at(2)), unit, names),
        **_strengths(_stage(run, "raw"), definition, unit),
        "contributions": _contributions(_stage(run, "normalised", "treated", "imputed", "raw"), fw, unit, names),
    }


def _radar(aggregated: pd.DataFrame, pillars: list[str], unit: str, names: dict[str, str]) -> dict[str, Any]:
    values = aggregated[pillars]
    top = max(100.0, math.ceil(float(values.max().max()))) if values.notna().any().any() else 100.0
    low = min(0.0, math.floor(float(values.min().min()))) if values.notna().any().any() else 0.0
    return {
        "indicators": [{"name": names[p], "min": low, "max": top} for p in pillars],
        "unit": [finite(v) for v in values.loc[[unit]].to_numpy(dtype=float)[0].tolist()],
        "median": [finite(v) for v in values.median().to_numpy(dtype=float).tolist()],
    }


def _strengths(raw: pd.DataFrame, definition: Definition, unit: str) -> dict[str, Any]:
    fw = definition.framework
    indicators = list(fw.indicators)
    found = strengths_weaknesses(raw[indicators], unit=unit, n=3, directions=fw.directions[indicators])
    counts = raw[indicators].notna().sum()

    def rows(table: pd.DataFrame) -> list[dict[str, Any]]:
        return [
            {"code": str(c), "value": finite(float(r["value"])), "rank": int(r["rank"]), "of": int(counts[str(c)])}
            for c, r in table.to_dict("index").items()
        ]

    return {"strengths": rows(found.strengths), "weaknesses": rows(found.weaknesses)}


def _contributions(normalised: pd.DataFrame, fw: Framework, unit: str, names: dict[str, str]) -> dict[str, Any]:
    frame = contributions(normalised, framework=fw, unit=unit).sort_values("level", ascending=False, kind="stable")
    parents = list(dict.fromkeys(frame["parent"]))
    series = [
        {
            "name": names.get(str(r["child"]), str(r["child"])),
            "data": [finite(float(r["contribution"])) if p == r["parent"] else None for p in parents],
        }
        for _, r in frame.iterrows()
    ]
    rows = [{k: finite(v) for k, v in r.items()} for r in frame.to_dict("records")]
    return {"parents": [names.get(p, p) for p in parents], "series": series, "rows": rows}
