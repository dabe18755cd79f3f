"""The last places of a booking slot, booked at once through two real `onewindow serve`
processes on one PostgreSQL database: exactly as many bookings as places, never more."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx2 as httpx
import pytest
import tomli_w

from queue_server.clock import ManualClock
from queue_server.config import load_settings
from tests.conftest import POSTGRES_URL, reset_scaled_backends, seed_people
from tests.queue_server.processes.conftest import write_config
from tests.queue_server.scaleout.conftest import OPEN_HOURS, START_TIMEOUT_S, clocked_env
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

PLACES = 3
SLOT = {"start": "2026-12-02T15:00:00+08:00", "minutes": 30}  # OPEN_HOURS is that Wednesday 10:00


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    reset_scaled_backends()
    path = write_config(tmp_path, windows=4)
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    config.setdefault("ticketing", {}).update(
        booking_per_ip_per_hour=1000, booking={"places_per_slot": PLACES, "window_share": 1.0}
    )
    path.write_bytes(tomli_w.dumps(config).encode())
    seed_people(load_settings(path), ManualClock(datetime.fromisoformat(OPEN_HOURS)), store=POSTGRES_URL)
    running = [ServerProcess(path, env=clocked_env(tmp_path)).launch() for _ in range(2)]
    try:
        a, b = (server.wait_ready(START_TIMEOUT_S) for server in running)
        yield a, b
    finally:
        for server in running:
            server.stop()


def test_simultaneous_bookings_of_the_last_places_on_two_processes(
    two: tuple[ServerProcess, ServerProcess],
) -> None:
    async def rush() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:

            async def one(i: int) -> httpx.Response:
                server = two[i % 2]
                body = {"category": "business", "slot": SLOT, "phone": f"1380000{i:04d}"}
                return await client.post(f"{server.url}/api/halls/weiyang/bookings", json=body)

            return await asyncio.gather(*(one(i) for i in range(16)))

    replies = asyncio.run(rush())
    statuses = sorted(r.status_code for r in replies)
    assert statuses == [201] * PLACES + [409] * (16 - PLACES), [r.text for r in replies]
    assert {r.json()["error"]["code"] for r in replies if r.status_code == 409} == {"booking_full"}
    for server in two:
        day = httpx.get(f"{server.url}/api/halls/weiyang/booking-slots?category=business&date=2026-12-02")
        by_start = {s["start"]: s["left"] for s in day.json()["slots"]}
        assert by_start[SLOT["start"]] == 0
