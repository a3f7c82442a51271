"""The official statistics API on the real app: as-of series, revisions, scope (404), uploads with roles and CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from support import REPO, make_settings
from websupport import Site, login, populate, write_headers
from xinxiao.core import system_principal
from xinxiao.db import transaction
from xinxiao.monitoring import official
from xinxiao.web import create_app

DATA = REPO / "tests" / "data" / "monitoring"
BASE = "/api/v1/monitoring/official"


@pytest.fixture
def site(var_dir: Path, template_sqlite: Path) -> Iterator[Site]:
    result = populate(make_settings(var_dir), template_sqlite)
    with transaction(result.runtime.sessions) as session:
        official.load_national_reference(session, actor=system_principal())
    yield result
    result.runtime.close()


def _app(site: Site) -> FastAPI:
    app = create_app(site.settings)
    return app


def _client(site: Site, username: str) -> TestClient:
    client = TestClient(_app(site))
    login(client, username)
    return client


def test_series_as_of_and_revisions(site: Site) -> None:
    client = _client(site, "diqing")
    query = {"indicator": "retail_sales", "region": "000000", "period_kind": "ytd", "start": "2019-12-01"}
    latest = client.get(f"{BASE}/series", params=query | {"end": "2019-12-31"}).json()
    assert [(r["value"], r["yoy_pct"], r["vintage"]) for r in latest] == [(411649, 8.0, "2020-01-17")]
    before = client.get(f"{BASE}/series", params=query | {"as_of": "2020-01-16"}).json()
    assert [r["period_end"] for r in before] == []
    history = client.get(
        f"{BASE}/revisions", params={"indicator": "online_retail", "region": "CN", "period": "2019-03"}
    ).json()
    assert [(r["value"], r["derived"], r["derivation"]) for r in history] == [
        (8396, True, "2019-03 = ytd(2019-03) − ytd(2019-02)")
    ]


def test_a_region_outside_the_scope_is_404(site: Site) -> None:
    client = _client(site, "diqing")
    response = client.get(f"{BASE}/series", params={"indicator": "retail_sales", "region": "420000"})
    assert response.status_code == 404
    held = {(s["indicator_id"], s["region_adcode"]) for s in client.get(f"{BASE}/indicators").json()}
    assert ("gdp", "533400") in held and not any(r == "420000" for _, r in held)


def test_upload_imports_once_and_reports_every_error(site: Site) -> None:
    client = _client(site, "diqing")
    headers = write_headers(client)
    good = {"file": ("dq.csv", (DATA / "official_gbk.csv").read_bytes(), "text/csv")}
    first = client.post(f"{BASE}/imports", files=good, headers=headers)
    assert first.status_code == 201, first.text
    assert (first.json()["inserted"], first.json()["encoding"]) == (4, "gbk")
    assert client.post(f"{BASE}/imports", files=good, headers=headers).json()["inserted"] == 0
    bad = {"file": ("bad.csv", (DATA / "official_invalid.csv").read_bytes(), "text/csv")}
    response = client.post(f"{BASE}/imports", files=bad, headers=headers)
    assert response.status_code == 422
    assert [e["line"] for e in response.json()["errors"]] == [2, 3, 4, 5, 6, 7, 8]


def test_upload_needs_a_role_and_the_csrf_token(site: Site) -> None:
    files = {"file": ("dq.csv", (DATA / "official_gbk.csv").read_bytes(), "text/csv")}
    inspector = _client(site, "inspector")
    assert inspector.post(f"{BASE}/imports", files=files, headers=write_headers(inspector)).status_code == 403
    assert _client(site, "diqing").post(f"{BASE}/imports", files=files).status_code == 403


def test_every_route_is_described(site: Site) -> None:
    paths = _app(site).openapi()["paths"]
    mine = {p: ops for p, ops in paths.items() if p.startswith(BASE)}
    assert len(mine) == 4
    for path, operations in mine.items():
        for method, operation in operations.items():
            assert operation.get("summary") and operation.get("description"), f"{method} {path}"
