"""Reporting-form pages and API: load the examples, assign units, fill in as an officer, read the 报送率."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from support import make_user
from websupport import Site, csrf_of, write_headers
from xinxiao.core import Role
from xinxiao.db import transaction
from xinxiao.reference import find_unit
from xinxiao.web import create_app

PERIOD = "2024-03"


def _client(site: Site, username: str) -> TestClient:
    return site.client(username)


def _officer(site: Site, username: str, unit: str) -> int:
    with transaction(site.runtime.sessions) as session:
        unit_id = find_unit(session, name=unit, region_adcode="533400").id
        make_user(session, username, "533400", Role.officer, unit_id=unit_id)
    return unit_id


def _plastic_form(site: Site) -> tuple[TestClient, int, list[int]]:
    """The analyst loads the examples through the page and assigns the plastics form to two units."""
    analyst = _client(site, "diqing")
    listing = analyst.get("/forms")
    assert 'id="load-examples-form"' in listing.text
    page = analyst.post("/forms/examples", data={"csrf": csrf_of(listing.text)})
    assert page.status_code == 200 and "一次性塑料制品使用报告" in page.text and "消费帮扶采购" in page.text
    form = next(f for f in analyst.get("/api/v1/forms").json() if f["name"] == "一次性塑料制品使用报告")
    units = [_officer(site, "commerce", "州商务局"), _officer(site, "finance", "州财政局")]
    response = analyst.post(
        f"/api/v1/forms/{form['id']}/assignments", json={"unit_ids": units}, headers=write_headers(analyst)
    )
    assert response.status_code == 201, response.text
    return analyst, form["id"], [a["id"] for a in response.json()]


def test_an_officer_fills_a_form_and_the_analyst_sees_the_rate(site: Site) -> None:
    analyst, form_id, (commerce, finance) = _plastic_form(site)
    officer = _client(site, "commerce")
    mine = officer.get("/forms").text
    assert f'href="/forms/assignments/{commerce}"' in mine and f'href="/forms/assignments/{finance}"' not in mine
    page = officer.get(f"/forms/assignments/{commerce}").text
    assert 'id="fill-form"' in page and 'name="plastic_bags"' in page and "不可降解塑料袋使用量" in page
    data = {
        "csrf": csrf_of(page),
        "period": PERIOD,
        "plastic_bags": "1200.5",
        "tableware_sets": "300",
        "substitutes": "800",
        "recycled_kg": "",
        "notes": "",
    }
    refused = officer.post(f"/forms/assignments/{commerce}", data=data)
    assert refused.status_code == 422
    assert 'id="error-plastic_bags"' in refused.text and "「不可降解塑料袋使用量」须为整数" in refused.text
    assert "「回收量」为必填项" in refused.text and 'value="300"' in refused.text
    saved = officer.post(f"/forms/assignments/{commerce}", data=data | {"plastic_bags": "1200", "recycled_kg": "35.5"})
    assert saved.status_code == 200 and 'id="saved-notice"' in saved.text and 'value="1200"' in saved.text
    rates = {r["assignment_id"]: r for r in analyst.get(f"/api/v1/forms/{form_id}/rates").json()}
    assert rates[commerce]["on_time"] + rates[commerce]["late"] == 1
    assert PERIOD not in rates[commerce]["missing_periods"]
    assert rates[finance]["missing"] == rates[finance]["due"] > 0
    table = analyst.get(f"/forms/{form_id}").text
    finance_row = re.search(rf'<tr data-assignment="{finance}">.*?</tr>', table, re.S)
    assert finance_row and "州财政局" in finance_row[0] and "error missing" in finance_row[0]
    assert "0.0%" in finance_row[0]


def test_an_officer_of_another_unit_cannot_fill_it(site: Site) -> None:
    _, _, (commerce, _) = _plastic_form(site)
    other = _client(site, "finance")
    page = other.get(f"/forms/assignments/{commerce}").text
    assert 'id="fill-form"' not in page
    token = write_headers(other)
    body = {"period": PERIOD, "values": {"plastic_bags": 1}}
    response = other.post(f"/api/v1/forms/assignments/{commerce}/submissions", json=body, headers=token)
    assert response.status_code == 403
    outsider = _client(site, "hubei_admin")
    assert outsider.get(f"/forms/assignments/{commerce}", headers={"accept": "text/html"}).status_code == 404


def test_the_api_defines_a_form_and_takes_json_submissions(site: Site) -> None:
    analyst = _client(site, "diqing")
    spec = {
        "code": "night-economy",
        "name": "夜间经济监测",
        "period": "quarterly",
        "due_day": 5,
        "starts": "2024-Q1",
        "region_adcode": "533400",
        "fields": [{"key": "venues", "label": "夜间营业场所数", "type": "int", "min": 0}],
    }
    created = analyst.post("/api/v1/forms", json=spec, headers=write_headers(analyst))
    assert created.status_code == 201, created.text
    form_id = created.json()["id"]
    assert analyst.get(f"/api/v1/forms/{form_id}").json()["fields"][0]["label"] == "夜间营业场所数"
    bad = analyst.post("/api/v1/forms", json=spec | {"code": "x2", "period": "weekly"}, headers=write_headers(analyst))
    assert bad.status_code == 422
    unit = _officer(site, "commerce", "州商务局")
    headers = write_headers(analyst)
    (assignment,) = analyst.post(
        f"/api/v1/forms/{form_id}/assignments", json={"unit_ids": [unit]}, headers=headers
    ).json()
    officer = _client(site, "commerce")
    url = f"/api/v1/forms/assignments/{assignment['id']}/submissions"
    wrong = officer.post(url, json={"period": "2024-Q1", "values": {"venues": -2}}, headers=write_headers(officer))
    assert wrong.status_code == 422 and "「夜间营业场所数」不得小于 0" in wrong.json()["detail"]
    assert wrong.json()["errors"] == {"venues": "「夜间营业场所数」不得小于 0"}
    stored = officer.post(url, json={"period": "2024-Q1", "values": {"venues": 42}}, headers=write_headers(officer))
    assert stored.status_code == 201 and stored.json()["values"] == {"venues": 42} and stored.json()["late"] is True
    rates = analyst.get(f"/api/v1/forms/{form_id}/rates", params={"through": "2024-07-05"}).json()
    assert rates == [
        {
            "assignment_id": assignment["id"],
            "label": "州商务局",
            "due": 2,
            "on_time": 0,
            "late": 1,
            "missing": 1,
            "missing_periods": ["2024-Q2"],
            "rate": 0.5,
        }
    ]


def test_every_forms_route_is_described(site: Site) -> None:
    spec = TestClient(create_app(site.settings)).get("/api/v1/openapi.json").json()
    paths = [p for p in spec["paths"] if p.startswith("/api/v1/forms")]
    assert len(paths) >= 5
    for path in paths:
        for method, operation in spec["paths"][path].items():
            assert operation.get("description") or operation.get("summary"), f"{method} {path}"
