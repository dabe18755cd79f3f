"""Twenty windows pressing "call next" together never get the same ticket, and none is lost."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx2 as httpx
import pytest

from tests.queue_server.processes.conftest import WINDOWS, login
from tests.server_process import ServerProcess

TICKETS = 200
PRESSES_PER_WINDOW = 12  # 240 simultaneous call-next requests per round

pytestmark = pytest.mark.slow


async def test_concurrent_call_next_never_duplicates_or_loses(server: ServerProcess) -> None:
    limits = httpx.Limits(max_connections=WINDOWS * PRESSES_PER_WINDOW + 10)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=30) as client:
        boss = await login(client)
        kiosk_issue = [
            client.post(
                "/api/halls/weiyang/tickets", json={"category": c, "channel": "counter"}, headers=boss
            )
            for c in ["business", "social", "tax", "realestate"] * (TICKETS // 4)
        ]
        issued = [r.json()["id"] for r in await asyncio.gather(*kiosk_issue) if r.status_code == 201]
        assert len(issued) == TICKETS
        for window in range(1, WINDOWS + 1):
            assert (
                await client.post(f"/api/halls/weiyang/windows/{window}/open", headers=boss)
            ).status_code == 200

        called: list[str] = []
        statuses: Counter[int] = Counter()
        presses = 0
        while True:
            round_ = [
                client.post(f"/api/halls/weiyang/windows/{window}/call-next", headers=boss)
                for window in range(1, WINDOWS + 1)
                for _ in range(PRESSES_PER_WINDOW)
            ]
            presses += len(round_)
            responses = await asyncio.gather(*round_)
            statuses.update(r.status_code for r in responses)
            busy = {
                r.json()["window"]["number"] for r in responses if r.status_code == 200 and r.json()["ticket"]
            }
            called += [
                r.json()["ticket"]["id"] for r in responses if r.status_code == 200 and r.json()["ticket"]
            ]
            if not busy:
                break
            for verb in ("start", "finish"):
                done = await asyncio.gather(
                    *(client.post(f"/api/halls/weiyang/windows/{w}/{verb}", headers=boss) for w in busy)
                )
                assert {r.status_code for r in done} == {200}

        assert presses >= 200
        assert set(statuses) <= {200, 409}, statuses  # busy windows say so; nothing else
        duplicates = [ticket for ticket, n in Counter(called).items() if n > 1]
        assert duplicates == []
        assert sorted(called) == sorted(issued), "every ticket was called exactly once"
        snapshot = (await client.get("/api/halls/weiyang", headers=boss)).json()
        assert sum(snapshot["waiting"].values()) == 0
