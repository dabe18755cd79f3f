"""Two or more real server processes on Redis and PostgreSQL: consistent, and nothing lost
under faults (a killed process, Redis restarted empty, Redis unreachable)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import httpx2 as httpx
import pytest
import websockets

from queue_server.config import ServerSettings
from tests.conftest import POSTGRES_URL
from tests.queue_server.scaleout.conftest import RedisServer, servers, supervisor_headers
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
ISSUE = "/api/halls/weiyang/tickets"
CLIENT_QUEUE = ServerSettings().client_queue  # the demo config keeps the default


def window_url(number: int, verb: str) -> str:
    return f"/api/halls/weiyang/windows/{number}/{verb}"


async def receive_until(ws: Any, predicate: Any, timeout: float = 15) -> list[dict[str, Any]]:
    """Messages up to and including the first that satisfies `predicate`."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        seen.append(message)
        if predicate(message):
            return seen
    raise AssertionError(f"not received in {timeout}s; got {seen[-5:]}")


def ws_url(server: ServerProcess, token: str, after: int | None = None) -> str:
    query = f"token={token}" + ("" if after is None else f"&after={after}")
    return f"ws://127.0.0.1:{server.port}/ws/halls/weiyang?{query}"


async def called_twice() -> list[str]:
    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        rows = await conn.fetch(
            "SELECT ticket FROM ledger WHERE type = 'ticket.called' GROUP BY ticket HAVING count(*) > 1"
        )
    finally:
        await conn.close()
    return [row["ticket"] for row in rows]


async def test_a_call_on_one_process_reaches_a_screen_on_another_once(
    two_servers: list[ServerProcess],
) -> None:
    a, b = two_servers
    headers = supervisor_headers(a.url)
    token = headers["Authorization"].removeprefix("Bearer ")
    async with websockets.connect(ws_url(b, token)) as screen, httpx.AsyncClient(base_url=a.url) as clerk:
        snapshot = json.loads(await screen.recv())
        assert snapshot["kind"] == "snapshot"
        ticket = (
            await clerk.post(ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers)
        ).json()
        assert (await clerk.post(window_url(7, "open"), headers=headers)).status_code == 200
        called = (await clerk.post(window_url(7, "call-next"), headers=headers)).json()["ticket"]
        assert called["id"] == ticket["id"]
        seen = await receive_until(screen, lambda m: m.get("type") == "ticket.called")
        with pytest.raises(TimeoutError):  # and nothing more: the call came exactly once
            seen.append(json.loads(await asyncio.wait_for(screen.recv(), 1.5)))
    events = [m for m in seen if m.get("kind") == "event"]
    assert [e["type"] for e in events] == ["ticket.issued", "window.opened", "ticket.called"]
    assert events[-1]["data"]["ticket"]["number"] == ticket["number"] and events[-1]["window"] == 7
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(snapshot["seq"] + 1, snapshot["seq"] + 4))


async def test_two_thousand_concurrent_calls_from_100_windows_across_processes(
    scaled_config: Path,
) -> None:
    running = servers(scaled_config, 2)
    try:
        urls = [s.url for s in running]
        headers = supervisor_headers(urls[0])
        limits = httpx.Limits(max_connections=1100)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            issued = await asyncio.gather(
                *(
                    client.post(
                        urls[i % 2] + ISSUE,
                        json={"category": "social", "channel": "counter"},
                        headers=headers,
                    )
                    for i in range(300)
                )
            )
            issued_ids = {r.json()["id"] for r in issued}
            assert len(issued_ids) == 300 and {r.status_code for r in issued} == {201}
            opened = await asyncio.gather(
                *(client.post(urls[n % 2] + window_url(n, "open"), headers=headers) for n in range(1, 101))
            )
            assert {r.status_code for r in opened} == {200}
            called: list[str] = []
            attempts = 0
            while True:
                presses = [
                    client.post(urls[(n + k) % 2] + window_url(n, "call-next"), headers=headers)
                    for n in range(1, 101)
                    for k in range(20)
                ]
                attempts += len(presses)
                responses = await asyncio.gather(*presses)
                assert {r.status_code for r in responses} <= {200, 409}, Counter(
                    r.status_code for r in responses
                )
                got = [r.json() for r in responses if r.status_code == 200 and r.json()["ticket"]]
                called += [g["ticket"]["id"] for g in got]
                busy = sorted({g["window"]["number"] for g in got})
                if not busy:
                    break
                for verb in ("start", "finish"):
                    done = await asyncio.gather(
                        *(client.post(urls[n % 2] + window_url(n, verb), headers=headers) for n in busy)
                    )
                    assert {r.status_code for r in done} == {200}
        assert attempts >= 2000
        assert [t for t, n in Counter(called).items() if n > 1] == []
        assert set(called) == issued_ids and len(called) == len(issued_ids)
        assert await called_twice() == []
    finally:
        for server in running:
            server.stop()


async def test_kill_9_one_process_under_load_loses_nothing_acknowledged(scaled_config: Path) -> None:
    victim, survivor = servers(scaled_config, 2)
    try:
        headers = supervisor_headers(survivor.url)
        token = headers["Authorization"].removeprefix("Bearer ")
        acknowledged: dict[str, dict[str, Any]] = {}
        calls: list[str] = []
        stop = asyncio.Event()

        async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=200)) as client:
            for n in range(1, 11):
                assert (
                    await client.post(survivor.url + window_url(n, "open"), headers=headers)
                ).status_code == 200

            async def post(path: str, prefer: ServerProcess, **kwargs: Any) -> httpx.Response:
                # What a load balancer does: a dead upstream's requests go to a live one.
                for server in (prefer, survivor):
                    try:
                        return await client.post(server.url + path, headers=headers, **kwargs)
                    except httpx.TransportError:
                        continue
                raise AssertionError("no server answered")

            async def kiosk(index: int) -> None:
                while not stop.is_set():
                    r = await post(
                        ISSUE,
                        victim if index % 2 else survivor,
                        json={"category": "business", "channel": "counter"},
                    )
                    if r.status_code == 201:
                        acknowledged[r.json()["id"]] = r.json()

            async def clerk(number: int) -> None:
                while not stop.is_set():
                    r = await post(window_url(number, "call-next"), victim if number % 2 else survivor)
                    if r.status_code == 200 and r.json()["ticket"]:
                        calls.append(r.json()["ticket"]["id"])
                        await post(window_url(number, "no-show"), survivor)
                    await asyncio.sleep(0.01)

            async with websockets.connect(ws_url(victim, token)) as screen:
                last_seq = json.loads(await screen.recv())["seq"]
                load = [asyncio.create_task(kiosk(i)) for i in range(8)] + [
                    asyncio.create_task(clerk(n)) for n in range(1, 11)
                ]
                while len(acknowledged) < 60:
                    await asyncio.sleep(0.05)
                victim.kill()
                # the screen notices its process is gone
                with pytest.raises(websockets.ConnectionClosed):
                    while True:
                        message = json.loads(await asyncio.wait_for(screen.recv(), 10))
                        last_seq = message.get("seq", last_seq)
            await asyncio.sleep(1.0)  # load goes on against the survivor
            stop.set()
            await asyncio.gather(*load)

            # the screen reconnects elsewhere and catches up from its last seq: the events it
            # missed, or a snapshot when it missed more than a client may queue
            async with websockets.connect(ws_url(survivor, token, after=last_seq)) as screen:
                first = json.loads(await screen.recv())
                if first["kind"] == "snapshot":
                    assert first["seq"] - last_seq >= CLIENT_QUEUE
                else:
                    assert first["kind"] == "event" and first["seq"] == last_seq + 1

            for ticket_id, ticket in acknowledged.items():
                r = await client.get(f"{survivor.url}{ISSUE}/{ticket_id}")
                assert r.status_code == 200, f"acknowledged {ticket['number']} was lost"
                assert r.json()["number"] == ticket["number"]
        numbers = [t["number"] for t in acknowledged.values()]
        assert len(numbers) == len(set(numbers)), "a number was handed out twice"
        assert [t for t, n in Counter(calls).items() if n > 1] == []
        assert await called_twice() == []
    finally:
        victim.stop()
        survivor.stop()


async def test_redis_unreachable_then_restarted_empty(scaled_config: Path, tmp_path: Path) -> None:
    redis = RedisServer(tmp_path).start()
    running = servers(scaled_config, 2, redis_url=redis.url)
    try:
        a, b = running
        headers = supervisor_headers(a.url)
        token = headers["Authorization"].removeprefix("Bearer ")
        async with httpx.AsyncClient(timeout=20) as client:
            before = [
                (
                    await client.post(
                        a.url + ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers
                    )
                ).json()
                for _ in range(4)
            ]
            await client.post(b.url + window_url(2, "open"), headers=headers)
            serving = (await client.post(b.url + window_url(2, "call-next"), headers=headers)).json()[
                "ticket"
            ]
            await client.post(b.url + window_url(2, "start"), headers=headers)

            async with websockets.connect(ws_url(b, token)) as screen:
                await screen.recv()
                redis.kill()
                # unreachable: a clear 503 naming the cause, never a 500, on every process
                for server in running:
                    r = await client.post(
                        server.url + ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers
                    )
                    assert r.status_code == 503, r.text
                    assert r.json()["error"]["code"] == "store_unavailable" and r.headers["retry-after"]
                # the screen is told to go away and come back
                with pytest.raises(websockets.ConnectionClosed):
                    while True:
                        await asyncio.wait_for(screen.recv(), 20)

            redis.start()  # back, but empty: it keeps nothing on disk
            deadline = time.monotonic() + 30
            while True:
                r = await client.post(
                    a.url + ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers
                )
                if r.status_code == 201 or time.monotonic() > deadline:
                    break
                assert r.status_code == 503
                await asyncio.sleep(0.5)
            assert r.status_code == 201, "requests recover by themselves"
            after = r.json()
            previous = [t["number"] for t in before]
            assert after["number"] not in previous
            assert int(after["number"][1:]) == max(int(n[1:]) for n in previous) + 1
            snapshot = (await client.get(b.url + "/api/halls/weiyang", headers=headers)).json()
            window2 = next(w for w in snapshot["windows"] if w["number"] == 2)
            assert window2["current"]["id"] == serving["id"] and window2["current"]["status"] == "serving"
            assert snapshot["waiting"]["tax"] == 4  # 3 left from before, 1 new
            # screens resync: a stale seq gets a fresh snapshot
            async with websockets.connect(ws_url(b, token, after=snapshot["seq"] - 1)) as screen:
                first = json.loads(await screen.recv())
                assert first["kind"] in ("snapshot", "event")
    finally:
        for server in running:
            server.stop()
        redis.kill()
