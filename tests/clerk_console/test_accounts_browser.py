"""The accounts page in Chromium (issue #16 §1): an admin disables a clerk whose console is open
and sees it refused at once; resets a password, and the clerk signs in with the new one."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import expect

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


def test_the_audit_page_lists_the_changes_with_who_made_them(context: Any, live: LiveHall) -> None:
    def post(path: str, who: str, **body: Any) -> None:
        response = httpx.post(f"{live.url}{path}", json=body or None, headers=live.auth(who), timeout=10)
        assert response.status_code in (200, 201), response.text

    post("/api/users", "admin", username="clerk5", role="clerk", hall="weiyang", password=PASSWORD)
    post("/api/users/clerk5/disable", "supervisor")
    read = live.call("GET", "/settings", "admin")
    settings = {**read["settings"], "version": read["version"]}
    settings.pop("id")
    settings["categories"].append({"code": "passport", "prefix": "P", "name": "护照", "name_en": "Passport"})
    live.call("PUT", "/settings", "admin", **settings)
    page = context.new_page()
    page.goto(f"{live.url}/admin/audit")
    sign_in(page, "admin")
    page.wait_for_selector("#audit-page:not([hidden])")
    created = page.locator("#audit tr[data-kind='account.created']", has_text="clerk5")
    assert created.locator(".actor").inner_text() == "管理员 admin"
    assert created.locator(".kind").inner_text() == "创建账号"
    assert created.locator(".details").inner_text() == "角色：窗口人员"
    assert created.locator(".at").inner_text() == "10:00:00"  # the hall's time, the test clock's
    disabled = page.locator("#audit tr[data-kind='account.disabled']", has_text="clerk5")
    assert disabled.locator(".actor").inner_text() == "主管 supervisor"
    configured = page.locator("#audit tr[data-kind='hall.configured']").first
    assert configured.locator(".details").inner_text() == "业务类别：新增 P 护照"
    # Newest first: the disabling is above the creation.
    kinds = page.locator("#audit tbody tr").evaluate_all("rows => rows.map(r => r.dataset.kind)")
    assert kinds.index("account.disabled") < kinds.index("account.created")

    rows = page.locator("#audit tbody tr")
    page.select_option("#audit-filter select[name=actor]", "supervisor:supervisor")
    expect(rows).to_have_count(1)  # the supervisor made one change
    expect(rows.locator(".actor")).to_have_text(["主管 supervisor"])
    page.select_option("#audit-filter select[name=actor]", "")
    page.select_option("#audit-filter select[name=kind]", "account.created")
    expect(rows.locator(".subject")).to_have_text(["clerk5"])
    page.click("#lang")
    page.wait_for_selector("#audit tr[data-kind='account.created'] .kind:has-text('Account created')")
    page.select_option("#audit-filter select[name=kind]", "hall.configured")
    expect(rows.first.locator(".details")).to_have_text("categories: added P Passport")
    page.fill("#audit-filter input[name=day]", "2026-11-22")
    page.dispatch_event("#audit-filter input[name=day]", "change")
    page.wait_for_selector("#audit-empty:not([hidden])")
