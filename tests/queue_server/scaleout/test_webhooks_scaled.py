"""Webhooks of a hall served by two real `onewindow serve` processes on PostgreSQL and Redis:
one process at a time delivers (the webhook's advisory lock), every event once and in seq
order, and when the deliverer is killed (kill -9) the other takes over from the stored seq."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from queue_server.storage import open_store
from tests.conftest import PASSWORD, POSTGRES_URL
from tests.queue_server.outbound.receiver import Receiver
from tests.queue_server.scaleout.conftest import START_TIMEOUT_S, servers
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


def token(server: ServerProcess, name: str) -> dict[str, str]:
    reply = httpx.post(f"{server.url}/api/auth/login", json={"username": name, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['token']}"}


def issue(server: ServerProcess, who: dict[str, str]) -> None:
    reply = httpx.post(
        f"{server.url}/api/halls/weiyang/tickets", json={"category": "business"}, headers=who, timeout=15
    )
    assert reply.status_code == 201, reply.text


def issued_seqs(after: int) -> list[int]:
    async def read() -> list[int]:
        store = open_store(POSTGRES_URL)
        await store.start()
        try:
            events = await store.events_after("weiyang", after, 10_000)
            return [e.seq for e in events if e.type.value == "ticket.issued"]
        finally:
            await store.close()

    return asyncio.run(read())


def until(check: Callable[[], Any], timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_one_deliverer_at_a_time_in_order_and_another_takes_over(scaled_config: Path) -> None:
    receiver = Receiver(now=time.time).up()
    a, b = servers(scaled_config, 2)
    try:
        reply = httpx.post(
            f"{a.url}/api/halls/weiyang/webhooks",
            json={"url": receiver.url, "events": ["ticket.issued"]},
            headers=token(a, "admin"),
        )
        assert reply.status_code == 201, reply.text
        hook = reply.json()
        receiver.secrets[hook["id"]] = hook["secret"]

        def seqs() -> list[int]:
            return [e["seq"] for e in receiver.events(hook["id"])]

        staff = {a.url: token(a, "supervisor"), b.url: token(b, "supervisor")}
        for i in range(20):  # both processes take steps, as behind a load balancer
            server = (a, b)[i % 2]
            issue(server, staff[server.url])
        expected = issued_seqs(hook["delivered_seq"])
        until(lambda: len(seqs()) >= len(expected))
        time.sleep(2)  # a second deliverer would be sending its copies by now
        assert seqs() == expected  # once each, in order: one process delivered

        for dead, alive in ((a, b), (b, a)):  # whichever held the lease, it dies once
            dead.kill()
            for _ in range(5):
                issue(alive, staff[alive.url])
            expected = issued_seqs(hook["delivered_seq"])
            until(lambda: set(seqs()) >= set(expected))  # noqa: B023
            got = seqs()
            # At least once: an event in flight when its deliverer died may come twice,
            # never out of order and never lost.
            assert got == sorted(got) and sorted(set(got)) == expected
            if dead is a:
                dead.launch().wait_ready(START_TIMEOUT_S)
                staff[a.url] = token(a, "supervisor")
        assert all(d.signed for d in receiver.deliveries)
    finally:
        for server in (a, b):
            server.stop()
        receiver.down()
