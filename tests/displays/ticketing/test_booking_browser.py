"""The booking page on a phone in Debian's Chromium, against a live hall: choose a matter, a
day and a time, book, see the code and its QR code, watch the places fall, cancel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser import chromium
from tests.displays.ticketing.test_browser_pages import PHONE, shot
from tests.ticket_printer.live import LiveHall

pytestmark = pytest.mark.browser


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
