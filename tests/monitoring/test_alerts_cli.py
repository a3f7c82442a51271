"""`alerts` commands: load-rules, rules, run (dry and real), list and ack, acting within a user's scope."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from alertsupport import FakeFreshness, FakeValues, monthly
from support import make_settings, make_user
from xinxiao.db import transaction
from xinxiao.monitoring import alerts, cli_alerts
from xinxiao.runtime import Runtime


def _sources(_session: Session, _runtime: Runtime) -> alerts.AlertSources:
    values = FakeValues()
    values.put("payment_turnover", "533422", "month", monthly([2.0] * 8 + [-25.0]), view="yoy")
    values.put("payment_turnover", "533401", "month", monthly([2.0] * 8 + [-11.0]), view="yoy")
    kinds = ("payments", "orders", "footfall")
    fresh = FakeFreshness(dict.fromkeys(kinds, date(2024, 10, 5)), dict.fromkeys(kinds, datetime.now(UTC)))
    return alerts.AlertSources(values, fresh)


@pytest.fixture
def runtime(var_dir: Path, template_sqlite: Path) -> Iterator[Runtime]:
    shutil.copy(template_sqlite, var_dir / "xinxiao.db")
    result = Runtime.from_settings(make_settings(var_dir))
    with transaction(result.sessions) as session:
        make_user(session, "deqin", "533422")
    yield result
    result.close()


def _app(wired: bool = True) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Root."""

    cli_alerts.register(app, sources=_sources if wired else None)
    return app


def invoke(runtime: Runtime, *args: str, code: int = 0, wired: bool = True) -> str:
    result = CliRunner().invoke(_app(wired), ["alerts", *args], obj=runtime, env={"COLUMNS": "250"})
    assert result.exit_code == code, result.output
    return result.output


def test_load_run_list_ack(runtime: Runtime) -> None:
    assert "新增 16" in invoke(runtime, "load-rules")
    assert "新增 0 · 更新 0 · 未变 16" in invoke(runtime, "load-rules")
    assert "deqin.payment_turnover.yoy_drop" in invoke(runtime, "rules", "--as", "deqin")
    dry = invoke(runtime, "run", "--dry-run", "--as-of", "2024-10-05")
    assert "dry_run" in dry and "红 " in dry
    assert "0 alerts" in invoke(runtime, "list")
    out = invoke(runtime, "run", "--as-of", "2024-10-05", "--as", "deqin")
    assert "deqin.payment_turnover.yoy_drop" in out and "shangrila" not in out
    listing = invoke(runtime, "list", "--as", "deqin")
    assert "1 alerts" in listing and "533422" in listing
    invoke(runtime, "run", "--as-of", "2024-10-05")
    everything = invoke(runtime, "list")
    assert "2 alerts" in everything and "1 alerts" in invoke(runtime, "list", "--status", "yellow")
    alert_id = re.search(r"(\d+)\s+│\s+red", everything)
    assert alert_id
    assert "acknowledged" in invoke(runtime, "ack", alert_id[1], "--note", "已核实", "--as", "deqin")
    assert "acknowledged" in invoke(runtime, "list", "--state", "acknowledged", "--as", "deqin")


def test_run_without_sources_fails_clearly(runtime: Runtime) -> None:
    assert "未接入" in invoke(runtime, "run", code=1, wired=False)
