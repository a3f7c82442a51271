"""Pages: login with CSRF, language switch, synthetic banner, import through the form, offline assets."""

from __future__ import annotations

import re

import pytest

from support import merchant_row, write_rows
from websupport import Site, csrf_of, write_headers

PAGES = ["/", "/login", "/merchants", "/merchants/stats", "/merchants/import", "/admin/audit", "/api/v1/docs"]


def test_login_requires_the_csrf_token(site: Site) -> None:
    client = site.client()
    client.get("/login")
    response = client.post("/login", data={"username": "deqin", "password": "correct horse battery", "csrf": "x"})
    assert response.status_code == 403
    assert client.get("/merchants", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused(site: Site) -> None:
    client = site.client()
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "deqin", "password": "wrong", "csrf": token})
    assert response.status_code == 401 and "用户名或密码错误" in response.text


def test_logout_ends_the_session(site: Site) -> None:
    client = site.client("deqin")
    token = csrf_of(client.get("/merchants").text)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/merchants", follow_redirects=False).status_code == 303


def test_pages_are_chinese_first_with_an_english_switch(site: Site) -> None:
    client = site.client("diqing")
    page = client.get("/merchants")
    assert '<html lang="zh-CN">' in page.text and "商业信息数据库" in page.text
    assert '<meta charset="utf-8">' in page.text
    english = client.get("/merchants", params={"lang": "en"})
    assert "Merchant registry" in english.text
    assert "Merchant registry" in client.get("/merchants").text  # the choice sticks (cookie)


def test_synthetic_data_shows_the_banner(site: Site) -> None:
    client = site.client("diqing")
    for path in ("/merchants", "/merchants/stats", f"/merchants/{site.shangrila_ids[0]}"):
        assert 'id="synthetic-banner"' in client.get(path).text, path
    assert "模拟数据" in client.get("/merchants").text


@pytest.mark.parametrize("username", [None, "diqing", "hubei_admin"])
def test_no_served_page_references_an_internet_asset(site: Site, username: str | None) -> None:
    client = site.client(username)
    for path in PAGES:
        response = client.get(path)
        if response.status_code != 200:
            continue
        assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', response.text)
        assert not [a for a in assets if a.startswith(("http://", "https://", "//"))], path
        for asset in assets:
            if asset.startswith("/static/"):
                assert client.get(asset).status_code == 200, asset


def test_import_through_the_upload_form(site: Site) -> None:
    client = site.client("deqin")
    token = csrf_of(client.get("/merchants/import").text)
    rows = [merchant_row("533422", i) for i in range(20, 24)] + [merchant_row("533401", 30)]
    path = write_rows(site.settings.var_dir / "upload.csv", rows, encoding="gbk")
    with path.open("rb") as handle:
        response = client.post(
            "/merchants/import",
            data={"csrf": token},
            files={"file": ("商户.csv", handle, "text/csv")},
            follow_redirects=True,
        )
    assert response.status_code == 200
    assert 'id="job-inserted">4<' in response.text and 'id="job-rejected">1<' in response.text
    job_id = re.search(r'data-job="(\d+)"', response.text)
    assert job_id
    report = client.get(f"/api/v1/merchants/imports/{job_id[1]}/errors.csv")
    assert report.status_code == 200 and "不在您的管辖范围" in report.content.decode("utf-8-sig")
    assert site.client("shangrila").get(f"/api/v1/merchants/imports/{job_id[1]}").status_code == 404


def test_upload_form_without_csrf_is_refused(site: Site) -> None:
    client = site.client("deqin")
    client.get("/merchants/import")
    response = client.post("/merchants/import", files={"file": ("a.csv", b"x", "text/csv")})
    assert response.status_code == 403


def test_import_api(site: Site) -> None:
    client = site.client("deqin")
    content = write_rows(site.settings.var_dir / "api.csv", [merchant_row("533422", 40)]).read_bytes()
    files = {"file": ("api.csv", content, "text/csv")}
    assert client.post("/api/v1/merchants/imports", files=files).status_code == 403  # cookie without CSRF header
    response = client.post("/api/v1/merchants/imports", files=files, headers=write_headers(client))
    assert response.status_code == 202
    job = client.get(f"/api/v1/merchants/imports/{response.json()['id']}").json()
    assert (job["status"], job["inserted"]) == ("done", 1)


def test_stats_page_has_map_and_charts(site: Site) -> None:
    page = site.client("diqing").get("/merchants/stats")
    assert page.status_code == 200
    assert 'id="map"' in page.text and "/static/vendor/echarts/echarts.min.js" in page.text
    assert "香格里拉市" in page.text and "德钦县" in page.text
    county = site.client("deqin").get("/merchants/stats")
    assert 'id="map-unavailable"' in county.text


def test_boundaries_for_the_map(site: Site) -> None:
    client = site.client()
    geo = client.get("/api/v1/regions/533400/boundary").json()
    assert {f["properties"]["adcode"] for f in geo["features"]} == {"533401", "533422", "533423"}
    assert client.get("/api/v1/regions/533422/boundary").status_code == 404


def test_writes_are_audited_and_shown(site: Site) -> None:
    client = site.client("deqin")
    merchant = site.deqin_ids[0]
    response = client.patch(f"/api/v1/merchants/{merchant}", json={"name": "德钦新名"}, headers=write_headers(client))
    assert response.status_code == 200
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "update" in page.text
    assert site.client("inspector").get("/admin/audit").status_code == 403


def test_openapi_lists_the_merchant_api_and_every_route_is_described(site: Site) -> None:
    spec = site.client().get("/api/v1/openapi.json").json()
    assert "/api/v1/merchants" in spec["paths"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description") or operation.get("summary"), f"{method} {path}"


def test_home_page_shows_the_banner_when_the_scope_holds_synthetic_data(site: Site) -> None:
    assert 'id="synthetic-banner"' in site.client("diqing").get("/").text
    assert 'id="synthetic-banner"' not in site.client("hubei_admin").get("/").text


def test_an_admin_creates_users_inside_the_scope_only(site: Site) -> None:
    client = site.client("hubei_admin")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "武汉市" in page.text and "德钦县" not in page.text
    form = {
        "csrf": csrf_of(page.text),
        "username": "wh2",
        "display_name": "武汉分析员",
        "password": "long-enough-1",
        "role": "analyst",
        "region_adcode": "420100",
    }
    created = client.post("/admin/users", data=form)
    assert created.status_code == 200 and 'id="user-created"' in created.text
    outside = client.post("/admin/users", data=form | {"username": "dq2", "region_adcode": "533400"})
    assert outside.status_code == 422 and "管辖范围" in outside.text
    officer = client.post("/admin/users", data=form | {"username": "of1", "role": "officer"})
    assert officer.status_code == 422 and "政府单位" in officer.text
    assert site.client("diqing").get("/admin/users").status_code == 403
