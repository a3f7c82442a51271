"""`xinxiao indices run|runs|show|history|export|definitions`: the shipped indices from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from xinxiao import accounts, monitoring
from xinxiao.db import transaction
from xinxiao.indices import service
from xinxiao.indices.definitions import list_definitions
from xinxiao.indices.exporting import export_run
from xinxiao.indices.models import IndexRun, IndexScore
from xinxiao.runtime import Runtime

console = Console()
AsUser = Annotated[str | None, typer.Option("--as", help="act as this user (their role and scope apply)")]


def run_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="vitality, environment, environment_night …")],
    period: Annotated[str, typer.Option("--period", help="YYYY-MM (a month) or YYYY (a year)")],
    region: Annotated[str | None, typer.Option(help="region adcode (default: your scope)")] = None,
    input_csv: Annotated[Path | None, typer.Option("--input", exists=True, dir_okay=False, help="iData CSV")] = None,
    samples: Annotated[int, typer.Option(help="Sobol base sample size of the uncertainty analysis (0: none)")] = 64,
    as_user: AsUser = None,
) -> None:
    """Compute a shipped index for the units of a region and a period, with rank intervals; store the run."""
    runtime: Runtime = ctx.obj
    actor = accounts.acting(runtime, as_user)
    request = service.RunRequest(name, period, region, input_csv, samples)
    with transaction(runtime.sessions) as session:
        run = service.run_index(
            session,
            actor=actor,
            engine=runtime.analytics,
            cubes=monitoring.cube_sources(runtime.settings),
            request=request,
        )
        _print_scores(run, service.scores(session, actor=actor, run_id=run.id))


def _print_scores(run: IndexRun, rows: list[IndexScore]) -> None:
    label = " (模拟数据 synthetic)" if run.synthetic else ""
    table = Table(
        "rank", "unit", "name", "score", "rank 5–95%", title=f"run {run.id}: {run.index_id} {run.period}{label}"
    )
    for row in (r for r in rows if r.code == "Index"):
        interval = "" if row.rank_low is None else f"{row.rank_low:.0f}–{row.rank_high:.0f}"
        score = "" if row.score is None else f"{row.score:.2f}"
        table.add_row(str(row.rank or ""), row.unit_code, row.unit_name, score, interval)
    console.print(table)


def runs_command(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="only this index")] = None,
    as_user: AsUser = None,
) -> None:
    """List stored index runs inside your scope, newest first."""
    runtime: Runtime = ctx.obj
    actor = accounts.acting(runtime, as_user)
    with runtime.sessions() as session:
        runs = service.list_runs(session, actor=actor, name=name)
    table = Table("id", "index", "region", "period", "units", "spec", "synthetic", "by", title=f"{len(runs)} runs")
    for r in runs:
        table.add_row(
            str(r.id),
            r.index_id,
            r.region_adcode,
            r.period,
            str(r.unit_count),
            r.spec_sha256[:10],
            "yes" if r.synthetic else "",
            r.created_by,
        )
    console.print(table)


def show_command(ctx: typer.Context, run_id: Annotated[int, typer.Argument()], as_user: AsUser = None) -> None:
    """Show a stored run's index scores and ranks."""
    runtime: Runtime = ctx.obj
    actor = accounts.acting(runtime, as_user)
    with runtime.sessions() as session:
        run = service.get_run(session, actor=actor, run_id=run_id)
        _print_scores(run, service.scores(session, actor=actor, run_id=run_id))


def history_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument()],
    region: Annotated[str, typer.Option(help="region adcode")],
    kind: Annotated[str, typer.Option(help="month or year (two separate series)")] = "month",
    as_user: AsUser = None,
) -> None:
    """Each month's (or year's) index score per unit; a break marks a change of spec between periods."""
    runtime: Runtime = ctx.obj
    actor = accounts.acting(runtime, as_user)
    with runtime.sessions() as session:
        frame = service.history(session, actor=actor, name=name, region=region, kind=kind)
    table = Table("period", "unit", "name", "score", "rank", "break", title=f"{name} {region}")
    for row in frame.to_dict("records"):
        score = "" if row["score"] is None or pd.isna(row["score"]) else f"{row['score']:.2f}"
        rank = "" if row["rank"] is None or pd.isna(row["rank"]) else str(int(row["rank"]))
        mark = "断点" if row["spec_break"] else ""
        table.add_row(str(row["period"]), str(row["unit_code"]), str(row["unit_name"]), score, rank, mark)
    console.print(table)


def export_command(
    ctx: typer.Context,
    run_id: Annotated[int, typer.Argument()],
    out: Annotated[Path, typer.Option("-o", "--out", dir_okay=False, help="the XLSX file to write")],
    as_user: AsUser = None,
) -> None:
    """Export a run's results and its methodology annex (方法说明) as XLSX."""
    runtime: Runtime = ctx.obj
    actor = accounts.acting(runtime, as_user)
    with transaction(runtime.sessions) as session:
        out.write_bytes(export_run(session, actor=actor, run_id=run_id))
    console.print(f"written {out}")


def definitions_command() -> None:
    """List the shipped index definitions with their units, indicators and versions."""
    table = Table("id", "name", "units", "indicators", "version", "input CSV columns")
    for d in list_definitions():
        units = d.units + (f" ({d.place_kind})" if d.place_kind else "")
        table.add_row(
            d.id, d.name_zh, units, str(len(d.framework.indicators)), str(d.version), ", ".join(d.csv_columns)
        )
    console.print(table)
