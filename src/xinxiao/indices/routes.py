"""Indices API under /api/v1/indices: the shipped definitions and their method, runs, scores, history, running.

The ``*_data`` functions shape definitions, runs and histories as plain data; the pages render the same data,
so what the API returns and what a page shows cannot drift apart.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from xinxiao import monitoring
from xinxiao.http import AnalyticsDep, AppState, CurrentPrincipal, SessionDep
from xinxiao.http.deps import get_state
from xinxiao.indices import service
from xinxiao.indices.definitions import Definition, get_definition, list_definitions
from xinxiao.indices.models import IndexRun
from xinxiao.indices.sources import describe_sources
from xinxiao.indices.spec import Step
from xinxiao.indices.weights import effective_weights
from xinxiao.indices.weights_ahp import ahp_weights

api = APIRouter(prefix="/api/v1/indices", tags=["indices"])
StateDep = Annotated[AppState, Depends(get_state)]
PERIOD = r"^\d{4}(-\d{2})?$"

# The argument naming each step's method (COINr's names) and its default; keys of ``indices.formula.*`` texts.
STEP_METHODS = {
    "denominate": (None, "denominate"),
    "impute": ("f_i", "i_mean"),
    "screen": (None, "screen"),
    "treat": (None, "treat"),
    "normalise": ("f_n", "n_minmax"),
    "weight": ("method", "original"),
    "aggregate": ("f_ag", "a_amean"),
    "score": ("method", "topsis"),
}


class RunCreate(BaseModel):
    """What to compute: a shipped index for a region (default: yours) and a month or year."""

    name: str = Field(examples=["vitality"])
    period: str = Field(pattern=PERIOD, examples=["2024-03"])
    region: str | None = Field(default=None, pattern=r"^\d{6}$")
    samples: int = Field(default=64, ge=0, le=1024, description="Sobol base sample size (0: no uncertainty)")


# --- shaping ------------------------------------------------------------------------------------------------


def finite(value: Any) -> Any:
    """A float NaN as None (JSON has no NaN); anything else unchanged.

    >>> finite(float("nan")), finite(1.5), finite("x")
    (None, 1.5, 'x')
    """
    return None if isinstance(value, float) and math.isnan(value) else value


def definition_summary(definition: Definition) -> dict[str, Any]:
    """The identity of a shipped index: id, version, names, basis, units and sizes."""
    fw = definition.framework
    return {
        "id": definition.id,
        "version": definition.version,
        "name_zh": definition.name_zh,
        "name_en": definition.name_en,
        "basis": definition.basis,
        "units": definition.units,
        "place_kind": definition.place_kind,
        "indicators": len(fw.indicators),
        "pillars": list(fw.codes_at(2)),
        "csv_columns": definition.csv_columns,
        "spec_sha256": definition.spec.sha256,
    }


def spec_weighting(definition: Definition) -> tuple[dict[str, float], dict[str, dict[str, Any]]]:
    """The weights and AHP results the spec gives before any data (iMeta weights, AHP matrices applied)."""
    weights = {str(k): float(v) for k, v in definition.framework.weights.items()}
    step = definition.spec.step("weight")
    ahp: dict[str, dict[str, Any]] = {}
    for parent, comparison in ((step.get("ahp") if step else None) or {}).items():
        order = [str(c) for c in comparison["order"]]
        result = ahp_weights(pd.DataFrame(comparison["matrix"], index=order, columns=order))
        weights |= {str(k): float(v) for k, v in result.weights.items()}
        ahp[str(parent)] = {"weights": result.weights.to_dict(), "cr": result.cr, "lambda_max": result.lambda_max}
    return weights, ahp


def _goalposts(definition: Definition) -> dict[str, Any]:
    step = definition.spec.step("normalise")
    if step is None or step.get("f_n") != "n_goalposts":
        return {}
    posts = step.get("gposts")
    if isinstance(posts, dict):
        return {str(k): list(v) for k, v in posts.items()}
    return {code: list(posts or []) for code in definition.framework.indicators}


def framework_data(definition: Definition, weights: dict[str, float]) -> list[dict[str, Any]]:
    """Every node of the framework, top level first: names, parent, direction, weights, unit, source, 口径."""
    fw = definition.framework
    effective = effective_weights(fw.parents, pd.Series(weights, dtype=float))
    sources, posts = describe_sources(definition), _goalposts(definition)
    order = sorted(fw.levels, key=lambda code: -fw.levels[code])
    return [
        {
            "code": code,
            "name": fw.names[code],
            "name_en": definition.names_en.get(code, code),
            "level": fw.levels[code],
            "parent": fw.parents.get(code),
            "children": list(fw.children.get(code, ())),
            "direction": int(fw.directions[code]),
            "weight": weights.get(code),
            "effective_weight": float(effective[code]),
            "unit": fw.units.get(code),
            "source": sources.get(code),
            "caliber": definition.calibers.get(code),
            "goalposts": posts.get(code),
        }
        for code in order
    ]


def _step_data(step: Step) -> dict[str, Any]:
    argument, default = STEP_METHODS[step.name]
    method = str(step.get(argument, default)) if argument else default
    formulas = [method]
    formulas += [extra for extra in ("combine", "ahp") if step.name == "weight" and step.get(extra)]
    if step.get("dat_thresh") is not None and step.name == "aggregate":
        formulas.append("dat_thresh")
    params = {k: v for k, v in step.params.items() if k not in ("gposts", "ahp")}
    return {"step": step.name, "method": method, "params": params, "formulas": formulas}


def method_data(definition: Definition, run: IndexRun | None) -> dict[str, Any]:
    """The method of an index: framework with (effective) weights, steps with formulas, AHP and uncertainty."""
    weights, ahp = spec_weighting(definition)
    if run is not None:
        weights, ahp = run.payload["weights"], run.payload.get("ahp") or {}
    return {
        "definition": definition_summary(definition),
        "framework": framework_data(definition, weights),
        "steps": [_step_data(step) for step in definition.spec.steps],
        "ahp": ahp,
        "weights_from": {"run_id": run.id, "period": run.period} if run is not None else None,
        "uncertainty": [dict(u) for u in definition.uncertainty],
        "uncertainty_result": run.payload.get("uncertainty") if run is not None else None,
    }


def run_summary(run: IndexRun) -> dict[str, Any]:
    """A run's identity: index, region, period, units, spec hash, synthetic flag, who ran it and when."""
    return {
        "id": run.id,
        "index": run.index_id,
        "index_version": run.index_version,
        "region": run.region_adcode,
        "period": run.period,
        "units_kind": run.units_kind,
        "unit_count": run.unit_count,
        "spec_sha256": run.spec_sha256,
        "synthetic": run.synthetic,
        "created_by": run.created_by,
        "created_at": run.created_at.isoformat(),
    }


def results_data(results: service.RunResults) -> dict[str, Any]:
    """A run with its ranking (index score, pillar scores, rank interval), intervals, provenance and periods."""
    run = results.run
    pillars = list(get_definition(run.index_id).framework.codes_at(2))
    aggregated = run.payload["stages"].get("aggregated", {})
    raw, imputed = run.payload["stages"]["raw"], run.payload["stages"].get("imputed", {})
    rows = [
        {
            "rank": s.rank,
            "unit": s.unit_code,
            "name": s.unit_name,
            "score": s.score,
            "pillars": {c: aggregated.get(s.unit_code, {}).get(c) for c in pillars},
            "rank_low": s.rank_low,
            "rank_high": s.rank_high,
            "imputed": _imputed(raw.get(s.unit_code, {}), imputed.get(s.unit_code, {})),
        }
        for s in results.scores
        if s.code == "Index"
    ]
    return run_summary(run) | {
        "pillars": pillars,
        "indicator_count": len(get_definition(run.index_id).framework.indicators),
        "rows": rows,
        "intervals": run.payload.get("intervals"),
        "provenance": run.payload.get("provenance"),
        "removed": run.payload.get("removed") or [],
        "periods": results.periods,
    }


def _imputed(raw: dict[str, Any], imputed: dict[str, Any]) -> list[str]:
    """The indicators a unit had no value for and that imputation filled.

    >>> _imputed({"a": None, "b": 1.0, "c": None}, {"a": 2.0, "b": 1.0, "c": None})
    ['a']
    """
    return [code for code, value in raw.items() if value is None and imputed.get(code) is not None]


def history_data(frame: pd.DataFrame) -> dict[str, Any]:
    """A score history as periods, per-unit series, the periods that start a break, and the rows."""
    records = [{k: finite(v) for k, v in row.items()} for row in frame.to_dict("records")]
    periods = sorted({str(r["period"]) for r in records})
    units = dict.fromkeys((str(r["unit_code"]), str(r["unit_name"])) for r in records)
    scores = {(r["period"], r["unit_code"]): r["score"] for r in records}
    return {
        "periods": periods,
        "series": [{"unit": u, "name": n, "scores": [scores.get((p, u)) for p in periods]} for u, n in units],
        "breaks": sorted({str(r["period"]) for r in records if r["spec_break"]}),
        "synthetic": any(bool(r["synthetic"]) for r in records),
        "rows": records,
    }


# --- routes -------------------------------------------------------------------------------------------------


@api.get("/definitions", summary="The shipped indices")
def definitions_api() -> list[dict[str, Any]]:
    """Every shipped index definition: id, version, names, basis, what its units are, indicators and pillars."""
    return [definition_summary(d) for d in list_definitions()]


@api.get("/definitions/{name}", summary="One index: its framework and its method")
def definition_api(name: str) -> dict[str, Any]:
    """The framework (every node with direction, weight, effective weight, unit, source, 口径, goalposts), the
    build steps with their COINr arguments and the formula each applies, and the AHP consistency of the spec."""
    return method_data(get_definition(name), None)


@api.get("/definitions/{name}/history", summary="The score history of an index for a region")
def history_api(
    name: str,
    session: SessionDep,
    actor: CurrentPrincipal,
    region: str | None = None,
    code: str = "Index",
    kind: Literal["month", "year"] = "month",
) -> dict[str, Any]:
    """Each period's latest run: every unit's score on ``code`` (the index or a pillar), with ``breaks`` at the
    periods whose spec differs from the period before."""
    scope = region or actor.scope.adcode
    frame = service.history(session, actor=actor, name=name, region=scope, code=code, kind=kind)
    return history_data(frame)


@api.get("/runs", summary="Stored index runs inside your scope")
def runs_api(
    session: SessionDep,
    actor: CurrentPrincipal,
    name: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Runs inside your region scope, newest first, optionally of one index."""
    return [run_summary(r) for r in service.list_runs(session, actor=actor, name=name, limit=limit)]


@api.get("/runs/{run_id}", summary="One run: scores, rank intervals and provenance")
def run_api(run_id: int, session: SessionDep, actor: CurrentPrincipal) -> dict[str, Any]:
    """The ranking (index and pillar scores, rank and its 5–95% interval), the uncertainty intervals and the
    provenance (source, unit, vintage, synthetic) of every indicator; 404 outside your scope."""
    return results_data(service.get_results(session, actor=actor, run_id=run_id))


@api.post("/runs", status_code=201, summary="Compute a shipped index and store the run")
def create_run_api(
    body: RunCreate, session: SessionDep, actor: CurrentPrincipal, engine: AnalyticsDep, state: StateDep
) -> dict[str, Any]:
    """Collect the inputs, build the index with its uncertainty analysis and store the run (analyst role; with the
    session cookie the page's CSRF token goes in ``X-CSRF-Token``). Indices fed by an uploaded CSV use the CLI."""
    request = service.RunRequest(body.name, body.period, body.region, samples=body.samples)
    cubes = monitoring.cube_sources(state.settings)
    run = service.run_index(session, actor=actor, engine=engine, cubes=cubes, request=request)
    return results_data(service.get_results(session, actor=actor, run_id=run.id))
