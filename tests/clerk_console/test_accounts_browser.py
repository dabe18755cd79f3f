"""The accounts page in Chromium (issue #16 §1): an admin disables a clerk whose console is open
and sees it refused at once; resets a password, and the clerk signs in with the new one."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest

from tests.clerk_console.conftest import LiveHall, open_console, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "tidal windows open at nine"


def accounts_page(context: Any, live: LiveHall, who: str = "admin") -> Any:
    page = context.new_page()
    page.goto(f"{live.url}/admin/users")
    sign_in(page, who)
    page.wait_for_selector("#admin:not([hidden])")
    return page


def test_a_disabled_clerks_open_console_is_refused_at_once(context: Any, live: LiveHall) -> None:
    console = open_console(context, live, "clerk2", 2)
    console.wait_for_selector("#live[data-state='on']")
    admin = accounts_page(context, live)
    row = admin.locator("#users tr[data-user='clerk2']")
    assert row.locator(".state").inner_text() == "启用"
    row.locator("button.disable").click()
    admin.wait_for_selector("#users tr[data-user='clerk2'] .state:has-text('已停用')")

    # The console's stream is closed with the reason, which the page shows.
    console.wait_for_selector("#refused:not([hidden]):has-text('该账号已停用')")
    console.wait_for_selector("#live[data-state='off']")
    # Its next request is refused too, in words.
    console.click("#work button[data-verb='call-next']")
    console.wait_for_selector("#error:not([hidden]):has-text('账号已停用')")

    row.locator("button.enable").click()
    admin.wait_for_selector("#users tr[data-user='clerk2'] .state:has-text('启用')")
    fresh = httpx.post(
        f"{live.url}/api/auth/login", json={"username": "clerk2", "password": PASSWORD}, timeout=10
    )
    assert fresh.status_code == 200


def test_a_reset_password_signs_in_and_the_old_one_does_not(context: Any, live: LiveHall) -> None:
    admin = accounts_page(context, live)
    admin.locator("#users tr[data-user='clerk1'] button.reset").click()
    admin.fill("#password-dialog input[name=password]", NEW_PASSWORD)
    admin.click("#password-dialog button[value=ok]")
    admin.wait_for_selector("#toast:not([hidden]):has-text('已为 clerk1 设置新密码')")

    page = context.new_page()
    page.goto(f"{live.url}/console")
    sign_in(page, "clerk1")  # the old password
    page.wait_for_selector("#error:not([hidden]):has-text('用户名或密码错误')")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector(".window-card[data-window='1']")


def test_a_refused_password_is_named_and_nothing_changes(context: Any, live: LiveHall) -> None:
    admin = accounts_page(context, live)
    admin.locator("#users tr[data-user='supervisor'] button.reset").click()
    admin.fill("#password-dialog input[name=password]", "qwerty123456")
    admin.click("#password-dialog button[value=ok]")
    admin.wait_for_selector("#error:not([hidden]):has-text('最常见的密码')")
    response = httpx.post(
        f"{live.url}/api/auth/login", json={"username": "supervisor", "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 200


def test_a_supervisor_sees_only_their_halls_clerks(context: Any, live: LiveHall) -> None:
    page = accounts_page(context, live, "supervisor")
    names = page.locator("#users tbody tr").evaluate_all("rows => rows.map(r => r.dataset.user)")
    assert names == ["clerk1", "clerk2"]
    assert page.locator("#users button.change").count() == 0  # roles are the admins'
    assert page.locator("#webhooks-panel").count() == 0
    assert page.locator("#add-user select[name=role] option").evaluate_all("os => os.map(o => o.value)") == [
        "clerk"
    ]
