"""`xinxiao indices …`: build a composite index from COINr's own input tables, and run the shipped indices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from xinxiao.indices import cli_runs
from xinxiao.indices.framework import read_idata, read_imeta
from xinxiao.indices.outputs import write_build
from xinxiao.indices.pipeline import build
from xinxiao.indices.spec import read_spec

app = typer.Typer(help="综合指数 — composite indices (COINr-compatible engine).", no_args_is_help=True)
console = Console()
app.command("run")(cli_runs.run_command)
app.command("runs")(cli_runs.runs_command)
app.command("show")(cli_runs.show_command)
app.command("history")(cli_runs.history_command)
app.command("export")(cli_runs.export_command)
app.command("definitions")(cli_runs.definitions_command)


@app.command("build")
def build_command(
    idata: Annotated[Path, typer.Option("--idata", exists=True, dir_okay=False, help="COINr iData CSV")],
    imeta: Annotated[Path, typer.Option("--imeta", exists=True, dir_okay=False, help="COINr iMeta CSV")],
    spec: Annotated[Path, typer.Option("--spec", exists=True, dir_okay=False, help="SPEC.yaml: the steps")],
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="directory for the stage CSVs and run.json")],
) -> None:
    """Build an index from COINr's iData and iMeta tables and a SPEC.yaml of COINr steps; write every stage."""
    framework = read_imeta(imeta)
    data = read_idata(idata, framework)
    result = build(data, framework, read_spec(spec))
    written = write_build(result, out, inputs={"idata": idata, "imeta": imeta, "spec": spec})
    if "aggregated" in result.stages:
        _print_top(result.ranks())
    console.print(f"{len(written)} files written to {out}")


def _print_top(ranks: pd.DataFrame) -> None:
    if ranks.empty:
        return
    top = str(ranks.columns[-1])
    table = Table(title=f"{top} — ranks")
    table.add_column("uCode")
    table.add_column("rank", justify="right")
    for unit, rank in ranks[top].sort_values().head(10).items():
        table.add_row(str(unit), "" if pd.isna(rank) else f"{rank:.0f}")
    console.print(table)
