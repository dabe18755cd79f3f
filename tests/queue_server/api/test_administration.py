"""Accounts and devices through the API (issue #16 §1): create, disable, enable, reset, change
role and hall; list, rename, revoke and re-issue devices; and who may do which."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from queue_server.accounts import add_device, add_user, set_disabled
from queue_server.api.stream import CLOSE_TRY_AGAIN, STORE_UNAVAILABLE
from queue_server.app import create_app
from queue_server.auth import DeviceKind, Role
from queue_server.clock import ManualClock
from queue_server.config import parse_settings
from queue_server.messages import translate
from queue_server.notices import tell_servers
from queue_server.service import REVOCATION_CHECK_S, QueueService
from queue_server.storage import open_store
from queue_server.storage.base import StoreUnavailable
from tests.conftest import MONDAY_10AM, PASSWORD, Hall, demo_config

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "a brand new passphrase"
CONSOLE = "/api/halls/weiyang/windows/1/console"
DEVICES = "/api/halls/weiyang/devices"


def as_(hall: Hall, who: str) -> dict[str, str]:
    return {**hall.auth(who), **EN}


def error(response: Any) -> dict[str, Any]:
    result: dict[str, Any] = response.json()["error"]
    return result


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    return client.post("/api/auth/login", json={"username": name, "password": password}, headers=EN)


def device_id(hall: Hall, name: str) -> str:
    devices = hall.client.get(DEVICES, headers=hall.auth("admin")).json()["devices"]
    return str(next(d["id"] for d in devices if d["name"] == name))


def test_an_admin_creates_disables_enables_and_resets_an_account(hall: Hall) -> None:
    body = {"username": "clerk9", "role": "clerk", "hall": "weiyang", "password": PASSWORD}
    r = hall.client.post("/api/users", json=body, headers=as_(hall, "admin"))
    assert r.status_code == 201 and r.json()["disabled"] is False
    token = sign_in(hall.client, "clerk9").json()["token"]
    clerk = {"Authorization": f"Bearer {token}", **EN}
    assert hall.client.get(CONSOLE, headers=clerk).status_code == 200

    r = hall.client.post("/api/users/clerk9/disable", headers=as_(hall, "admin"))
    assert r.status_code == 200 and r.json()["disabled"] is True
    # At once (no wait for the cached sign-in to age), with the reason in words.
    r = hall.client.get(CONSOLE, headers=clerk)
    assert r.status_code == 401 and error(r)["code"] == "account_disabled"
    assert "disabled" in error(r)["message"]
    assert error(sign_in(hall.client, "clerk9"))["code"] == "account_disabled"

    assert (
        hall.client.post("/api/users/clerk9/enable", headers=as_(hall, "admin")).json()["disabled"] is False
    )
    # The token from before the disabling stays dead; a new sign-in works.
    assert error(hall.client.get(CONSOLE, headers=clerk))["code"] == "token_revoked"
    token = sign_in(hall.client, "clerk9").json()["token"]
    clerk = {"Authorization": f"Bearer {token}", **EN}

    r = hall.client.post(
        "/api/users/clerk9/password", json={"password": NEW_PASSWORD}, headers=as_(hall, "admin")
    )
    assert r.status_code == 200
    assert error(hall.client.get(CONSOLE, headers=clerk))["code"] == "token_revoked"
    assert error(sign_in(hall.client, "clerk9"))["code"] == "bad_credentials"
    assert sign_in(hall.client, "clerk9", NEW_PASSWORD).status_code == 200

    listed = {
        u["username"]: u for u in hall.client.get("/api/users", headers=hall.auth("admin")).json()["users"]
    }
    assert listed["clerk9"]["disabled"] is False and listed["clerk9"]["hall"] == "weiyang"


def test_a_new_password_is_held_to_the_policy_in_words(hall: Hall) -> None:
    for password, words in [("short", "at least 12 characters"), ("qwerty123456", "most common passwords")]:
        r = hall.client.post(
            "/api/users/clerk1/password", json={"password": password}, headers=as_(hall, "admin")
        )
        assert r.status_code == 422 and words in error(r)["message"]
    r = hall.client.post(
        "/api/users/clerk1/password",
        json={"password": "short"},
        headers={**hall.auth("admin"), "Accept-Language": "zh-CN"},
    )
    assert "至少需要 12 个字符" in error(r)["message"]
    # Nothing changed: the old password still signs in.
    assert sign_in(hall.client, "clerk1").status_code == 200


def test_changing_the_role_ends_the_tokens_and_signs_in_with_the_new_role(hall: Hall) -> None:
    r = hall.client.patch(
        "/api/users/clerk2", json={"role": "supervisor", "hall": "weiyang"}, headers=as_(hall, "admin")
    )
    assert r.status_code == 200 and r.json()["role"] == "supervisor"
    assert error(hall.client.get(CONSOLE, headers=as_(hall, "clerk2")))["code"] == "token_revoked"
    assert sign_in(hall.client, "clerk2").json()["role"] == "supervisor"
    r = hall.client.patch("/api/users/clerk2", json={"role": "admin"}, headers=as_(hall, "admin"))
    assert r.json()["role"] == "admin" and r.json()["hall"] is None
    # Only admins change roles.
    r = hall.client.patch(
        "/api/users/clerk1", json={"role": "supervisor", "hall": "weiyang"}, headers=as_(hall, "supervisor")
    )
    assert r.status_code == 403


def test_the_last_admin_can_be_neither_disabled_nor_demoted(hall: Hall) -> None:
    r = hall.client.post("/api/users/admin/disable", headers=as_(hall, "admin"))
    assert r.status_code == 409 and error(r)["code"] == "last_admin"
    assert "last enabled admin" in error(r)["message"]
    r = hall.client.patch(
        "/api/users/admin", json={"role": "clerk", "hall": "weiyang"}, headers=as_(hall, "admin")
    )
    assert r.status_code == 409 and error(r)["code"] == "last_admin"
    assert hall.client.get("/api/users", headers=hall.auth("admin")).status_code == 200  # still an admin
    # With a second admin, the first may step down.
    body = {"username": "admin2", "role": "admin", "password": PASSWORD}
    assert hall.client.post("/api/users", json=body, headers=hall.auth("admin")).status_code == 201
    assert hall.client.post("/api/users/admin/disable", headers=as_(hall, "admin")).status_code == 200


def test_unknown_accounts_and_devices_are_404_in_words(hall: Hall) -> None:
    r = hall.client.post("/api/users/nobody/disable", headers=as_(hall, "admin"))
    assert r.status_code == 404 and error(r)["message"] == "There is no account nobody"
    for method, path in [("PATCH", "/nope"), ("DELETE", "/nope"), ("POST", "/nope/token")]:
        r = hall.client.request(method, DEVICES + path, json={"name": "x"}, headers=as_(hall, "admin"))
        assert r.status_code == 404 and error(r)["message"] == "Hall weiyang has no device nope", (
            method,
            path,
        )


def test_clerks_and_devices_manage_nothing(hall: Hall) -> None:
    for who in ("clerk1", "kiosk"):
        assert hall.client.get("/api/users", headers=as_(hall, who)).status_code == 403
        assert hall.client.post("/api/users/clerk2/disable", headers=as_(hall, who)).status_code == 403
        assert (
            hall.client.delete(f"{DEVICES}/{device_id(hall, 'screen-1')}", headers=as_(hall, who)).status_code
            == 403
        )


@pytest.fixture
def two_halls(tmp_path: Path) -> Iterator[Hall]:
    """weiyang and a second hall, beilin, with a clerk and a screen of its own."""
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{tmp_path / 'onewindow.db'}"
    other = copy.deepcopy(raw["halls"][0])
    other.update(id="beilin", name="碑林区政务服务大厅", name_en="Beilin Government Service Hall")
    raw["halls"].append(other)
    settings = parse_settings(raw, base_dir=tmp_path)
    clock = ManualClock(MONDAY_10AM)

    async def seed() -> dict[str, str]:
        store = open_store(settings.server.store)
        await store.start()
        try:
            await add_user(store, settings, clock, "supervisor", Role.SUPERVISOR, PASSWORD, "weiyang")
            await add_user(store, settings, clock, "clerk1", Role.CLERK, PASSWORD, "weiyang")
            await add_user(store, settings, clock, "beilin-clerk", Role.CLERK, PASSWORD, "beilin")
            await add_user(store, settings, clock, "admin", Role.ADMIN, PASSWORD, None)
            return {
                "beilin-screen": await add_device(
                    store, settings, clock, "screen-b", DeviceKind.SCREEN, "beilin"
                )
            }
        finally:
            await store.close()

    tokens = asyncio.run(seed())
    with TestClient(create_app(settings, clock)) as client:
        for name in ("supervisor", "admin"):
            tokens[name] = sign_in(client, name).json()["token"]
        yield Hall(client, clock, settings, tokens)


def test_a_supervisor_manages_only_their_own_halls_clerks(two_halls: Hall) -> None:
    hall = two_halls
    listed = [
        u["username"] for u in hall.client.get("/api/users", headers=hall.auth("supervisor")).json()["users"]
    ]
    assert listed == ["clerk1"]
    r = hall.client.post("/api/users/beilin-clerk/disable", headers=as_(hall, "supervisor"))
    assert r.status_code == 403 and error(r)["message"] == "You may not act in hall beilin"
    body = {"username": "clerk7", "role": "clerk", "hall": "beilin", "password": PASSWORD}
    assert hall.client.post("/api/users", json=body, headers=as_(hall, "supervisor")).status_code == 403
    r = hall.client.post("/api/users/admin/disable", headers=as_(hall, "supervisor"))
    assert r.status_code == 403 and error(r)["code"] == "forbidden_account"
    body = {"username": "boss", "role": "supervisor", "hall": "weiyang", "password": PASSWORD}
    assert hall.client.post("/api/users", json=body, headers=as_(hall, "supervisor")).status_code == 403
    # Their own hall's clerks they do manage: a clerk added without a hall is theirs.
    body = {"username": "clerk7", "role": "clerk", "password": PASSWORD}
    r = hall.client.post("/api/users", json=body, headers=as_(hall, "supervisor"))
    assert r.status_code == 201 and r.json()["hall"] == "weiyang"
    assert hall.client.post("/api/users/clerk1/disable", headers=as_(hall, "supervisor")).status_code == 200
    r = hall.client.post(
        "/api/users/clerk1/password", json={"password": NEW_PASSWORD}, headers=as_(hall, "supervisor")
    )
    assert r.status_code == 200
    # And the devices of their own hall only.
    r = hall.client.get("/api/halls/beilin/devices", headers=as_(hall, "supervisor"))
    assert r.status_code == 403
    beilin = hall.client.get("/api/halls/beilin/devices", headers=hall.auth("admin")).json()["devices"]
    r = hall.client.delete(f"/api/halls/beilin/devices/{beilin[0]['id']}", headers=as_(hall, "supervisor"))
    assert r.status_code == 403
    # A device id of another hall is unknown in this one.
    r = hall.client.delete(f"/api/halls/weiyang/devices/{beilin[0]['id']}", headers=as_(hall, "supervisor"))
    assert r.status_code == 404


def test_devices_are_listed_renamed_reissued_and_revoked(hall: Hall) -> None:
    with hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens['screen']}") as ws:
        assert ws.receive_json()["kind"] == "snapshot"
        devices = hall.client.get(DEVICES, headers=hall.auth("supervisor")).json()["devices"]
        screen = next(d for d in devices if d["name"] == "screen-1")
        assert screen["kind"] == "screen" and screen["hall"] == "weiyang"
        assert screen["connected"] and screen["last_seen"] is not None
        assert next(d for d in devices if d["name"] == "rater-1")["window"] == 1

        r = hall.client.patch(
            f"{DEVICES}/{screen['id']}", json={"name": "kiosk-1"}, headers=as_(hall, "supervisor")
        )
        assert (
            r.status_code == 409 and error(r)["message"] == "Hall weiyang already has a device named kiosk-1"
        )
        r = hall.client.patch(
            f"{DEVICES}/{screen['id']}", json={"name": "lobby-screen"}, headers=hall.auth("supervisor")
        )
        assert r.status_code == 200 and r.json()["name"] == "lobby-screen"

        r = hall.client.post(f"{DEVICES}/{screen['id']}/token", headers=hall.auth("supervisor"))
        fresh = r.json()["token"]
        assert r.status_code == 200 and fresh.startswith("owd_") and fresh != hall.tokens["screen"]
        # The old token's socket is told why and closed at once, not at the next heartbeat.
        said = ws.receive_json()
        assert said["kind"] == "error" and said["code"] == "device_not_registered"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4401
    r = hall.client.get(
        "/api/halls/weiyang", headers={"Authorization": f"Bearer {hall.tokens['screen']}", **EN}
    )
    assert r.status_code == 401 and "revoked or re-issued" in error(r)["message"]
    assert (
        hall.client.get("/api/halls/weiyang", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    )

    kiosk = device_id(hall, "kiosk-1")
    assert hall.client.delete(f"{DEVICES}/{kiosk}", headers=hall.auth("admin")).status_code == 204
    r = hall.client.post(
        "/api/halls/weiyang/tickets", json={"category": "business"}, headers=as_(hall, "kiosk")
    )
    assert r.status_code == 401 and error(r)["code"] == "device_not_registered"
    assert "kiosk-1" not in [
        d["name"] for d in hall.client.get(DEVICES, headers=hall.auth("admin")).json()["devices"]
    ]


def test_a_device_is_registered_with_its_token_shown_once(hall: Hall) -> None:
    r = hall.client.post(
        DEVICES, json={"name": "rater-3", "kind": "screen", "window": 3}, headers=hall.auth("admin")
    )
    assert r.status_code == 201 and r.json()["window"] == 3
    token = r.json()["token"]
    assert hall.client.get("/rate/halls/weiyang/windows/3", params={"token": token}).status_code == 200
    assert "token" not in hall.client.get(DEVICES, headers=hall.auth("admin")).json()["devices"][0]
    r = hall.client.post(
        DEVICES, json={"name": "k", "kind": "kiosk", "window": 3}, headers=as_(hall, "admin")
    )
    assert r.status_code == 422 and error(r)["code"] == "window_binds_screen"


def test_a_disabled_clerks_open_console_stream_is_closed_at_once(hall: Hall) -> None:
    with hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens['clerk1']}") as ws:
        assert ws.receive_json()["kind"] == "snapshot"
        assert hall.client.post("/api/users/clerk1/disable", headers=hall.auth("admin")).status_code == 200
        said = ws.receive_json()
        assert said["code"] == "account_disabled" and "停用" in said["message"]
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4401


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["scaled"], indirect=True)
def test_a_disabled_account_is_refused_at_once_on_every_process(hall: Hall) -> None:
    """Two apps on the same Redis and PostgreSQL, as two `onewindow serve` processes: the other
    refuses the account sooner than its cached sign-in ages, and closes its open stream."""
    with TestClient(create_app(hall.settings, hall.clock)) as other:
        headers = hall.auth("clerk1")
        assert other.get(CONSOLE, headers=headers).status_code == 200  # cached there now
        with other.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens['clerk1']}") as ws:
            assert ws.receive_json()["kind"] == "snapshot"
            started = time.monotonic()
            assert (
                hall.client.post("/api/users/clerk1/disable", headers=hall.auth("admin")).status_code == 200
            )
            assert ws.receive_json()["code"] == "account_disabled"
            closed_after = time.monotonic() - started
            with pytest.raises(WebSocketDisconnect):
                ws.receive_json()
        assert other.get(CONSOLE, headers=headers).status_code == 401
        assert closed_after < REVOCATION_CHECK_S


def test_every_change_is_audited_with_who_and_when_newest_first(hall: Hall) -> None:
    admin = hall.auth("admin")
    body = {"username": "clerk9", "role": "clerk", "hall": "weiyang", "password": PASSWORD}
    hall.client.post("/api/users", json=body, headers=admin)
    hall.clock.advance(timedelta(minutes=1))
    hall.client.post("/api/users/clerk9/disable", headers=hall.auth("supervisor"))
    hall.clock.advance(timedelta(minutes=1))
    hall.client.patch("/api/users/clerk9", json={"role": "supervisor", "hall": "weiyang"}, headers=admin)
    hall.clock.advance(timedelta(minutes=1))
    screen = device_id(hall, "screen-1")
    hall.client.patch(f"{DEVICES}/{screen}", json={"name": "lobby"}, headers=admin)
    hall.client.post(f"{DEVICES}/{screen}/token", headers=admin)
    hall.clock.advance(timedelta(minutes=1))
    hall.ok(3, "set-services", who="supervisor", categories=["business"])
    hall.client.post(
        "/api/halls/weiyang/notices", json={"text": "今日延时服务至 19:00"}, headers=hall.auth("supervisor")
    )

    r = hall.client.get("/api/audit", headers=admin)
    assert (
        r.status_code == 200 and r.json()["day"] == "2026-11-23" and r.json()["timezone"] == "Asia/Shanghai"
    )
    entries = r.json()["entries"]
    assert [(e["kind"], e["actor"], e["subject"]) for e in entries] == [
        ("hall.notice", "supervisor:supervisor", "今日延时服务至 19:00"),
        ("window.services_changed", "supervisor:supervisor", "3"),
        ("device.token_reissued", "admin:admin", "lobby"),
        ("device.renamed", "admin:admin", "lobby"),
        ("account.changed", "admin:admin", "clerk9"),
        ("account.disabled", "supervisor:supervisor", "clerk9"),
        ("account.created", "admin:admin", "clerk9"),
    ]
    assert entries[-1]["at"] == MONDAY_10AM.isoformat()
    assert entries[1]["data"] == {"categories": ["business"]}
    assert entries[3]["data"] == {"kind": "screen", "before": "screen-1"}
    assert entries[4]["data"] == {"role": ["clerk", "supervisor"], "hall": ["weiyang", "weiyang"]}

    by_supervisor = hall.client.get(
        "/api/audit", params={"actor": "supervisor:supervisor"}, headers=admin
    ).json()
    assert [e["kind"] for e in by_supervisor["entries"]] == [
        "hall.notice",
        "window.services_changed",
        "account.disabled",
    ]
    assert "admin:admin" in by_supervisor["actors"]  # the filter's choices are the whole day's
    renames = hall.client.get("/api/audit", params={"kind": "device.renamed"}, headers=admin).json()[
        "entries"
    ]
    assert len(renames) == 1
    assert hall.client.get("/api/audit", params={"day": "2026-11-22"}, headers=admin).json()["entries"] == []
    r = hall.client.get("/api/audit", params={"day": "23.11.2026"}, headers=as_(hall, "admin"))
    assert r.status_code == 422 and "day" in error(r)["message"]
    assert hall.client.get("/api/audit", headers=hall.auth("clerk1")).status_code == 403


def test_a_supervisor_audits_only_their_own_hall(two_halls: Hall) -> None:
    hall = two_halls
    hall.client.post("/api/users/beilin-clerk/disable", headers=hall.auth("admin"))
    hall.client.post("/api/users/clerk1/disable", headers=hall.auth("admin"))
    seen = hall.client.get("/api/audit", headers=hall.auth("supervisor")).json()["entries"]
    assert [(e["subject"], e["hall"]) for e in seen] == [("clerk1", "weiyang")]
    assert len(hall.client.get("/api/audit", headers=hall.auth("admin")).json()["entries"]) == 2


def test_a_revoked_print_agent_is_cut_off_at_once(hall: Hall) -> None:
    r = hall.client.post(DEVICES, json={"name": "printer-9", "kind": "printer"}, headers=hall.auth("admin"))
    printer = r.json()
    with hall.client.websocket_connect(f"/print/agent?token={printer['token']}") as agent:
        assert agent.receive_json()["type"] == "hello"
        assert hall.client.delete(f"{DEVICES}/{printer['id']}", headers=hall.auth("admin")).status_code == 204
        refusal = agent.receive_json()
        assert (refusal["type"], refusal["code"]) == ("error", "device_not_registered")
        assert refusal["message"] == translate("error.device_not_registered", "zh-CN")  # for the agent's log
        with pytest.raises(WebSocketDisconnect) as closed:
            agent.receive_json()
        words = translate("error.device_not_registered", "en")
        assert (closed.value.code, closed.value.reason) == (4401, words)


def test_a_print_agent_s_garbled_messages_are_logged_and_its_link_kept(
    hall: Hall, caplog: pytest.LogCaptureFixture
) -> None:
    # An agent of another version, or a broken one, must not take the link down with a stack
    # trace: its next good message still tells the hall what the printer is doing.
    r = hall.client.post(
        DEVICES, json={"name": "demo-printer", "kind": "printer"}, headers=hall.auth("admin")
    )
    garbled = [
        "not json {",
        '{"type": "status", "state": "error", "message": "\\ud800"}',  # half a UTF-16 pair
        "[" * 10_000,
    ]
    with hall.client.websocket_connect(f"/print/agent?token={r.json()['token']}") as agent:
        assert agent.receive_json()["type"] == "hello"
        for text in garbled:
            agent.send_text(text)
        agent.send_bytes(b'{"type": "status", "state": "error", "message": "binary"}')
        agent.send_json({"type": "status", "state": "error", "message": "paper jam"})
        deadline = time.monotonic() + 5
        while True:
            r = hall.client.get("/api/halls/weiyang/printers", headers=hall.auth("supervisor"))
            (printer,) = r.json()["printers"]
            if printer["message"] == "paper jam" or time.monotonic() > deadline:
                break
            time.sleep(0.02)
    assert (printer["connected"], printer["state"], printer["message"]) == (True, "error", "paper jam")
    not_json = [rec for rec in caplog.records if "not JSON text" in rec.getMessage()]
    assert len(not_json) == 4 and all("demo-printer" in rec.getMessage() for rec in not_json)


def test_a_print_agent_whose_device_cannot_be_read_is_told_to_come_back_soon(
    hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = hall.client.post(DEVICES, json={"name": "printer-9", "kind": "printer"}, headers=hall.auth("admin"))

    async def store_busy(self: QueueService, token: str) -> None:
        raise StoreUnavailable("every connection busy")

    monkeypatch.setattr(QueueService, "authenticate", store_busy)
    url = f"/print/agent?token={r.json()['token']}"
    with hall.client.websocket_connect(url) as agent, pytest.raises(WebSocketDisconnect) as closed:
        agent.receive_json()
    assert (closed.value.code, closed.value.reason) == (CLOSE_TRY_AGAIN, STORE_UNAVAILABLE)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["scaled"], indirect=True)
def test_a_disabling_from_the_command_line_reaches_the_running_servers_at_once(hall: Hall) -> None:
    """`onewindow user disable` writes the store and tells the servers over Redis, as they do."""
    with hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens['clerk1']}") as ws:
        assert ws.receive_json()["kind"] == "snapshot"
        started = time.monotonic()

        async def disable() -> None:
            store = open_store(hall.settings.server.store)
            await store.start()
            try:
                await set_disabled(store, hall.clock, "clerk1", True, actor="system:cli")
            finally:
                await store.close()
            assert await tell_servers(hall.settings.server.bus, "clerk1")

        asyncio.run(disable())
        assert ws.receive_json()["code"] == "account_disabled"
        assert time.monotonic() - started < REVOCATION_CHECK_S
    assert (
        hall.client.get("/api/audit", headers=hall.auth("admin")).json()["entries"][0]["actor"]
        == "system:cli"
    )
    assert not asyncio.run(tell_servers("memory://", "clerk1"))


def test_a_kiosk_the_printer_settings_name_is_not_renamed_behind_their_back(hall: Hall) -> None:
    r = hall.client.post(DEVICES, json={"name": "demo-kiosk", "kind": "kiosk"}, headers=hall.auth("admin"))
    r = hall.client.patch(f"{DEVICES}/{r.json()['id']}", json={"name": "kiosk-2"}, headers=as_(hall, "admin"))
    assert r.status_code == 409 and error(r)["code"] == "device_in_config"
    assert "The kiosk demo-kiosk is named in the printers of the hall's settings" in error(r)["message"]


def test_a_change_to_the_hall_settings_is_on_the_audit(hall: Hall) -> None:
    """The hall settings' own ledger event (`hall.configured`), with who made it."""
    path = "/api/halls/weiyang/settings"
    read = hall.client.get(path, headers=hall.auth("supervisor")).json()
    settings = {**read["settings"], "version": read["version"]}
    settings.pop("id")
    settings["notice"] = "本周六上午照常办公"
    settings["categories"].append({"code": "passport", "prefix": "P", "name": "护照", "name_en": "Passport"})
    assert hall.client.put(path, json=settings, headers=hall.auth("supervisor")).status_code == 200
    entries = hall.client.get("/api/audit", headers=hall.auth("admin")).json()["entries"]
    # The document itself stays out; what it changed of the settings before is in.
    assert [(e["kind"], e["actor"], e["subject"], e["data"]) for e in entries] == [
        (
            "hall.configured",
            "supervisor:supervisor",
            "weiyang",
            {
                "changes": [
                    {"part": "field", "change": "changed", "name": "notice", "name_en": "notice"},
                    {"part": "categories", "change": "added", "name": "P 护照", "name_en": "P Passport"},
                ]
            },
        )
    ]
