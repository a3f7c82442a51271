"""A 德钦县 user reads no 香格里拉市 merchant by page, API, export, statistics or by guessing an id."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from websupport import Site, write_headers


def test_list_page_and_api_show_only_the_scope(site: Site) -> None:
    client = site.client("deqin")
    page = client.get("/merchants")
    assert page.status_code == 200
    assert "德钦商户6" in page.text and "测试商户1号店" not in page.text
    body = client.get("/api/v1/merchants", params={"size": 1000}).json()
    assert body["total"] == 3
    assert {m["region_adcode"] for m in body["items"]} == {"533422"}


def test_guessing_an_id_outside_the_scope_is_not_found(site: Site) -> None:
    client = site.client("deqin")
    for merchant_id in site.shangrila_ids:
        assert client.get(f"/api/v1/merchants/{merchant_id}").status_code == 404
        assert client.get(f"/merchants/{merchant_id}", headers={"accept": "text/html"}).status_code == 404
        headers = write_headers(client)
        assert client.patch(f"/api/v1/merchants/{merchant_id}", json={"name": "x"}, headers=headers).status_code == 404
    assert client.get(f"/api/v1/merchants/{site.deqin_ids[0]}").status_code == 200


def test_filtering_by_a_region_outside_the_scope_is_refused(site: Site) -> None:
    client = site.client("deqin")
    assert client.get("/api/v1/merchants", params={"region": "533401"}).status_code == 404
    assert client.get("/api/v1/merchants/stats", params={"region": "533401"}).status_code == 404


def test_exports_contain_only_the_scope(site: Site) -> None:
    client = site.client("deqin")
    text = client.get("/api/v1/merchants/export", params={"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 and {r["区划代码"] for r in rows} == {"533422"}
    workbook = load_workbook(io.BytesIO(client.get("/api/v1/merchants/export", params={"format": "xlsx"}).content))
    sheet = workbook.worksheets[0]
    assert sheet.max_row == 4


def test_statistics_cover_only_the_scope(site: Site) -> None:
    client = site.client("deqin")
    rows = client.get("/api/v1/merchants/stats", params={"dimension": "region"}).json()
    assert [(r["key"], r["merchants"]) for r in rows] == [("533422", 3)]
    prefecture = site.client("diqing").get("/api/v1/merchants/stats", params={"dimension": "region"}).json()
    assert {r["key"]: r["merchants"] for r in prefecture} == {"533401": 5, "533422": 3}


def test_a_province_admin_of_hubei_sees_no_diqing_merchant(site: Site) -> None:
    body = site.client("hubei_admin").get("/api/v1/merchants").json()
    assert body["total"] == 0


def test_bearer_tokens_carry_the_users_scope(site: Site) -> None:
    anonymous = site.client()
    token = anonymous.post("/api/v1/auth/token", json={"username": "deqin", "password": "correct horse battery"})
    assert token.status_code == 200
    headers = {"authorization": f"Bearer {token.json()['token']}"}
    assert anonymous.get("/api/v1/merchants", headers=headers).json()["total"] == 3
    assert anonymous.get(f"/api/v1/merchants/{site.shangrila_ids[0]}", headers=headers).status_code == 404
    bad = anonymous.get("/api/v1/merchants", headers={"authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.headers["content-type"] == "application/problem+json"


def test_anonymous_callers_get_no_merchants(site: Site) -> None:
    client = site.client()
    assert client.get("/api/v1/merchants").status_code == 403
    page = client.get("/merchants", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_bearer_token_writes_need_no_csrf_header(site: Site) -> None:
    anonymous = site.client()
    token = anonymous.post("/api/v1/auth/token", json={"username": "deqin", "password": "correct horse battery"})
    headers = {"authorization": f"Bearer {token.json()['token']}"}
    response = anonymous.patch(f"/api/v1/merchants/{site.deqin_ids[0]}", json={"brand": "梅里"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["brand"] == "梅里"
