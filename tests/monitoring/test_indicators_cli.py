"""`show`, `indicators`, `windows` and `window` commands over hand-built cubes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from monitoring.indicator_factory import cubes
from support import make_settings, make_user
from xinxiao.db import transaction
from xinxiao.monitoring import cli_indicators
from xinxiao.monitoring.query import RESULTS
from xinxiao.runtime import Runtime


@pytest.fixture
def runtime(var_dir: Path, template_sqlite: Path) -> Iterator[Runtime]:
    RESULTS.invalidate()
    shutil.copy(template_sqlite, var_dir / "xinxiao.db")
    result = Runtime.from_settings(make_settings(var_dir))
    with transaction(result.sessions) as session:
        make_user(session, "deqin", "533422")
    yield result
    result.close()


def invoke(runtime: Runtime, *args: str, code: int = 0) -> str:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Root."""

    cli_indicators.register(app, cubes=lambda _runtime: cubes(synthetic=True))
    result = CliRunner().invoke(app, list(args), obj=runtime, env={"COLUMNS": "250"})
    assert result.exit_code == code, result.output
    return result.output


def test_show(runtime: Runtime) -> None:
    out = invoke(runtime, "show", "night_share", "--region", "533400", "--from", "2024-01-01", "--to", "2024-02-29")
    assert "夜间消费占比" in out and "33.3333" in out and "SYNTHETIC" in out and "口径" in out
    body = json.loads(invoke(runtime, "show", "payment_turnover", "--from", "2024-01-01", "--to", "2024-12-31",
                             "--grain", "year", "--view", "yoy", "--filter", "night=true", "--json"))  # fmt: skip
    assert body["meta"]["filters"] == {"night": ["True"]} and body["rows"][0]["value"] == pytest.approx(0.05)


def test_show_applies_the_users_scope(runtime: Runtime) -> None:
    out = invoke(runtime, "show", "payment_turnover", "--from", "2024-01-01", "--to", "2024-12-31", "--as", "deqin",
                 "--json")  # fmt: skip
    assert json.loads(out)["rows"][0]["value"] == pytest.approx(0.05)


def test_registry_windows_and_window(runtime: Runtime) -> None:
    assert "online_share" in invoke(runtime, "indicators")
    out = invoke(runtime, "windows", "--seed", "2024", "--year", "2024")
    assert "新增 12" in out and "meili100" in out
    assert "新增 0" in invoke(runtime, "windows", "--seed", "2024")
    body = json.loads(invoke(runtime, "window", "spring_festival", "--year", "2024", "--region", "533400", "--json"))
    assert body["window"]["start"] == "2024-02-03" and body["synthetic"] is True
