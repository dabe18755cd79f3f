"""One booking checked in at four kiosks at once through two real `onewindow serve` processes on
one PostgreSQL database while their Redis answers nothing (a redis-server of the test's own,
stopped with SIGSTOP), so that no check-in lock is taken: the store's claim alone gives exactly
one ticket, and the other kiosks are refused naming its number."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.queue_server.scaleout.conftest import (
    START_TIMEOUT_S,
    RedisServer,
    clocked_env,
    seeded_hall,
    supervisor_headers,
)
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


class Pair:
    def __init__(self, servers: list[ServerProcess], redis: RedisServer, tokens: dict[str, str]) -> None:
        self.servers, self.redis, self.tokens = servers, redis, tokens


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    path, tokens = seeded_hall(tmp_path)
    redis = RedisServer(tmp_path).start()
    env = clocked_env(tmp_path, redis.url)
    running = [ServerProcess(path, env=env).launch() for _ in range(2)]
    try:
        yield Pair([server.wait_ready(START_TIMEOUT_S) for server in running], redis, tokens)
    finally:
        redis.resume()
        for server in running:
            server.stop()
        redis.kill()


def test_one_booking_checked_in_at_once_without_redis_gives_one_ticket(pair: Pair) -> None:
    a, b = pair.servers
    booked = httpx.post(
        f"{a.url}/api/halls/weiyang/bookings",
        json={"category": "realestate", "slot": {"start": "2026-12-02T10:15:00+08:00", "minutes": 30}},
        headers=supervisor_headers(a.url),
    )
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    kiosk = {"Authorization": f"Bearer {pair.tokens['kiosk']}"}
    pair.redis.pause()

    async def rush() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        f"{server.url}/kiosk/api/halls/weiyang/check-in", json={"code": code}, headers=kiosk
                    )
                    for server in (a, b, a, b)
                )
            )

    answers = asyncio.run(rush())
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409], [r.text for r in answers]
    (ticket,) = (r.json()["ticket"] for r in answers if r.status_code == 201)
    for refused in (r.json()["error"] for r in answers if r.status_code == 409):
        assert refused["code"] == "booking_used", refused
        assert ticket["number"] in refused["message"], refused
