"""The booking page on a phone in Debian's Chromium, against a live hall: choose a matter, a
day and a time, book, see the code and its QR code, watch the places fall, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser import chromium
from tests.clerk_console.conftest import sign_in
from tests.displays.ticketing.test_browser_pages import PHONE, kiosk, open_kiosk, shot
from tests.ticket_printer.live import LiveHall

pytestmark = pytest.mark.browser
__all__ = ["kiosk"]  # the kiosk page fixture, on this module's browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def phone_page(browser: Browser, hall: LiveHall, locale: str) -> Page:
    page = browser.new_context(**PHONE, locale=locale).new_page()  # type: ignore[arg-type]
    page.set_default_timeout(10_000)
    page.goto(f"{hall.url}/book/halls/weiyang")
    return page


def slot(page: Page, time: str) -> Locator:
    return page.locator(f'#slots [data-slot="{time}"]')


@pytest.mark.parametrize("ticketing_config", [{"booking": {"places_per_slot": 2}}])
def test_book_see_the_code_and_cancel_on_a_phone(browser: Browser, live_hall: LiveHall) -> None:
    page = phone_page(browser, live_hall, "zh-CN")
    expect(page.locator("h1")).to_have_text("预约办事")
    expect(page.locator("#crowded")).to_have_attribute("href", "/crowded/halls/weiyang")
    page.locator('[data-category="tax"]').click()
    expect(page.locator('#days [data-day="2026-11-23"]')).to_have_class("choice chosen")
    expect(page.locator('#days [data-day="2026-11-28"]')).to_be_disabled()  # Saturday: no tax
    expect(slot(page, "09:30")).to_have_count(0)  # begun: no longer offered
    expect(slot(page, "11:00")).to_contain_text("余 2 个")
    slot(page, "11:00").click()
    page.locator("#phone").fill("138 0013 8000")
    shot(page, "book-phone.png")
    page.locator("#submit").click()
    expect(page.locator("#booked")).to_be_visible()
    code = page.locator("#code").inner_text()
    assert len(code) == 8 and code.isdigit()
    expect(page.locator("#booked-when")).to_contain_text("11:00–11:30 · 税务办理")
    page.wait_for_function("document.getElementById('qr').naturalWidth > 0")
    shot(page, "book-phone-code.png")
    page.locator("#another").click()
    expect(slot(page, "11:00")).to_contain_text("余 1 个")  # the places shown fall
    # Someone else takes the last place: the slot is shown full.
    other = live_hall.client.post(
        "/api/halls/weiyang/bookings",
        json={
            "category": "tax",
            "slot": {"start": "2026-11-23T11:00:00+08:00", "minutes": 30},
            "phone": "13900139000",
        },
    )
    assert other.status_code == 201
    page.locator('#days [data-day="2026-11-23"]').click()
    expect(slot(page, "11:00")).to_contain_text("已约满")
    expect(slot(page, "11:00")).to_be_disabled()
    # Cancelling from the same page (code and phone filled in from the booking).
    expect(page.locator("#cancel-code")).to_have_value(code)
    page.locator("#cancel").click()
    expect(page.locator("#cancel-done")).to_have_text(f"预约 {code} 已取消")
    expect(slot(page, "11:00")).to_contain_text("余 1 个")
    page.context.close()


def test_in_english_a_refusal_is_shown_in_words(browser: Browser, live_hall: LiveHall) -> None:
    online = browser.new_context(**PHONE, locale="en-GB").new_page()  # type: ignore[arg-type]
    online.goto(f"{live_hall.url}/online/halls/weiyang")
    online.locator("#book-link").click()  # the online ticket page leads to booking
    expect(online.locator("h1")).to_have_text("Book a visit")
    online.context.close()
    page = phone_page(browser, live_hall, "en-GB")
    expect(page.locator("h1")).to_have_text("Book a visit")
    page.locator('[data-category="business"]').click()
    slot(page, "14:00").click()
    page.locator("#phone").fill("12345")
    page.locator("#submit").click()
    expect(page.locator("#error")).to_have_text("Please enter an 11-digit mobile number")
    page.locator("#cancel-code").fill("12345678")
    page.locator("#cancel-phone").fill("13800138000")
    page.locator("#cancel").click()
    expect(page.locator("#error")).to_have_text("There is no booking 12345678 made with this phone number")
    page.locator("#lang").click()
    expect(page.locator("h1")).to_have_text("预约办事")
    page.context.close()


def book_at_11(hall: LiveHall, phone: str) -> str:
    reply = hall.client.post(
        "/api/halls/weiyang/bookings",
        json={
            "category": "tax",
            "slot": {"start": "2026-11-23T11:00:00+08:00", "minutes": 30},
            "phone": phone,
        },
    )
    assert reply.status_code == 201, reply.text
    code: str = reply.json()["code"]
    return code


def test_kiosk_checks_in_a_scanned_code_and_a_typed_phone(kiosk: Page, live_hall: LiveHall) -> None:
    code = book_at_11(live_hall, "13800138000")
    book_at_11(live_hall, "13900139000")
    open_kiosk(kiosk, live_hall)
    # The QR scanner types the code and Enter, on the start screen.
    kiosk.keyboard.type(code)
    expect(kiosk.locator("#screen-checkin")).to_be_visible()
    expect(kiosk.locator("#code")).to_have_text(code)
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("#message-title")).to_contain_text("请于 10:30 后再来签到")  # 10:00 now
    shot(kiosk, "kiosk-checkin-early.png")
    live_hall.clock.advance(timedelta(minutes=35))
    kiosk.locator("#screen-message [data-back]").click()
    kiosk.keyboard.type(code)
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("#issued-number")).to_have_text("E001")
    expect(kiosk.locator("#issued-category")).to_contain_text("预约")
    kiosk.locator("#screen-issued [data-back]").click()
    # The other visitor types their phone number on the keypad.
    kiosk.locator(".tile-checkin").click()
    for digit in "13900139000":
        kiosk.locator("#keypad .key-digit", has_text=digit).click()
    expect(kiosk.locator("#code")).to_have_text("13900139000")
    kiosk.locator("#keypad .key-confirm").click()
    expect(kiosk.locator("#issued-number")).to_have_text("E002")
    shot(kiosk, "kiosk-checkin-phone.png")


def test_the_dashboard_lists_the_days_bookings(browser: Browser, live_hall: LiveHall) -> None:
    booked = book_at_11(live_hall, "13800138000")
    live_hall.clock.advance(timedelta(minutes=40))
    used = book_at_11(live_hall, "13900139000")
    checked = live_hall.post("/kiosk/api/halls/weiyang/check-in", "kiosk", code=used)
    assert checked.status_code == 201
    page = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN").new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_hall.url}/supervise/halls/weiyang")
    sign_in(page, "supervisor")
    rows = page.locator("#bookings tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#bookings tbody tr", has_text=booked)).to_contain_text("待签到")
    expect(page.locator("#bookings tbody tr", has_text=used)).to_contain_text("已签到")
    expect(page.locator("#bookings tbody tr", has_text=used)).to_contain_text("E001")
    expect(rows.first).to_contain_text("11:00–11:30")
    page.context.close()
