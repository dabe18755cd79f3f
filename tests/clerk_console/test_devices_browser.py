"""The devices page in Chromium (issue #16 §1): a supervisor sees the hall's screen connected,
revokes it, and the screen shows it is refused at once (its stream closed); a token re-issued on
the page works on the screen, the old one does not."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest

from tests.clerk_console.conftest import LiveHall, sign_in

pytestmark = pytest.mark.browser


def devices_page(context: Any, live: LiveHall) -> Any:
    page = context.new_page()
    page.goto(f"{live.url}/admin/devices")
    sign_in(page, "supervisor")
    page.wait_for_selector("#devices-page:not([hidden])")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations
    return page


def open_screen(context: Any, live: LiveHall, token: str) -> tuple[Any, list[Any]]:
    """The hall screen with a device token, and the WebSockets it opened."""
    screen = context.new_page()
    sockets: list[Any] = []
    screen.on("websocket", lambda socket: sockets.append(socket))
    screen.goto(f"{live.url}/display/halls/weiyang?token={token}")
    screen.wait_for_selector("#offline", state="hidden")
    return screen, sockets


def test_a_revoked_screen_is_refused_at_once(context: Any, live: LiveHall) -> None:
    screen, sockets = open_screen(context, live, live.tokens["screen"])
    page = devices_page(context, live)
    row = page.locator("#devices tr[data-device='screen-1']")
    assert row.locator(".kind").inner_text() == "显示屏"
    assert row.locator(".state").inner_text() == "在线"
    assert page.locator("#devices tr[data-device='rater-1'] .kind").inner_text() == "评价器（1 号窗口）"

    row.locator("button.revoke").click()
    page.wait_for_selector("#devices tr[data-device='screen-1']", state="detached")
    # The screen says why under its offline badge, and its socket was closed, not left to time out.
    screen.wait_for_selector("#offline:visible .why:has-text('令牌未登记')", timeout=5000)
    assert sockets and sockets[0].is_closed()
    response = httpx.get(
        f"{live.url}/api/halls/weiyang",
        headers={"Authorization": f"Bearer {live.tokens['screen']}"},
        timeout=10,
    )
    assert response.status_code == 401


def test_a_reissued_token_works_and_the_old_one_stops(context: Any, live: LiveHall) -> None:
    old, _ = open_screen(context, live, live.tokens["rater"])
    page = devices_page(context, live)
    page.locator("#devices tr[data-device='rater-1'] button.reissue").click()
    token = page.locator("#device-token:not([hidden]) code").inner_text()
    assert token.startswith("owd_")
    old.wait_for_selector("#offline:visible .why:has-text('令牌未登记')", timeout=5000)
    open_screen(context, live, token)  # connected: its offline badge is hidden
    page.reload()
    page.wait_for_selector("#devices tr[data-device='rater-1'] .state:has-text('在线')")
