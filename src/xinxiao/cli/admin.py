"""Maintenance commands: `xinxiao db …`, `xinxiao demo …`, `xinxiao users …`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xinxiao import accounts, migrations
from xinxiao.core import Role, system_principal
from xinxiao.db import transaction
from xinxiao.reference import find_unit
from xinxiao.runtime import Runtime

console = Console()
db = typer.Typer(help="Database schema.", no_args_is_help=True)
demo = typer.Typer(help="The synthetic demo data set.", no_args_is_help=True)
users = typer.Typer(help="Users, roles and region scopes.", no_args_is_help=True)


@db.command("upgrade")
def db_upgrade(ctx: typer.Context, revision: str = "head") -> None:
    """Apply migrations up to REVISION (default head), then seed the reference data."""
    from xinxiao.reference import seed_reference

    runtime: Runtime = ctx.obj
    migrations.upgrade(runtime.settings.resolved_database_url, revision)
    with transaction(runtime.sessions) as session:
        counts = seed_reference(session)
    console.print(f"database at {migrations.current(runtime.settings.resolved_database_url)}; reference: {counts}")


@db.command("current")
def db_current(ctx: typer.Context) -> None:
    """Print the revision the database is at."""
    console.print(migrations.current(ctx.obj.settings.resolved_database_url) or "(empty)")


@demo.command("load")
def demo_load(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option(help="load even if the database already has users")] = False,
    scale: Annotated[float, typer.Option(help="multiply the number of synthetic merchants")] = 1.0,
) -> None:
    """Load the demo region tree, units, users, places and synthetic merchants (reproducible)."""
    from xinxiao.demo import DEMO_PASSWORD, load_demo

    runtime: Runtime = ctx.obj
    with runtime.sessions() as session:
        present = accounts.count(session)
    if present and not force:
        console.print(f"the database already has {present} users; demo not loaded (use --force)")
        return
    summary = load_demo(runtime, scale=scale, log=console.print)
    console.print(f"demo loaded; reference data: {summary['reference']}")
    console.print(f"demo logins (password [bold]{DEMO_PASSWORD}[/bold]):")
    for username, role, region in summary["users"]:
        console.print(f"  {username:<22} {role:<10} {region}")


@users.command("create")
def users_create(
    ctx: typer.Context,
    username: str,
    region: Annotated[str, typer.Option(help="region adcode, e.g. 533400")],
    role: Annotated[Role, typer.Option(help="role")] = Role.analyst,
    display_name: Annotated[str | None, typer.Option(help="name shown in pages")] = None,
    unit: Annotated[str | None, typer.Option(help="government unit of the region (officers), e.g. 州商务局")] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Create a user with a role, a region node and, for officers, a government unit."""
    runtime: Runtime = ctx.obj
    with transaction(runtime.sessions) as session:
        unit_id = find_unit(session, name=unit, region_adcode=region).id if unit else None
        data = accounts.UserCreate(
            username=username,
            display_name=display_name or username,
            password=password,
            role=role,
            region_adcode=region,
            unit_id=unit_id,
        )
        user = accounts.create(session, actor=system_principal(), data=data)
        console.print(f"created user {user.username} (id {user.id}, {user.role}, {user.region_adcode})")


@users.command("list")
def users_list(ctx: typer.Context) -> None:
    """List users."""
    runtime: Runtime = ctx.obj
    with runtime.sessions() as session:
        rows = accounts.list_users(session, actor=system_principal())
        table = Table("id", "username", "name", "role", "region", "active")
        for u in rows:
            table.add_row(str(u.id), u.username, u.display_name, u.role, u.region_adcode, "✓" if u.is_active else "")
    console.print(table)
