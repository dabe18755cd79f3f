"""The screens in a real browser against a real server: calls appear, are spoken once, survive
a server restart, and the offline badge tells the hall when the screen has lost the server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.displays.conftest import LiveHall, Screen, open_screen

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_call_shows_on_both_screens_and_is_announced_once_per_call_and_recall(
    live_hall: LiveHall, chromium: Any, screens: list[Screen], artifacts: Path
) -> None:
    hall_screen = open_screen(chromium, screens, live_hall.screen_url())
    window_screen = open_screen(chromium, screens, live_hall.screen_url("/windows/1"))
    live_hall.act(1, "open")
    live_hall.issue()
    window_screen.wait_text("#window-status", "等待叫号")

    started = time.perf_counter()
    live_hall.act(1, "call-next")
    answered = time.perf_counter() - started
    hall_screen.wait_text("#now-number", "A001")
    on_hall = time.perf_counter() - started
    window_screen.wait_text("#window-number", "A001")
    on_window = time.perf_counter() - started
    report = (
        f"call request sent → text on hall screen: {on_hall * 1000:.0f} ms, "
        f"on window screen: {on_window * 1000:.0f} ms "
        f"(the HTTP call itself answered in {answered * 1000:.0f} ms)"
    )
    print(report)
    (artifacts / "call-to-screen-latency.txt").write_text(report + "\n", encoding="utf-8")

    hall_screen.wait_text('.tile[data-window="1"]', "A001")
    hall_screen.wait_text("#now-window", "请到 1 号窗口")
    window_screen.wait_text("#window-hint", "请 A001 号办理")
    hall_screen.wait_announcements(1)
    live_hall.act(1, "recall")
    hall_screen.wait_announcements(2)
    hall_screen.page.wait_for_timeout(1000)
    assert hall_screen.numbers_announced() == ["A001", "A001"]
    # Window screens are silent by default: the hall screen speaks for the hall.
    assert window_screen.announcements == []

    live_hall.act(1, "start")
    window_screen.wait_text("#window-status", "正在办理")
    live_hall.act(1, "finish")
    live_hall.act(1, "pause", reason="lunch")
    hall_screen.wait_text('.tile[data-window="1"]', "暂停服务")
    window_screen.wait_text("#window-status", "暂停服务")
    hall_screen.wait_text("#waiting", "企业开办")

    # The server knows the screens are there (device health), from their own connections.
    devices = httpx.get(
        f"{live_hall.url}/api/halls/weiyang/devices", headers=live_hall.boss, timeout=10
    ).json()["devices"]
    screen = next(d for d in devices if d["name"] == "screen-1")
    assert screen["connected"] is True and screen["last_seen"]


def test_screens_ride_out_a_server_restart_and_catch_up_on_missed_calls(
    live_hall: LiveHall, chromium: Any, screens: list[Screen]
) -> None:
    live_hall.act(1, "open")
    live_hall.act(2, "open")
    live_hall.issue()
    live_hall.issue()
    hall_screen = open_screen(chromium, screens, live_hall.screen_url())
    live_hall.act(1, "call-next")
    hall_screen.wait_text("#now-number", "A001")
    hall_screen.wait_announcements(1)

    live_hall.server.kill()
    went = time.perf_counter()
    hall_screen.page.wait_for_selector("#offline", state="visible", timeout=3000)
    print(f"offline badge shown {(time.perf_counter() - went) * 1000:.0f} ms after the kill")

    # The screen's network stays down until the calls are made, so they are made while it is
    # disconnected (as the server would be back before its backoff tries again otherwise).
    hall_screen.context.set_offline(True)
    live_hall.server.start()
    live_hall.login()
    live_hall.act(2, "call-next")
    live_hall.act(1, "recall")
    devices = httpx.get(
        f"{live_hall.url}/api/halls/weiyang/devices", headers=live_hall.boss, timeout=10
    ).json()["devices"]
    assert not next(d for d in devices if d["name"] == "screen-1")["connected"]
    hall_screen.context.set_offline(False)

    hall_screen.page.wait_for_selector("#offline", state="hidden", timeout=15000)
    hall_screen.wait_text('.tile[data-window="2"]', "A002")
    hall_screen.wait_text("#now-number", "A001")  # the recall came last
    hall_screen.wait_announcements(3)
    hall_screen.page.wait_for_timeout(1000)
    assert hall_screen.numbers_announced() == ["A001", "A002", "A001"]


def test_a_reloaded_screen_says_only_what_it_has_not_said(
    live_hall: LiveHall, chromium: Any, screens: list[Screen]
) -> None:
    live_hall.act(1, "open")
    live_hall.act(2, "open")
    for _ in range(3):
        live_hall.issue()
    hall_screen = open_screen(chromium, screens, live_hall.screen_url())
    live_hall.act(1, "call-next")
    hall_screen.wait_announcements(1)

    hall_screen.page.goto("about:blank")
    live_hall.act(2, "call-next")  # made while the page is gone
    hall_screen.page.goto(live_hall.screen_url())
    hall_screen.wait_online()
    hall_screen.wait_text("#now-number", "A002")
    hall_screen.wait_announcements(2)
    hall_screen.page.wait_for_timeout(1000)
    assert hall_screen.numbers_announced() == ["A001", "A002"]


def test_screenshot_of_the_led_variant(
    live_hall: LiveHall, chromium: Any, screens: list[Screen], artifacts: Path
) -> None:
    """The hall and window screens are pictured by test_screen_layout (every layout)."""
    live_hall.act(3, "open")
    live_hall.issue()
    live_hall.act(3, "call-next")
    url = live_hall.screen_url("/windows/3", variant="led")
    screen = open_screen(chromium, screens, url, {"width": 1280, "height": 256})
    screen.wait_text("#led-1", "A001")
    screen.page.screenshot(path=str(artifacts / "window-led.png"))
    assert (artifacts / "window-led.png").stat().st_size > 5_000
