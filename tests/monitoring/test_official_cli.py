"""`official` commands on a local Typer app: load-reference, import (good and bad files), list as of, history, scope."""

from __future__ import annotations

import typer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from support import REPO, make_user
from xinxiao.config import Settings
from xinxiao.core import NotFound
from xinxiao.db import transaction
from xinxiao.monitoring import cli_official
from xinxiao.runtime import Runtime

DATA = REPO / "tests" / "data" / "monitoring"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)
    cli_official.register(app)
    return app


def _run(runtime: Runtime, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(_app(), ["official", *args], obj=runtime)
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


def _runtime(settings: Settings, db_engine: Engine, sessions: sessionmaker[Session]) -> Runtime:
    with transaction(sessions) as session:
        make_user(session, "diqing", "533400")
    return Runtime(settings, db_engine, sessions)


def test_load_list_history_and_import(settings: Settings, db_engine: Engine, sessions: sessionmaker[Session]) -> None:
    runtime = _runtime(settings, db_engine, sessions)
    assert "nbs_retail_releases_2017_2024.csv" in _run(runtime, "load-reference")
    assert "193" in _run(runtime, "load-reference")  # all already there
    listing = _run(
        runtime, "list", "--indicator", "retail_sales", "--region", "CN", "--kind", "ytd", "--as-of", "2020-01-17"
    )
    assert "411649" in listing and "2020-01-17" in listing
    assert "411649" not in _run(
        runtime, "list", "--indicator", "retail_sales", "--region", "CN", "--as-of", "2020-01-16"
    )
    assert "新增 1" in _run(runtime, "import", str(DATA / "official_revision.csv"))
    history = _run(
        runtime, "history", "--indicator", "retail_sales", "--region", "CN", "--period", "2019-12", "--kind", "ytd"
    )
    assert "2 vintages" in history and "408017" in history and "411649" in history


def test_a_bad_file_prints_its_errors_and_fails(
    settings: Settings, db_engine: Engine, sessions: sessionmaker[Session]
) -> None:
    runtime = _runtime(settings, db_engine, sessions)
    output = _run(runtime, "import", str(DATA / "official_invalid.csv"), code=1)
    assert "7 处错误" in output and "period_kind" in output and "tourist_arrivals" in output


def test_a_user_sees_only_their_scope(settings: Settings, db_engine: Engine, sessions: sessionmaker[Session]) -> None:
    runtime = _runtime(settings, db_engine, sessions)
    _run(runtime, "load-reference")
    assert "303.74" in _run(runtime, "list", "--indicator", "gdp", "--region", "Diqing", "--as", "diqing")
    result = CliRunner().invoke(
        _app(), ["official", "list", "--indicator", "retail_sales", "--region", "Hubei", "--as", "diqing"], obj=runtime
    )
    assert isinstance(result.exception, NotFound)
