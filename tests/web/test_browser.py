"""A real browser (Debian's chromium via Playwright) signs in, opens the map and imports a CSV."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from support import REPO, make_user, merchant_row, write_rows
from websupport import Site
from xinxiao import monitoring
from xinxiao.core import Role, system_principal
from xinxiao.db import transaction
from xinxiao.indices import service as indices_service
from xinxiao.reference import find_unit
from xinxiao.web import create_app

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
SEED000 = REPO / "tests" / "data" / "plans" / "seed000_diqing.txt"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(site: Site) -> Iterator[str]:
    """The site served by uvicorn on a free loopback port."""
    yield from _serve(site)


def _serve(site: Site) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(site.settings), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def lake_server(lake_site: Site) -> Iterator[str]:
    """The site with a small monitoring lake, served by uvicorn."""
    yield from _serve(lake_site)


@pytest.fixture
def indices_server(lake_site: Site) -> Iterator[str]:
    """The lake site with two monthly runs of the vitality index over 迪庆州's counties, served by uvicorn."""
    with transaction(lake_site.runtime.sessions) as session:
        for period in ("2024-02", "2024-03"):
            indices_service.run_index(
                session,
                actor=system_principal(),
                engine=lake_site.runtime.analytics,
                cubes=monitoring.cube_sources(lake_site.settings),
                request=indices_service.RunRequest("vitality", period, "533400", samples=8),
            )
    yield from _serve(lake_site)


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, with no background traffic."""
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield instance
        instance.close()


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse battery")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".who")).to_contain_text(username)


def test_sign_in_open_the_map_and_import_a_csv(server: str, browser: Browser, site: Site) -> None:
    external: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)
    _sign_in(page, server, "diqing")

    page.goto(f"{server}/merchants/stats")
    expect(page.locator("#synthetic-banner")).to_be_visible()
    page.wait_for_selector("#map[data-ready='1']", timeout=20_000)
    page.wait_for_selector("#map canvas")
    expect(page.locator("#region-table")).to_contain_text("香格里拉市")
    shots = REPO / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "merchants-stats-map.png"), full_page=True)
    assert (shots / "merchants-stats-map.png").stat().st_size > 20_000

    csv_path = write_rows(
        site.settings.var_dir / "browser.csv",
        [merchant_row("533423", i) for i in range(70, 75)] + [merchant_row("999999", 76)],
    )
    page.goto(f"{server}/merchants/import")
    page.set_input_files("input[name=file]", str(csv_path))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#job-status")).to_contain_text("已完成", timeout=20_000)
    expect(page.locator("#job-inserted")).to_have_text("5")
    expect(page.locator("#job-rejected")).to_have_text("1")
    expect(page.locator("#job-report")).to_be_visible()
    assert external == [], f"the browser asked for outside resources: {external}"


def test_english_switch_in_the_browser(server: str, browser: Browser) -> None:
    page = browser.new_page()
    _sign_in(page, server, "deqin")
    page.goto(f"{server}/merchants")
    page.click("#lang-switch")
    expect(page.locator("h1")).to_contain_text("Merchant registry")
    assert Path(CHROMIUM).exists()


def test_import_a_plan_correct_a_unit_and_report_progress(server: str, browser: Browser, site: Site) -> None:
    with transaction(site.runtime.sessions) as session:
        unit = find_unit(session, name="州商务局", region_adcode="533400")
        make_user(session, "commerce", "533400", Role.officer, unit_id=unit.id)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _sign_in(page, server, "diqing")
    page.goto(f"{server}/plans")
    page.set_input_files("#plan-import-form input[name=file]", str(SEED000))
    page.click("#plan-import-form button[type=submit]")
    expect(page.locator("#plan-title")).to_contain_text("迪庆州培育发展新型消费")
    expect(page.locator("#task-table")).to_contain_text("州文化和旅游局")
    page.screenshot(path=str(REPO / "var" / "screenshots" / "plan-overview.png"), full_page=False)
    page.click("text=提升文旅智慧服务水平")  # task 二.(一).3
    expect(page.locator("#task-source mark")).to_contain_text("提升文旅智慧服务水平")
    page.fill("#units-form input[name=lead]", "州商务局")
    page.click("#units-form button[type=submit]")
    expect(page.locator("#units-form input[name=lead]")).to_have_value("州商务局")
    task_url = page.url
    expect(page.locator("#task-light")).to_have_attribute("data-light", "red")

    officer = browser.new_page()
    _sign_in(officer, server, "commerce")
    officer.goto(task_url)
    officer.select_option("#progress-form select[name=status]", "done")
    officer.fill("#progress-form input[name=percent_done]", "100")
    officer.fill("#progress-form textarea[name=text]", "已完成全部建设内容")
    officer.click("#progress-form button[type=submit]")
    expect(officer.locator("#report-table")).to_contain_text("已完成全部建设内容")
    expect(officer.locator("#task-light")).to_have_attribute("data-light", "green")
    page.reload()
    expect(page.locator("#task-light")).to_have_attribute("data-light", "green")


def test_monitoring_dashboard_drills_down_and_shows_a_window(lake_server: str, browser: Browser) -> None:
    external: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(lake_server) else None)
    _sign_in(page, lake_server, "diqing")
    page.goto(f"{lake_server}/monitoring?month=2024-02")
    expect(page.locator("#synthetic-banner")).to_be_visible()
    for chart in ("#daily-chart", "#monthly-chart", "#map"):
        page.wait_for_selector(f"{chart}[data-ready='1'] canvas", timeout=20_000)
    expect(page.locator("#kpis [data-indicator=payment_turnover]")).to_contain_text("同比")
    shots = REPO / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "monitoring-dashboard.png"), full_page=True)
    page.click("#ranking >> text=香格里拉市")
    expect(page.locator("h1")).to_contain_text("香格里拉市")
    expect(page.locator("#breadcrumb")).to_contain_text("迪庆藏族自治州")
    page.goto(f"{lake_server}/monitoring/windows/spring_festival/2024")
    page.wait_for_selector("#window-chart[data-ready='1'] canvas", timeout=20_000)
    expect(page.locator("#uplift")).to_contain_text("%")
    page.click("#lang-switch")
    expect(page.locator("#monitoring-nav")).to_contain_text("Data sources")
    assert external == [], f"the browser asked for outside resources: {external}"


def test_indices_ranking_and_unit_profile_draw_their_charts(indices_server: str, browser: Browser) -> None:
    external: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(indices_server) else None)
    _sign_in(page, indices_server, "diqing")
    page.goto(f"{indices_server}/indices/vitality?region=533400")
    expect(page.locator("#synthetic-banner")).to_be_visible()
    for chart in ("#rank-chart", "#map"):
        page.wait_for_selector(f"{chart}[data-ready='1'] canvas", timeout=20_000)
    expect(page.locator("#ranking")).to_contain_text("德钦县")
    shots = REPO / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "indices-ranking.png"), full_page=True)
    page.click("#ranking >> text=香格里拉市")
    expect(page.locator("h1")).to_contain_text("香格里拉市")
    for chart in ("#radar-chart", "#contrib-chart"):
        page.wait_for_selector(f"{chart}[data-ready='1'] canvas", timeout=20_000)
    page.screenshot(path=str(shots / "indices-unit.png"), full_page=True)
    page.goto(f"{indices_server}/indices/vitality/method")
    page.wait_for_selector("#sunburst-chart[data-ready='1'] canvas", timeout=20_000)
    page.screenshot(path=str(shots / "indices-method.png"), full_page=True)
    page.goto(f"{indices_server}/indices/vitality/history?region=533400")
    page.wait_for_selector("#history-chart[data-ready='1'] canvas", timeout=20_000)
    expect(page.locator("#history")).to_contain_text("2024-02")
    page.click("#lang-switch")
    expect(page.locator("#indices-nav")).to_contain_text("Method")
    assert external == [], f"the browser asked for outside resources: {external}"
