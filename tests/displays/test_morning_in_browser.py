"""The morning is clean: at the hall's day change the screens show no call, recent call or
current ticket of yesterday, also after a server restart in the night. The server runs in
this process on a manual clock; the browser's clock is set to the same instants."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from queue_server.app import create_app
from queue_server.clock import ManualClock
from queue_server.config import load_settings
from tests.conftest import PASSWORD, seed_people
from tests.displays.conftest import Screen, open_screen, write_config
from tests.ticket_printer.live import ServerThread, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Monday 23 November 2026 in Shanghai: 23:50, then 00:01 and 00:30 on Tuesday, then 09:01.
EVENING = datetime(2026, 11, 23, 15, 50, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 11, 23, 16, 1, tzinfo=UTC)
NIGHT = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)
MORNING = datetime(2026, 11, 24, 1, 1, tzinfo=UTC)


class Staff:
    def __init__(self, url: str) -> None:
        self.url = url
        login = httpx.post(
            f"{url}/api/auth/login",
            json={"username": "supervisor", "password": PASSWORD},
            timeout=10,
        )
        self.headers = {"Authorization": f"Bearer {login.json()['token']}"}

    def post(self, path: str, **body: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/api/halls/weiyang{path}", json=body, headers=self.headers, timeout=10
        )
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    def recent_calls(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.url}/api/halls/weiyang", headers=self.headers, timeout=10)
        calls: list[dict[str, Any]] = response.json()["recent_calls"]
        return calls


def set_time(clock: ManualClock, screens: list[Screen], instant: datetime) -> None:
    clock.set(instant)
    for screen in screens:
        screen.page.clock.set_fixed_time(instant)


def shows_nothing_of_yesterday(hall: Screen, window: Screen) -> None:
    hall.wait_text("#now-number", "—")
    hall.page.wait_for_function("() => !document.querySelector('#recent li')", timeout=10000)
    assert hall.page.locator(".tile-number").count() == 0
    window.page.wait_for_function(
        "() => document.querySelector('#window-number').textContent === ''", timeout=10000
    )


def test_at_the_day_change_the_screens_drop_yesterday_also_after_a_restart(
    tmp_path: Path, chromium: Any, screens: list[Screen], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("queue_server.service.ROLLOVER_CHECK_S", 0.2)
    clock = ManualClock(EVENING)
    settings = load_settings(write_config(tmp_path))
    with ThreadPoolExecutor(1) as pool:  # seeding runs an event loop of its own
        tokens = pool.submit(seed_people, settings, clock).result()
    port = free_port()
    base = f"http://127.0.0.1:{port}/display/halls/weiyang"
    token = f"token={tokens['screen']}"

    with ServerThread(create_app(settings, clock), port) as server:
        staff = Staff(f"http://127.0.0.1:{server.port}")
        for number in (1, 2):
            staff.post(f"/windows/{number}/open")
        for _ in range(3):
            staff.post("/tickets", category="business", channel="counter")
        # Window 1 calls late and never closes; window 2 serves its visitor to the end.
        late = staff.post("/windows/1/call-next")["ticket"]["number"]
        served = staff.post("/windows/2/call-next")["ticket"]["number"]
        for verb in ("start", "finish"):
            staff.post(f"/windows/2/{verb}")
        evening = EVENING.isoformat()
        hall = open_screen(chromium, screens, f"{base}?{token}", clock=evening)
        window = open_screen(chromium, screens, f"{base}/windows/1?{token}", clock=evening)
        hall.wait_text("#now-number", served)
        hall.wait_text('.tile[data-window="1"]', late)
        window.wait_text("#window-number", late)

        set_time(clock, screens, AFTER_MIDNIGHT)
        shows_nothing_of_yesterday(hall, window)
        hall.wait_text('.tile[data-window="1"]', "等待叫号")
        deadline = 50
        while staff.recent_calls() and deadline:
            hall.page.wait_for_timeout(100)
            deadline -= 1
        assert staff.recent_calls() == []

    # The server restarts in the night, on the same store: the screens reconnect to it.
    set_time(clock, screens, NIGHT)
    with ServerThread(create_app(settings, clock), port) as server:
        staff = Staff(f"http://127.0.0.1:{server.port}")
        assert staff.recent_calls() == []
        hall.wait_online(timeout=20000)
        window.wait_online(timeout=20000)
        shows_nothing_of_yesterday(hall, window)
        for screen in screens:
            screen.page.reload()
            screen.page.clock.set_fixed_time(NIGHT)
            screen.wait_online()
        shows_nothing_of_yesterday(hall, window)

        # In the morning today's A001 is called at window 3: it shows, and only it.
        set_time(clock, screens, MORNING)
        staff.post("/windows/3/open")
        assert staff.post("/tickets", category="business", channel="counter")["number"] == "A001"
        staff.post("/windows/3/call-next")
        hall.wait_text("#now-number", "A001")
        hall.wait_text("#now-window", "请到 3 号窗口")
        hall.wait_text('.tile[data-window="3"]', "A001")
        assert "等待叫号" in (hall.page.locator('.tile[data-window="1"]').text_content() or "")
        assert window.page.locator("#window-number").text_content() == ""
        assert [c["window"] for c in staff.recent_calls()] == [3]
