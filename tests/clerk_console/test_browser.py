"""The console, the rating device and the dashboard in Chromium, against a hall served in this
process with a manual clock. The tests share one hall and keep to their own windows."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest

from tests.clerk_console.conftest import SCREENSHOTS, LiveHall, open_console, sign_in

pytestmark = pytest.mark.browser


def _verb(page: Any, verb: str) -> Any:
    return page.locator(f"button[data-verb='{verb}']")


def _shows(page: Any, number: str, status: str) -> None:
    page.wait_for_selector(f"#current-number[data-status='{status}']:has-text('{number}')")


def _waiting(live: LiveHall, number: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = next(t for t in live.call("GET", "/board")["waiting"] if t["number"] == number)
    return entry


def _until(check: Any, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_clerk_serves_and_the_visitor_rates(context: Any, live: LiveHall) -> None:
    first = live.issue("business")
    live.clock.advance(timedelta(seconds=30))
    second = live.issue("business")
    live.clock.advance(timedelta(seconds=30))
    third = live.issue("social")
    rater = context.new_page()
    rater.set_viewport_size({"width": 1280, "height": 800})
    rater.goto(f"{live.url}/rate/halls/weiyang/windows/1?token={live.tokens['rater']}")
    rater.wait_for_selector("#rate-idle:not([hidden])")
    rater.wait_for_selector("#live[data-state='on']")
    page = open_console(context, live, "clerk1", 1)
    page.wait_for_selector("#q-waiting:has-text('3')")

    page.keyboard.press("F1")  # call next
    _shows(page, first["number"], "called")
    page.keyboard.press("F3")  # start
    _shows(page, first["number"], "serving")
    _verb(page, "hold").click()
    page.wait_for_selector(f"#held li:has-text('{first['number']}')")
    page.keyboard.press("F1")
    _shows(page, second["number"], "called")
    page.keyboard.press("F3")
    _shows(page, second["number"], "serving")
    live.clock.advance(timedelta(minutes=4))
    page.keyboard.press("F4")  # finish
    page.wait_for_selector("#current-number[data-status='none']")

    # The rating device at window 1 asks the visitor who just finished.
    rater.wait_for_selector(f"#rate-question:has-text('{second['number']}')")
    rater.screenshot(path=str(SCREENSHOTS / "rating.png"))
    rater.click("button[data-level='4']")
    rater.wait_for_selector("#rate-thanks:not([hidden])")
    page.wait_for_selector("#toast:has-text('满意')")
    page.wait_for_selector("#s-served:has-text('1')")
    page.wait_for_selector("#s-ratings:has-text('1')")
    assert page.inner_text("#s-avg") == "4:00"

    # Call back the held visitor, then send them to window 2.
    page.click(f"#held li:has-text('{first['number']}') button")
    _shows(page, first["number"], "called")
    _verb(page, "transfer").click()
    page.select_option("#transfer-dialog select[name=to_window]", "2")
    page.click("#transfer-dialog button[value=ok]")
    page.wait_for_selector("#current-number[data-status='none']")
    ticket = live.call("GET", f"/tickets/{first['id']}")
    assert ticket["status"] == "waiting" and ticket["target_window"] == 2

    page.keyboard.press("F1")
    _shows(page, third["number"], "called")
    page.keyboard.press("F3")
    _shows(page, third["number"], "serving")
    live.clock.advance(timedelta(minutes=2))
    page.keyboard.press("F4")
    rater.wait_for_selector(f"#rate-question:has-text('{third['number']}')")
    rater.click("button[data-level='1']")
    rater.wait_for_selector("#rate-reason:not([hidden])")
    assert rater.is_disabled("#reason-submit")
    rater.click("#reasons button >> nth=0")
    rater.fill("#comment", "等了很久")
    rater.screenshot(path=str(SCREENSHOTS / "rating-reason.png"))
    rater.click("#reason-submit")
    rater.wait_for_selector("#rate-followup:not([hidden])")
    page.wait_for_selector("#s-served:has-text('2')")
    page.wait_for_selector("#s-good:has-text('50%')")

    # A visitor in the middle of being served, for the picture.
    fourth = live.issue("realestate")
    page.keyboard.press("F1")
    _shows(page, fourth["number"], "called")
    page.keyboard.press("F3")
    _shows(page, fourth["number"], "serving")
    live.clock.advance(timedelta(minutes=3, seconds=12))
    page.reload()
    page.wait_for_selector("#current-number[data-status='serving']")
    page.wait_for_selector("#s-served:has-text('2')")
    page.screenshot(path=str(SCREENSHOTS / "console.png"))
    page.keyboard.press("F4")
    page.wait_for_selector("#current-number[data-status='none']")
    rater.close()


def test_a_double_click_calls_once_and_two_tabs_agree(context: Any, live: LiveHall) -> None:
    live.issue("medical")
    live.clock.advance(timedelta(seconds=10))
    live.issue("medical")
    tab1 = open_console(context, live, "clerk1", 3)
    tab2 = open_console(context, live, "clerk1", 3)
    waiting_before = live.call("GET", "")["waiting"]["medical"]
    _verb(tab1, "call-next").dblclick()
    tab1.wait_for_selector("#current-number[data-status='called']")
    tab2.wait_for_selector("#current-number[data-status='called']")
    assert tab1.inner_text("#current-number") == tab2.inner_text("#current-number")
    assert live.call("GET", "")["waiting"]["medical"] == waiting_before - 1
    assert tab1.is_hidden("#error")
    # A second call while one is called is refused by the server too, in words.
    response = httpx.post(
        f"{live.url}/api/halls/weiyang/windows/3/call-next", headers=live.auth("clerk1"), timeout=10
    )
    assert response.status_code == 409
    _verb(tab2, "no-show").click()
    tab1.wait_for_selector("#current-number[data-status='none']")
    _verb(tab1, "pause").click()
    tab1.check("#pause-reasons input[value=lunch]")
    tab1.click("#pause-dialog button[value=ok]")
    tab2.wait_for_selector("#paused:has-text('午休')")
    _verb(tab2, "resume").click()
    tab1.wait_for_selector("#paused", state="hidden")


def test_supervisor_retargets_a_window_and_sees_a_long_wait(context: Any, live: LiveHall) -> None:
    live.call("POST", "/windows/5/open", "clerk2")
    board = context.new_page()
    board.goto(f"{live.url}/supervise/halls/weiyang")
    sign_in(board, "supervisor")
    row = board.locator("#windows tr[data-window='5']")
    row.wait_for()
    row.locator("button", has_text="调整业务").click()
    board.uncheck("#services-dialog input[name=all]")
    board.check("#services-choices input[value=pickup]")
    board.click("#services-dialog button[value=ok]")
    board.wait_for_selector("#windows tr[data-window='5'] .serves:has-text('证照领取')")

    live.issue("business")
    live.clock.advance(timedelta(seconds=5))
    pickup = live.issue("pickup")
    called = live.call("POST", "/windows/5/call-next", "clerk2")["ticket"]
    assert called["number"] == pickup["number"]  # the new set, though a business ticket waited longer
    live.call("POST", "/windows/5/start", "clerk2")

    board.wait_for_selector("#alerts .calm-ok, #alerts .alert")
    assert board.locator("#alerts .alert-long_wait").count() == 0
    live.clock.advance(timedelta(minutes=31))
    board.wait_for_selector("#alerts .alert-long_wait", timeout=12_000)

    # Prioritise a waiting ticket and read its history.
    line = board.locator("#waiting tbody tr").first
    number = line.get_attribute("data-number")
    line.locator("select").select_option("elderly")
    _until(lambda: _waiting(live, number)["priority"] == "elderly")
    board.locator(f"#waiting tr[data-number='{number}'] button", has_text="办理记录").click()
    board.wait_for_selector("#history li:has-text('设为优先 · 主管 supervisor')")
    assert "ticket.prioritised" not in board.inner_text("#history")
    board.click("#history-dialog button[value=close]")

    board.fill("#notice-form textarea", "今日 16:00 起暂停不动产登记取号")
    board.click("#notice-form button[type=submit]")
    board.wait_for_selector("#toast:has-text('公告已发布')")
    board.wait_for_timeout(300)
    board.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)


def test_the_supervisor_pauses_a_window_with_words_of_their_own(context: Any, live: LiveHall) -> None:
    # The dashboard's pause dialog is the console's: the hall's reasons, or "other" in words.
    live.call("POST", "/windows/6/open", "clerk2")
    board = context.new_page()
    board.goto(f"{live.url}/supervise/halls/weiyang")
    sign_in(board, "supervisor")
    row = board.locator("#windows tr[data-window='6']")
    row.locator("button", has_text="暂停").click()
    assert board.is_hidden("#pause-dialog input[name=other]")
    board.check("#pause-reasons input[value=other]")
    board.fill("#pause-dialog input[name=other]", "系统升级")
    board.click("#pause-dialog button[value=ok]")
    board.wait_for_selector("#windows tr[data-window='6'] td:has-text('系统升级')")
    view = live.call("GET", "/board")
    assert next(w for w in view["windows"] if w["number"] == 6)["pause_reason"] == "系统升级"


def test_forbidden_actions_are_refused(context: Any, live: LiveHall) -> None:
    clerk = context.new_page()
    clerk.goto(f"{live.url}/supervise/halls/weiyang")
    sign_in(clerk, "clerk1")
    clerk.wait_for_selector("#refused:not([hidden]):has-text('仅限主管')")
    assert clerk.is_hidden("#board")
    api = httpx.get(f"{live.url}/api/halls/weiyang/board", headers=live.auth("clerk1"), timeout=10)
    assert api.status_code == 403

    assert live.window(1)["clerk"] == "clerk1"
    live.issue("civil")
    other = context.new_page()
    other.goto(f"{live.url}/console")
    sign_in(other, "clerk2")
    other.wait_for_selector(".window-card[data-window='1']:has-text('clerk1')")
    other.goto(f"{live.url}/console/halls/weiyang/windows/1")
    other.wait_for_selector("#not-mine:not([hidden]):has-text('clerk1')")
    other.keyboard.press("F1")
    other.wait_for_selector("#error:not([hidden]):has-text('clerk1')")
    assert live.window(1)["current_ticket"] is None
