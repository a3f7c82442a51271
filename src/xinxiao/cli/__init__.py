"""The `xinxiao` command: serve, db, demo, users and each domain's own group."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from xinxiao import indices, merchants, monitoring, plans
from xinxiao.cli import admin
from xinxiao.config import Settings
from xinxiao.core import XinxiaoError
from xinxiao.runtime import Runtime

app = typer.Typer(
    help="新消 Xinxiao — new-type consumption promotion platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(admin.db, name="db")
app.add_typer(admin.demo, name="demo")
app.add_typer(admin.users, name="users")
app.add_typer(merchants.cli.app, name="merchants")
app.add_typer(plans.cli.app, name="plans")
app.add_typer(monitoring.cli.app, name="monitoring")
app.add_typer(indices.cli.app, name="indices")


@app.callback()
def root(ctx: typer.Context) -> None:
    """Build the runtime from XINXIAO_* settings (nothing connects until a command needs it)."""
    ctx.obj = Runtime.from_settings(Settings())  # read afresh: one command, one reading of XINXIAO_*
    ctx.call_on_close(ctx.obj.close)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="address to bind (default: XINXIAO_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: XINXIAO_PORT)")] = None,
) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from xinxiao.web import create_app

    settings = ctx.obj.settings
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        proxy_headers=False,
    )


def main() -> None:
    """Entry point of the ``xinxiao`` script and ``python -m xinxiao``; domain errors exit 1 with a message."""
    try:
        app()
    except XinxiaoError as exc:
        Console(stderr=True).print(f"[red]{exc.title}: {exc.detail}[/red]")
        sys.exit(1)
