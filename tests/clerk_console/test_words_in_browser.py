"""What a person reads is words, never codes: the console's errors, the dashboard's history and
the reports' bad ratings; the phone's rating fits a 360 px screen; a disabled button looks it;
a refused 特呼 keeps the number; and no page asks for an icon that is not there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest

from tests.clerk_console.conftest import LiveHall, open_console, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

# Codes that used to show on these pages; none may appear where a person reads.
RAW = re.compile(
    r"\b(done|closed|waiting|wait|serving|ticket\.\w+|window\.\w+|(clerk|supervisor|admin|device):\w+)\b"
)


@pytest.fixture
def missing(context: Any) -> Iterator[list[str]]:
    """Every response of the test's pages that was a 404 (a favicon, a script, anything)."""
    seen: list[str] = []
    context.on("response", lambda response: seen.append(response.url) if response.status == 404 else None)
    yield seen
    assert seen == []


def _icon_is_served(page: Any, live: LiveHall) -> None:
    """The page's icon, and the /favicon.ico a browser asks for when a page names none."""
    for href in (page.eval_on_selector("link[rel=icon]", "link => link.href"), f"{live.url}/favicon.ico"):
        response = page.request.get(href)
        assert response.status == 200 and response.headers["content-type"] == "image/svg+xml", href


def _opacity(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "el => getComputedStyle(el).opacity"))


def _finish(live: LiveHall, window: int) -> dict[str, Any]:
    """A ticket served to the end at a window a supervisor runs."""
    ticket = live.issue("pickup")
    live.call("POST", f"/windows/{window}/open")
    live.call("POST", f"/windows/{window}/call", number=ticket["number"])  # others may wait
    for verb in ("start", "finish"):
        live.call("POST", f"/windows/{window}/{verb}")
    return ticket


def test_console_dashboard_and_reports_speak_in_words(
    context: Any, live: LiveHall, missing: list[str]
) -> None:
    first = live.issue("pickup")
    page = open_console(context, live, "clerk1", 4)
    _icon_is_served(page, live)
    page.wait_for_selector("#q-waiting:not(:empty)")
    # Idle: 重呼 cannot work and looks it; 叫号 can.
    assert page.is_disabled("button[data-verb='recall']")
    assert _opacity(page, "button[data-verb='recall']") <= 0.5
    assert _opacity(page, "button[data-verb='call-next']") == 1
    page.keyboard.press("F1")
    page.wait_for_selector(f"#current-number[data-status='called']:has-text('{first['number']}')")
    page.keyboard.press("F3")
    page.wait_for_selector("#current-number[data-status='serving']")
    page.keyboard.press("F4")
    page.wait_for_selector("#current-number[data-status='none']")

    # 特呼 the number just finished: refused in words, and the typed number stays.
    page.fill("#call-number", first["number"].lower())
    page.click("#call-form button[type=submit]")
    page.wait_for_selector("#error:not([hidden])")
    error = page.inner_text("#error")
    assert error == f"{first['number']} 号当前状态为「已办结」，不能执行「叫号」"
    assert page.input_value("#call-number") == first["number"].lower()

    # The visitor rates it badly from the phone, with a reason from the list.
    response = httpx.post(
        f"{live.url}/api/halls/weiyang/tickets/{first['id']}/rating",
        json={"level": 1, "reason": "wait"},
        timeout=10,
    )
    assert response.status_code in (200, 201), response.text

    # The dashboard's history of a ticket issued at the counter by the supervisor.
    second = live.call("POST", "/tickets", category="pickup", channel="counter")
    board = context.new_page()
    board.goto(f"{live.url}/supervise/halls/weiyang")
    sign_in(board, "supervisor")
    row = board.locator(f"#waiting tr[data-number='{second['number']}']")
    row.locator("button", has_text="办理记录").click()
    board.wait_for_selector("#history-dialog[open] #history li")
    history = board.inner_text("#history")
    assert "取号 · 主管 supervisor" in history, history
    assert not RAW.search(history), history
    board.keyboard.press("Escape")

    # The reports' bad ratings name the reason and the level in words.
    reports = context.new_page()
    reports.goto(f"{live.url}/supervise/halls/weiyang/reports")
    reports.fill("#login-form input[name=username]", "supervisor")
    reports.fill("#login-form input[name=password]", PASSWORD)
    reports.click("#login-form button[type=submit]")
    reports.wait_for_selector("#ratings table")
    table = reports.inner_text("#ratings table")
    assert "等候时间太长" in table and "非常不满意" in table, table
    assert not RAW.search(table), table

    # And in English, the console's refusal too.
    page.click("#lang")
    page.click("#call-form button[type=submit]")
    page.wait_for_selector("#error:has-text('Ticket')")
    assert page.inner_text("#error") == f"Ticket {first['number']} is finished; it cannot be called"
    # A pause recorded as 「午休」 reads "Lunch" in English.
    live.call("POST", "/windows/4/pause", reason="午休")
    page.wait_for_selector("#paused:not([hidden])")
    assert page.inner_text("#paused") == "Window paused: Lunch"


def test_phone_rating_fits_a_360_px_screen_and_shows_the_chosen_level(browser: Any, live: LiveHall) -> None:
    ticket = _finish(live, 6)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    missing: list[str] = []
    context.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    try:
        page = context.new_page()
        page.goto(f"{live.url}/t/{ticket['id']}")
        page.wait_for_selector("#rating:not([hidden])")
        _icon_is_served(page, live)
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('.rate-level')].filter((b) => {
                 const box = b.getBoundingClientRect();
                 return box.left < 0 || box.right > innerWidth || b.scrollWidth > b.clientWidth;
               }).map((b) => b.textContent)"""
        )
        assert overflow == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.get_by_role("button", name="不满意", exact=True).click()
        chosen = page.locator(".rate-level.chosen")
        assert chosen.count() == 1 and chosen.inner_text() == "不满意"
        assert chosen.get_attribute("aria-pressed") == "true"
        assert page.locator(".rate-level[aria-pressed='false']").count() == 4
        page.locator("#rate-comment").fill("窗口中途离开")
        page.get_by_role("button", name="提交评价").click()
        page.wait_for_selector("#rate-chosen:not([hidden])")
        assert page.inner_text("#rate-chosen") == "您的评价：不满意"
        # A disabled button on the phone looks disabled.
        page.evaluate("document.getElementById('alerts').disabled = true")
        assert _opacity(page, "#alerts") <= 0.5
        assert missing == []
    finally:
        context.close()
