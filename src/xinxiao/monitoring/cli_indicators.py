"""`xinxiao monitoring show | indicators | windows | window`: indicators and window effects from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from xinxiao.accounts import acting
from xinxiao.core import InvalidInput
from xinxiao.db import transaction
from xinxiao.monitoring import effects, service, view_service, windows
from xinxiao.monitoring.indicators import list_indicators
from xinxiao.monitoring.query import CubeSources
from xinxiao.runtime import Runtime

CubesFactory = Callable[[Runtime], CubeSources | None]
console = Console()
AsUser = Annotated[str | None, typer.Option("--as", help="act as this user (their region scope applies)")]
Region = Annotated[str | None, typer.Option("--region", help="adcode inside the scope (default: the scope)")]
Day = Annotated[datetime, typer.Option(formats=["%Y-%m-%d"])]
SYNTHETIC = "[reverse yellow] 模拟数据 SYNTHETIC DATA [/reverse yellow]"


def lake_cubes(runtime: Runtime) -> CubeSources | None:
    """The cubes of the lake's current snapshot; None while nothing has been committed."""
    sources = service.cube_sources(runtime.settings)
    return None if sources.version == "0" else sources


def register(app: typer.Typer, *, cubes: CubesFactory = lake_cubes) -> None:
    """Add ``show``, ``indicators``, ``windows`` and ``window`` to the monitoring app."""
    app.command("show")(_show_command(cubes))
    app.command("indicators")(show_registry)
    app.command("windows")(list_windows)
    app.command("window")(_window_command(cubes))


def parse_filters(items: list[str]) -> dict[str, list[str]]:
    """``dim=value`` options as a filter mapping; repeated dims collect their values.

    >>> parse_filters(["night=true", "industry=52", "industry=62"])
    {'night': ['true'], 'industry': ['52', '62']}
    """
    filters: dict[str, list[str]] = {}
    for item in items:
        dim, sep, value = item.partition("=")
        if not sep or not dim.strip() or not value.strip():
            raise InvalidInput(f"--filter takes DIM=VALUE, not {item!r}", field="filter")
        filters.setdefault(dim.strip(), []).append(value.strip())
    return filters


def _show_command(cubes: CubesFactory) -> Callable[..., None]:
    def show(
        ctx: typer.Context,
        indicator: Annotated[str, typer.Argument(help="indicator id (see `xinxiao monitoring indicators`)")],
        start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="first day")],
        end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="last day")],
        region: Region = None,
        grain: Annotated[str, typer.Option(help="day, month or year")] = "month",
        view: Annotated[str, typer.Option(help="level, yoy, mom, ytd, vs2019 or cagr")] = "level",
        filter_: Annotated[list[str] | None, typer.Option("--filter", help="DIM=VALUE, repeatable")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
        as_user: AsUser = None,
    ) -> None:
        """Show an indicator for a region and period, optionally as a derived view."""
        runtime: Runtime = ctx.obj
        actor = acting(runtime, as_user)
        with runtime.sessions() as session:
            result = view_service.indicator_view(
                session, actor=actor, engine=runtime.analytics, cubes=cubes(runtime), indicator_id=indicator,
                start=start.date(), end=end.date(), region=region, grain=grain, view=view,  # type: ignore[arg-type]
                filters=parse_filters(filter_ or []),
            )  # fmt: skip
        if as_json:
            typer.echo(json.dumps({"meta": result.meta(), "rows": result.records()}, ensure_ascii=False, default=str))
            return
        _print_view(result)

    return show


def _print_view(result: view_service.IndicatorView) -> None:
    meta = result.meta()
    if meta["synthetic"]:
        console.print(SYNTHETIC)
    console.print(f"[bold]{meta['name_zh']}[/bold] ({meta['indicator_id']}) · {meta['region']} · 单位 {meta['unit']}")
    console.print(f"来源 {', '.join(meta['source'])} · {meta['vintage']} · 口径: {meta['caliber']}")
    table = Table("period", "value", "numerator", "denominator", title=f"view: {result.view}")
    if result.change_unit:
        table.add_column("base")
        table.add_column(f"change ({result.change_unit})")
    for row in result.records():
        cells = [row["period"], *(_number(row.get(c)) for c in ("value", "numerator", "denominator"))]
        if result.change_unit:
            cells += [_number(row.get("base_value")), _number(row.get("change"))]
        table.add_row(*cells)
    console.print(table)


def _number(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.4f}".rstrip("0").rstrip(".")


def show_registry() -> None:
    """List the indicator registry: id, names, unit, source, grain and allowed filters."""
    table = Table("id", "名称", "name", "unit", "source", "grain", "dims", title="指标库 indicator registry")
    for ind in list_indicators():
        table.add_row(
            ind.id, ind.name_zh, ind.name_en, ind.unit, ", ".join(ind.sources), ind.grain, ", ".join(ind.dims)
        )
    console.print(table)


def list_windows(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(help="only this year")] = None,
    kind: Annotated[str | None, typer.Option(help="holiday, promotion, event or voucher")] = None,
    seed: Annotated[
        list[int] | None, typer.Option("--seed", help="first write the windows of YEAR (repeatable)")
    ] = None,
    as_user: AsUser = None,
) -> None:
    """List the windows that concern your region; ``--seed YEAR`` first writes them from windows.yaml."""
    runtime: Runtime = ctx.obj
    actor = acting(runtime, as_user)
    with transaction(runtime.sessions) as session:
        if seed:
            report = windows.seed_windows(session, actor=actor, years=seed)
            console.print(
                f"新增 {report.inserted}, 更新 {report.updated}, 未变 {report.unchanged}, 跳过 {len(report.skipped)}"
            )
        rows = windows.list_windows(session, actor=actor, year=year, kind=kind)
        table = Table(
            "code", "year", "名称", "kind", "region", "from", "to", "align", "budget", "note", title="活动窗口"
        )
        for w in rows:
            budget = f"{w.budget_yuan:,.0f}" if w.budget_yuan else ""
            table.add_row(w.code, str(w.year), w.name_zh, w.kind, w.region_adcode, str(w.start_date), str(w.end_date),
                          w.alignment, budget, (w.note or "")[:40])  # fmt: skip
    console.print(table)


def _window_command(cubes: CubesFactory) -> Callable[..., None]:
    def window(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="window code (see `xinxiao monitoring windows`)")],
        year: Annotated[int, typer.Option(help="the window's year")] = date.today().year,
        region: Region = None,
        baseline_weeks: Annotated[int, typer.Option(help="weeks before the window used as baseline")] = 4,
        as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
        as_user: AsUser = None,
    ) -> None:
        """Analyse a window: turnover, count, night and non-local share, uplift with a 90 % interval."""
        runtime: Runtime = ctx.obj
        actor = acting(runtime, as_user)
        with runtime.sessions() as session:
            effect = effects.window_effect(
                session, actor=actor, engine=runtime.analytics, cubes=cubes(runtime), code=code, year=year,
                region=region, baseline_weeks=baseline_weeks,
            )  # fmt: skip
            body = effect.to_dict()
        if as_json:
            typer.echo(json.dumps(body, ensure_ascii=False, default=str))
            return
        _print_effect(body)

    return window


def _print_effect(body: dict[str, Any]) -> None:
    w = body["window"]
    if body["synthetic"]:
        console.print(SYNTHETIC)
    console.print(f"[bold]{w['name_zh']}[/bold] {w['year']} · {w['start']} … {w['end']} · 地区 {body['region']}")
    metrics = Table("metric", "value", title=f"{body['vintage']}")
    for key, value in body["metrics"].items():
        metrics.add_row(key, _number(value))
    console.print(metrics)
    uplifts = Table("baseline", "from", "to", "days", "point %", "90% low", "90% high")
    for u in body["uplifts"]:
        uplifts.add_row(
            u["baseline"], u["from"], u["to"], str(u["days"]), *(f"{u[k]:+.1f}" for k in ("point", "low", "high"))
        )
    console.print(uplifts)
    for note in body["notes"]:
        console.print(f"[yellow]{note}[/yellow]")
