"""A hall served in this process (uvicorn in a thread, manual clock) and Debian's Chromium."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn

from queue_server.app import create_app
from queue_server.clock import ManualClock
from tests.browser import chromium
from tests.conftest import MONDAY_10AM, PASSWORD, make_settings, seed_people
from tests.server_process import free_port

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"


@dataclass
class LiveHall:
    url: str
    clock: ManualClock
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def call(self, method: str, path: str, who: str = "supervisor", **body: Any) -> Any:
        response = httpx.request(
            method,
            f"{self.url}/api/halls/weiyang{path}",
            json=body or None,
            headers=self.auth(who),
            timeout=10,
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    def issue(self, category: str = "business") -> dict[str, Any]:
        result: dict[str, Any] = self.call("POST", "/tickets", "kiosk", category=category)
        return result

    def window(self, number: int) -> dict[str, Any]:
        snapshot = self.call("GET", "")
        window: dict[str, Any] = next(w for w in snapshot["windows"] if w["number"] == number)
        return window


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHall]:
    directory = tmp_path_factory.mktemp("console-hall")
    settings = make_settings(directory)
    clock = ManualClock(MONDAY_10AM)
    # Playwright's sync API may already run an event loop in this thread: seed from another.
    with ThreadPoolExecutor(1) as pool:
        tokens = pool.submit(seed_people, settings, clock).result()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, clock), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="console-hall", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    for name in ("clerk1", "clerk2", "supervisor", "admin"):
        response = httpx.post(
            f"{url}/api/auth/login", json={"username": name, "password": PASSWORD}, timeout=10
        )
        tokens[name] = response.json()["token"]
    try:
        yield LiveHall(url, clock, tokens)
    finally:
        server.should_exit = True
        thread.join(10)


# Module scope: Playwright's loop must be gone before the next module seeds with asyncio.run.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


def sign_in(page: Any, who: str) -> None:
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("#signin-form button[type=submit]")


def open_console(context: Any, live: LiveHall, who: str, window: int, hall: str = "weiyang") -> Any:
    """Signs in at /console and opens (or goes back to) the window."""
    page = context.new_page()
    page.goto(f"{live.url}/console")
    sign_in(page, who)
    card = page.locator(f".window-card[data-window='{window}']")
    card.locator("button, a").first.click()
    page.wait_for_url(f"**/console/halls/{hall}/windows/{window}")
    page.wait_for_selector("#work:not([hidden])")
    return page
