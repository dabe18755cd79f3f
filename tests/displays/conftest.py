"""A real server for the screens and Debian's Chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import tomli_w

from queue_server.clock import SystemClock
from queue_server.config import load_settings
from tests import browser
from tests.conftest import PASSWORD, demo_config, seed_people
from tests.server_process import ServerProcess

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "displays"


def write_config(directory: Path, hall: dict[str, Any] | None = None, **displays: Any) -> Path:
    """The demo config on a file store; `hall` replaces keys of the demo hall (windows...)."""
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'hall.db'}"
    raw["halls"][0].update(hall or {})
    raw["displays"] = {"cache_dir": str(directory / "announce-cache"), "repeat": 1, **displays}
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


@dataclass
class LiveHall:
    """A served hall: the process, its device tokens and a supervisor's bearer header."""

    server: ServerProcess
    tokens: dict[str, str]
    boss: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    def screen_url(self, path: str = "", **query: str) -> str:
        params = "&".join(f"{k}={v}" for k, v in {"token": self.tokens["screen"], **query}.items())
        return f"{self.url}/display/halls/weiyang{path}?{params}"

    def login(self) -> None:
        response = httpx.post(
            f"{self.url}/api/auth/login",
            json={"username": "supervisor", "password": PASSWORD},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        self.boss = {"Authorization": f"Bearer {response.json()['token']}"}

    def post(self, path: str, **body: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.url}/api/halls/weiyang{path}", json=body, headers=self.boss, timeout=10)
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    def issue(self, category: str = "business") -> str:
        number: str = self.post("/tickets", category=category, channel="counter")["number"]
        return number

    def act(self, window: int, verb: str, **body: Any) -> dict[str, Any]:
        return self.post(f"/windows/{window}/{verb}", **body)


@contextlib.contextmanager
def serve(config: Path, env: dict[str, str] | None = None) -> Iterator[LiveHall]:
    """A real `onewindow serve` process on the config, with its staff and devices."""
    # Seeding runs its own event loop; Playwright's sync API already runs one in this thread.
    with ThreadPoolExecutor(1) as pool:
        tokens = pool.submit(seed_people, load_settings(config), SystemClock()).result()
    server = ServerProcess(config, env=env).start()
    hall = LiveHall(server, tokens, {})
    hall.login()
    try:
        yield hall
    finally:
        server.stop()


@pytest.fixture
def live_hall(tmp_path: Path) -> Iterator[LiveHall]:
    with serve(write_config(tmp_path)) as hall:
        yield hall


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with browser.chromium("--autoplay-policy=no-user-gesture-required") as launched:
        yield launched


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}


class Screen:
    """One browser page showing a screen, counting the announcements it asks the server for."""

    def __init__(self, browser: Any, url: str, viewport: dict[str, int], clock: str | None = None) -> None:
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        if clock is not None:
            self.page.clock.set_fixed_time(clock)
        self.announcements: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(url)
        self.wait_online()

    def _request(self, request: Any) -> None:
        if "/announce.wav" in request.url:
            self.announcements.append(request.url)

    def wait_online(self, timeout: float = 15000) -> None:
        self.page.wait_for_selector("body[data-online=true]", timeout=timeout)

    def wait_text(self, selector: str, text: str, timeout: float = 10000) -> None:
        self.page.wait_for_function(
            "([s, t]) => document.querySelector(s)?.textContent.includes(t)",
            arg=[selector, text],
            timeout=timeout,
            polling=10,
        )

    def wait_announcements(self, count: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.announcements) < count and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        assert len(self.announcements) == count, self.announcements

    def numbers_announced(self) -> list[str]:
        return [httpx.URL(url).params["number"] for url in self.announcements]

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


@pytest.fixture
def screens(chromium: Any) -> Iterator[list[Screen]]:
    opened: list[Screen] = []
    yield opened
    for screen in opened:
        screen.close()


def open_screen(
    chromium: Any,
    screens: list[Screen],
    url: str,
    viewport: dict[str, int] = LANDSCAPE,
    clock: str | None = None,
) -> Screen:
    screen = Screen(chromium, url, viewport, clock)
    screens.append(screen)
    return screen
