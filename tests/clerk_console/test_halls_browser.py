"""Halls added and retired on the admin page in Chromium: the new hall's kiosk issues its first
ticket without a restart; retired, its open screen and its kiosk page say so."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import expect

from tests.clerk_console.conftest import LiveHall, open_console, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def device_token(live: LiveHall, name: str, kind: str) -> str:
    """A device of gaoxin registered on the devices API, as for any hall: its token."""
    added = httpx.post(
        f"{live.url}/api/halls/gaoxin/devices",
        json={"name": name, "kind": kind},
        headers=live.auth("admin"),
        timeout=10,
    )
    assert added.status_code == 201, added.text
    token: str = added.json()["token"]
    return token


def test_an_admin_adds_a_hall_whose_kiosk_issues_at_once_then_retires_it(
    context: Any, live: LiveHall
) -> None:
    page = context.new_page()
    page.goto(f"{live.url}/admin/users")
    sign_in(page, "admin")
    form = page.locator("#add-hall")
    expect(form).to_be_visible()
    form.locator("input[name=id]").fill("gaoxin")
    form.locator("input[name=name]").fill("高新区政务服务中心")
    form.locator("input[name=category]").fill("综合受理")
    form.locator("input[name=windows]").fill("3")
    form.locator("button[type=submit]").click()
    expect(page.locator("#toast")).to_contain_text("已新建大厅 高新区政务服务中心")
    listed = page.locator('#halls li[data-hall="gaoxin"]')
    expect(listed).to_contain_text("高新区政务服务中心")

    # The hall's kiosk.
    kiosk = context.new_page()
    kiosk.goto(f"{live.url}/kiosk/halls/gaoxin?token={device_token(live, 'kiosk-1', 'kiosk')}")
    tile = kiosk.locator('[data-category="general"]')
    expect(tile).to_contain_text("综合受理")
    tile.click()
    expect(kiosk.locator("#issued-number")).to_have_text("A001")

    # Retired with its ticket still waiting: refused, naming it; once served, retired.
    page.on("dialog", lambda dialog: dialog.accept())
    listed.locator("button.retire").click()
    expect(page.locator("#error")).to_contain_text("还有 1 张未办结的号票")
    for verb in ("open", "call-next", "start", "finish"):  # window 1 serves the visitor
        served = httpx.post(
            f"{live.url}/api/halls/gaoxin/windows/1/{verb}", json={}, headers=live.auth("admin"), timeout=10
        )
        assert served.status_code == 200, served.text
    # The hall's screen, open while the hall is retired: told at once, it says so.
    screen = context.new_page()
    screen.goto(f"{live.url}/display/halls/gaoxin?token={device_token(live, 'screen-1', 'screen')}")
    screen.wait_for_selector("#offline", state="hidden")
    # And a clerk's console of the hall, open at window 2.
    clerk = {"username": "gaoxin-clerk", "role": "clerk", "hall": "gaoxin", "password": PASSWORD}
    made = httpx.post(f"{live.url}/api/users", json=clerk, headers=live.auth("admin"), timeout=10)
    assert made.status_code == 201, made.text
    console = open_console(context, live, "gaoxin-clerk", 2, hall="gaoxin")
    console.wait_for_selector("#live[data-state='on']")
    listed.locator("button.retire").click()
    expect(page.locator("#toast")).to_contain_text("已撤销大厅 高新区政务服务中心")
    expect(listed).to_have_count(0)
    # Within the page's own offline delay (1 s), not at its next reconnection.
    expect(screen.locator("#offline")).to_contain_text("大厅 gaoxin 已撤销", timeout=3000)
    # The console says so for good, not as an error that its next reconnection clears.
    expect(console.locator("#refused")).to_contain_text("大厅 gaoxin 已撤销", timeout=3000)
    kiosk.reload()
    expect(kiosk.locator("body")).to_contain_text("已撤销")
