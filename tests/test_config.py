"""Settings are declared as data: every one is described and documented, and unsafe values are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from support import REPO
from xinxiao.config import PLACEHOLDER_SECRET, Settings


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_described_and_documented(name: str) -> None:
    field = Settings.model_fields[name]
    assert field.description, f"setting {name} has no description"
    docs = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert f"`XINXIAO_{name.upper()}`" in docs, f"XINXIAO_{name.upper()} is missing from docs/configuration.md"


def test_documented_settings_exist() -> None:
    docs = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = {line.split("`")[1] for line in docs.splitlines() if line.startswith("| `XINXIAO_")}
    assert documented == {f"XINXIAO_{n.upper()}" for n in Settings.model_fields}


@pytest.mark.parametrize("environment", ["test", "production"])
def test_placeholder_secret_is_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment=environment, secret_key=PLACEHOLDER_SECRET)  # type: ignore[arg-type]


def test_development_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XINXIAO_DATABASE_URL", raising=False)
    settings = Settings(var_dir=Path("var"))
    assert settings.resolved_database_url == "sqlite:///var/xinxiao.db"
    assert settings.resolved_lake_dir == Path("var/lake")
    assert settings.analytics_engine == "duckdb"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINXIAO_ANALYTICS_ENGINE", "spark")
    monkeypatch.setenv("XINXIAO_NIGHT_START", "19:30")
    settings = Settings()
    assert (settings.analytics_engine, settings.night_start) == ("spark", "19:30")


@pytest.mark.parametrize("value", ["25:00", "18", "18:0", "evening"])
def test_night_window_must_be_a_clock_time(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(night_start=value)
