"""Indices pages and API over the small real lake: ranking with intervals, unit profile, method, history, export."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update

from websupport import Site, write_headers
from xinxiao import monitoring
from xinxiao.core import Scope, list_audit, system_principal
from xinxiao.db import transaction
from xinxiao.http.i18n import catalogue
from xinxiao.indices import aggregate, impute, normalise, service
from xinxiao.indices.definitions import get_definition
from xinxiao.indices.models import IndexRun
from xinxiao.indices.routes import STEP_METHODS
from xinxiao.indices.spec import STEPS

PERIODS = ("2024-02", "2024-03")


@pytest.fixture
def runs(lake_site: Site) -> dict[str, int]:
    """Two runs of the vitality index for 迪庆州 (its counties), one per month, stored as the CLI stores them."""
    ids = {}
    with transaction(lake_site.runtime.sessions) as session:
        for period in PERIODS:
            run = service.run_index(
                session,
                actor=system_principal(),
                engine=lake_site.runtime.analytics,
                cubes=monitoring.cube_sources(lake_site.settings),
                request=service.RunRequest("vitality", period, "533400", samples=8),
            )
            ids[period] = run.id
    return ids


def _data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="indices-data">(.*?)</script>', html, re.S)
    assert match, "no chart data on the page"
    data: dict[str, Any] = json.loads(match[1])
    return data


def _section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</table>", start)]


def test_index_page_lists_the_definitions_and_the_runs_in_scope(lake_site: Site, runs: dict[str, int]) -> None:
    html = lake_site.client("diqing").get("/indices").text
    assert "新型消费活力指数" in _section(html, "definitions") and "消费环境评价" in html
    listed = _section(html, "runs")
    assert all(f'data-run="{i}"' in listed for i in runs.values()) and "迪庆藏族自治州" in listed
    assert 'id="synthetic-banner"' in html and "模拟数据" in html
    assert 'href="/indices"' in html  # the nav entry
    county = lake_site.client("deqin").get("/indices").text
    assert 'id="no-runs"' in county and 'data-run="' not in county


def test_ranking_page_shows_scores_pillars_intervals_map_and_periods(lake_site: Site, runs: dict[str, int]) -> None:
    client = lake_site.client("diqing")
    page = client.get("/indices/vitality", params={"region": "533400"})
    assert page.status_code == 200
    html = page.text
    assert "新型消费活力指数 · 迪庆藏族自治州 · 2024-03" in html and 'id="synthetic-banner"' in html
    with lake_site.runtime.sessions() as session:
        stored = service.scores(session, actor=system_principal(), run_id=runs["2024-03"])
    ranking = _section(html, "ranking")
    for score in (s for s in stored if s.code == "Index"):
        assert f'data-unit="{score.unit_code}"' in ranking and score.unit_name in ranking
        assert f"{score.score:.2f}" in ranking
    assert all(name in ranking for name in ("数字消费", "夜间与文旅消费", "商圈活力", "市场主体与规模"))
    assert re.search(r'class="interval">\d–\d<', ranking)
    assert 'id="rank-chart"' in html and 'id="map" data-node="533400"' in html
    assert '<option value="2024-02"' in html and f'href="/indices/runs/{runs["2024-03"]}/export.xlsx"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/app/indices.js" in html
    data = _data(html)
    assert data["id"] == runs["2024-03"] and data["periods"] == ["2024-03", "2024-02"]
    assert {r["unit"] for r in data["rows"]} == {"533401", "533422", "533423"}
    imputed = {r["unit"]: r["imputed"] for r in data["rows"]}
    assert imputed["533401"] == [] and "night_share" in imputed["533423"]  # 维西县 has no data in this lake
    assert f"{len(imputed['533423'])} / 10</span>" in ranking
    earlier = client.get("/indices/vitality", params={"region": "533400", "period": "2024-02"}).text
    assert _data(earlier)["id"] == runs["2024-02"] and "· 2024-02</h1>" in earlier


def test_unit_profile_shows_radar_strengths_and_contributions(lake_site: Site, runs: dict[str, int]) -> None:
    client = lake_site.client("diqing")
    page = client.get("/indices/vitality/units/533401", params={"region": "533400"})
    assert page.status_code == 200 and "香格里拉市 · 新型消费活力指数 · 2024-03" in page.text
    assert 'id="radar-chart"' in page.text and 'id="contrib-chart"' in page.text
    data = _data(page.text)
    assert len(data["radar"]["indicators"]) == 4 and len(data["radar"]["unit"]) == len(data["radar"]["median"]) == 4
    assert data["strengths"] and data["weaknesses"]
    assert {r["code"] for r in data["strengths"]} <= set(get_definition("vitality").framework.indicators)
    index_parts = [r for r in data["contributions"]["rows"] if r["parent"] == "Index"]
    rows = client.get(f"/api/v1/indices/runs/{runs['2024-03']}").json()["rows"]
    score = next(r for r in rows if r["unit"] == "533401")
    # a pillar without data (no footfall feed in this lake) contributes nothing and its weight is re-shared
    assert sum(r["contribution"] or 0 for r in index_parts) == pytest.approx(score["score"])
    assert data["contributions"]["parents"][0] == "新型消费活力指数"
    # 维西县 has no merchants and no payments: no raw value to compare, its score rests on imputed values
    weixi = client.get("/indices/vitality/units/533423", params={"region": "533400"}).text
    assert 'id="strengths-none"' in weixi
    assert client.get("/indices/vitality/units/999999", params={"region": "533400"}).status_code == 404


def test_method_page_documents_every_indicator_step_and_the_ahp(lake_site: Site, runs: dict[str, int]) -> None:
    html = lake_site.client("diqing").get("/indices/vitality/method").text
    assert 'id="sunburst-chart"' in html and f"#{runs['2024-03']}" in _section(html, "weights-from")[:200]
    framework = _section(html, "framework")
    definition = get_definition("vitality")
    for code in definition.framework.indicators:
        assert f'data-code="{code}"' in framework and definition.calibers[code][:12] in framework
    assert "monitoring:online_retail 同比%" in framework and "40, 100, 100" in framework
    steps = _section(html, "steps")
    assert all(f'data-formula="{f}"' in steps for f in ("i_median", "n_goalposts", "original", "ahp", "a_amean"))
    assert "min(max((x − L) ÷ (U − L), 0), 1)" in steps and "CR = CI ÷ RI(n)" in steps
    assert re.search(r'data-parent="Index">.*?<td class="num">4\.0000</td><td class="num">0\.0000</td>', html, re.S)
    sunburst = _data(html)["sunburst"]
    assert [p["code"] for p in sunburst] == ["digital", "night_tourism", "districts", "entities"]
    leaves = [leaf["value"] for pillar in sunburst for leaf in pillar["children"]]
    assert sum(leaves) == pytest.approx(1.0, abs=1e-5)


def test_history_shows_each_period_and_a_break_where_the_spec_changed(lake_site: Site, runs: dict[str, int]) -> None:
    client = lake_site.client("diqing")
    data = _data(client.get("/indices/vitality/history", params={"region": "533400"}).text)
    assert data["periods"] == list(PERIODS) and data["breaks"] == [] and len(data["series"]) == 3
    with transaction(lake_site.runtime.sessions) as session:  # as if the March run followed a revised spec
        session.execute(update(IndexRun).where(IndexRun.id == runs["2024-03"]).values(spec_sha256="0" * 64))
    html = client.get("/indices/vitality/history", params={"region": "533400"}).text
    assert _data(html)["breaks"] == ["2024-03"] and 'id="break-hint"' in html
    assert re.search(r'data-period="2024-03">.*?<span class="tag break">断点</span>', html, re.S)
    assert 'data-period="2024-02">' in html and 'id="history-chart"' in html


def test_pages_switch_to_english(lake_site: Site, runs: dict[str, int]) -> None:
    client = lake_site.client("diqing")
    english = client.get("/indices/vitality", params={"region": "533400", "lang": "en"}).text
    assert '<html lang="en">' in english and "New-type Consumption Vitality Index" in english
    assert "Digital consumption" in english and "Rank interval (5–95%)" in english
    method = client.get("/indices/vitality/method").text  # the choice sticks
    assert "weighted arithmetic mean over the available children" in method
    assert "Online share of retail" in method and "Synthetic data" in english


def test_a_county_user_sees_only_their_scope(lake_site: Site, runs: dict[str, int]) -> None:
    client = lake_site.client("deqin")
    run_id = runs["2024-03"]
    assert client.get("/indices/vitality", params={"region": "533400"}).status_code == 404
    assert client.get("/indices/vitality").status_code == 404  # no run for 德钦县 itself
    assert client.get("/indices/vitality/units/533422", params={"region": "533400"}).status_code == 404
    assert client.get(f"/api/v1/indices/runs/{run_id}").status_code == 404
    assert client.get(f"/indices/runs/{run_id}/export.xlsx").status_code == 404
    assert client.get("/api/v1/indices/runs").json() == []
    assert client.get("/api/v1/indices/definitions/vitality/history", params={"region": "533400"}).status_code == 404


def test_api_returns_definitions_runs_scores_and_history(lake_site: Site, runs: dict[str, int]) -> None:
    client = lake_site.client("diqing")
    definitions = {d["id"]: d for d in client.get("/api/v1/indices/definitions").json()}
    assert definitions["vitality"]["pillars"] == ["digital", "night_tourism", "districts", "entities"]
    detail = client.get("/api/v1/indices/definitions/vitality").json()
    nodes = {n["code"]: n for n in detail["framework"]}
    assert nodes["online_share"]["goalposts"] == [0, 40, 100] and nodes["online_share"]["source"]
    assert nodes["digital"]["weight"] == pytest.approx(1 / 3) and detail["ahp"]["Index"]["cr"] < 0.1
    assert [s["step"] for s in detail["steps"]] == ["impute", "normalise", "weight", "aggregate"]
    listed = client.get("/api/v1/indices/runs", params={"name": "vitality"}).json()
    assert [r["id"] for r in listed] == [runs["2024-03"], runs["2024-02"]] and listed[0]["synthetic"] is True
    run = client.get(f"/api/v1/indices/runs/{runs['2024-03']}").json()
    assert run["region"] == "533400" and run["period"] == "2024-03" and len(run["rows"]) == 3
    assert set(run["intervals"]) == {"533401", "533422", "533423"}
    assert run["provenance"]["online_share"]["source"] == "monitoring:online_share"
    top = run["rows"][0]
    assert top["rank"] == 1 and top["rank_low"] <= 1 <= top["rank_high"] and set(top["pillars"]) == set(run["pillars"])
    history = client.get("/api/v1/indices/definitions/vitality/history", params={"region": "533400"}).json()
    assert history["periods"] == list(PERIODS) and len(history["rows"]) == 6
    assert client.get("/api/v1/indices/definitions/nope").status_code == 404


def test_post_run_needs_the_analyst_role_and_the_csrf_header(lake_site: Site) -> None:
    body = {"name": "vitality", "period": "2024-01", "region": "533400", "samples": 0}
    inspector = lake_site.client("inspector")
    assert inspector.post("/api/v1/indices/runs", json=body, headers=write_headers(inspector)).status_code == 403
    analyst = lake_site.client("diqing")
    assert analyst.post("/api/v1/indices/runs", json=body).status_code == 403  # cookie without the CSRF header
    created = analyst.post("/api/v1/indices/runs", json=body, headers=write_headers(analyst))
    assert created.status_code == 201, created.text
    run = created.json()
    assert run["period"] == "2024-01" and run["created_by"] == "diqing" and len(run["rows"]) == 3
    assert run["intervals"] is None  # samples = 0: no uncertainty analysis
    county = lake_site.client("deqin")
    assert county.post("/api/v1/indices/runs", json=body, headers=write_headers(county)).status_code == 404
    malformed = body | {"period": "24-1"}
    assert analyst.post("/api/v1/indices/runs", json=malformed, headers=write_headers(analyst)).status_code == 422


def test_export_is_an_xlsx_with_the_method_annex_and_is_audited(lake_site: Site, runs: dict[str, int]) -> None:
    response = lake_site.client("diqing").get(f"/indices/runs/{runs['2024-03']}/export.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert "方法说明" in book.sheetnames and "结果" in book.sheetnames
    annex = [row[0] for row in book["方法说明"].iter_rows(values_only=True)]
    assert any(isinstance(v, str) and v.startswith("模拟数据") for v in annex)
    with lake_site.runtime.sessions() as session:
        entries = list_audit(session, scope=Scope("533400"), entity="indices_run")
    assert any(e.action == "export" and e.entity_id == str(runs["2024-03"]) for e in entries)


def test_pages_need_login_and_load_no_outside_asset(lake_site: Site, runs: dict[str, int]) -> None:
    anonymous = lake_site.client()
    assert anonymous.get("/indices/vitality", follow_redirects=False).status_code == 303
    assert anonymous.get("/api/v1/indices/runs").status_code == 403
    client = lake_site.client("diqing")
    paths = ["/indices", "/indices/vitality", "/indices/vitality/units/533422", "/indices/vitality/method",
             "/indices/vitality/history", "/indices/environment/method"]  # fmt: skip
    for path in paths:
        response = client.get(path, params={"region": "533400"})
        assert response.status_code == 200, path
        _assert_local_assets(client, response.text, path)


def _assert_local_assets(client: TestClient, html: str, path: str) -> None:
    assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert not [a for a in assets if a.startswith(("http://", "https://", "//"))], path
    for asset in (a for a in assets if a.startswith("/static/")):
        assert client.get(asset).status_code == 200, asset


def test_every_indices_route_has_a_summary_and_a_description(site: Site) -> None:
    paths = site.client().get("/api/v1/openapi.json").json()["paths"]
    mine = {p: ops for p, ops in paths.items() if p.startswith("/api/v1/indices")}
    assert set(mine) == {
        "/api/v1/indices/definitions",
        "/api/v1/indices/definitions/{name}",
        "/api/v1/indices/definitions/{name}/history",
        "/api/v1/indices/runs",
        "/api/v1/indices/runs/{run_id}",
    }
    assert set(mine["/api/v1/indices/runs"]) == {"get", "post"}
    for path, operations in mine.items():
        for method, operation in operations.items():
            assert operation.get("summary") and operation.get("description"), f"{method} {path}"


WEIGHT_METHODS = ("original", "equal", "entropy", "critic", "pca", "sd", "cv", "set", "combine")
FORMULAS = sorted(
    {*normalise.METHODS, "n_base", *aggregate.METHODS, *impute.CROSS_SECTION, "impute_panel", *WEIGHT_METHODS}
    | {default for _, default in STEP_METHODS.values()}
    | {"ahp", "dat_thresh", "topsis", "grey_relational"}
)


@pytest.mark.parametrize("method", FORMULAS)
def test_every_method_has_its_formula_in_both_languages(method: str) -> None:
    entry = catalogue()[f"indices.formula.{method}"]
    assert entry["zh"] and entry["en"]


@pytest.mark.parametrize("step", STEPS)
def test_every_step_has_a_name_and_a_default_method(step: str) -> None:
    assert catalogue()[f"indices.step.{step}"]["en"]
    assert f"indices.formula.{STEP_METHODS[step][1]}" in catalogue()
