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

from support import REPO, merchant_row, write_rows
from websupport import Site
from xinxiao.web import create_app

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(site: Site) -> Iterator[str]:
    """The site served by uvicorn on a free loopback port."""
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
