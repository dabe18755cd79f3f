"""The kiosk and the visitor's phone page in Debian's Chromium, against a live hall.

Each flow also saves a screenshot to docs/screenshots/ for the documentation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser import chromium
from tests.conftest import REPO
from tests.ticket_printer.live import AgentThread, LiveHall

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "docs" / "screenshots"
KIOSK_SCREEN: ViewportSize = {"width": 1920, "height": 1080}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def kiosk(browser: Browser, live_hall: LiveHall) -> Iterator[Page]:
    context = browser.new_context(viewport=KIOSK_SCREEN, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def open_kiosk(page: Page, hall: LiveHall) -> None:
    page.goto(f"{hall.url}/kiosk/halls/weiyang?token={hall.tokens['kiosk']}")
    expect(page.locator(".screen:not([hidden])")).to_have_count(1)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / name)


def test_kiosk_takes_a_printed_ticket(kiosk: Page, live_hall: LiveHall, agent: AgentThread) -> None:
    open_kiosk(kiosk, live_hall)
    assert "token" not in kiosk.url  # kept in localStorage, not on screen
    expect(kiosk.locator(".tile")).to_have_count(11)  # ten matters and booking check-in
    shot(kiosk, "kiosk-start.png")
    kiosk.locator('[data-category="business"]').click()
    expect(kiosk.locator("#screen-priority")).to_be_visible()
    expect(kiosk.locator('[data-priority="elderly"]')).to_have_text("老年人")
    shot(kiosk, "kiosk-priority.png")
    kiosk.locator("#priority-none").click()
    expect(kiosk.locator("#issued-number")).to_have_text("A001")
    expect(kiosk.locator("#issued-take")).to_have_text("请取走打印的号票")
    expect(kiosk.locator("#photo-box")).to_be_hidden()
    shot(kiosk, "kiosk-printed.png")
    assert len(live_hall.printer.printed) == 1
    kiosk.get_by_role("button", name="完成").click()
    expect(kiosk.locator("#screen-start")).to_be_visible()


def test_kiosk_in_english_with_a_dead_printer_shows_the_number_to_photograph(
    kiosk: Page, live_hall: LiveHall
) -> None:
    open_kiosk(kiosk, live_hall)
    expect(kiosk.locator("#printer-banner")).to_contain_text("未连接")
    kiosk.locator("#lang").click()
    expect(kiosk.locator("h1.prompt").first).to_have_text("Choose your matter")
    kiosk.locator('[data-category="social"]').click()
    kiosk.locator("#priority-none").click()
    expect(kiosk.locator("#issued-number")).to_have_text("B001")
    expect(kiosk.locator("#photo-box")).to_contain_text("Please photograph this screen")
    expect(kiosk.locator("#issued-qr")).to_have_js_property("complete", True)
    kiosk.locator("#lang").click()  # back to Chinese, on the same screen
    expect(kiosk.locator("#photo-box")).to_contain_text("请拍照保存")
    expect(kiosk.locator("#issued-number")).to_have_text("B001")
    shot(kiosk, "kiosk-photograph.png")


def test_kiosk_after_closing_says_issuing_has_ended(kiosk: Page, live_hall: LiveHall) -> None:
    live_hall.clock.advance(timedelta(hours=8))  # Monday 18:00
    open_kiosk(kiosk, live_hall)
    expect(kiosk.locator("#closed-title")).to_have_text("今日取号已结束")
    expect(kiosk.locator("#closed-hint")).to_have_text("窗口继续为已取号的群众办理")
    expect(kiosk.locator("#closed-next")).to_contain_text("09:00")
    shot(kiosk, "kiosk-closed.png")


def test_kiosk_at_the_weekend_offers_weekend_matters_only(kiosk: Page, live_hall: LiveHall) -> None:
    live_hall.clock.advance(timedelta(days=5))  # Saturday 10:00
    open_kiosk(kiosk, live_hall)
    expect(kiosk.locator("#weekend-banner")).to_be_visible()
    expect(kiosk.locator('[data-category="business"]')).to_be_visible()
    expect(kiosk.locator('[data-category="tax"]')).to_have_count(0)
    expect(kiosk.locator(".tile")).to_have_count(7)  # six weekend matters and check-in
    shot(kiosk, "kiosk-weekend.png")


def test_phone_page_follows_the_queue_and_alerts_when_called(browser: Browser, live_hall: LiveHall) -> None:
    for _ in range(4):
        live_hall.kiosk_issue("business")
        live_hall.clock.advance(timedelta(seconds=30))  # the line follows issue time
    mine = live_hall.kiosk_issue("business").json()["ticket"]
    context = browser.new_context(**PHONE, locale="zh-CN")  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_hall.url}/t/{mine['id']}")
        expect(page.locator("#number")).to_have_text("A005")
        expect(page.locator("#ahead")).to_have_text("4")
        expect(page.locator("#connection")).to_have_text("实时更新中")
        expect(page.locator("#alert")).to_be_hidden()
        live_hall.post("/api/halls/weiyang/windows/3/open", "clerk1")
        live_hall.post("/api/halls/weiyang/windows/3/call-next", "clerk1")  # calls A001
        expect(page.locator("#ahead")).to_have_text("3")
        expect(page.locator("#alert")).to_have_text("前面只剩 3 人，请到等候区留意叫号")
        shot(page, "phone-waiting.png")
        live_hall.post("/api/halls/weiyang/windows/3/no-show", "clerk1")
        live_hall.post("/api/halls/weiyang/windows/3/call", "clerk1", number="A005")  # 特呼
        expect(page.locator("#alert")).to_have_text("请 A005 号到 3号窗口 办理")
        expect(page.locator("#status")).to_have_text("请到 3号窗口 办理")
        shot(page, "phone-called.png")
        assert "A001" not in page.locator("body").inner_text()
        expect(page.locator("#rating")).to_be_hidden()
        # 好差评 from the phone once the matter is done; a bad rating needs words
        live_hall.post("/api/halls/weiyang/windows/3/start", "clerk1")
        live_hall.post("/api/halls/weiyang/windows/3/finish", "clerk1")
        expect(page.locator("#rating")).to_be_visible()
        page.get_by_role("button", name="不满意", exact=True).click()
        expect(page.locator("#rate-reason")).to_be_visible()
        page.locator("#rate-comment").fill("等候区没有座位")
        page.get_by_role("button", name="提交评价").click()
        expect(page.locator("#rate-thanks")).to_be_visible()
        history = live_hall.get(f"/api/halls/weiyang/tickets/{mine['id']}/history", "supervisor")
        rated = [e for e in history.json()["events"] if e["type"] == "ticket.rated"]
        assert [(e["data"]["level"], e["data"]["bad"]) for e in rated] == [(2, True)]
    finally:
        context.close()


def test_online_ticket_from_a_phone(browser: Browser, live_hall: LiveHall) -> None:
    context = browser.new_context(**PHONE, locale="zh-CN")  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_hall.url}/online/halls/weiyang")
        page.locator('[data-category="medical"]').click()
        page.locator("#phone").fill("13800138000")
        shot(page, "phone-online.png")
        page.get_by_role("button", name="取号").click()
        expect(page.locator("#number")).to_have_text("C001")
        assert "/t/" in page.url
    finally:
        context.close()
