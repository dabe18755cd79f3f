"""The hall settings page in Chromium: an admin adds a category and the kiosk offers it without a
restart; a change the running day cannot take is refused in words on the page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.clerk_console.conftest import SCREENSHOTS, LiveHall, open_console, sign_in

pytestmark = pytest.mark.browser

# The kiosk asks for its offer every 15 s; the new category is there at its next look.
KIOSK_POLL_S = 15


def open_settings(context: Any, live: LiveHall, who: str) -> Any:
    """From the admin page's link (an admin) or the address (a supervisor)."""
    page = context.new_page()
    if who == "admin":
        page.goto(f"{live.url}/admin/users")
        sign_in(page, who)
        page.locator("#hall-settings a", has_text="未央区政务服务中心").click()
        page.wait_for_url("**/console/admin/halls/weiyang")
    else:
        page.goto(f"{live.url}/console/admin/halls/weiyang")
        sign_in(page, who)
    expect(page.locator("#settings")).to_be_visible()
    return page


def test_a_category_added_on_the_page_is_offered_by_the_kiosk_at_once(context: Any, live: LiveHall) -> None:
    kiosk = context.new_page()
    kiosk.goto(f"{live.url}/kiosk/halls/weiyang?token={live.tokens['kiosk']}")
    expect(kiosk.locator(".tile")).to_have_count(11)  # ten matters and booking check-in

    page = open_settings(context, live, "admin")
    rows = page.locator("#categories tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.nth(4).locator("input[name=name]")).to_have_value("税务办理")
    page.click("#add-category")
    added = rows.nth(10)
    added.locator("input[name=code]").fill("passport")
    added.locator("input[name=prefix]").fill("P")
    added.locator("input[name=name]").fill("出入境")
    added.locator("input[name=name_en]").fill("Exit-entry")
    page.click("#save")
    expect(page.locator("#toast")).to_have_text("已保存，立即生效")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "hall-settings.png"), full_page=False)

    tile = kiosk.locator('[data-category="passport"]')
    expect(tile).to_contain_text("出入境", timeout=(KIOSK_POLL_S + 5) * 1000)
    tile.click()
    kiosk.locator("#priority-none").click()
    expect(kiosk.locator("#issued-number")).to_have_text("P001")
    ledger = live.call("GET", "/settings", "admin")
    assert ledger["settings"]["categories"][-1]["name_en"] == "Exit-entry"


def test_the_page_shows_what_is_in_the_way_and_changes_nothing(context: Any, live: LiveHall) -> None:
    live.call("POST", "/windows/1/open", "clerk1")
    page = open_settings(context, live, "supervisor")
    windows = page.locator("#windows tbody tr")
    count = windows.count()
    windows.first.locator("button.remove").click()
    page.click("#save")
    expect(page.locator("#error")).to_contain_text("1 号窗口正在使用")
    assert live.call("GET", "/settings")["settings"]["windows"][0]["number"] == 1
    # In English, the page and the server's words.
    page.click("#lang")
    expect(page.locator("h2").first).to_have_text("Hall")
    page.click("#save")
    expect(page.locator("#error")).to_contain_text("Window 1 is in use")
    page.reload()
    expect(page.locator("#windows tbody tr")).to_have_count(count)


def test_a_clerk_is_refused_the_page(context: Any, live: LiveHall) -> None:
    page = context.new_page()
    page.goto(f"{live.url}/console/admin/halls/weiyang")
    sign_in(page, "clerk1")
    expect(page.locator("#refused")).to_have_text("此页面仅限主管使用。")
    expect(page.locator("#settings")).to_be_hidden()


def test_a_save_over_someone_elses_change_is_refused_and_the_page_reloads(
    context: Any, live: LiveHall
) -> None:
    page = open_settings(context, live, "supervisor")
    # Meanwhile an admin changes the notice from their own page.
    theirs = live.call("GET", "/settings", "admin")["settings"]
    theirs.pop("id")
    live.call("PUT", "/settings", "admin", **{**theirs, "notice": "周六上午照常办公"})
    page.fill("#notice", "我的公告")
    page.click("#save")
    expect(page.locator("#error")).to_contain_text("大厅设置已由 admin 于")
    expect(page.locator("#reload")).to_be_visible()
    assert live.call("GET", "/settings")["settings"]["notice"] == "周六上午照常办公"
    page.click("#reload")
    expect(page.locator("#notice")).to_have_value("周六上午照常办公")
    expect(page.locator("#reload")).to_be_hidden()
    page.fill("#notice", "我的公告")
    page.click("#save")
    expect(page.locator("#toast")).to_have_text("已保存，立即生效")
    assert live.call("GET", "/settings")["settings"]["notice"] == "我的公告"


def test_a_pause_reason_added_on_the_page_is_offered_by_an_open_console(context: Any, live: LiveHall) -> None:
    live.call("POST", "/windows/3/open", "clerk1")
    console = open_console(context, live, "clerk1", 3)
    page = open_settings(context, live, "supervisor")
    rows = page.locator("#pause_reasons tbody tr")
    expect(rows).to_have_count(4)  # lunch, meeting, fault, other: the usual ones
    page.click("#add-pause-reason")
    added = rows.nth(4)
    added.locator("input[name=code]").fill("training")
    added.locator("input[name=name]").fill("业务培训")
    added.locator("input[name=name_en]").fill("Training")
    page.click("#save")
    expect(page.locator("#toast")).to_have_text("已保存，立即生效")

    # The console, open all along and never reloaded, offers it in its pause dialog.
    console.locator("button[data-verb='pause']").click()
    choice = console.locator("#pause-reasons label", has_text="业务培训")
    expect(choice).to_be_visible()
    choice.locator("input").check()
    console.click("#pause-dialog button[value=ok]")
    expect(console.locator("#paused")).to_contain_text("业务培训")
    window = next(w for w in live.call("GET", "")["windows"] if w["number"] == 3)
    assert window["pause_reason"] == "业务培训"
    # In English the console names the hall's reason in English.
    console.click("#lang")
    expect(console.locator("#paused")).to_contain_text("Training")
