"""kill -9 the server, start it again: everything acknowledged is exactly as it was."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.queue_server.processes.conftest import login
from tests.server_process import ServerProcess

pytestmark = pytest.mark.slow


async def test_acknowledged_state_survives_kill_9(hall_config: Path) -> None:
    server = ServerProcess(hall_config).start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            boss = await login(client)
            for window in (1, 2, 3):
                assert (
                    await client.post(f"/api/halls/weiyang/windows/{window}/open", headers=boss)
                ).status_code == 200
            first = [
                (
                    await client.post(
                        "/api/halls/weiyang/tickets",
                        json={"category": "business", "channel": "counter"},
                        headers=boss,
                    )
                ).json()
                for _ in range(5)
            ]
            called = (await client.post("/api/halls/weiyang/windows/1/call-next", headers=boss)).json()[
                "ticket"
            ]
            await client.post("/api/halls/weiyang/windows/2/call-next", headers=boss)
            serving = (await client.post("/api/halls/weiyang/windows/2/start", headers=boss)).json()["ticket"]
            await client.post("/api/halls/weiyang/windows/3/pause", json={"reason": "lunch"}, headers=boss)

            # Keep issuing while the process is killed: whatever was answered 201 must survive.
            acknowledged: list[dict[str, object]] = []

            async def keep_issuing() -> None:
                while True:
                    try:
                        r = await client.post(
                            "/api/halls/weiyang/tickets",
                            json={"category": "business", "channel": "counter"},
                            headers=boss,
                        )
                    except httpx.HTTPError:
                        return
                    if r.status_code == 201:
                        acknowledged.append(r.json())

            writers = [asyncio.create_task(keep_issuing()) for _ in range(8)]
            while len(acknowledged) < 40:
                await asyncio.sleep(0.01)
            server.kill()
            await asyncio.gather(*writers)
            before = (first, called, serving, list(acknowledged))

        server.start()
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            boss = await login(client)
            first, called, serving, acknowledged = before
            for ticket in [*first, *acknowledged]:
                r = await client.get(f"/api/halls/weiyang/tickets/{ticket['id']}")
                assert r.status_code == 200, f"acknowledged ticket {ticket['number']} was lost"
                assert r.json()["number"] == ticket["number"]
            snapshot = (await client.get("/api/halls/weiyang", headers=boss)).json()
            windows = {w["number"]: w for w in snapshot["windows"]}
            assert windows[1]["current"]["id"] == called["id"] and windows[1]["current"]["status"] == "called"
            assert (
                windows[2]["current"]["id"] == serving["id"] and windows[2]["current"]["status"] == "serving"
            )
            assert windows[3]["state"] == "paused" and windows[3]["pause_reason"] == "lunch"
            # numbering goes on after the highest number ever handed out: no duplicate
            numbers = [t["number"] for t in [*first, *acknowledged]]
            fresh = (
                await client.post(
                    "/api/halls/weiyang/tickets",
                    json={"category": "business", "channel": "counter"},
                    headers=boss,
                )
            ).json()
            assert fresh["number"] not in numbers
            assert int(fresh["number"][1:]) > max(int(n[1:]) for n in numbers)
            # the in-progress tickets carry on where they were
            assert (await client.post("/api/halls/weiyang/windows/2/finish", headers=boss)).status_code == 200
    finally:
        server.stop()
