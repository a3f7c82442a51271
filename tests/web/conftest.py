"""Fixtures of the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from support import make_settings
from websupport import Site, populate
from xinxiao import merchants, monitoring
from xinxiao.core import system_principal
from xinxiao.db import transaction

LAKE_START, LAKE_END = date(2023, 1, 1), date(2024, 3, 31)


@pytest.fixture
def site(var_dir: Path, template_sqlite: Path) -> Iterator[Site]:
    """The populated site."""
    result = populate(make_settings(var_dir), template_sqlite)
    yield result
    result.runtime.close()


@pytest.fixture
def lake_site(site: Site) -> Site:
    """The populated site with 15 months of synthetic payments of its 香格里拉 and 德钦 merchants in the lake."""
    with site.runtime.sessions() as session:
        dimension = merchants.merchant_dimension(session)
    batches = monitoring.synthetic.payments_batches(
        merchants=dimension, start=LAKE_START, end=LAKE_END, seed=3, scale=0.3, profile="diqing"
    )
    path = site.settings.var_dir / "payments.parquet"
    monitoring.synthetic.write_feed(path, batches, schema=monitoring.FEED_SCHEMAS["payments"])
    delivery = monitoring.ingest_file(
        site.runtime.sessions,
        site.settings,
        actor=system_principal(),
        kind="payments",
        path=path,
        filename=path.name,
        synthetic=True,
    )
    assert delivery.status == "committed" and delivery.accepted > 1000
    with transaction(site.runtime.sessions) as session:
        monitoring.seed_windows(session, actor=system_principal(), years=[2023, 2024])
    return site
