"""Webhooks of a real `onewindow serve` process on the injected clock: a receiver that is down for
a while, a restart in between, and a webhook that fails for a day."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import tomli_w

from queue_server.clock import TEST_CLOCK_ENV, SystemClock
from queue_server.config import load_settings
from queue_server.domain.events import Event
from queue_server.storage import open_store
from tests.conftest import MONDAY_10AM, PASSWORD, demo_config, seed_people
from tests.queue_server.outbound.receiver import Receiver
from tests.server_process import ServerProcess, free_port

pytestmark = pytest.mark.slow
HOOKS = "/api/halls/weiyang/webhooks"
RETRY_MAX_S = 2
WANTED = ["ticket.issued", "ticket.called", "ticket.finished", "window.paused", "window.resumed"]


@dataclass
class Served:
    """The server process, the instant it reads, and the test's tokens."""

    server: ServerProcess
    clock_file: Path
    now: datetime
    kiosk: str
    receiver: Receiver
    http: httpx.Client | None = None

    def start(self) -> None:
        self.server.start(timeout=120)  # a shared machine may be slow to start a process
        self.http = httpx.Client(base_url=self.server.url, timeout=15)

    def restart(self) -> None:
        self.server.stop()
        self.start()

    def move(self, delta: timedelta) -> None:
        self.now += delta
        part = self.clock_file.with_suffix(".part")
        part.write_text(self.now.isoformat(), encoding="utf-8")
        part.replace(self.clock_file)

    def auth(self, name: str) -> dict[str, str]:
        """Signed in afresh: the test's days are longer than a token's life."""
        assert self.http is not None
        reply = self.http.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['token']}"}

    def post(self, path: str, who: dict[str, str], status: int = 200, **body: Any) -> Any:
        assert self.http is not None
        reply = self.http.post(path, json=body, headers=who)
        assert reply.status_code == status, reply.text
        return reply.json()

    def get(self, path: str, who: dict[str, str]) -> Any:
        assert self.http is not None
        reply = self.http.get(path, headers=who)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def issue(self) -> None:
        self.post(
            "/api/halls/weiyang/tickets",
            {"Authorization": f"Bearer {self.kiosk}"},
            201,
            category="business",
        )

    def window(self, clerk: dict[str, str], *verbs: str) -> None:
        for verb in verbs:
            self.post(f"/api/halls/weiyang/windows/1/{verb}", clerk, reason="meeting")

    def ledger(self, after: int) -> list[Event]:
        settings = load_settings(self.server.config)

        async def read() -> list[Event]:
            store = open_store(settings.server.store)
            await store.start()
            try:
                return await store.events_after("weiyang", after, 10_000)
            finally:
                await store.close()

        return asyncio.run(read())


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{tmp_path / 'hall.db'}"
    raw["outbound"] = {
        "poll_seconds": 0.1,
        "timeout_seconds": 2,
        "retry_first_seconds": 0.5,
        "retry_max_seconds": RETRY_MAX_S,
        "give_up_hours": 24,
    }
    config = tmp_path / "config.toml"
    config.write_bytes(tomli_w.dumps(raw).encode())
    tokens = seed_people(load_settings(config), SystemClock())
    clock_file = tmp_path / "clock.txt"
    process = ServerProcess(config, env={TEST_CLOCK_ENV: str(clock_file)})
    hall = Served(
        process, clock_file, MONDAY_10AM, tokens["kiosk"], Receiver(now=lambda: hall.now.timestamp())
    )
    hall.move(timedelta(0))
    hall.receiver.up()
    try:
        hall.start()
        yield hall
    finally:
        process.stop()
        hall.receiver.down()


def until(check: Callable[[], Any], served: Served, timeout_s: float = 30) -> Any:
    """Waits for `check`, moving the server's clock on a second at a time so retries come due."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        served.move(timedelta(seconds=1))
        time.sleep(0.1)
    raise AssertionError("timed out")


def register(served: Served, admin: dict[str, str], url: str, events: list[str]) -> dict[str, Any]:
    created: dict[str, Any] = served.post(HOOKS, admin, 201, url=url, events=events)
    return created


def test_every_event_arrives_once_in_order_after_an_outage_and_a_restart(served: Served) -> None:
    receiver = served.receiver
    admin, clerk = served.auth("admin"), served.auth("clerk1")
    hook = register(served, admin, receiver.url, WANTED)
    receiver.secrets[hook["id"]] = hook["secret"]

    def events() -> list[dict[str, Any]]:
        return receiver.events(hook["id"])

    for _ in range(3):
        served.issue()
    served.window(clerk, "open", "call-next", "start", "finish", "pause", "resume")
    until(lambda: len(events()) == 7, served)

    receiver.down()
    served.issue()
    served.window(clerk, "call-next", "start", "finish")
    log = f"{HOOKS}/{hook['id']}/deliveries"
    failed = until(lambda: [d for d in served.get(log, admin)["deliveries"] if not d["ok"]], served)
    assert failed[0]["status"] is None and "Connect" in failed[0]["error"]

    served.restart()  # while the receiver is still down
    clerk = served.auth("clerk1")
    served.issue()
    served.window(clerk, "call-next")
    receiver.up()
    expected = [e for e in served.ledger(hook["delivered_seq"]) if e.type.value in WANTED]
    until(lambda: len(events()) >= len(expected), served)
    time.sleep(1)  # nothing more (no repeat) comes after

    got = events()
    assert [(e["seq"], e["type"]) for e in got] == [(e.seq, e.type.value) for e in expected]
    assert len(expected) == 7 + 3 + 2
    assert all(d.signed for d in receiver.deliveries)

    # The log is written with the cursor, once per batch: wait for the retry's success in it.
    def attempts_at(seq: int) -> list[dict[str, Any]]:
        return [d for d in served.get(log, admin)["deliveries"] if d["seq"] == seq]

    retried = until(lambda: (found := attempts_at(failed[-1]["seq"])) and found[0]["ok"] and found, served)
    assert retried[0]["ok"] and not retried[-1]["ok"]  # newest first: failed, then delivered


def test_a_webhook_failing_for_a_day_is_disabled_and_the_admin_alerted(served: Served) -> None:
    receiver = served.receiver
    admin = served.auth("admin")
    dead = register(served, admin, f"http://127.0.0.1:{free_port()}/gone", ["ticket.issued"])
    alerts = register(served, admin, receiver.url, ["hall.alert"])
    receiver.secrets[alerts["id"]] = alerts["secret"]
    dead_log = f"{HOOKS}/{dead['id']}/deliveries"

    served.issue()
    until(lambda: served.get(dead_log, admin)["deliveries"], served)
    served.restart()  # the failing since is in the store, not in the process
    served.move(timedelta(hours=23))
    admin = served.auth("admin")
    late = until(lambda: served.get(f"{HOOKS}/{dead['id']}", admin)["attempts"] >= 2, served)
    assert late and served.get(f"{HOOKS}/{dead['id']}", admin)["enabled"] is True

    served.move(timedelta(hours=1))
    until(lambda: not served.get(f"{HOOKS}/{dead['id']}", admin)["enabled"], served)

    # Among the hall's other alerts (the kiosk unseen since its ticket, ...), this one once.
    def given_up() -> list[dict[str, Any]]:
        return [e for e in receiver.events(alerts["id"]) if e["data"]["kind"] == "webhook_disabled"]

    alert = until(given_up, served)[0]
    assert alert["type"] == "hall.alert" and len(given_up()) == 1
    assert alert["data"]["params"]["webhook"] == dead["id"]
    board = served.get("/api/halls/weiyang/alerts", served.auth("supervisor"))["alerts"]
    shown = [a for a in board if a["kind"] == "webhook_disabled"]
    assert len(shown) == 1 and dead["url"] in shown[0]["text"]["en"]

    enabled = served.post(f"{HOOKS}/{dead['id']}/enable", admin)
    assert enabled["enabled"] is True and enabled["attempts"] == 0
    board = served.get("/api/halls/weiyang/alerts", served.auth("supervisor"))["alerts"]
    assert not [a for a in board if a["kind"] == "webhook_disabled"]
