"""Scaled out on Redis + PostgreSQL: steps per second with 1, 2, 3 processes, call → screen
across processes, and how long screens take to be current again after Redis restarts empty.

    python bench/scaleout.py --processes 1 2 3 --seconds 10 --calls 100

Each configuration gets a fresh database, 24 windows, and its own server processes on free
ports. Besides steps/s it reports what a step costs the servers: their CPU seconds per 1,000
steps, and how many batches were refused because another process had committed first
(`onewindow_store_collisions` of GET /metrics) per 1,000 steps. Figures go to
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import websockets

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from queue_server.clock import SystemClock  # noqa: E402
from queue_server.config import load_settings  # noqa: E402
from tests.conftest import PASSWORD, POSTGRES_URL, REDIS_URL, reset_scaled_backends, seed_people  # noqa: E402
from tests.queue_server.processes.conftest import write_config  # noqa: E402
from tests.queue_server.scaleout.conftest import RedisServer  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

ISSUE = "/api/halls/weiyang/tickets"
WINDOWS = 24


def start(config: Path, count: int, redis_url: str = REDIS_URL) -> list[ServerProcess]:
    env = {"ONEWINDOW_STORE": POSTGRES_URL, "ONEWINDOW_BUS": redis_url}
    running = [ServerProcess(config, env=env).launch() for _ in range(count)]
    return [server.wait_ready(60) for server in running]


def fresh_config(directory: Path) -> Path:
    reset_scaled_backends()
    config = write_config(directory, windows=WINDOWS)
    seed_people(load_settings(config), SystemClock(), store=POSTGRES_URL)
    return config


async def login(client: httpx.AsyncClient, url: str) -> dict[str, str]:
    r = await client.post(f"{url}/api/auth/login", json={"username": "supervisor", "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu_s(servers: list[ServerProcess]) -> float:
    """User and system CPU seconds the server processes have used so far."""
    total = 0
    for server in servers:
        fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


_COUNTED = (
    "onewindow_store_collisions_total",
    "onewindow_store_commit_seconds_count",
    "onewindow_store_commit_seconds_sum",
)


async def store_counts(client: httpx.AsyncClient, urls: list[str]) -> dict[str, float]:
    """From GET /metrics of every process, added up: batches refused because another process
    committed first, batches committed, and seconds spent committing them."""
    total = dict.fromkeys(_COUNTED, 0.0)
    for url in urls:
        for line in (await client.get(f"{url}/metrics")).text.splitlines():
            name = line.split("{", 1)[0]
            if name in total:
                total[name] += float(line.rsplit(" ", 1)[1])
    return total


async def throughput(servers: list[ServerProcess], seconds: float) -> dict[str, Any]:
    """Kiosks issuing and clerks calling (call-next, then no-show) on every process at once."""
    urls = [server.url for server in servers]
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=200)) as client:
        headers = await login(client, urls[0])
        for n in range(1, WINDOWS + 1):
            await client.post(f"{urls[n % len(urls)]}/api/halls/weiyang/windows/{n}/open", headers=headers)
        done = {"steps": 0, "errors": 0}
        latencies: list[float] = []
        stop = time.monotonic() + seconds

        async def step(url: str, path: str) -> httpx.Response:
            began = time.monotonic()
            r = await client.post(
                url + path, headers=headers, json={"category": "business"} if path == ISSUE else None
            )
            latencies.append((time.monotonic() - began) * 1000)
            done["steps" if r.status_code < 300 else "errors"] += 1
            return r

        async def kiosk(i: int) -> None:
            while time.monotonic() < stop:
                await step(urls[i % len(urls)], ISSUE)

        async def clerk(n: int) -> None:
            while time.monotonic() < stop:
                r = await step(urls[n % len(urls)], f"/api/halls/weiyang/windows/{n}/call-next")
                if r.status_code == 200 and r.json()["ticket"]:
                    await step(urls[(n + 1) % len(urls)], f"/api/halls/weiyang/windows/{n}/no-show")
                else:
                    await asyncio.sleep(0.05)

        before, cpu, began = await store_counts(client, urls), cpu_s(servers), time.monotonic()
        await asyncio.gather(*(kiosk(i) for i in range(24)), *(clerk(n) for n in range(1, WINDOWS + 1)))
        elapsed = time.monotonic() - began
        cpu = cpu_s(servers) - cpu
        after = await store_counts(client, urls)
    counted = {name: after[name] - before[name] for name in _COUNTED}
    commits = max(1.0, counted["onewindow_store_commit_seconds_count"])
    per_1000 = 1000 / max(1, done["steps"])
    return {
        "steps_per_s": done["steps"] / elapsed,
        "cpu_per_1000": cpu * per_1000,
        "collisions_per_1000": counted["onewindow_store_collisions_total"] * per_1000,
        "commits_per_s": commits / elapsed,
        "commit_ms": counted["onewindow_store_commit_seconds_sum"] / commits * 1000,
        "errors": done["errors"],
        "p50": statistics.median(latencies),
        "p99": pct(latencies, 0.99),
    }


async def call_to_screen(a: str, b: ServerProcess, calls: int) -> dict[str, Any]:
    """A clerk on A calls; a screen and the ticket's phone page on B hear it. Also: does a
    GET on B right after A's answer show the call?"""
    async with httpx.AsyncClient(timeout=30) as client:
        headers = await login(client, a)
        token = headers["Authorization"].removeprefix("Bearer ")
        await client.post(f"{a}/api/halls/weiyang/windows/1/open", headers=headers)
        latencies: list[float] = []
        phone_latencies: list[float] = []
        current = 0
        # Nobody else waits: each call calls the ticket just issued, whose phone page is open.
        await _call_everyone(client, a, headers)
        async with websockets.connect(f"ws://127.0.0.1:{b.port}/ws/halls/weiyang?token={token}") as screen:
            await screen.recv()
            for _ in range(calls):
                issued = (await client.post(a + ISSUE, json={"category": "tax"}, headers=headers)).json()
                async with websockets.connect(f"ws://127.0.0.1:{b.port}/t/{issued['id']}/ws") as phone:
                    await phone.recv()
                    heard = asyncio.create_task(_next_call(screen))
                    phoned = asyncio.create_task(_called_on_phone(phone))
                    sent = time.monotonic()
                    called = await client.post(f"{a}/api/halls/weiyang/windows/1/call-next", headers=headers)
                    ticket = called.json()["ticket"]
                    seen = (await client.get(f"{b.url}{ISSUE}/{ticket['id']}")).json()
                    current += seen["status"] == "called"
                    ticket_id, at = await heard
                    assert ticket_id == ticket["id"] == issued["id"]
                    latencies.append((at - sent) * 1000)
                    phone_latencies.append((await phoned - sent) * 1000)
                await client.post(f"{a}/api/halls/weiyang/windows/1/no-show", headers=headers)
    return {
        "p50": statistics.median(latencies),
        "p99": pct(latencies, 0.99),
        "phone_p50": statistics.median(phone_latencies),
        "phone_p99": pct(phone_latencies, 0.99),
        "current": current,
        "calls": calls,
    }


async def _call_everyone(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
    """Window 1 calls (and marks no-show) whoever the load left waiting."""
    while (await client.post(f"{url}/api/halls/weiyang/windows/1/call-next", headers=headers)).json()[
        "ticket"
    ]:
        await client.post(f"{url}/api/halls/weiyang/windows/1/no-show", headers=headers)


async def _called_on_phone(phone: Any) -> float:
    while True:
        message = json.loads(await asyncio.wait_for(phone.recv(), 10))
        if message.get("kind") == "ticket" and message["ticket"]["status"] == "called":
            return time.monotonic()


async def _next_call(screen: Any) -> tuple[str, float]:
    while True:
        message = json.loads(await asyncio.wait_for(screen.recv(), 10))
        if message.get("type") == "ticket.called":
            return message["ticket"], time.monotonic()


async def redis_recovery(config: Path, directory: Path) -> float:
    """Seconds from an empty Redis being back to a screen (reconnecting every second, as it
    is told to) holding a snapshot at the committed seq."""
    redis = RedisServer(directory).start()
    running = start(config, 2, redis.url)
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            headers = await login(client, running[0].url)
            token = headers["Authorization"].removeprefix("Bearer ")
            for _ in range(20):
                await client.post(running[0].url + ISSUE, json={"category": "tax"}, headers=headers)
            redis.kill()
            issued = await client.post(running[1].url + ISSUE, json={"category": "tax"}, headers=headers)
            assert issued.status_code == 201
            redis.start()
            began = time.monotonic()
            while True:
                try:
                    async with websockets.connect(
                        f"ws://127.0.0.1:{running[0].port}/ws/halls/weiyang?token={token}"
                    ) as ws:
                        first = json.loads(await asyncio.wait_for(ws.recv(), 2))
                        if first.get("kind") == "snapshot" and first["seq"] >= 21:
                            return time.monotonic() - began
                except (OSError, TimeoutError, websockets.ConnectionClosed):
                    pass
                await asyncio.sleep(1.0)
    finally:
        for server in running:
            server.stop()
        redis.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    print(
        "| processes | steps/s | step p50 / p99 ms | errors | server CPU s per 1,000 steps "
        "| collisions per 1,000 steps | commits/s, mean ms | call → screen on another process p50 / p99 ms "
        "| call → phone page on another process p50 / p99 ms | GET on B current |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for count in args.processes:
        with tempfile.TemporaryDirectory() as tmp:
            config = fresh_config(Path(tmp))
            running = start(config, count)
            try:
                load = asyncio.run(throughput(running, args.seconds))
                crossing = phoning = current = "-"
                if count >= 2:
                    seen = asyncio.run(call_to_screen(running[0].url, running[1], args.calls))
                    crossing = f"{seen['p50']:.1f} / {seen['p99']:.1f}"
                    phoning = f"{seen['phone_p50']:.1f} / {seen['phone_p99']:.1f}"
                    current = f"{seen['current']}/{seen['calls']}"
            finally:
                for server in running:
                    server.stop()
        print(
            f"| {count} | {load['steps_per_s']:.0f} | {load['p50']:.0f} / {load['p99']:.0f} "
            f"| {load['errors']} | {load['cpu_per_1000']:.1f} | {load['collisions_per_1000']:.0f} "
            f"| {load['commits_per_s']:.0f}, {load['commit_ms']:.0f} | {crossing} | {phoning} | {current} |",
            flush=True,
        )
    with tempfile.TemporaryDirectory() as tmp:
        config = fresh_config(Path(tmp))
        recovered = asyncio.run(redis_recovery(config, Path(tmp)))
        print(f"| Redis restarted empty → screen current | {recovered:.1f} s |")


if __name__ == "__main__":
    main()
