"""Three real server processes on Redis and PostgreSQL: PostgreSQL decides every step, so
nothing acknowledged is lost and no number or call is handed out twice, whatever happens to
a process, to Redis or to PostgreSQL; every process answers with every committed step."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx2 as httpx
import pytest
import websockets

from queue_server.bus.redis_streams import SUBSCRIBE_WAIT_S
from tests.conftest import POSTGRES_URL, REDIS_URL
from tests.queue_server.scaleout.conftest import (
    START_TIMEOUT_S,
    PostgresCluster,
    RedisServer,
    servers,
    supervisor_headers,
)
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
ISSUE = "/api/halls/weiyang/tickets"
WINDOWS = range(1, 25)
RECOVERED_WITHIN_S = 5.0


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


async def screen_announces(
    screen: Any, server: ServerProcess, token: str, seq: int, number: str, window: int
) -> None:
    """Until the screen has what makes it announce `number` at `window`: the call's event, or,
    told to resync (4008: its process lost Redis, or it fell behind the load, as a test's
    reader sharing its loop with the load may) and come back with `?after=` its last seq as
    the screen script does, a snapshot whose recent calls after that seq hold it (the script
    announces those, hall.js). Within 10 s, and the SUBSCRIBE_WAIT_S its coming back may wait
    for Redis just resumed."""
    deadline = time.monotonic() + 10 + SUBSCRIBE_WAIT_S
    async with contextlib.AsyncExitStack() as reconnected:
        while time.monotonic() < deadline:
            try:
                message = json.loads(await asyncio.wait_for(screen.recv(), deadline - time.monotonic()))
            except websockets.ConnectionClosed as closed:
                if closed.rcvd is None or closed.rcvd.code != 4008:
                    raise
                screen = await reconnected.enter_async_context(websockets.connect(ws_url(server, token, seq)))
                continue
            if message["kind"] == "snapshot":
                calls = [c for c in message["recent_calls"] if c["seq"] > seq]
            elif message["kind"] == "event":
                ticket = message["data"].get("ticket", {})
                calls = [
                    {"number": ticket.get("number"), "window": message["window"], "type": message["type"]}
                ]
            else:  # a heartbeat
                calls = []
            if {"number": number, "window": window, "type": "ticket.called"} in (
                {k: c[k] for k in ("number", "window", "type")} for c in calls
            ):
                return
            seq = message.get("seq", seq)
    raise AssertionError(f"{number} at window {window} not announced within 10 s")


def ws_url(server: ServerProcess, token: str, after: int | None = None) -> str:
    query = f"token={token}" + ("" if after is None else f"&after={after}")
    return f"ws://127.0.0.1:{server.port}/ws/halls/weiyang?{query}"


async def ledger_faults(url: str = POSTGRES_URL) -> dict[str, Any]:
    """What must never be in the record: a ticket called twice, a number issued twice, a
    hole in the hall's seq."""
    conn = await asyncpg.connect(url)
    try:
        twice = await conn.fetch(
            "SELECT ticket FROM ledger WHERE type = 'ticket.called' GROUP BY ticket HAVING count(*) > 1"
        )
        numbers = await conn.fetch(
            "SELECT number FROM ticket GROUP BY hall, service_day, number HAVING count(*) > 1"
        )
        seqs = [r["seq"] for r in await conn.fetch("SELECT seq FROM ledger ORDER BY seq")]
        committed = await conn.fetchval("SELECT seq FROM hall_seq WHERE hall = 'weiyang'")
    finally:
        await conn.close()
    return {
        "called twice": [r["ticket"] for r in twice],
        "numbers twice": [r["number"] for r in numbers],
        "seq holes": seqs != list(range(1, len(seqs) + 1)),
        "hall_seq behind": committed != (seqs[-1] if seqs else None),
    }


NO_FAULTS = {"called twice": [], "numbers twice": [], "seq holes": False, "hall_seq behind": False}


async def post_anywhere(
    client: httpx.AsyncClient, order: list[ServerProcess], path: str, **kwargs: Any
) -> httpx.Response:
    """What a load balancer does: a dead upstream's requests go to a live one."""
    for server in order:
        try:
            return await client.post(server.url + path, **kwargs)
        except httpx.TransportError:
            continue
    raise AssertionError("no server answered")


class Load:
    """Kiosks issuing and clerks calling (call-next, then no-show) on every process."""

    def __init__(self, client: httpx.AsyncClient, running: list[ServerProcess], headers: dict[str, str]):
        self.client, self.running, self.headers = client, running, headers
        self.issued: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []
        self.statuses: Counter[int] = Counter()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def order(self, index: int) -> list[ServerProcess]:
        return self.running[index % len(self.running) :] + self.running[: index % len(self.running)]

    async def _kiosk(self, index: int) -> None:
        while not self._stop.is_set():
            r = await self._post(index, ISSUE, json={"category": "business", "channel": "counter"})
            if r.status_code == 201:
                self.issued[r.json()["id"]] = r.json()
            await asyncio.sleep(0.02)

    async def _clerk(self, number: int) -> None:
        while not self._stop.is_set():
            r = await self._post(number, window_url(number, "call-next"))
            if r.status_code == 200 and r.json()["ticket"]:
                self.calls.append(r.json()["ticket"]["id"])
                await self._post(number + 1, window_url(number, "no-show"))
            await asyncio.sleep(0.05)

    async def _post(self, index: int, path: str, **kwargs: Any) -> httpx.Response:
        r = await post_anywhere(self.client, self.order(index), path, headers=self.headers, **kwargs)
        self.statuses[r.status_code] += 1
        return r

    def start(self, kiosks: int = 6, windows: range = range(1, 9)) -> None:
        self._tasks = [asyncio.create_task(self._kiosk(i)) for i in range(kiosks)]
        self._tasks += [asyncio.create_task(self._clerk(n)) for n in windows]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def until(self, issued: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.issued) < issued:
            assert time.monotonic() < deadline, f"only {len(self.issued)} issued: {self.statuses}"
            await asyncio.sleep(0.05)


async def all_there(
    client: httpx.AsyncClient, server: ServerProcess, issued: dict[str, dict[str, Any]]
) -> None:
    for ticket_id, ticket in issued.items():
        r = await client.get(f"{server.url}{ISSUE}/{ticket_id}")
        assert r.status_code == 200, f"acknowledged {ticket['number']} was lost: {r.text}"
        assert r.json()["number"] == ticket["number"]
    numbers = [t["number"] for t in issued.values()]
    assert len(numbers) == len(set(numbers)), "a number was handed out twice"


async def current_within(
    server: ServerProcess, token: str, committed: Callable[[], Awaitable[int]], within: float
) -> float:
    """Seconds until a screen connecting as the page does (again every 0.5 s, as it is told
    to on 1013) gets a snapshot at the committed seq; fails after `within`."""
    started = time.monotonic()
    while True:
        try:
            async with websockets.connect(ws_url(server, token), open_timeout=2) as screen:
                first = json.loads(await asyncio.wait_for(screen.recv(), 2))
                if first.get("kind") == "snapshot" and first["seq"] == await committed():
                    return time.monotonic() - started
        except (OSError, TimeoutError, websockets.ConnectionClosed, websockets.InvalidStatus):
            pass
        assert time.monotonic() - started < within, f"no current screen within {within}s"
        await asyncio.sleep(0.5)


def committed_seq(url: str = POSTGRES_URL) -> Callable[[], Awaitable[int]]:
    async def read() -> int:
        conn = await asyncpg.connect(url)
        try:
            return int(await conn.fetchval("SELECT seq FROM hall_seq WHERE hall = 'weiyang'") or 0)
        finally:
            await conn.close()

    return read


# ---- every process current ----------------------------------------------------------


async def test_a_call_on_a_is_seen_at_once_by_a_get_a_screen_and_a_phone_on_b(scaled_config: Path) -> None:
    a, b = servers(scaled_config, 2)
    try:
        headers = supervisor_headers(a.url)
        token = headers["Authorization"].removeprefix("Bearer ")
        async with httpx.AsyncClient(timeout=20) as clerk:
            ticket = (
                await clerk.post(
                    a.url + ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers
                )
            ).json()
            assert (await clerk.post(a.url + window_url(7, "open"), headers=headers)).status_code == 200
            async with (
                websockets.connect(ws_url(b, token)) as screen,
                websockets.connect(f"ws://127.0.0.1:{b.port}/t/{ticket['id']}/ws") as phone,
            ):
                snapshot = json.loads(await screen.recv())
                assert snapshot["kind"] == "snapshot"
                assert json.loads(await phone.recv())["ticket"]["status"] == "waiting"
                called = (await clerk.post(a.url + window_url(7, "call-next"), headers=headers)).json()
                assert called["ticket"]["id"] == ticket["id"]
                # right after A's answer, B answers with the call
                view = (await clerk.get(f"{b.url}{ISSUE}/{ticket['id']}")).json()
                assert view["status"] == "called" and view["window"] == 7
                hall = (await clerk.get(b.url + "/api/halls/weiyang", headers=headers)).json()
                assert next(w for w in hall["windows"] if w["number"] == 7)["current"]["id"] == ticket["id"]
                seen = await receive_until(screen, lambda m: m.get("type") == "ticket.called")
                with pytest.raises(TimeoutError):  # and nothing more: the call came exactly once
                    seen.append(json.loads(await asyncio.wait_for(screen.recv(), 1.0)))
                phoned = await receive_until(
                    phone, lambda m: m.get("kind") == "ticket" and m["ticket"]["status"] == "called"
                )
                assert phoned[-1]["ticket"]["window"] == 7
        events = [m for m in seen if m.get("kind") == "event"]
        assert [e["type"] for e in events] == ["ticket.called"]
        assert events[-1]["seq"] == snapshot["seq"] + 1
        assert await ledger_faults() == NO_FAULTS
    finally:
        for server in (a, b):
            server.stop()


# ---- concurrency ----------------------------------------------------------------------


async def test_over_two_thousand_concurrent_calls_from_24_windows_on_3_processes(scaled_config: Path) -> None:
    running = servers(scaled_config, 3)
    try:
        urls = [s.url for s in running]
        headers = supervisor_headers(urls[0])
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=800), timeout=60) as client:
            issued = await asyncio.gather(
                *(
                    client.post(
                        urls[i % 3] + ISSUE,
                        json={"category": "social", "channel": "counter"},
                        headers=headers,
                    )
                    for i in range(48)
                )
            )
            issued_ids = {r.json()["id"] for r in issued}
            assert len(issued_ids) == 48 and {r.status_code for r in issued} == {201}
            opened = await asyncio.gather(
                *(client.post(urls[n % 3] + window_url(n, "open"), headers=headers) for n in WINDOWS)
            )
            assert {r.status_code for r in opened} == {200}
            called: list[str] = []
            attempts = 0
            while True:
                presses = [
                    client.post(urls[(n + k) % 3] + window_url(n, "call-next"), headers=headers)
                    for n in WINDOWS
                    for k in range(28)
                ]
                attempts += len(presses)
                responses = await asyncio.gather(*presses)
                assert {r.status_code for r in responses} <= {200, 409}, Counter(
                    r.status_code for r in responses
                )
                got = [r.json() for r in responses if r.status_code == 200 and r.json()["ticket"]]
                called += [g["ticket"]["id"] for g in got]
                busy = sorted({g["window"]["number"] for g in got})
                assert len(busy) == len(got), "one window got two tickets in one round"
                if not busy:
                    break
                done = await asyncio.gather(
                    *(client.post(urls[n % 3] + window_url(n, "no-show"), headers=headers) for n in busy)
                )
                assert {r.status_code for r in done} == {200}
        assert attempts >= 2000
        assert [t for t, n in Counter(called).items() if n > 1] == []
        assert set(called) == issued_ids and len(called) == len(issued_ids)
        assert await ledger_faults() == NO_FAULTS
    finally:
        for server in running:
            server.stop()


# ---- a process killed -----------------------------------------------------------------


async def test_kill_9_under_load_and_between_commit_and_publish(scaled_config: Path, tmp_path: Path) -> None:
    redis = RedisServer(tmp_path).start()
    running = servers(scaled_config, 3, redis_url=redis.url)
    victim, b, c = running
    try:
        headers = supervisor_headers(b.url)
        token = headers["Authorization"].removeprefix("Bearer ")
        async with httpx.AsyncClient(timeout=20, limits=httpx.Limits(max_connections=100)) as client:
            for n in WINDOWS:
                assert (await client.post(b.url + window_url(n, "open"), headers=headers)).status_code == 200
            load = Load(client, running, headers)
            async with websockets.connect(ws_url(b, token)) as screen:
                snapshot = json.loads(await screen.recv())
                load.start()
                await load.until(40)
                # Redis hangs: the victim commits a call (and answers it) but cannot publish it
                ticket = (
                    await client.post(
                        victim.url + ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers
                    )
                ).json()
                redis.pause()
                called = await client.post(
                    victim.url
                    + window_url(
                        24,
                        "call",
                    ),
                    json={"number": ticket["number"]},
                    headers=headers,
                )
                assert called.status_code == 200, called.text
                victim.kill()
                redis.resume()
                # the survivors find the committed call missing from the stream and publish it
                await screen_announces(screen, b, token, snapshot["seq"], ticket["number"], 24)
                await asyncio.sleep(1.0)  # load goes on against the survivors
                await load.stop()
            assert load.statuses[500] == 0, load.statuses
            load.issued[ticket["id"]] = ticket
            for survivor in (b, c):
                await all_there(client, survivor, load.issued)
            assert (await client.get(f"{c.url}{ISSUE}/{ticket['id']}")).json()["status"] == "called"
        assert [t for t, n in Counter(load.calls).items() if n > 1] == []
        assert await ledger_faults() == NO_FAULTS
        assert await current_within(c, token, committed_seq(), RECOVERED_WITHIN_S) < RECOVERED_WITHIN_S
    finally:
        for server in running:
            server.stop()
        redis.kill()


# ---- Redis lost -----------------------------------------------------------------------


async def test_redis_restarted_empty_under_load_while_a_commit_is_held(
    scaled_config: Path, tmp_path: Path
) -> None:
    redis = RedisServer(tmp_path).start()
    running = servers(scaled_config, 3, redis_url=redis.url)
    a, b, _ = running
    try:
        headers = supervisor_headers(a.url)
        token = headers["Authorization"].removeprefix("Bearer ")
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=100)) as client:
            for n in WINDOWS:
                assert (await client.post(a.url + window_url(n, "open"), headers=headers)).status_code == 200
            load = Load(client, running, headers)
            load.start()
            await load.until(30)
            # hold the hall's seq row: the next batch's commit waits on it
            holder = await asyncpg.connect(POSTGRES_URL)
            transaction = holder.transaction()
            await transaction.start()
            await holder.execute("SELECT seq FROM hall_seq WHERE hall = 'weiyang' FOR UPDATE")
            held = asyncio.create_task(
                client.post(a.url + ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers)
            )
            await asyncio.sleep(0.5)
            assert not held.done()
            redis.kill()
            redis.start()  # back, empty: it keeps nothing on disk
            await transaction.commit()
            await holder.close()
            first = await held
            assert first.status_code == 201, first.text
            load.issued[first.json()["id"]] = first.json()
            await load.until(len(load.issued) + 20)
            await load.stop()
            assert load.statuses[500] == 0, load.statuses
            # The ticket whose commit was held is in the live state on every process: the load
            # may already have called it (on a quick machine it does), else it can be cancelled.
            # (The old design lost it: 404, never callable.)
            held_id = first.json()["id"]
            seen = await client.get(f"{b.url}{ISSUE}/{held_id}")
            assert seen.status_code == 200, seen.text
            if seen.json()["status"] == "waiting":
                cancel = await client.post(f"{b.url}{ISSUE}/{held_id}/cancel", headers=headers)
                assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled", cancel.text
            else:
                assert held_id in load.calls, seen.json()
            for server in running:
                await all_there(client, server, load.issued)
        assert [t for t, n in Counter(load.calls).items() if n > 1] == []
        assert await ledger_faults() == NO_FAULTS
        assert await current_within(b, token, committed_seq(), RECOVERED_WITHIN_S) < RECOVERED_WITHIN_S
    finally:
        for server in running:
            server.stop()
        redis.kill()


async def test_redis_unreachable_costs_screens_not_steps(scaled_config: Path, tmp_path: Path) -> None:
    redis = RedisServer(tmp_path).start()
    running = servers(scaled_config, 2, redis_url=redis.url)
    a, b = running
    try:
        headers = supervisor_headers(a.url)
        token = headers["Authorization"].removeprefix("Bearer ")
        async with httpx.AsyncClient(timeout=20) as client:
            async with websockets.connect(ws_url(b, token)) as screen:
                await screen.recv()
                redis.kill()
                # steps go on: PostgreSQL decides them
                r = await client.post(
                    b.url + ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers
                )
                assert r.status_code == 201, r.text
                # the screen is told to come back soon
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    while True:
                        await asyncio.wait_for(screen.recv(), 20)
            received = closed.value.rcvd
            assert received is not None and received.code in (1013, 4008)
            # told to resync (4008: at once) or when to come back (1013), never left to back off
            assert received.code == 4008 or "retry_after_ms=" in received.reason
            redis.start()
            recovered = await current_within(a, token, committed_seq(), RECOVERED_WITHIN_S)
            assert recovered < RECOVERED_WITHIN_S
            assert (await client.get(f"{a.url}{ISSUE}/{r.json()['id']}")).json()["number"] == r.json()[
                "number"
            ]
    finally:
        for server in running:
            server.stop()
        redis.kill()


# ---- PostgreSQL restarted -------------------------------------------------------------


async def test_postgres_restarted_503_while_down_everything_there_after(
    scaled_config: Path, own_postgres: PostgresCluster
) -> None:
    cluster = own_postgres
    running = servers(scaled_config, 2, store_url=cluster.url)
    a, b = running
    try:
        headers = supervisor_headers(a.url)
        token = headers["Authorization"].removeprefix("Bearer ")
        async with httpx.AsyncClient(timeout=20) as client:
            acknowledged = [
                (
                    await client.post(
                        a.url + ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers
                    )
                ).json()
                for _ in range(5)
            ]
            assert (await client.post(b.url + window_url(3, "open"), headers=headers)).status_code == 200
            cluster.stop()
            for server in running:
                for method, path, body in (
                    ("POST", ISSUE, {"category": "tax", "channel": "counter"}),
                    ("POST", window_url(3, "call-next"), None),
                    ("GET", f"{ISSUE}/{acknowledged[0]['id']}", None),
                    ("GET", "/api/halls/weiyang", None),
                ):
                    r = await client.request(method, server.url + path, json=body, headers=headers)
                    assert r.status_code == 503, f"{method} {path}: {r.status_code} {r.text}"
                    assert r.json()["error"]["code"] == "store_unavailable" and r.headers["retry-after"]
            cluster.start()
            started = time.monotonic()
            while True:
                r = await client.post(a.url + window_url(3, "call-next"), headers=headers)
                if r.status_code == 200:
                    break
                assert r.status_code == 503, r.text
                assert time.monotonic() - started < RECOVERED_WITHIN_S, "requests did not recover"
                await asyncio.sleep(0.2)
            assert r.json()["ticket"]["id"] == acknowledged[0]["id"]  # the queue is as it was
            for server in running:
                await all_there(client, server, {t["id"]: t for t in acknowledged})
            recovered = await current_within(b, token, committed_seq(cluster.url), RECOVERED_WITHIN_S)
            assert recovered < RECOVERED_WITHIN_S
        assert await ledger_faults(cluster.url) == NO_FAULTS
    finally:
        for server in running:
            server.stop()


# ---- serve --workers ------------------------------------------------------------------


async def test_serve_with_workers_shares_one_hall(scaled_config: Path) -> None:
    env = {"ONEWINDOW_STORE": POSTGRES_URL, "ONEWINDOW_BUS": REDIS_URL}
    server = ServerProcess(scaled_config, env=env, args=("--workers", "3")).start(START_TIMEOUT_S)
    try:
        assert server.process is not None
        children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
        assert len(children) >= 3, children
        headers = supervisor_headers(server.url)
        async with httpx.AsyncClient(base_url=server.url, timeout=20) as client:
            issued = await asyncio.gather(
                *(
                    client.post(ISSUE, json={"category": "tax", "channel": "counter"}, headers=headers)
                    for _ in range(30)
                )
            )
            numbers = [r.json()["number"] for r in issued]
            assert len(set(numbers)) == 30
            for r in issued:  # whichever worker answers, it knows every ticket
                assert (await client.get(f"{ISSUE}/{r.json()['id']}")).status_code == 200
        assert await ledger_faults() == NO_FAULTS
    finally:
        server.stop()
