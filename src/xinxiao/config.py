"""Settings declared as data: every field is documented and read from ``XINXIAO_*`` variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"  # noqa: S105 - the value we refuse outside development


class Settings(BaseSettings):
    """Runtime configuration; tests build one directly, the CLI reads one from the environment per command."""

    model_config = SettingsConfigDict(env_prefix="XINXIAO_", env_file=None, extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development",
        description="Deployment kind. Outside development a real secret key is required.",
    )
    var_dir: Path = Field(
        Path("var"),
        description="Directory for everything the app writes: database, lake, uploads, exports.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the operational store; empty means SQLite at VAR_DIR/xinxiao.db.",
    )
    lake_dir: Path | None = Field(
        None,
        description="Root of the partitioned Parquet lake; empty means VAR_DIR/lake.",
    )
    assets_dir: Path = Field(
        Path("node_modules"),
        description="Directory holding the front-end packages installed by `make` from the npm registry.",
    )
    analytics_engine: Literal["duckdb", "spark"] = Field(
        "duckdb",
        description="Engine that runs analytical expressions: embedded DuckDB or Spark.",
    )
    spark_master: str = Field(
        "local[2]",
        description="Spark master URL used when ANALYTICS_ENGINE is spark.",
    )
    secret_key: str = Field(
        PLACEHOLDER_SECRET,
        description="Key that signs session cookies and CSRF tokens; must be changed outside development.",
    )
    session_max_age: int = Field(
        8 * 3600,
        description="Lifetime of a login session cookie, in seconds.",
    )
    token_max_age_days: int = Field(
        90,
        description="Lifetime of an API bearer token, in days.",
    )
    night_start: str = Field(
        "18:00",
        description="Start of the night-economy window (local time, HH:MM).",
    )
    night_end: str = Field(
        "06:00",
        description="End of the night-economy window (local time, HH:MM); may cross midnight.",
    )
    duckdb_memory_limit: str = Field(
        "3GB",
        description="Memory budget of a DuckDB job such as a feed ingest (beyond it DuckDB spills to VAR_DIR/tmp).",
    )
    duckdb_threads: int = Field(
        0,
        ge=0,
        description="Threads a DuckDB job such as a feed ingest may use; 0 means all cores.",
    )
    default_language: Literal["zh", "en"] = Field(
        "zh",
        description="Language of pages when the visitor has not chosen one.",
    )
    host: str = Field("127.0.0.1", description="Address `xinxiao serve` binds to.")
    port: int = Field(8000, description="Port `xinxiao serve` listens on.")
    upload_max_bytes: int = Field(
        200 * 1024 * 1024,
        description="Largest file accepted by an upload form or import API, in bytes.",
    )
    import_batch_size: int = Field(
        5000,
        description="Rows parsed and written per batch during bulk imports (a whole file is still one transaction).",
    )
    demo_seed: int = Field(20221, description="Random seed of the synthetic demo data set.")

    @field_validator("night_start", "night_end")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2):
            raise ValueError(f"{value!r} is not a time of day written HH:MM")
        return f"{int(hours):02d}:{minutes}"

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment != "development" and self.secret_key in {PLACEHOLDER_SECRET, ""}:
            msg = "XINXIAO_SECRET_KEY must be set to a real secret outside development"
            raise ValueError(msg)
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under ``var_dir``."""
        return self.database_url or f"sqlite:///{self.var_dir / 'xinxiao.db'}"

    @property
    def resolved_lake_dir(self) -> Path:
        """The lake root, defaulting to ``var_dir/lake``."""
        return self.lake_dir or self.var_dir / "lake"
