"""A city's deployment: many halls served by two real `onewindow serve` processes on Redis and
PostgreSQL, their clerks and screens all arriving at once (opening time, or back after a blip).

Requests for a hall on both processes collide, and each hall that collided takes its turn
holding a PostgreSQL connection while its batch takes a second one. With enough halls taking
turns at once, the pool of a process was all held by turns waiting for a second connection:
every request of that process stood still until the pool gave up (a 500 after 30 s).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
import websockets

from bench.city_load import write_city
from queue_server.storage.sql import POOL_WAIT_S
from tests.conftest import PASSWORD, reset_scaled_backends
from tests.queue_server.scaleout.conftest import servers
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

HALLS = 50
TICKETS_PER_SERVER = 3  # per hall, sent at once to each process
SCREENS = 2  # per hall and process


@pytest.fixture
def city(tmp_path: Path) -> Iterator[list[ServerProcess]]:
    reset_scaled_backends()
    running = servers(write_city(tmp_path, HALLS, 2, "scaled"), 2)
    try:
        yield running
    finally:
        for server in running:
            server.stop()


async def rush(urls: list[str], token: str) -> tuple[list[int], list[str], float]:
    """Every hall's tickets on both processes and its screens, all at once: the statuses, the
    screens' first messages' kinds, and how long the last took."""
    auth = {"Authorization": f"Bearer {token}"}
    halls = [f"hall{h:03d}" for h in range(HALLS)]
    started = time.monotonic()

    async def screen(url: str, hall: str) -> str:
        ws_url = f"{url.replace('http', 'ws', 1)}/ws/halls/{hall}?token={token}"
        async with websockets.connect(ws_url) as ws:
            first = json.loads(await ws.recv())
        return str(first["kind"])

    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(headers=auth, timeout=60, limits=limits) as client:

        async def issue(url: str, hall: str) -> int:
            body = {"category": "social", "channel": "counter"}
            response = await client.post(f"{url}/api/halls/{hall}/tickets", json=body)
            return response.status_code

        tickets = [issue(url, hall) for hall in halls for url in urls for _ in range(TICKETS_PER_SERVER)]
        screens = [screen(url, hall) for hall in halls for url in urls for _ in range(SCREENS)]
        statuses = await asyncio.gather(*tickets)
        kinds = await asyncio.gather(*screens)
    return list(statuses), list(kinds), time.monotonic() - started


def test_many_halls_rushed_at_once_are_all_answered_in_time(city: list[ServerProcess]) -> None:
    urls = [server.url for server in city]
    login = httpx.post(f"{urls[0]}/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert login.status_code == 200, login.text
    statuses, kinds, took = asyncio.run(rush(urls, login.json()["token"]))
    assert statuses == [201] * len(statuses), sorted(set(statuses))
    assert kinds == ["snapshot"] * len(kinds)
    # Before the fix the rush stood still until the pool gave up (POOL_WAIT_S).
    assert took < POOL_WAIT_S, f"{took:.1f} s"
    for server in city:
        assert "QueuePool" not in server.log.read_text(encoding="utf-8")
