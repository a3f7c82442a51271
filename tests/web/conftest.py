"""Fixtures of the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support import make_settings
from websupport import Site, populate


@pytest.fixture
def site(var_dir: Path, template_sqlite: Path) -> Iterator[Site]:
    """The populated site."""
    result = populate(make_settings(var_dir), template_sqlite)
    yield result
    result.runtime.close()
