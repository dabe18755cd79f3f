"""The crowded-periods page (办事拥挤时段) in Chromium, on a phone and from the kiosk's closed
screen, against a real server whose store `onewindow demo-data` filled with a month."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from queue_server.clock import TEST_CLOCK_ENV
from tests.browser import chromium
from tests.displays.conftest import LiveHall, serve, write_config
from tests.server_process import REPO

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday evening after the month: the kiosk is closed, and the last four weeks are all filled.
NOW = datetime(2026, 11, 30, 19, 30, tzinfo=SHANGHAI)
LAST_DAY = "2026-11-29"
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
WEEKDAYS = {
    "zh-CN": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
SHOTS = REPO / "docs" / "screenshots"


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHall]:
    directory = tmp_path_factory.mktemp("crowded")
    config = write_config(directory)
    store = f"sqlite:///{directory / 'hall.db'}"
    fill = [sys.executable, "-m", "queue_server", "--config", str(config), "demo-data"]
    fill += ["--store", store, "--days", "30", "--end", LAST_DAY]
    done = subprocess.run(fill, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    clock = directory / "clock.txt"
    clock.write_text(NOW.isoformat(), encoding="utf-8")
    with serve(config, env={TEST_CLOCK_ENV: str(clock)}) as hall:
        yield hall


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def figures(hall: LiveHall) -> dict[str, Any]:
    response = httpx.get(f"{hall.url}/api/halls/weiyang/crowded-periods?weeks=4", timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def open_page(browser: Browser, url: str, **context: Any) -> tuple[Page, list[str]]:
    """The page and the script errors it raises."""
    page = browser.new_context(locale="zh-CN", **context).new_page()
    page.set_default_timeout(20_000)
    page.clock.set_fixed_time(NOW)  # the visitor's phone agrees with the hall about the day
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, errors


def test_a_phone_shows_the_busiest_hour_in_both_languages(browser: Browser, month: LiveHall) -> None:
    body = figures(month)
    assert (body["from"], body["to"], body["weeks"]) == ("2026-11-02", LAST_DAY, 4)
    cells = [(h["tickets_per_day"], d["weekday"], h["hour"]) for d in body["weekdays"] for h in d["hours"]]
    top = body["busiest"]
    assert top["tickets_per_day"] == max(cells)[0] > 0
    span = f"{top['hour']:02d}:00\u2060–\u2060{top['hour'] + 1:02d}:00"  # never broken at the dash

    page, errors = open_page(browser, f"{month.url}/crowded/halls/weiyang", **PHONE)
    expect(page.locator("#busiest")).to_have_text(f"最拥挤：{WEEKDAYS['zh-CN'][top['weekday']]} {span}")
    expect(page.locator("#explain")).to_contain_text(f"最近 4 周（2026-11-02 至 {LAST_DAY}）")
    monday = body["weekdays"][0]
    expect(page.locator("#hours .hour-row")).to_have_count(len(monday["hours"]))  # today, Monday
    expect(page.locator(".day-chip[aria-selected=true]")).to_have_attribute("aria-label", "周一")
    expect(page.locator("#day-counted")).to_have_text(f"周一（今天）：共统计 {monday['days']} 个开放日")
    # The busiest hour's bar is red and full; its cell in the week's map says crowded.
    busiest_day = page.locator(f".day-chip[data-weekday='{top['weekday']}']")
    busiest_day.click()
    row = page.locator(f"#hours .hour-row[data-hour='{top['hour']}']")
    expect(row.locator(".hour-level")).to_have_text("拥挤")
    # Every bar of the day is as long as its hour's share of the busiest hour.
    shares = page.locator("#hours .hour-bar").evaluate_all(
        "bars => bars.map((b) => b.offsetWidth / b.parentElement.offsetWidth)"
    )
    day = body["weekdays"][top["weekday"]]["hours"]
    expected = [max(0.02, h["tickets_per_day"] / top["tickets_per_day"]) for h in day]
    assert shares == pytest.approx(expected, abs=0.02)
    fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.evaluate(fits), "the page scrolls sideways on a 360 px phone"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "crowded-phone.png", full_page=True)

    page.locator("#lang").click()
    expect(page.locator("#busiest")).to_have_text(f"Busiest: {WEEKDAYS['en'][top['weekday']]} {span}")
    expect(row.locator(".hour-level")).to_have_text("Crowded")
    expect(page.locator("#explain")).to_contain_text(f"last 4 weeks (2026-11-02 to {LAST_DAY})")
    expect(page.locator("#explain")).to_contain_text(
        "mean time in minutes from taking a number to being called"
    )
    assert page.evaluate(fits)
    assert errors == []


def test_the_kiosk_closed_screen_leads_to_the_crowded_periods_and_back(
    browser: Browser, month: LiveHall
) -> None:
    kiosk, errors = open_page(
        browser,
        f"{month.url}/kiosk/halls/weiyang?token={month.tokens['kiosk']}",
        viewport={"width": 1920, "height": 1080},
        has_touch=True,
    )
    expect(kiosk.locator("#closed-title")).to_have_text("今日取号已结束")
    kiosk.locator("#crowded-link").click()
    expect(kiosk.locator("#busiest")).to_contain_text("最拥挤：")
    assert kiosk.url.endswith("/crowded/halls/weiyang?kiosk=1")
    kiosk.locator("#back").click()
    expect(kiosk.locator("#closed-title")).to_have_text("今日取号已结束")
    assert errors == []


def test_the_page_of_an_unknown_hall_or_range_is_refused_in_words(month: LiveHall) -> None:
    response = httpx.get(f"{month.url}/crowded/halls/nowhere", headers={"Accept-Language": "en"}, timeout=10)
    assert response.status_code == 404 and "Unknown hall: nowhere" in response.text
    response = httpx.get(f"{month.url}/crowded/halls/weiyang?weeks=0", timeout=10)
    assert response.status_code == 422 and "weeks" in response.text
