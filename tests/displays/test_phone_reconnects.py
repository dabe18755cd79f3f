"""The visitor's phone page on the kit's stream client: it says when it lost the server, comes
back by itself when the server does, and shows what happened meanwhile (a real `onewindow
serve` killed and started again, Chromium); while its stream cannot get through it asks for its
ticket itself."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.displays.conftest import LiveHall

pytestmark = pytest.mark.browser


def test_the_phone_page_comes_back_after_a_server_restart(live_hall: LiveHall, chromium: Any) -> None:
    live_hall.act(1, "open")
    mine = live_hall.post("/tickets", category="business", channel="counter")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_hall.url}/t/{mine['id']}")
        page.wait_for_selector("#connection.live", timeout=15000)
        assert page.inner_text("#connection") == "实时更新中"

        live_hall.server.kill()
        page.wait_for_selector("#connection.down", timeout=5000)
        assert page.inner_text("#connection") == "连接中断，正在重连…"

        live_hall.server.start()
        live_hall.login()
        live_hall.act(1, "call-next")  # made while the page is still away, or just back
        page.wait_for_selector("#connection.live", timeout=15000)
        page.wait_for_function(
            "() => document.querySelector('#status').textContent.includes('1号窗口')", timeout=15000
        )
        assert page.inner_text("#alert") == f"请 {mine['number']} 号到 1号窗口 办理"
    finally:
        context.close()


def test_while_its_stream_is_refused_the_phone_page_asks_and_names_the_window(
    live_hall: LiveHall, chromium: Any
) -> None:
    # A network that lets the page load but not its WebSocket through: the page says it is
    # not live, and its own asking (every 15 s) still brings the call, with the window's name.
    live_hall.act(2, "open")
    mine = live_hall.post("/tickets", category="business", channel="counter")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.route_web_socket(re.compile(r"/t/.*/ws"), lambda ws: ws.close(code=1011))
    try:
        page.goto(f"{live_hall.url}/t/{mine['id']}")
        page.wait_for_selector("#connection.down", timeout=5000)
        live_hall.act(2, "call-next")
        page.wait_for_function(
            "() => document.querySelector('#status').textContent.includes('2号窗口')", timeout=25000
        )
        assert page.inner_text("#alert") == f"请 {mine['number']} 号到 2号窗口 办理"
        assert page.inner_text("#connection") == "连接中断，正在重连…"
    finally:
        context.close()
