"""The supervisor's reports page in Debian's Chromium: sign-in, charts, plan, screenshot."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import uvicorn

from queue_server.app import create_app
from queue_server.reports.demo import fill_demo_month
from queue_server.storage import open_store
from queue_server.storage.sql import SqlStore
from tests.browser import chromium
from tests.conftest import PASSWORD, REPO, make_settings, seed_people
from tests.server_process import free_port

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / "docs" / "screenshots" / "reports.png"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    settings = make_settings(tmp_path)
    from queue_server.clock import SystemClock

    seed_people(settings, SystemClock())
    spec = settings.halls[0]

    async def fill() -> None:
        store = open_store(settings.server.store)
        assert isinstance(store, SqlStore)
        await store.start()
        try:
            end = datetime.now(spec.timezone).date() - timedelta(days=1)
            await fill_demo_month(store, spec, days=14, seed=7, end=end)
        finally:
            await store.close()

    asyncio.run(fill())
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_reports_page_renders_charts_and_a_plan(server: str) -> None:
    errors: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server}/supervise/halls/weiyang/reports?replications=3")
        page.fill("input[name=username]", "supervisor")
        # A wrong password is refused in the kit's error box, in the server's words.
        page.fill("input[name=password]", "not-the-password")
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#error.kit-error:not([hidden])")
        assert page.inner_text("#error") == "Wrong user name or password"  # the page is in English
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#kpis .kpi", timeout=30_000)
        assert page.is_hidden("#error")
        for chart in ("chart-day", "chart-hour", "chart-category", "chart-extended"):
            assert page.locator(f"#{chart}").is_visible()
            width = page.evaluate(f"document.getElementById('{chart}').width")
            assert width > 100
        assert page.evaluate("Object.keys(Chart.instances).length") >= 4
        assert page.locator("#heatmap td").count() > 40
        page.select_option("#plan-form select[name=weekday]", "0")
        page.click("#plan-form button[type=submit]")
        page.wait_for_selector("#plan-comparison table", timeout=90_000)
        assert page.locator("#plan-comparison tr").count() >= 4
        page.evaluate("document.querySelector('#plan').scrollIntoView()")
        page.evaluate("window.scrollTo(0, 0)")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        # a reload keeps the sign-in (the session is in this tab's sessionStorage)
        page.reload()
        page.wait_for_selector("#kpis .kpi", timeout=30_000)
        assert page.locator("#login").is_hidden()
        # ...and nothing of it is in localStorage, which would outlive the browser on a shared
        # office PC: another browser session on the same machine is asked to sign in.
        assert page.evaluate("window.localStorage.length") == 0
        assert "token" in page.evaluate("JSON.stringify(Object.assign({}, window.sessionStorage))")
        other = browser.new_page()
        other.goto(f"{server}/supervise/halls/weiyang/reports")
        other.wait_for_selector("#login-form", state="visible", timeout=30_000)
    # The browser logs the refused sign-in's 401 itself; nothing else may go wrong.
    assert [e for e in errors if "status of 401" not in e] == []
