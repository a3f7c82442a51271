"""Monitoring pages and the dashboard API over a small real lake: KPIs, ranking, scope, sources, windows, banner."""

from __future__ import annotations

import re

import pytest

from websupport import Site, login


def _kpi(html: str, indicator: str) -> str:
    match = re.search(rf'data-indicator="{indicator}">(.*?)</div>\s*</div>', html, re.S)
    assert match, f"no KPI card for {indicator}"
    return match[1]


def test_dashboard_shows_kpis_with_yoy_ranking_and_banner(lake_site: Site) -> None:
    client = lake_site.client("diqing")
    page = client.get("/monitoring?month=2024-02")
    assert page.status_code == 200
    html = page.text
    assert 'id="synthetic-banner"' in html and "支付、订单、客流" in html
    card = _kpi(html, "payment_turnover")
    assert "万元" in card and "同比" in card and re.search(r"[+-]\d+\.\d%", card)
    ranking = html[html.index('id="ranking"') :]
    assert "香格里拉市" in ranking and "德钦县" in ranking
    api = client.get("/api/v1/monitoring/dashboard", params={"month": "2024-02"}).json()
    assert api["region"] == "533400" and api["month"] == "2024-02" and api["synthetic"] is True
    turnover = next(k for k in api["kpis"] if k["meta"]["indicator_id"] == "payment_turnover")
    assert turnover["value"] > 0 and turnover["last_year"] > 0
    assert turnover["change"] == pytest.approx((turnover["value"] / turnover["last_year"] - 1) * 100, abs=0.06)
    assert {r["adcode"] for r in api["ranking"]["rows"]} >= {"533401", "533422"}
    days = [r["period"] for r in api["daily"]["rows"]]
    assert days[0] >= "2023-01-01" and days[-1] <= "2024-02-29" and len(days) > 300


def test_county_analyst_sees_only_the_county(lake_site: Site) -> None:
    client = lake_site.client("deqin")
    own = client.get("/api/v1/monitoring/dashboard", params={"month": "2024-02"}).json()
    assert own["region"] == "533422"
    assert client.get("/monitoring", params={"region": "533401"}).status_code == 404
    assert client.get("/api/v1/monitoring/dashboard", params={"region": "533401"}).status_code == 404
    whole = lake_site.client("diqing").get("/api/v1/monitoring/dashboard", params={"month": "2024-02"}).json()
    deqin = next(r for r in whole["ranking"]["rows"] if r["adcode"] == "533422")
    mine = next(k for k in own["kpis"] if k["meta"]["indicator_id"] == "payment_turnover")
    assert mine["value"] == pytest.approx(deqin["value"])


def test_sources_page_shows_freshness_and_deliveries(lake_site: Site) -> None:
    html = lake_site.client("diqing").get("/monitoring/sources").text
    freshness = html[html.index('id="freshness"') : html.index('id="deliveries"')]
    assert "2024-03-31" in freshness
    assert "payments.parquet" in html[html.index('id="deliveries"') :]


def test_window_pages_show_uplift_with_interval(lake_site: Site) -> None:
    client = lake_site.client("diqing")
    listing = client.get("/monitoring/windows", params={"year": 2024}).text
    assert "spring_festival" in listing
    page = client.get("/monitoring/windows/spring_festival/2024")
    assert page.status_code == 200
    uplift = page.text[page.text.index('id="uplift"') :]
    assert re.search(r"\[[+-]\d+\.\d%, [+-]\d+\.\d%\]", uplift)
    # 春节 2024 (2024-02-10) is compared with 春节 2023 (2023-01-22), the same lunar day
    holiday = page.text[page.text.index('id="holiday-yoy"') : page.text.index('id="window-chart"')]
    assert re.search(r"<td>\+0</td><td>2024-02-10</td>.*?<td>2023-01-22</td>", holiday)
    api = client.get("/api/v1/monitoring/windows/spring_festival/2024/yoy", params={"days": 3}).json()
    assert [r["offset"] for r in api["rows"]] == [-3, -2, -1, 0, 1, 2, 3] and api["alignment"] == "lunar"
    assert api["rows"][3]["base_period"] == "2023-01-22" and api["total"]["change"] is not None


def test_english_switch_and_empty_lake(site: Site) -> None:
    client = site.client("diqing")
    empty = client.get("/monitoring")
    assert empty.status_code == 200 and 'id="monitoring-empty"' in empty.text
    assert client.get("/api/v1/monitoring/dashboard").status_code == 404
    english = client.get("/monitoring", params={"lang": "en"}).text
    assert "Consumption market monitoring" in english


def test_dashboard_needs_login(lake_site: Site) -> None:
    anonymous = lake_site.client()
    assert anonymous.get("/api/v1/monitoring/dashboard").status_code == 403
    login(anonymous, "diqing")
    assert anonymous.get("/api/v1/monitoring/dashboard").status_code == 200
