"""Indicator and window routes on the real app: registry, series with views, scope (404), filters (422), effects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from monitoring.indicator_factory import cubes
from support import make_settings
from websupport import Site, login, populate
from xinxiao.core import system_principal
from xinxiao.db import transaction
from xinxiao.monitoring import routes_indicators
from xinxiao.monitoring.query import RESULTS
from xinxiao.monitoring.windows import seed_windows
from xinxiao.web import create_app

BASE = "/api/v1/monitoring"


@pytest.fixture
def site(var_dir: Path, template_sqlite: Path) -> Iterator[Site]:
    RESULTS.invalidate()
    result = populate(make_settings(var_dir), template_sqlite)
    with transaction(result.runtime.sessions) as session:
        seed_windows(session, actor=system_principal(), years=[2024])
    yield result
    result.runtime.close()


def _app(site: Site) -> FastAPI:
    app = create_app(site.settings)
    app.dependency_overrides[routes_indicators.lake_cubes] = lambda: cubes(synthetic=True)
    return app


def _client(site: Site, username: str) -> TestClient:
    client = TestClient(_app(site))
    login(client, username)
    return client


def test_registry_and_series(site: Site) -> None:
    client = _client(site, "diqing")
    ids = [i["id"] for i in client.get(f"{BASE}/indicators").json()]
    assert "online_share" in ids and "retail_sales" in ids
    params = {"from": "2024-01-01", "to": "2024-02-29", "view": "mom"}
    body = client.get(f"{BASE}/indicators/avg_ticket", params=params).json()
    assert body["meta"]["unit"] == "元每笔" and body["meta"]["synthetic"] is True and body["meta"]["region"] == "533400"
    assert [(r["period"], r["value"], r["change"]) for r in body["rows"]] == [
        ("2024-01-01", 90.0, None),
        ("2024-02-01", 200.0, pytest.approx(122.2222, abs=1e-3)),
    ]
    night = client.get(f"{BASE}/indicators/payment_count", params=params | {"night": "true", "view": "level"}).json()
    assert [r["value"] for r in night["rows"]] == [3.0, 1.0]


def test_scope_filters_and_unknowns(site: Site) -> None:
    client = _client(site, "shangrila")
    params = {"from": "2024-01-01", "to": "2024-12-31"}
    assert client.get(f"{BASE}/indicators/payment_turnover", params=params | {"region": "533422"}).status_code == 404
    assert client.get(f"{BASE}/indicators/no_such", params=params).status_code == 404
    bad = client.get(f"{BASE}/indicators/payment_turnover", params=params | {"category": "food"})
    assert bad.status_code == 422 and "category" in bad.text
    assert client.get(f"{BASE}/indicators/payment_turnover", params=params | {"view": "wow"}).status_code == 422
    assert TestClient(_app(site)).get(f"{BASE}/indicators").status_code in (401, 403)


def test_windows_and_effects(site: Site) -> None:
    client = _client(site, "shangrila")
    codes = {w["code"] for w in client.get(f"{BASE}/windows", params={"year": 2024}).json()}
    assert {"spring_festival", "meili100", "voucher_round_1"} <= codes
    effect = client.get(f"{BASE}/windows/voucher_round_1/2024/effect")
    assert effect.status_code == 200
    body = effect.json()
    assert body["window"]["budget_yuan"] == 3_000_000 and body["region"] == "533401"
    assert body["notes"]  # the small test cube has no baseline days: noted, not invented
    hubei = _client(site, "hubei_admin")
    assert hubei.get(f"{BASE}/windows/meili100/2024/effect").status_code == 404
