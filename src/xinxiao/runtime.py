"""What a process builds once from its settings: engine, session factory, analytics engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from xinxiao.analytics import AnalyticsEngine, make_analytics_engine
from xinxiao.config import Settings
from xinxiao.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    """Shared by the web app, the CLI and jobs; built explicitly, never at import time."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _analytics: AnalyticsEngine | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        """Build the runtime for ``settings`` (the engine connects lazily)."""
        engine = make_engine(settings.resolved_database_url)
        return cls(settings, engine, make_sessionmaker(engine))

    @property
    def analytics(self) -> AnalyticsEngine:
        """The analytics engine chosen by the settings, built on first use."""
        if self._analytics is None:
            self._analytics = make_analytics_engine(self.settings)
        return self._analytics

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
