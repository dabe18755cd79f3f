"""A hall's settings changed live on one of two real `onewindow serve` processes (Redis and
PostgreSQL): the other's next ticket, snapshot, screens and refusals follow at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from queue_server.messages import translate
from tests.conftest import GAOXIN, PASSWORD
from tests.queue_server.scaleout.conftest import START_TIMEOUT_S, clocked_env, seeded_hall
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

PASSPORT = {"code": "passport", "prefix": "P", "name": "出入境", "name_en": "Exit-entry"}


@dataclass
class Hall:
    """Two processes of one hall and the supervisor's token (valid on both)."""

    a: ServerProcess
    b: ServerProcess
    auth: dict[str, str]
    screen: str

    def settings(self, server: ServerProcess) -> dict[str, Any]:
        response = httpx.get(f"{server.url}/api/halls/weiyang/settings", headers=self.auth, timeout=30)
        assert response.status_code == 200, response.text
        document: dict[str, Any] = {**response.json()["settings"], "version": response.json()["version"]}
        document.pop("id")
        return document

    def put(self, server: ServerProcess, document: dict[str, Any]) -> httpx.Response:
        return httpx.put(
            f"{server.url}/api/halls/weiyang/settings", json=document, headers=self.auth, timeout=30
        )

    def issue(self, server: ServerProcess, category: str) -> httpx.Response:
        return httpx.post(
            f"{server.url}/api/halls/weiyang/tickets",
            json={"category": category},
            headers=self.auth,
            timeout=30,
        )


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    path, tokens = seeded_hall(tmp_path)
    running = [ServerProcess(path, env=clocked_env(tmp_path)).launch() for _ in range(2)]
    try:
        a, b = (server.wait_ready(START_TIMEOUT_S) for server in running)
        login = httpx.post(
            f"{a.url}/api/auth/login", json={"username": "supervisor", "password": PASSWORD}, timeout=30
        )
        yield Hall(a, b, {"Authorization": f"Bearer {login.json()['token']}"}, tokens["screen"])
    finally:
        for server in running:
            server.stop()


def test_a_change_on_one_process_is_the_others_next_ticket_snapshot_and_screen(hall: Hall) -> None:
    assert hall.issue(hall.b, "business").json()["number"] == "A001"  # B has the hall loaded
    ws_url = hall.b.url.replace("http", "ws") + f"/ws/halls/weiyang?token={hall.screen}"
    with connect(ws_url, open_timeout=30) as screen:
        assert json.loads(screen.recv(timeout=30))["kind"] == "snapshot"
        document = hall.settings(hall.a)
        document["categories"].append(PASSPORT)
        document["windows"].append({"number": 5, "name": "出入境窗口", "categories": ["passport"]})
        changed = hall.put(hall.a, document)
        assert changed.status_code == 200, changed.text
        # B's next ticket, in a category B had never heard of.
        ticket = hall.issue(hall.b, "passport")
        assert ticket.status_code == 201, ticket.text
        assert ticket.json()["number"] == "P001"
        snapshot = httpx.get(f"{hall.b.url}/api/halls/weiyang", headers=hall.auth, timeout=30).json()
        assert snapshot["categories"][-1]["name"] == "出入境"
        assert [w["name"] for w in snapshot["windows"]][-1] == "出入境窗口"
        assert hall.settings(hall.b) == hall.settings(hall.a)
        # B's screen hears of it through Redis (and then takes a fresh snapshot).
        while (message := json.loads(screen.recv(timeout=30)))["kind"] != "event":
            pass
        assert message["type"] == "hall.configured"
        assert message["seq"] == changed.json()["seq"]
        assert message["actor"] == "supervisor:supervisor"
    document_b = httpx.get(f"{hall.b.url}/api/openapi.json", timeout=30).json()
    categories = document_b["components"]["schemas"]["IssueTicketBody"]["properties"]["category"]["enum"]
    assert "passport" in categories


def test_a_process_refuses_a_change_that_the_others_tickets_stand_in_the_way_of(hall: Hall) -> None:
    document = hall.settings(hall.b)
    number = hall.issue(hall.a, "tax").json()["number"]  # on A, after B read the settings
    document["categories"] = [c for c in document["categories"] if c["code"] != "tax"]
    refused = hall.put(hall.b, document)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "settings_category_in_use"
    assert refused.json()["error"]["params"]["numbers"] == number


def test_two_changes_at_once_on_two_processes_both_apply_in_one_order(hall: Hall) -> None:
    base = hall.settings(hall.a)
    on_a = {**base, "notice": "A 的公告", "priority_ratio": 3}
    on_b = {**base, "notice": "B 的公告", "aging_minutes": 60}

    async def both() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(timeout=60, headers=hall.auth) as client:
            return await asyncio.gather(
                client.put(f"{hall.a.url}/api/halls/weiyang/settings", json=on_a),
                client.put(f"{hall.b.url}/api/halls/weiyang/settings", json=on_b),
            )

    first, second = asyncio.run(both())
    # Both saved from the same settings: the one decided second would undo the first's change.
    assert sorted([first.status_code, second.status_code]) == [200, 409], (first.text, second.text)
    refused = first if first.status_code == 409 else second
    assert refused.json()["error"]["code"] == "settings_stale"
    last = on_a if first.status_code == 200 else on_b
    for server in (hall.a, hall.b):
        assert hall.settings(server)["notice"] == last["notice"]
        snapshot = httpx.get(f"{server.url}/api/halls/weiyang", headers=hall.auth, timeout=30).json()
        assert snapshot["hall"]["notice"] == last["notice"]


def test_a_hall_added_on_one_process_issues_on_the_other_and_retired_is_gone_there(hall: Hall) -> None:
    admin = _gaoxin_added_on_a(hall)
    added = httpx.post(
        f"{hall.a.url}/api/halls/gaoxin/devices", json={"name": "kiosk-1", "kind": "kiosk"}, headers=admin
    )
    assert added.status_code == 201, added.text
    kiosk = {"Authorization": f"Bearer {added.json()['token']}"}

    def issue_on_b() -> httpx.Response:
        return httpx.post(
            f"{hall.b.url}/kiosk/api/halls/gaoxin/tickets", json={"category": "business"}, headers=kiosk
        )

    issued = _within(5.0, issue_on_b, lambda r: r.status_code != 404)
    assert issued.status_code == 201, issued.text
    assert issued.json()["ticket"]["number"] == "A001"
    assert "gaoxin" in [h["id"] for h in httpx.get(f"{hall.b.url}/api/halls").json()["halls"]]

    refused = httpx.delete(f"{hall.a.url}/api/halls/gaoxin", headers=admin, timeout=30)
    assert refused.status_code == 409 and "1 open tickets" in refused.json()["error"]["message"]
    ticket = issued.json()["ticket"]["id"]
    cancelled = httpx.post(
        f"{hall.b.url}/api/halls/gaoxin/tickets/{ticket}/cancel", json={}, headers=admin, timeout=30
    )
    assert cancelled.status_code == 200, cancelled.text
    assert httpx.delete(f"{hall.a.url}/api/halls/gaoxin", headers=admin, timeout=30).status_code == 200
    # B's next step is refused at once (the ledger's last step is the retirement) ...
    assert issue_on_b().status_code == 404
    # ... and its pages are gone within its next look at the store's halls.
    gone = _within(
        5.0,
        lambda: httpx.get(f"{hall.b.url}/kiosk/api/halls/gaoxin", headers={**kiosk, "Accept-Language": "en"}),
        lambda r: r.status_code == 404,
    )
    assert gone.status_code == 404 and "retired" in gone.json()["error"]["message"]


def _gaoxin_added_on_a(hall: Hall) -> dict[str, str]:
    """The hall gaoxin added on A, open all day; the admin's headers (answers in English)."""
    login = httpx.post(
        f"{hall.a.url}/api/auth/login", json={"username": "admin", "password": PASSWORD}, timeout=30
    )
    admin = {"Authorization": f"Bearer {login.json()['token']}", "Accept-Language": "en"}
    created = httpx.post(f"{hall.a.url}/api/halls", json=GAOXIN, headers=admin, timeout=30)
    assert created.status_code == 201, created.text
    return admin


def _within(seconds: float, request: Any, done: Any) -> httpx.Response:
    """The first answer `done` accepts, asking again for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        response: httpx.Response = request()
        if done(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def test_a_retired_halls_screens_are_closed_in_words_on_both_processes_and_its_people_refused(
    hall: Hall,
) -> None:
    admin = _gaoxin_added_on_a(hall)
    added = httpx.post(
        f"{hall.a.url}/api/halls/gaoxin/devices", json={"name": "screen-1", "kind": "screen"}, headers=admin
    )
    assert added.status_code == 201, added.text
    screen = added.json()["token"]
    printer = httpx.post(
        f"{hall.a.url}/api/halls/gaoxin/devices", json={"name": "printer-1", "kind": "printer"}, headers=admin
    ).json()["token"]
    clerk = {"username": "gaoxin-clerk", "role": "clerk", "hall": "gaoxin", "password": PASSWORD}
    assert httpx.post(f"{hall.a.url}/api/users", json=clerk, headers=admin, timeout=30).status_code == 201
    signed_in = httpx.post(
        f"{hall.b.url}/api/auth/login", json={"username": "gaoxin-clerk", "password": PASSWORD}, timeout=30
    )
    assert signed_in.status_code == 200, signed_in.text
    clerk_token = signed_in.json()["token"]
    admin_token = admin["Authorization"].removeprefix("Bearer ")

    sockets = contextlib.ExitStack()

    def watch(server: ServerProcess, token: str) -> Any:
        url = server.url.replace("http", "ws") + f"/ws/halls/gaoxin?token={token}"
        ws = sockets.enter_context(
            connect(url, open_timeout=30, additional_headers={"Accept-Language": "en"})
        )
        first = json.loads(ws.recv(timeout=10))
        assert first["kind"] == "snapshot", first
        return ws

    # B learns of gaoxin within its next look at the store's halls.
    with sockets:
        screen_on_b = _within_ws(5.0, lambda: watch(hall.b, screen))
        console_on_b = watch(hall.b, clerk_token)
        admin_on_a = watch(hall.a, admin_token)
        agent_url = hall.b.url.replace("http", "ws") + f"/print/agent?token={printer}"
        agent_on_b = sockets.enter_context(connect(agent_url, open_timeout=30))
        assert json.loads(agent_on_b.recv(timeout=10))["type"] == "hello"
        _retire_and_see_closed(hall, admin, [admin_on_a, screen_on_b, console_on_b])
        # The hall's print agent is cut off too, told why (it reconnects and is refused so).
        said, code, reason = _closed(agent_on_b, 5.0)
        assert (code, said["code"]) == (4401, "token_hall_retired")
        assert reason == translate("error.token_hall_retired", "en")  # words, for the agent's log

    # The hall's device and hall-bound account are refused, in words; the admin is not.
    for server in (hall.a, hall.b):
        for token in (screen, clerk_token):
            refused = httpx.get(
                f"{server.url}/api/halls/weiyang",
                headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
                timeout=30,
            )
            assert refused.status_code == 401, refused.text
            assert "hall of this account or device has been retired" in refused.json()["error"]["message"]
        again = httpx.post(
            f"{server.url}/api/auth/login",
            json={"username": "gaoxin-clerk", "password": PASSWORD},
            headers={"Accept-Language": "en"},
            timeout=30,
        )
        assert again.status_code == 401 and "retired" in again.json()["error"]["message"]
        assert httpx.get(f"{server.url}/api/halls/weiyang", headers=admin, timeout=30).status_code == 200


def _retire_and_see_closed(hall: Hall, admin: dict[str, str], sockets: list[Any]) -> None:
    assert httpx.delete(f"{hall.a.url}/api/halls/gaoxin", headers=admin, timeout=30).status_code == 200
    started = time.monotonic()
    # The admin's console on A is closed at once; the screen and the console on B within B's
    # next look at the store's halls (HALLS_CHECK_S), not at their next reconnection.
    for ws in sockets:
        said, code, reason = _closed(ws, 5.0)
        assert code == 4404, (code, reason)
        assert reason == "Hall gaoxin has been retired and is no longer served (its records are kept)"
        assert said["code"] == "hall_retired" and "retired" in said["message"]
    assert time.monotonic() - started < 3.0


def _within_ws(seconds: float, open_: Any) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return open_()
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _closed(ws: Any, seconds: float) -> tuple[dict[str, Any], int, str]:
    """The error frame said last before the socket closed, and its close code and reason."""
    said: dict[str, Any] = {}
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            frame = json.loads(ws.recv(timeout=deadline - time.monotonic()))
            if "error" in (frame.get("kind"), frame.get("type")):
                said = frame
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return said, closed.rcvd.code, closed.rcvd.reason
    raise AssertionError("the socket stayed open")
