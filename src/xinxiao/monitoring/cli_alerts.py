"""`xinxiao monitoring alerts …`: run the rules (or dry-run them), list and acknowledge alerts, load and list rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xinxiao.accounts import acting
from xinxiao.core import PageParams, system_principal
from xinxiao.db import transaction
from xinxiao.monitoring import alerts
from xinxiao.monitoring.alert_schemas import AlertFilter
from xinxiao.runtime import Runtime

console = Console()
AsUser = Annotated[str | None, typer.Option("--as", help="act as this user (their region scope applies)")]
Region = Annotated[str | None, typer.Option("--region", help="a region inside the scope")]
COLOURS = {"red": "red", "yellow": "yellow", "green": "green"}


def register(app: typer.Typer, *, sources: alerts.SourcesFactory | None = None) -> None:
    """Add the ``alerts`` group to ``app``; ``sources`` builds the values and freshness a run reads."""
    group = typer.Typer(help="预警 — alert rules, runs and the inbox.", no_args_is_help=True)
    group.command("run")(_run_command(sources))
    group.command("list")(list_alerts)
    group.command("ack")(acknowledge)
    group.command("rules")(list_rules)
    group.command("load-rules")(load_rules)
    app.add_typer(group, name="alerts")


def _run_command(sources: alerts.SourcesFactory | None) -> Callable[..., None]:
    def run(
        ctx: typer.Context,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="evaluate and show; store nothing")] = False,
        as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="run date")] = None,
        region: Region = None,
        as_user: AsUser = None,
    ) -> None:
        """Evaluate the enabled rules in the scope as of a date (default today) and record the firings."""
        runtime: Runtime = ctx.obj
        if sources is None:
            console.print("[red]告警数据源未接入 (no indicator values / feed freshness wired)[/red]")
            raise typer.Exit(1)
        actor = acting(runtime, as_user)
        day = as_of.date() if as_of else alerts.today()
        with transaction(runtime.sessions) as session:
            wired = sources(session, runtime)
            report = alerts.run_rules(
                session,
                actor=actor,
                values=wired.values,
                freshness=wired.freshness,
                as_of=day,
                dry_run=dry_run,
                region=region,
            )
        _print_run(report)

    return run


def _print_run(report: alerts.RunReport) -> None:
    title = f"{'试运行 dry run' if report.dry_run else '运行 run'} · as of {report.as_of}"
    table = Table("rule", "status", "period", "outcome", "message", title=title)
    for e in report.evaluations:
        table.add_row(e.code, f"[{COLOURS[e.status]}]{e.status}[/]", e.period_key, e.outcome, e.message)
    console.print(table)
    counts = {s: sum(e.status == s for e in report.evaluations) for s in ("red", "yellow", "green")}
    console.print(f"红 {counts['red']} · 黄 {counts['yellow']} · 绿 {counts['green']}")


def list_alerts(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="red | yellow")] = None,
    state: Annotated[str | None, typer.Option(help="open | acknowledged | closed")] = None,
    region: Region = None,
    as_user: AsUser = None,
) -> None:
    """List the alerts in the scope, newest first."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    filters = AlertFilter.model_validate({"status": status, "state": state, "region": region})
    with runtime.sessions() as session:
        result = alerts.list_alerts(session, actor=actor, filters=filters, page=PageParams(size=1000))
    table = Table("id", "status", "state", "region", "period", "message", title=f"{result.total} alerts")
    for a in result.items:
        status_text = f"[{COLOURS[a.status]}]{a.status}[/]"
        table.add_row(str(a.id), status_text, a.state, a.region_adcode, a.period_key, a.message)
    console.print(table)


def acknowledge(
    ctx: typer.Context,
    alert_id: Annotated[int, typer.Argument(help="alert id")],
    note: Annotated[str, typer.Option("--note", help="处置说明")] = "",
    as_user: AsUser = None,
) -> None:
    """Acknowledge an open alert with a note."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    with transaction(runtime.sessions) as session:
        alert = alerts.acknowledge(session, actor=actor, alert_id=alert_id, note=note)
        console.print(f"alert {alert.id} acknowledged ({alert.state})")


def list_rules(ctx: typer.Context, region: Region = None, as_user: AsUser = None) -> None:
    """List the alert rules in the scope with their parameters and versions."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    with runtime.sessions() as session:
        rules = alerts.list_rules(session, actor=actor, region=region)
        table = Table("code", "kind", "subject", "region", "params", "on", "v", title=f"{len(rules)} rules")
        for r in rules:
            params = ", ".join(f"{k}={v}" for k, v in r.params.items() if k != "note")
            subject = r.indicator_id or r.feed_kind or ""
            table.add_row(r.code, r.kind, subject, r.region_adcode, params, "✓" if r.enabled else "", str(r.version))
    console.print(table)


def load_rules(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False, help="YAML rule file")] = None,
) -> None:
    """Load a rule file (default: the built-in set) by code; changed rules get a new version."""
    runtime: Runtime = ctx.obj
    with transaction(runtime.sessions) as session:
        report = alerts.load_rules(session, actor=system_principal(), path=path)
    console.print(f"新增 {len(report.created)} · 更新 {len(report.updated)} · 未变 {len(report.unchanged)}")
    for code in report.updated:
        console.print(f"  updated {code}")
