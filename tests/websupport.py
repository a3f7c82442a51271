"""Helpers of the web tests: a web app over a fresh copy of the migrated SQLite database.

It holds users and merchants in two counties of 迪庆州.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from support import PASSWORD, make_user, merchant_row, write_rows
from xinxiao import merchants, monitoring
from xinxiao.config import Settings
from xinxiao.core import Role, system_principal
from xinxiao.db import transaction
from xinxiao.merchants import Merchant, run_import, start_import
from xinxiao.runtime import Runtime
from xinxiao.web import create_app


@dataclass
class Site:
    """The app under test and what it holds."""

    settings: Settings
    runtime: Runtime
    shangrila_ids: list[int]
    deqin_ids: list[int]

    def client(self, username: str | None = None) -> TestClient:
        """A client, signed in through the login form when ``username`` is given."""
        client = TestClient(create_app(self.settings))
        if username:
            login(client, username)
        return client


def csrf_of(html: str) -> str:
    """The CSRF token in a page's form."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match[1]


def write_headers(client: TestClient) -> dict[str, str]:
    """The header a page's script sends with an API write made with the session cookie."""
    return {"x-csrf-token": csrf_of(client.get("/merchants/import").text)}


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf": token, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def populate(settings: Settings, template: Path) -> Site:
    """Copy the template database and add users and merchants in 香格里拉市 and 德钦县."""
    shutil.copy(template, settings.var_dir / "xinxiao.db")
    runtime = Runtime.from_settings(settings)
    with transaction(runtime.sessions) as session:
        make_user(session, "diqing", "533400")
        make_user(session, "deqin", "533422")
        make_user(session, "shangrila", "533401")
        make_user(session, "hubei_admin", "420000", Role.admin)
        make_user(session, "inspector", "533400", Role.inspector)
    rows = [merchant_row("533401", i) for i in range(1, 6)] + [
        merchant_row("533422", i, 名称=f"德钦商户{i}", 纬度="28.4860", 经度="98.9150") for i in range(6, 9)
    ]
    path = write_rows(settings.var_dir / "seed.csv", rows)
    actor = system_principal()
    job = start_import(runtime.sessions, actor=actor, path=path, filename="seed.csv")
    run_import(runtime.sessions, actor=actor, job_id=job, path=path, report_dir=settings.var_dir, synthetic=True)
    with runtime.sessions() as session:
        ids = dict(session.execute(select(Merchant.id, Merchant.region_adcode)).all())
    return Site(
        settings, runtime, [i for i, r in ids.items() if r == "533401"], [i for i, r in ids.items() if r == "533422"]
    )


def ingest_payments(site: Site, start: date, end: date, *, seed: int) -> int:
    """Synthetic payments of the site's merchants from ``start`` to ``end``, ingested; returns rows accepted."""
    with site.runtime.sessions() as session:
        dimension = merchants.merchant_dimension(session)
    batches = monitoring.synthetic.payments_batches(
        merchants=dimension, start=start, end=end, seed=seed, scale=0.3, profile="diqing"
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
    assert delivery.status == "committed", delivery.error
    return delivery.accepted
