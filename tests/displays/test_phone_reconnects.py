"""The visitor's phone page on the kit's stream client: it says when it lost the server, comes
back by itself when the server does, and shows what happened meanwhile (a real `onewindow
serve` killed and started again, Chromium)."""

from __future__ import annotations

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
