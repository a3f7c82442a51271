"""The command line: users, merchants import/list/stats/export, acting within a user's scope."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import typer
from typer.testing import CliRunner

from support import REPO, merchant_row, write_rows
from websupport import Site
from xinxiao.cli import app


def _invoke(site: Site, *args: str, input: str | None = None) -> str:
    env = {
        "XINXIAO_VAR_DIR": str(site.settings.var_dir),
        "XINXIAO_ENVIRONMENT": "test",
        "XINXIAO_SECRET_KEY": site.settings.secret_key,
    }
    result = CliRunner().invoke(app, list(args), env=env, input=input)
    assert result.exit_code == 0, result.output
    return result.output


def test_users_create_and_list(site: Site) -> None:
    out = _invoke(
        site,
        "users",
        "create",
        "weixi",
        "--region",
        "533423",
        "--role",
        "submitter",
        input="a-long-password\na-long-password\n",
    )
    assert "created user weixi" in out
    assert "weixi" in _invoke(site, "users", "list")


def test_merchants_import_list_stats_export(site: Site) -> None:
    path = write_rows(site.settings.var_dir / "cli.csv", [merchant_row("533423", i) for i in range(50, 53)])
    assert "新增 3" in _invoke(site, "merchants", "import", str(path))
    assert "新增 0" in _invoke(site, "merchants", "import", str(path))
    listing = _invoke(site, "merchants", "list", "--as", "deqin")
    assert "3 merchants" in listing
    stats = _invoke(site, "merchants", "stats", "--as", "diqing")
    assert "533423" in stats
    out = site.settings.var_dir / "export.csv"
    _invoke(site, "merchants", "export", "--as", "deqin", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {r["区划代码"] for r in rows} == {"533422"}


def _commands(group: typer.Typer, prefix: str) -> list[tuple[str, str | None]]:
    found = [
        (
            f"{prefix} {c.name or (c.callback.__name__ if c.callback else '')}".strip(),
            c.help or (c.callback.__doc__ if c.callback else None),
        )
        for c in group.registered_commands
    ]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found += _commands(sub.typer_instance, f"{prefix} {sub.name}")
    return found


def test_every_command_is_described_and_documented() -> None:
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = _commands(app, "xinxiao")
    assert len(commands) >= 10
    for name, help_text in commands:
        assert help_text, f"{name} has no help text"
        assert f"`{name}" in docs, f"{name} is missing from docs/cli.md"


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "xinxiao", "--help"], capture_output=True, text=True, check=True)
    assert "merchants" in result.stdout and "serve" in result.stdout


def test_officers_must_belong_to_a_unit(site: Site) -> None:
    env = {
        "XINXIAO_VAR_DIR": str(site.settings.var_dir),
        "XINXIAO_ENVIRONMENT": "test",
        "XINXIAO_SECRET_KEY": site.settings.secret_key,
    }
    result = CliRunner().invoke(
        app,
        ["users", "create", "o1", "--region", "533400", "--role", "officer"],
        env=env,
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code != 0
    out = _invoke(
        site,
        "users",
        "create",
        "o2",
        "--region",
        "533400",
        "--role",
        "officer",
        "--unit",
        "州商务局",
        input="a-long-password\na-long-password\n",
    )
    assert "created user o2" in out
