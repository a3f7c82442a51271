"""`xinxiao merchants …`: import, list, stats and export from the command line."""

from __future__ import annotations

import csv
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from xinxiao import accounts
from xinxiao.core import PageParams, Principal
from xinxiao.merchants import exporting, jobs, service, stats
from xinxiao.merchants.models import ImportJob
from xinxiao.merchants.schemas import MerchantFilter
from xinxiao.runtime import Runtime

app = typer.Typer(help="商业信息数据库 — the merchant registry.", no_args_is_help=True)
console = Console()
AsUser = Annotated[str | None, typer.Option("--as", help="act as this user (their region scope applies)")]


acting = accounts.acting


def _count_lines(path: Path) -> int | None:
    if path.suffix.lower() != ".csv":
        return None
    with path.open("rb") as handle:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)


@app.command("import")
def import_files(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    as_user: AsUser = None,
    synthetic: Annotated[bool, typer.Option(help="label the rows as synthetic")] = False,
) -> None:
    """Import merchant files (CSV in UTF-8 or GBK, or XLSX); invalid rows go to an error report."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    if recovered := jobs.recover_orphans(runtime.sessions):
        console.print(f"[yellow]{recovered} 个中断的导入任务已标记为失败 (未写入数据)[/yellow]")
    failed = False
    for path in files:
        job_id = jobs.start_import(runtime.sessions, actor=actor, path=path, filename=path.name)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task(path.name, total=_count_lines(path))
            job = _run_with_progress(runtime, actor, job_id, path, synthetic, partial(bar.update, task))
        failed |= job.status != "done"
        _print_job(job, runtime)
    if failed:
        raise typer.Exit(1)


def _run_with_progress(
    runtime: Runtime, actor: Principal, job_id: int, path: Path, synthetic: bool, on_rows: Callable[..., object]
) -> ImportJob:
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            rows = jobs.progress(job_id)
            if rows is not None:
                on_rows(completed=rows)
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        return jobs.run_import(
            runtime.sessions,
            actor=actor,
            job_id=job_id,
            path=path,
            report_dir=runtime.settings.var_dir / "imports",
            batch_size=runtime.settings.import_batch_size,
            synthetic=synthetic,
        )
    finally:
        done.set()
        watcher.join()


def _print_job(job: ImportJob, runtime: Runtime) -> None:
    if job.status != "done":
        console.print(f"[red]✗ {job.filename}: {job.message}[/red]")
        return
    console.print(
        f"[green]✓[/green] {job.filename} ({job.encoding}): {job.rows_total} 行, 新增 {job.inserted}, "
        f"更新 {job.updated}, 未变化 {job.unchanged}, 有误 {job.rejected}"
    )
    if job.error_report:
        console.print(f"  错误报告: {runtime.settings.var_dir / 'imports' / job.error_report}")


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsUser = None,
    q: str | None = None,
    region: str | None = None,
    industry: str | None = None,
    page: int = 1,
    size: int = 20,
) -> None:
    """List merchants inside the scope."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    with runtime.sessions() as session:
        result = service.list_merchants(
            session,
            actor=actor,
            filters=MerchantFilter(q=q, region=region, industry=industry),
            page=PageParams(page=page, size=size),
        )
    table = Table("id", "uscc", "name", "industry", "region", "限上", title=f"{result.total} merchants")
    for m in result.items:
        table.add_row(str(m.id), m.uscc, m.name, m.industry_code, m.region_adcode, "✓" if m.above_quota else "")
    console.print(table)


@app.command("stats")
def stats_command(
    ctx: typer.Context,
    as_user: AsUser = None,
    by: stats.Dimension = "region",
    region: str | None = None,
    level: stats.Level | None = None,
) -> None:
    """Counts, 数字化率 and 限额以上 by region, industry, format or place."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    with runtime.sessions() as session:
        rows = stats.summary(
            session, actor=actor, engine=runtime.analytics, dimension=by, region=region, region_level=level
        )
    table = Table("key", "name", "merchants", "数字化率", "移动支付率", "网店率", "限额以上", title=f"by {by}")
    for r in rows:
        table.add_row(
            r.key,
            r.label,
            str(r.merchants),
            f"{r.digital_rate:.1%}",
            f"{r.mobile_payment_rate:.1%}",
            f"{r.online_store_rate:.1%}",
            str(r.above_quota),
        )
    console.print(table)


@app.command("export")
def export_command(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    as_user: AsUser = None,
    region: str | None = None,
) -> None:
    """Export the merchants inside the scope as CSV (to a file or standard output)."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    with runtime.sessions() as session, session.begin():
        rows = exporting.export_rows(session, actor=actor, filters=MerchantFilter(region=region))
        if output is None:
            csv.writer(sys.stdout).writerows(rows)
            return
        with output.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
    console.print(f"written {output}")
