"""Alert inbox and rules by page and API: scope (404 outside it), CSRF on writes, 处置 notes, dry runs, rule edits."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from alertsupport import FakeFreshness, FakeValues, monthly
from support import make_user
from websupport import Site, csrf_of, login, write_headers
from xinxiao.core import Role, system_principal
from xinxiao.db import transaction
from xinxiao.monitoring import alerts, routes_alerts
from xinxiao.monitoring.models import Alert, AlertRule
from xinxiao.runtime import Runtime
from xinxiao.web import create_app

AS_OF = date(2024, 10, 5)


def sources() -> alerts.AlertSources:
    values = FakeValues(synthetic=True)
    values.put("payment_turnover", "533401", "month", monthly([5.0] * 8 + [-12.0]), view="yoy")
    values.put("payment_turnover", "533401", "month", monthly([100.0] * 8 + [88.0]))
    values.put("payment_turnover", "533422", "month", monthly([2.0] * 8 + [-25.0]), view="yoy")
    kinds = ("payments", "orders", "footfall")
    delivered = datetime.now(UTC)  # runs through the API use the real clock
    return alerts.AlertSources(values, FakeFreshness(dict.fromkeys(kinds, AS_OF), dict.fromkeys(kinds, delivered)))


def app_for(site: Site, wired: bool = True) -> FastAPI:
    app = create_app(site.settings)
    setattr(app.state, routes_alerts.STATE_KEY, (lambda _session, _state: sources()) if wired else None)
    return app


def client(site: Site, username: str, wired: bool = True) -> TestClient:
    result = TestClient(app_for(site, wired))
    login(result, username)
    return result


def fired(site: Site) -> dict[str, int]:
    """Load the default rules, run them once; the alert id by region."""
    with transaction(site.runtime.sessions) as session:
        alerts.load_rules(session, actor=system_principal())
        found = sources()
        alerts.run_rules(session, actor=system_principal(), values=found.values, freshness=found.freshness, as_of=AS_OF)
    with site.runtime.sessions() as session:
        return {r: i for i, r in session.execute(select(Alert.id, Alert.region_adcode))}


def test_the_inbox_shows_badges_and_keeps_to_the_scope(site: Site) -> None:
    ids = fired(site)
    assert set(ids) == {"533401", "533422"}
    prefecture = client(site, "diqing").get("/monitoring/alerts").text
    assert 'data-status="red"' in prefecture and 'data-status="yellow"' in prefecture
    assert "香格里拉市 支付交易额同比下降" in prefecture and 'id="synthetic-banner"' in prefecture
    deqin = client(site, "deqin")
    page = deqin.get("/monitoring/alerts").text
    assert "德钦县 支付交易额同比下降" in page and "香格里拉市 支付交易额同比下降" not in page
    other = ids["533401"]
    assert deqin.get(f"/monitoring/alerts/{other}", headers={"accept": "text/html"}).status_code == 404
    assert deqin.get(f"/api/v1/monitoring/alerts/{other}").status_code == 404
    assert deqin.get("/api/v1/monitoring/alerts", params={"region": "533401"}).status_code == 404
    body = deqin.get("/api/v1/monitoring/alerts").json()
    assert [a["region_adcode"] for a in body["items"]] == ["533422"] and body["items"][0]["status"] == "red"
    assert client(site, "hubei_admin").get("/api/v1/monitoring/alerts").json()["total"] == 0


def test_acknowledge_needs_csrf_and_records_who(site: Site) -> None:
    alert_id = fired(site)["533422"]
    deqin = client(site, "deqin")
    url = f"/monitoring/alerts/{alert_id}/acknowledge"
    assert deqin.post(url, data={"note": "x"}).status_code == 403
    assert deqin.post(url, data={"note": "x", "csrf": "forged"}).status_code == 403
    api_url = f"/api/v1/monitoring/alerts/{alert_id}/acknowledge"
    assert deqin.post(api_url, json={"note": "x"}).status_code == 403
    page = deqin.get(f"/monitoring/alerts/{alert_id}").text
    response = deqin.post(url, data={"note": "已核实: 梅里雪山景区封路", "csrf": csrf_of(page)}, follow_redirects=False)
    assert response.status_code == 303
    detail = deqin.get(f"/api/v1/monitoring/alerts/{alert_id}").json()
    assert detail["state"] == "acknowledged" and detail["acknowledged_by"] is not None
    assert [(n["action"], n["text"]) for n in detail["notes"]] == [("acknowledge", "已核实: 梅里雪山景区封路")]
    again = deqin.post(api_url, json={}, headers=write_headers(deqin))
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"


def test_detail_page_shows_the_snapshot_and_handles_notes_close_reopen(site: Site) -> None:
    alert_id = fired(site)["533401"]
    shangrila = client(site, "shangrila")
    page = shangrila.get(f"/monitoring/alerts/{alert_id}").text
    table = re.search(r'<table class="grid" id="snapshot-table">(.*?)</table>', page, re.S)
    assert table and table[1].count("<tr") == 10  # header + the nine months of the window
    assert "-12" in table[1] and "88" in table[1]
    assert "yellow_pct" in page and 'id="acknowledge-form"' in page
    token = csrf_of(page)
    shangrila.post(f"/monitoring/alerts/{alert_id}/notes", data={"csrf": token, "text": "已约谈重点商户"})
    shangrila.post(f"/monitoring/alerts/{alert_id}/close", data={"csrf": token, "note": "节后回升"})
    closed = shangrila.get(f"/monitoring/alerts/{alert_id}").text
    assert "已约谈重点商户" in closed and 'data-state="closed"' in closed and 'id="reopen-form"' in closed
    assert shangrila.post(f"/monitoring/alerts/{alert_id}/notes", data={"csrf": token, "text": " "}).status_code == 422
    shangrila.post(f"/monitoring/alerts/{alert_id}/reopen", data={"csrf": token})
    listing = shangrila.get("/api/v1/monitoring/alerts", params={"state": "open"}).json()
    assert [a["id"] for a in listing["items"]] == [alert_id]


def test_dry_run_by_api_stores_nothing_and_needs_wiring(site: Site) -> None:
    with transaction(site.runtime.sessions) as session:
        alerts.load_rules(session, actor=system_principal())
    diqing = client(site, "diqing")
    response = diqing.post(
        "/api/v1/monitoring/alerts/run",
        params={"dry_run": "true", "as_of": AS_OF.isoformat()},
        headers=write_headers(diqing),
    )
    assert response.status_code == 200, response.text
    firing = [e for e in response.json()["evaluations"] if e["status"] != "green"]
    assert {e["outcome"] for e in firing} == {"dry_run"} and len(firing) == 2
    assert diqing.get("/api/v1/monitoring/alerts").json()["total"] == 0
    unwired = client(site, "diqing", wired=False)
    assert unwired.post("/api/v1/monitoring/alerts/run", headers=write_headers(unwired)).status_code == 503


def test_rules_page_lets_only_administrators_edit(site: Site) -> None:
    with transaction(site.runtime.sessions) as session:
        alerts.load_rules(session, actor=system_principal())
        make_user(session, "diqing_admin", "533400", Role.admin)
    analyst_page = client(site, "deqin").get("/monitoring/alerts/rules").text
    assert "deqin.payment_turnover.yoy_drop" in analyst_page and "diqing.night_share.low" not in analyst_page
    assert 'name="p.' not in analyst_page
    admin = client(site, "diqing_admin")
    page = admin.get("/monitoring/alerts/rules").text
    rule_id = _rule_id(site.runtime, "diqing.night_share.low")
    form = {"csrf": csrf_of(page), "p.yellow": "25", "p.red": "15", "p.direction": "below", "p.grain": "month"}
    form |= {"p.view": "level", "p.window": "13"}
    assert admin.post(f"/monitoring/alerts/rules/{rule_id}", data=form, follow_redirects=False).status_code == 303
    rule = admin.get(f"/api/v1/monitoring/alerts/rules/{rule_id}").json()
    assert (rule["params"]["yellow"], rule["version"], rule["enabled"]) == (25.0, 2, False)
    bad = admin.post(f"/monitoring/alerts/rules/{rule_id}", data=form | {"p.red": "30"})
    assert bad.status_code == 422
    deqin = client(site, "deqin")
    refused = deqin.put(
        f"/api/v1/monitoring/alerts/rules/{rule_id}", json={"enabled": True}, headers=write_headers(deqin)
    )
    assert refused.status_code == 404


def _rule_id(runtime: Runtime, code: str) -> int:
    with runtime.sessions() as session:
        return _one(session, code)


def _one(session: Session, code: str) -> int:
    return session.scalars(select(AlertRule.id).where(AlertRule.code == code)).one()


def test_every_alert_route_is_described(site: Site) -> None:
    spec = TestClient(app_for(site)).get("/api/v1/openapi.json").json()
    paths = [p for p in spec["paths"] if p.startswith("/api/v1/monitoring/alerts")]
    assert len(paths) >= 8
    for path in paths:
        for method, operation in spec["paths"][path].items():
            assert operation.get("description") or operation.get("summary"), f"{method} {path}"
