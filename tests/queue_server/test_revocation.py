"""Revoking sign-ins (issue #11, item 5): sign-out, password reset, disabled accounts and removed
devices end their tokens on every process within a few seconds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from queue_server.accounts import add_user, remove_device, set_disabled
from queue_server.api import fanout
from queue_server.app import create_app
from queue_server.auth import Role
from queue_server.service import REVOCATION_CHECK_S
from queue_server.storage import Store, open_store
from tests.conftest import PASSWORD, Hall


def on_store(hall: Hall, work: Callable[[Store], Awaitable[Any]]) -> None:
    """As `onewindow user ...` does: another connection to the hall's store."""

    async def run() -> None:
        store = open_store(hall.settings.server.store)
        await store.start()
        try:
            await work(store)
        finally:
            await store.close()

    asyncio.run(run())


def refused_within(client: TestClient, path: str, token: str, seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        r = client.get(path, headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
        if r.status_code == 401 or time.monotonic() > deadline:
            assert r.status_code == 401, f"still accepted after {seconds} s"
            error: dict[str, Any] = r.json()["error"]
            return error
        time.sleep(0.1)


BOARD = "/api/halls/weiyang/board"
CONSOLE = "/api/halls/weiyang/windows/1/console"


def test_sign_out_ends_the_token_at_once(hall: Hall) -> None:
    token = hall.tokens["supervisor"]
    assert hall.client.get(BOARD, headers=hall.auth("supervisor")).status_code == 200
    assert hall.client.post("/api/auth/logout", headers=hall.auth("supervisor")).status_code == 204
    error = refused_within(hall.client, BOARD, token, 0)
    assert error["code"] == "token_revoked" and "sign in again" in error["message"]
    # Signing in again gives a token that works.
    r = hall.client.post("/api/auth/login", json={"username": "supervisor", "password": PASSWORD})
    fresh = r.json()["token"]
    assert hall.client.get(BOARD, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    # A device has no session to end.
    r = hall.client.post("/api/auth/logout", headers=hall.auth("kiosk"))
    assert r.status_code == 403
    assert hall.client.post("/api/auth/logout").status_code == 401


def test_a_password_reset_or_a_disabled_account_ends_its_tokens(hall: Hall) -> None:
    token = hall.tokens["clerk1"]
    assert hall.client.get(CONSOLE, headers=hall.auth("clerk1")).status_code == 200
    on_store(
        hall,
        lambda store: add_user(
            store, hall.settings, hall.clock, "clerk1", Role.CLERK, "a brand new passphrase", "weiyang"
        ),
    )
    assert refused_within(hall.client, CONSOLE, token, REVOCATION_CHECK_S + 3)["code"] == "token_revoked"

    token = hall.tokens["clerk2"]
    on_store(hall, lambda store: set_disabled(store, hall.clock, "clerk2", True))
    refused_within(hall.client, CONSOLE, token, REVOCATION_CHECK_S + 3)
    r = hall.client.post(
        "/api/auth/login",
        json={"username": "clerk2", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 401 and r.json()["error"]["code"] == "account_disabled"


def test_a_removed_device_is_refused_and_its_stream_closed(
    hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fanout, "HEARTBEAT_S", 0.3)
    with hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens['screen']}") as ws:
        assert ws.receive_json()["kind"] == "snapshot"
        on_store(hall, lambda store: remove_device(store, hall.settings, hall.clock, "screen-1", "weiyang"))
        on_store(hall, lambda store: remove_device(store, hall.settings, hall.clock, "kiosk-1", "weiyang"))
        # Removed from another process's connection (the CLI): seen at the next heartbeat.
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(100):
                frame = ws.receive_json()
                if frame["kind"] != "heartbeat":
                    assert frame["code"] == "device_not_registered"
    assert closed.value.code == 4401
    r = hall.client.post(
        "/api/halls/weiyang/tickets", json={"category": "business"}, headers=hall.auth("kiosk")
    )
    assert r.status_code == 401


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["scaled"], indirect=True)
def test_a_sign_out_holds_on_every_process(hall: Hall) -> None:
    """Two apps on the same backends, as two `onewindow serve` processes behind nginx."""
    with TestClient(create_app(hall.settings, hall.clock)) as other:
        token = hall.tokens["supervisor"]
        headers = {"Authorization": f"Bearer {token}"}
        assert other.get(BOARD, headers=headers).status_code == 200  # cached there now
        assert hall.client.post("/api/auth/logout", headers=headers).status_code == 204
        started = time.monotonic()
        refused_within(other, BOARD, token, REVOCATION_CHECK_S + 3)
        assert time.monotonic() - started <= REVOCATION_CHECK_S + 3
