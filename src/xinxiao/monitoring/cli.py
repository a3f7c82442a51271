"""`xinxiao monitoring …`: feeds, cubes, official series, indicators, windows and alerts from the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xinxiao.accounts import acting
from xinxiao.monitoring import adjusted, cli_alerts, cli_feeds, cli_indicators, cli_official, service
from xinxiao.runtime import Runtime

app = typer.Typer(help="消费市场统计监测 — consumption market monitoring.", no_args_is_help=True)
cli_feeds.register(app)
cli_official.register(app)
cli_indicators.register(app)
cli_alerts.register(app, sources=service.alert_sources)
console = Console()


@app.command("adjust")
def adjust(
    ctx: typer.Context,
    indicator: Annotated[str, typer.Argument(help="indicator id, e.g. retail_sales or payment_turnover")],
    start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="first day")],
    end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="last day")],
    region: Annotated[str | None, typer.Option(help="adcode inside the scope (default: the scope)")] = None,
    method: Annotated[str, typer.Option(help="stl (always) or x13 (optional extra)")] = "stl",
    as_user: Annotated[str | None, typer.Option("--as", help="act as this user (their region scope applies)")] = None,
) -> None:
    """Seasonally and festival-adjust an indicator's monthly series (STL, or X-13ARIMA-SEATS)."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    cubes = service.cube_sources(runtime.settings)
    with runtime.sessions() as session:
        result = adjusted.adjusted_view(
            session, actor=actor, engine=runtime.analytics, cubes=None if cubes.version == "0" else cubes,
            indicator_id=indicator, start=start.date(), end=end.date(), region=region,
            method="x13" if method == "x13" else "stl",
        )  # fmt: skip
    meta = result["meta"]
    table = Table(title=f"{meta['name_zh']} ({meta['unit']}) · {meta['region']} · {meta['method']}")
    for column in ("period", "observed", "adjusted", "seasonal", "holiday"):
        table.add_column(column, justify="right")
    for row in result["rows"]:
        table.add_row(row["period"], *(_num(row[c]) for c in ("observed", "adjusted", "seasonal", "holiday")))
    console.print(table)
    for name, effect in result["effects"].items():
        console.print(f"{name}: {100 * effect['coef']:+.2f} ± {100 * effect['se']:.2f} (100 × log points)")
    if meta.get("synthetic"):
        console.print("[yellow]模拟数据 (synthetic)[/yellow]")


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:,.4f}"
