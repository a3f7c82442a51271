"""The indices domain's verbs: run a shipped index for a region and period, read runs, scores and history.

Every read and write goes through the caller's region scope (a run outside it is "not found"); running
needs the analyst role; every run is audited. A run's inputs are read through the other domains' public
services (see ``sources``), so they carry their own scope checks, sources and vintages.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinxiao import monitoring
from xinxiao.analytics import AnalyticsEngine
from xinxiao.core import InvalidInput, NotFound, Principal, Role, record_write
from xinxiao.indices.definitions import Definition, get_definition
from xinxiao.indices.framework import IndicatorData, read_idata
from xinxiao.indices.models import IndexRun, IndexScore
from xinxiao.indices.outputs import versions
from xinxiao.indices.pipeline import Build, build
from xinxiao.indices.sources import Context, Inputs, Period, collect, parse_period, read_input_csv
from xinxiao.indices.uncertainty import Uncertainty, analyse


@dataclass(frozen=True)
class RunRequest:
    """What to compute: which index, for which region (default: the caller's) and period."""

    name: str
    period: str
    region: str | None = None
    input_csv: Path | None = None
    samples: int = 64  # SALib base sample size of the uncertainty analysis (0: none)
    seed: int = 20241207
    synthetic_input: bool = False  # the input CSV is synthetic (the demo's): the run is labelled so


def run_index(
    session: Session,
    *,
    actor: Principal,
    engine: AnalyticsEngine,
    cubes: monitoring.CubeSources | None,
    request: RunRequest,
) -> IndexRun:
    """Collect the inputs, build the index, analyse its uncertainty, and store the run (audited)."""
    actor.require(Role.analyst)
    definition = get_definition(request.name)
    region = actor.scope.narrow(request.region).adcode
    period = parse_period(request.period)
    csv = read_input_csv(request.input_csv, definition) if request.input_csv is not None else None
    context = Context(session, actor, engine, cubes, region, period, csv, synthetic=request.synthetic_input)
    inputs = collect(context, definition)
    return record_run(
        session,
        actor=actor,
        definition=definition,
        region=region,
        period=period,
        inputs=inputs,
        samples=request.samples,
        seed=request.seed,
    )


def record_run(
    session: Session,
    *,
    actor: Principal,
    definition: Definition,
    region: str,
    period: Period,
    inputs: Inputs,
    samples: int = 64,
    seed: int = 20241207,
) -> IndexRun:
    """Build ``definition`` over collected inputs, analyse its uncertainty and store the run (audited)."""
    actor.require(Role.analyst)
    region = actor.scope.narrow(region).adcode
    result = build(_indicator_data(inputs, definition), definition.framework, definition.spec)
    uncertainty = analyse(result, definition, samples=samples, seed=seed)
    run = _store(session, actor, definition, region, period, inputs, result, uncertainty)
    after = {"index": definition.id, "period": period.label, "units": run.unit_count, "spec": run.spec_sha256}
    record_write(
        session, actor=actor, action="run", entity="indices_run", entity_id=run.id, region_adcode=region, after=after
    )
    return run


def _indicator_data(inputs: Inputs, definition: Definition) -> IndicatorData:
    return read_idata(inputs.idata(), definition.framework)


def _store(
    session: Session,
    actor: Principal,
    definition: Definition,
    region: str,
    period: Period,
    inputs: Inputs,
    result: Build,
    uncertainty: Uncertainty | None,
) -> IndexRun:
    run = IndexRun(
        index_id=definition.id,
        index_version=definition.version,
        spec_sha256=result.spec.sha256,
        region_adcode=region,
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        units_kind=definition.units,
        unit_count=len(inputs.values),
        synthetic=inputs.synthetic,
        created_by=actor.username,
        payload=_payload(inputs, result, uncertainty),
    )
    session.add(run)
    session.flush()
    session.add_all(_scores(run.id, inputs, result, uncertainty.intervals if uncertainty else None))
    session.flush()
    return run


def _payload(inputs: Inputs, result: Build, uncertainty: Uncertainty | None) -> dict[str, Any]:
    weights = result.weights if result.weights is not None else result.framework.weights
    stages = {name: _records(frame) for name, frame in result.stages.items()}
    return {
        "input_sha256": hashlib.sha256(json.dumps(stages["raw"], sort_keys=True).encode()).hexdigest(),
        "versions": versions(),
        "stages": stages,
        "ranks": _records(result.ranks()),
        "weights": {str(k): float(v) for k, v in weights.items()},
        "ahp": {
            p: {"weights": a.weights.to_dict(), "cr": a.cr, "lambda_max": a.lambda_max} for p, a in result.ahp.items()
        },
        "treatment": _records(result.treatment) if result.treatment is not None else None,
        "provenance": inputs.provenance,
        "names": inputs.names.to_dict(),
        "removed": result.removed,
        "intervals": _records(uncertainty.intervals) if uncertainty else None,
        "uncertainty": uncertainty.as_data() if uncertainty else None,
    }


def _records(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return {str(k): {str(c): _plain(v) for c, v in row.items()} for k, row in clean.iterrows()}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _scores(run_id: int, inputs: Inputs, result: Build, intervals: pd.DataFrame | None) -> list[IndexScore]:
    aggregates = result.aggregates
    values = aggregates.to_numpy(dtype=float)
    ranks = result.ranks().reindex(index=aggregates.index, columns=aggregates.columns).to_numpy(dtype=float)
    rows = []
    for i, unit in enumerate(str(u) for u in aggregates.index):
        for j, code in enumerate(str(c) for c in aggregates.columns):
            low, high = _interval(intervals, unit, code)
            rows.append(
                IndexScore(
                    run_id=run_id,
                    unit_code=unit,
                    unit_name=str(inputs.names.get(unit, unit)),
                    code=code,
                    score=None if np.isnan(values[i, j]) else float(values[i, j]),
                    rank=None if np.isnan(ranks[i, j]) else int(ranks[i, j]),
                    rank_low=low,
                    rank_high=high,
                )
            )
    return rows


def _interval(intervals: pd.DataFrame | None, unit: str, code: str) -> tuple[float | None, float | None]:
    if intervals is None or code != "Index" or unit not in intervals.index:
        return None, None
    low, high = intervals.loc[[unit], ["rank_p05", "rank_p95"]].to_numpy(dtype=float)[0]
    return float(low), float(high)


# --- reads ---------------------------------------------------------------------------------------------------


def rebuild(session: Session, *, actor: Principal, run_id: int) -> Build:
    """Build a stored run again from its recorded inputs (to check it, or after a library upgrade)."""
    run = get_run(session, actor=actor, run_id=run_id)
    definition = get_definition(run.index_id)
    raw = pd.DataFrame.from_dict(run.payload["stages"]["raw"], orient="index").astype(float)
    names = pd.Series(run.payload["names"]).reindex(raw.index)
    inputs = Inputs(raw.rename_axis("uCode"), names.fillna(pd.Series(raw.index, index=raw.index)))
    return build(_indicator_data(inputs, definition), definition.framework, definition.spec)


def get_run(session: Session, *, actor: Principal, run_id: int) -> IndexRun:
    """A stored run inside the caller's scope (``NotFound`` otherwise, never "forbidden")."""
    run = session.get(IndexRun, run_id)
    if run is None or not actor.scope.covers(run.region_adcode):
        raise NotFound(f"index run {run_id} not found")
    return run


def latest_run(session: Session, *, actor: Principal, name: str, region: str, period: str | None = None) -> IndexRun:
    """The newest run of an index for a region (and period), inside the caller's scope."""
    get_definition(name)
    code = actor.scope.narrow(region).adcode
    query = select(IndexRun).where(IndexRun.index_id == name, IndexRun.region_adcode == code)
    if period is not None:
        query = query.where(IndexRun.period == period)
    run = session.scalars(query.order_by(IndexRun.period.desc(), IndexRun.id.desc()).limit(1)).first()
    if run is None:
        raise NotFound(f"no run of {name} for {code}" + (f" in {period}" if period else ""))
    return run


def list_runs(session: Session, *, actor: Principal, name: str | None = None, limit: int = 100) -> list[IndexRun]:
    """Runs inside the caller's scope, newest first."""
    query = select(IndexRun).where(actor.scope.clause(IndexRun.region_adcode))
    if name is not None:
        query = query.where(IndexRun.index_id == name)
    return list(session.scalars(query.order_by(IndexRun.id.desc()).limit(limit)))


def scores(session: Session, *, actor: Principal, run_id: int) -> list[IndexScore]:
    """The aggregate scores and ranks of a run, best first on the index."""
    run = get_run(session, actor=actor, run_id=run_id)
    rows = session.scalars(select(IndexScore).where(IndexScore.run_id == run.id)).all()
    return sorted(rows, key=lambda s: (s.code, s.rank is None, s.rank or 0, s.unit_code))


def history(
    session: Session, *, actor: Principal, name: str, region: str, code: str = "Index", kind: str = "month"
) -> pd.DataFrame:
    """Each month's (or year's) latest run of an index for a region: every unit's score, with spec breaks."""
    get_definition(name)
    region_code = actor.scope.narrow(region).adcode
    if kind not in ("month", "year"):
        raise InvalidInput(f"kind {kind!r} must be month or year", field="kind")
    runs = session.scalars(
        select(IndexRun)
        .where(IndexRun.index_id == name, IndexRun.region_adcode == region_code)
        .where(func.length(IndexRun.period) == (7 if kind == "month" else 4))  # months and years are two series
        .order_by(IndexRun.period, IndexRun.id)
    ).all()
    latest = {run.period: run for run in runs}  # the newest run of each period wins
    rows: list[dict[str, Any]] = []
    previous_spec: str | None = None
    for period, run in sorted(latest.items()):
        brk = previous_spec is not None and run.spec_sha256 != previous_spec
        previous_spec = run.spec_sha256
        for score in session.scalars(select(IndexScore).where(IndexScore.run_id == run.id, IndexScore.code == code)):
            rows.append(
                {
                    "period": period,
                    "unit_code": score.unit_code,
                    "unit_name": score.unit_name,
                    "score": score.score,
                    "rank": score.rank,
                    "run_id": run.id,
                    "spec_break": brk,
                    "synthetic": run.synthetic,
                }
            )
    columns = ["period", "unit_code", "unit_name", "score", "rank", "run_id", "spec_break", "synthetic"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class RunResults:
    """A run with its scores (best first on the index) and the periods that hold runs of its index and region."""

    run: IndexRun
    scores: list[IndexScore]
    periods: list[str]


def get_results(session: Session, *, actor: Principal, run_id: int) -> RunResults:
    """A stored run inside the caller's scope with its scores and the periods of its index and region."""
    run = get_run(session, actor=actor, run_id=run_id)
    return RunResults(run, scores(session, actor=actor, run_id=run.id), _periods(session, run))


def latest_results(
    session: Session, *, actor: Principal, name: str, region: str | None = None, period: str | None = None
) -> RunResults:
    """The newest run of an index for a region (default: the caller's) and period, with its scores and periods."""
    run = latest_run(session, actor=actor, name=name, region=region or actor.scope.adcode, period=period)
    return RunResults(run, scores(session, actor=actor, run_id=run.id), _periods(session, run))


def _periods(session: Session, run: IndexRun) -> list[str]:
    query = select(IndexRun.period).where(
        IndexRun.index_id == run.index_id, IndexRun.region_adcode == run.region_adcode
    )
    return sorted(set(session.scalars(query)), reverse=True)
