"""`xinxiao monitoring official …`: import official figures, list them as of a date, show a period's revisions."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xinxiao.accounts import acting
from xinxiao.core import XinxiaoError
from xinxiao.db import transaction
from xinxiao.monitoring import official
from xinxiao.monitoring.models import Series
from xinxiao.runtime import Runtime

console = Console()
AsUser = Annotated[str | None, typer.Option("--as", help="act as this user (their region scope applies)")]
Indicator = Annotated[str, typer.Option("--indicator", help="indicator id or file name, e.g. retail_sales")]
Region = Annotated[str, typer.Option("--region", help="adcode or name, e.g. 000000, CN, 420000, Hubei")]
Kind = Annotated[str | None, typer.Option("--kind", help="month, ytd, quarter or year")]
Day = Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="as known on this date")]


def register(app: typer.Typer) -> None:
    """Add the ``official`` group to ``app``."""
    group = typer.Typer(help="官方统计 — official statistics with vintages and revisions.", no_args_is_help=True)
    group.command("import")(import_files)
    group.command("list")(list_series)
    group.command("history")(history)
    group.command("load-reference")(load_reference)
    app.add_typer(group, name="official")


def import_files(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    as_user: AsUser = None,
    region: Annotated[str | None, typer.Option(help="region of rows whose file has no region column")] = None,
    source: Annotated[str | None, typer.Option(help="source id of rows whose file has no source_id column")] = None,
) -> None:
    """Import CSV (UTF-8 or GBK) or XLSX files of official figures; each file imports whole or not at all."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    failed = False
    for path in files:
        try:
            with transaction(runtime.sessions) as session:
                result = official.import_file(session, actor=actor, path=path, region=region, source_id=source)
        except XinxiaoError as exc:
            failed = True
            _print_error(path.name, exc)
            continue
        console.print(
            f"[green]✓[/green] {result.file} ({result.layout}, {result.encoding}): {result.figures} 个数据, "
            f"新增 {result.inserted}, 已存在 {result.unchanged}"
        )
    if failed:
        raise typer.Exit(1)


def _print_error(name: str, exc: XinxiaoError) -> None:
    errors = exc.extra.get("errors")
    if not errors:
        console.print(f"[red]✗ {name}: {exc.detail}[/red]")
        return
    table = Table("line", "field", "reason", title=f"✗ {name}: {len(errors)} 处错误, 未导入 (nothing imported)")
    for error in errors:
        table.add_row(str(error["line"]), str(error["field"]), str(error["reason"]))
    console.print(table)


def _table(rows: list[Series], title: str) -> Table:
    table = Table("period", "kind", "value", "unit", "同比%", "实际同比%", "vintage", "source", "derived", title=title)
    for r in rows:
        table.add_row(
            f"{r.period_start:%Y-%m}..{r.period_end:%Y-%m}",
            r.period_kind,
            "" if r.value is None else f"{r.value:g}",
            r.unit,
            "" if r.yoy_pct is None else f"{r.yoy_pct:g}",
            "" if r.yoy_real_pct is None else f"{r.yoy_real_pct:g}",
            r.vintage.isoformat(),
            r.source_id,
            r.derivation or "",
        )
    return table


def list_series(
    ctx: typer.Context,
    indicator: Indicator,
    region: Region,
    as_of: Day = None,
    kind: Kind = None,
    as_user: AsUser = None,
) -> None:
    """Each period's figure as known on a date (latest vintage; later releases are invisible)."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    day: date | None = as_of.date() if as_of else None
    with runtime.sessions() as session:
        rows = official.latest(
            session, scope=actor.scope, indicator_id=indicator, region_adcode=region, as_of=day, period_kind=kind
        )
        console.print(_table(rows, f"{indicator} · {region} · as of {day or 'latest'} · {len(rows)} periods"))


def history(
    ctx: typer.Context,
    indicator: Indicator,
    region: Region,
    period: Annotated[str, typer.Option("--period", help="the period's last month, YYYY-MM")],
    kind: Annotated[str, typer.Option("--kind", help="month, ytd, quarter or year")] = "month",
    as_user: AsUser = None,
) -> None:
    """Every vintage of one period's figure, oldest first (revisions)."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    start, end = official.period_bounds(kind, period)
    with runtime.sessions() as session:
        rows = official.revisions(
            session,
            scope=actor.scope,
            indicator_id=indicator,
            region_adcode=region,
            period_start=start,
            period_end=end,
            period_kind=kind,
        )
        console.print(_table(rows, f"{indicator} · {region} · {kind} {period} · {len(rows)} vintages"))


def load_reference(ctx: typer.Context, as_user: AsUser = None) -> None:
    """Load the real national series shipped with Xinxiao (and derive the months their YTD levels give)."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    with transaction(runtime.sessions) as session:
        loaded = official.load_national_reference(session, actor=actor)
    table = Table("file", "layout", "figures", "新增", "已存在", title="官方统计参考数据 (reference series)")
    for r in loaded.imports:
        table.add_row(r.file, r.layout, str(r.figures), str(r.inserted), str(r.unchanged))
    d = loaded.derivation
    table.add_row("derived months", "ytd diff", str(d.inserted + d.unchanged), str(d.inserted), str(d.unchanged))
    console.print(table)
