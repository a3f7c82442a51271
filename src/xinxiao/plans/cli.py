"""`xinxiao plans …`: parse a policy document from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from xinxiao.plans.parsing import ParsedPlan, parse_plan, read_document

app = typer.Typer(help="行动方案 — plans, tasks and targets.", no_args_is_help=True)
console = Console()


@app.command("parse")
def parse_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="TXT, HTML, DOCX or PDF")],
    format: Annotated[Literal["json", "table"], typer.Option("--format", help="output format")] = "table",
    region: Annotated[str | None, typer.Option(help="issuing region adcode (detected when omitted)")] = None,
    no_first_lead: Annotated[bool, typer.Option(help="lists without 牵头 have no lead unit")] = False,
) -> None:
    """Parse a policy document into tasks, lead/co-operating units and targets, with repair warnings."""
    try:
        text = read_document(file.read_bytes(), file.name)
    except ValueError as exc:
        console.print(f"[red]{file.name}: {exc}[/red]")
        raise typer.Exit(1) from None
    plan = parse_plan(text, region_adcode=region, first_is_lead=not no_first_lead)
    if format == "json":
        typer.echo(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    _print_table(plan)


def _print_table(plan: ParsedPlan) -> None:
    console.print(
        f"[bold]{plan.title or '(无标题)'}[/bold]  {plan.doc_number or ''}  {plan.issuer or ''}  "
        f"{plan.issued_on or ''}  地区 {plan.region_adcode or '?'}"
    )
    tasks = Table("id", "任务", "牵头单位", "配合单位", "指标", title=f"{len(plan.tasks)} 项任务")
    for task in plan.tasks:
        tasks.add_row(
            task.id, task.title[:30], "、".join(task.lead_units), "、".join(task.co_units)[:60], str(len(task.targets))
        )
    console.print(tasks)
    targets = Table(
        "指标", "类型", "运算", "数值", "单位", "时限", "力度", "范围", "任务", title=f"{len(plan.targets)} 个指标"
    )
    for t in plan.targets:
        value = f"{t.value:g}" if t.value is not None else ""
        if t.value_high is not None:
            value += f"–{t.value_high:g}"
        targets.add_row(
            t.metric,
            t.kind,
            t.operator,
            value,
            t.unit,
            t.deadline or "",
            t.firmness,
            t.scope or "",
            t.task_id or "目标",
        )
    console.print(targets)
    warnings = [*plan.warnings, *(w for task in plan.tasks for w in task.warnings)]
    for warning in warnings:
        console.print(f"[yellow]⚠ {warning.code}: {warning.message}[/yellow]")
