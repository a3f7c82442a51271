"""The feed commands on a local Typer app: ingest with progress, deliveries, cube rebuild, vacuum."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from feedsupport import payment, seed_registry, write_csv
from xinxiao.config import Settings
from xinxiao.monitoring import cli_feeds
from xinxiao.monitoring.lake import Lake
from xinxiao.runtime import Runtime


def _app(sessions: sessionmaker[Session], settings: Settings) -> tuple[typer.Typer, Runtime]:
    app = typer.Typer()
    cli_feeds.register(app)
    runtime = Runtime(settings, sessions.kw["bind"], sessions)  # type: ignore[arg-type]
    return app, runtime


def test_ingest_list_rebuild_and_vacuum(
    sessions: sessionmaker[Session], settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_feeds, "console", Console(width=200))
    registry = seed_registry(sessions)
    good = write_csv(tmp_path / "good.csv", [payment("t1", "2024-02-10 20:00:00", "9.9", registry.deqin)])
    bad = write_csv(tmp_path / "bad.csv", [{"txn_id": "t1"}])
    app, runtime = _app(sessions, settings)
    runner = CliRunner()

    result = runner.invoke(app, ["ingest", "payments", str(good), "--synthetic"], obj=runtime)
    assert result.exit_code == 0, result.output
    assert "入湖 1" in result.output and "good.csv" in result.output
    result = runner.invoke(app, ["ingest", "payments", str(bad)], obj=runtime)
    assert result.exit_code == 1 and "缺少必填列 txn_time" in result.output
    result = runner.invoke(app, ["ingest", "nonsense", str(good)], obj=runtime)
    assert result.exit_code == 2

    result = runner.invoke(app, ["deliveries", "--kind", "payments"], obj=runtime)
    assert result.exit_code == 0 and "committed" in result.output and "failed" in result.output
    result = runner.invoke(app, ["cube", "rebuild"], obj=runtime)
    assert result.exit_code == 0 and "版本 2" in result.output
    assert Lake(settings.resolved_lake_dir).synthetic("payments")
    result = runner.invoke(app, ["vacuum", "--grace-minutes", "0"], obj=runtime)
    assert result.exit_code == 0 and "已删除 1 个文件" in result.output  # the cube file the rebuild superseded
