"""The admin page's webhook section in Chromium: register a webhook for a real receiver, see its
secret once, watch it deliver a signed event, and remove it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.clerk_console.conftest import LiveHall, sign_in
from tests.queue_server.outbound.receiver import Receiver

pytestmark = pytest.mark.browser


def test_an_admin_registers_and_removes_a_webhook(context: Any, live: LiveHall) -> None:
    receiver = Receiver(now=lambda: live.clock.now().timestamp()).up()
    try:
        page = context.new_page()
        page.goto(f"{live.url}/admin/users")
        sign_in(page, "admin")
        page.wait_for_selector("#admin:not([hidden])")
        page.fill("#add-webhook input[name=url]", receiver.url)
        page.check("#add-webhook input[value='ticket.issued']")
        page.click("#add-webhook button[type=submit]")
        secret = page.locator("#webhook-secret:not([hidden]) code").inner_text()
        assert len(secret) >= 32
        row = page.locator("#webhooks tbody tr")
        expect(row).to_have_count(1)  # the list is drawn again after the secret is shown
        assert row.locator("td").nth(0).inner_text() == receiver.url
        assert row.locator("td").nth(1).inner_text() == "取号"
        assert row.locator(".state").inner_text() == "正常"
        hook = row.get_attribute("data-webhook")
        assert hook is not None
        receiver.secrets[hook] = secret

        ticket = live.issue("business")
        deadline = time.monotonic() + 10
        while not receiver.deliveries and time.monotonic() < deadline:
            time.sleep(0.05)
        delivered = receiver.events(hook)
        assert [e["data"]["ticket"]["number"] for e in delivered] == [ticket["number"]]
        assert receiver.deliveries[0].signed  # with the secret the page showed

        page.click(f"#webhooks tr[data-webhook='{hook}'] button.remove")
        page.wait_for_selector(f"#webhooks tr[data-webhook='{hook}']", state="detached")
        assert live.call("GET", "/webhooks", "admin")["webhooks"] == []
    finally:
        receiver.down()
