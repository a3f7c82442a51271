"""`xinxiao monitoring ingest|cube rebuild|deliveries|vacuum`: feeds into the lake from the command line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from xinxiao.accounts import acting
from xinxiao.core import system_principal
from xinxiao.monitoring import deliveries
from xinxiao.monitoring.models import Delivery
from xinxiao.monitoring.schema import FEED_KINDS, FeedKind
from xinxiao.runtime import Runtime

console = Console()
STAGES = ("validate", "dedupe", "write", "cube", "commit")
AsUser = Annotated[str | None, typer.Option("--as", help="act as this user (their region scope applies)")]


def _kind(value: str) -> FeedKind:
    if value not in FEED_KINDS:
        raise typer.BadParameter(f"KIND must be one of {', '.join(FEED_KINDS)}")
    return value  # type: ignore[return-value]


def ingest(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="payments | orders | footfall")],
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    as_user: AsUser = None,
    synthetic: Annotated[bool, typer.Option(help="label the deliveries as synthetic")] = False,
) -> None:
    """Ingest feed files (CSV in UTF-8 or GBK, or Parquet) into the lake and rebuild the touched cube dates."""
    runtime: Runtime = ctx.obj
    feed, actor = _kind(kind), acting(runtime, as_user)
    failed = False
    for path in files:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task(f"{path.name}: 开始", total=len(STAGES))

            def step(stage: str, task: TaskID = task, bar: Progress = bar, name: str = path.name) -> None:
                bar.update(task, completed=STAGES.index(stage), description=f"{name}: {stage}")

            delivery = deliveries.ingest_file(
                runtime.sessions, runtime.settings, actor=actor, kind=feed, path=path, filename=path.name,
                synthetic=synthetic, progress=step,
            )  # fmt: skip
            bar.update(task, completed=len(STAGES))
        failed |= delivery.status != "committed"
        _print_delivery(delivery)
    if failed:
        raise typer.Exit(1)


def _print_delivery(delivery: Delivery) -> None:
    if delivery.status != "committed":
        console.print(f"[red]✗ {delivery.filename}: {delivery.error}[/red]")
        return
    console.print(
        f"[green]✓[/green] {delivery.filename}: 读取 {delivery.rows_read} 行, 入湖 {delivery.accepted}, "
        f"重复 {delivery.duplicates}, 隔离 {delivery.quarantined}, 有误 {delivery.rejected} "
        f"(版本 {delivery.lake_version})"
    )
    report = delivery.report or {}
    if report.get("rejects_file"):
        console.print(f"  错误报告: feeds/{report['rejects_file']}")
    if report.get("quarantine"):
        console.print(f"  隔离区: {report['quarantine']}")


def rebuild(ctx: typer.Context) -> None:
    """Recompute every cube date from the lake rows (one manifest commit)."""
    runtime: Runtime = ctx.obj
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("cube rebuild", total=len(FEED_KINDS))

        def step(kind: str) -> None:
            bar.update(task, completed=FEED_KINDS.index(kind), description=f"cube rebuild: {kind}")  # type: ignore[arg-type]

        version = deliveries.rebuild_cubes(runtime.settings, actor=system_principal(), progress=step)
        bar.update(task, completed=len(FEED_KINDS))
    console.print(f"[green]✓[/green] 立方体已重建, 数据湖版本 {version}")


def list_command(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="only this feed kind")] = None,
    limit: int = 50,
) -> None:
    """List the latest deliveries with their counts."""
    runtime: Runtime = ctx.obj
    with runtime.sessions() as session:
        rows = deliveries.list_deliveries(session, kind=_kind(kind) if kind else None, limit=limit)
    table = Table(
        "id", "kind", "file", "status", "read", "accepted", "dup", "quarantined", "rejected", "dates", "version"
    )
    for d in rows:
        dates = f"{d.first_date or ''}…{d.last_date or ''}" if d.first_date else ""
        table.add_row(
            str(d.id), d.kind, d.filename, d.status, str(d.rows_read), str(d.accepted), str(d.duplicates),
            str(d.quarantined), str(d.rejected), dates, str(d.lake_version or ""),
        )  # fmt: skip
    console.print(table)


def vacuum_command(
    ctx: typer.Context,
    grace_minutes: Annotated[int, typer.Option(help="keep superseded files this long for running readers")] = 60,
) -> None:
    """Delete lake files that no committed manifest references."""
    runtime: Runtime = ctx.obj
    deleted = deliveries.vacuum_lake(runtime.settings, actor=system_principal(), grace=timedelta(minutes=grace_minutes))
    console.print(f"[green]✓[/green] 已删除 {len(deleted)} 个文件")


def register(app: typer.Typer) -> None:
    """Add the feed commands to the `xinxiao monitoring` app: ingest, cube rebuild, deliveries, vacuum."""
    app.command("ingest")(ingest)
    cube = typer.Typer(help="The daily cubes.", no_args_is_help=True)
    cube.command("rebuild")(rebuild)
    app.add_typer(cube, name="cube")
    app.command("deliveries")(list_command)
    app.command("vacuum")(vacuum_command)
