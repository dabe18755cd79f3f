"""A city on one machine: many halls, every window with its screen, calls at a steady rate.

Starts real `onewindow serve` processes (the embedded default, or N processes on Redis and
PostgreSQL), opens a hall screen and one screen per window as real WebSocket clients, then
issues tickets and calls numbers at fixed rates over HTTP. For every call it measures, at
each screen of the hall, the time from sending call-next to the event arriving. Bounded in
clients, rate and time; loopback only. Also reports each server process's CPU time and peak
memory, and, with --find-limit, the highest call rate whose p99 stays under 250 ms.

    python bench/city_load.py --backend embedded
    python bench/city_load.py --backend scaled --processes 2
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import tomli_w

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.lean_http import LeanClient  # noqa: E402
from bench.screens import Swarms, split  # noqa: E402
from queue_server.accounts import add_user  # noqa: E402
from queue_server.auth import Role  # noqa: E402
from queue_server.clock import SystemClock  # noqa: E402
from queue_server.config import load_settings  # noqa: E402
from queue_server.storage import open_store  # noqa: E402
from tests.conftest import (  # noqa: E402
    PASSWORD,
    POSTGRES_URL,
    REDIS_URL,
    demo_config,
    reset_scaled_backends,
)
from tests.server_process import ServerProcess  # noqa: E402

P99_LIMIT_MS = 250.0
PRE_ISSUED = 8  # tickets per hall before the clock starts


@dataclass
class Measurements:
    sent: dict[tuple[str, str], float] = field(default_factory=dict)
    # (hall, ticket, arrival): joined with `sent` afterwards, since on Redis a screen may
    # see the call before the clerk's response is back.
    arrivals: list[tuple[str, str, float]] = field(default_factory=list)
    calls: int = 0
    elapsed: float = 0.0
    # (CPU seconds, peak MiB) of each server process at the start and end of the steady phase
    usage_before: list[tuple[float, float]] = field(default_factory=list)
    usage_after: list[tuple[float, float]] = field(default_factory=list)

    @property
    def latencies_ms(self) -> list[float]:
        return [
            (arrived - self.sent[(hall, ticket)]) * 1000
            for hall, ticket, arrived in self.arrivals
            if (hall, ticket) in self.sent
        ]

    tickets: int = 0
    errors: int = 0


def write_city(directory: Path, halls: int, windows: int, backend: str) -> Path:
    template = demo_config()["halls"][0]
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'city.db'}"
    raw["server"]["client_queue"] = 2000
    raw.pop("ticketing")  # the demo hall's printer: no kiosks print in this city
    raw["halls"] = [
        {
            **template,
            "id": f"hall{h:03d}",
            "name": f"第{h}政务服务中心",
            "windows": [{"number": n} for n in range(1, windows + 1)],
        }
        for h in range(halls)
    ]
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    settings = load_settings(path)

    async def add_admin() -> None:
        store = open_store(POSTGRES_URL if backend == "scaled" else settings.server.store)
        await store.start()
        try:
            await add_user(store, settings, SystemClock(), "admin", Role.ADMIN, PASSWORD, None)
        finally:
            await store.close()

    asyncio.run(add_admin())
    return path


def process_usage(pid: int) -> tuple[float, float]:
    """CPU seconds used and peak resident memory (MiB) of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    peak = 0.0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return cpu, peak


async def drive(
    urls: list[str],
    pids: list[int],
    halls: list[str],
    windows: int,
    rate: float,
    seconds: float,
    generator: tuple[int, int | None],
) -> Measurements:
    """`generator`: how many processes read the screens (`bench/screens.py`), on which CPU."""
    m = Measurements()
    login = httpx.post(f"{urls[0]}/api/auth/login", json={"username": "admin", "password": PASSWORD})
    token = login.json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    # The hall screen and a screen per window, spread over the server processes.
    screens: dict[str, int] = {}
    hall_of: dict[str, str] = {}
    for index, hall in enumerate(halls):
        for n in range(windows + 1):
            base = urls[(index * (windows + 1) + n) % len(urls)].replace("http", "ws", 1)
            url = f"{base}/ws/halls/{hall}?token={token}"
            screens[url] = screens.get(url, 0) + 1
            hall_of[url] = hall
    swarms, cpu = generator
    readers = await Swarms.open(split(list(screens.items()), swarms), cpu, arrivals=True)
    free = [(hall, n) for hall in halls for n in range(1, windows + 1)]
    # The steady phase's requests on lean keep-alive connections (httpx's CPU per request
    # held the pinned generator below the rate asked).
    lean = [LeanClient(url, auth) for url in urls]
    for batch in range(0, len(free), 200):
        await asyncio.gather(
            *(
                lean[i % len(urls)].post(f"/api/halls/{h}/windows/{n}/open")
                for i, (h, n) in enumerate(free[batch : batch + 200])
            )
        )
    random.seed(1)

    async def issue(hall: str) -> None:
        status, _ = await random.choice(lean).post(
            f"/api/halls/{hall}/tickets", {"category": "social", "channel": "counter"}
        )
        if status == 201:
            m.tickets += 1
        else:
            m.errors += 1

    async def call(hall: str, number: int) -> None:
        server = random.choice(lean)
        started = time.perf_counter()
        status, answer = await server.post(f"/api/halls/{hall}/windows/{number}/call-next")
        if status != 200:
            m.errors += 1
        elif answer["ticket"] is not None:
            m.sent[(hall, answer["ticket"]["id"])] = started
            m.calls += 1
            await server.post(f"/api/halls/{hall}/windows/{number}/no-show")
        free.append((hall, number))

    # A short line in every hall first, so that every call finds someone to call.
    for hall in halls:
        await asyncio.gather(*(issue(hall) for _ in range(PRE_ISSUED)))
    m.tickets = 0
    # Tickets come in faster than calls, so every call finds someone waiting.
    pending: set[asyncio.Task[None]] = set()
    # Keep the collector's pauses in the generator out of the latencies it measures.
    gc.collect()
    gc.freeze()
    m.usage_before = [process_usage(pid) for pid in pids]
    begin = time.perf_counter()
    ticks = 0
    while time.perf_counter() - begin < seconds:
        ticks += 1
        due = begin + ticks / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        hall = random.choice(halls)
        pending.add(asyncio.create_task(issue(hall)))
        pending.add(asyncio.create_task(issue(hall)))
        if free:
            hall, number = free.pop(random.randrange(len(free)))
            # record the send time before the request goes out
            pending.add(asyncio.create_task(call(hall, number)))
        pending = {t for t in pending if not t.done()}
    await asyncio.gather(*pending)
    m.elapsed = time.perf_counter() - begin
    m.usage_after = [process_usage(pid) for pid in pids]
    await asyncio.sleep(1.0)
    m.arrivals = [(hall_of[url], ticket, at) for url, ticket, at in await readers.arrivals()]
    for server in lean:
        await server.close()
    return m


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def pin(cpu: int, pid: int) -> None:
    """Every thread of the process onto one CPU, so the load generator and the server stop
    competing for the same core (PostgreSQL and Redis, shared, are left where they are)."""
    subprocess.run(["taskset", "-a", "-cp", str(cpu), str(pid)], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["embedded", "scaled"], default="embedded")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--halls", type=int, default=100)
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20, help="calls per second across the city")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--find-limit", action="store_true", help="then raise the rate until p99 > 250 ms")
    parser.add_argument("--write", action="store_true", help="append the rows to docs/BENCHMARKS.md")
    parser.add_argument(
        "--pin", action="store_true", help="load generator on CPU 0, server processes on CPU 1 (taskset)"
    )
    parser.add_argument(
        "--swarms", type=int, default=1, help="processes reading the screens (bench/screens.py)"
    )
    args = parser.parse_args()
    if args.backend == "embedded" and args.processes != 1:
        parser.error("the embedded default is one process")

    with tempfile.TemporaryDirectory() as tmp:
        if args.backend == "scaled":
            reset_scaled_backends()
        config = write_city(Path(tmp), args.halls, args.windows, args.backend)
        env = (
            {"ONEWINDOW_STORE": POSTGRES_URL, "ONEWINDOW_BUS": REDIS_URL} if args.backend == "scaled" else {}
        )
        # Side by side, and given time: at load 12 a process loading 100 halls from a shared
        # PostgreSQL took more than two minutes to start.
        servers = [ServerProcess(config, env=env).launch() for _ in range(args.processes)]
        try:
            for server in servers:
                server.wait_ready(timeout=300)
        except BaseException:
            for server in servers:
                server.stop()
            raise
        if args.pin:
            pin(0, os.getpid())
            for server in servers:
                assert server.process is not None
                pin(1, server.process.pid)
        rows = []
        try:
            halls = [f"hall{h:03d}" for h in range(args.halls)]
            rates = [args.rate]
            while rates:
                rate = rates.pop(0)
                pids = [s.process.pid for s in servers if s.process]
                m = asyncio.run(
                    drive(
                        [s.url for s in servers],
                        pids,
                        halls,
                        args.windows,
                        rate,
                        args.seconds,
                        (args.swarms, 0 if args.pin else None),
                    )
                )
                usage_before, usage_after = m.usage_before, m.usage_after
                elapsed = m.elapsed
                cpu = ", ".join(
                    f"{(a[0] - b[0]) / elapsed * 100:.0f}%"
                    for a, b in zip(usage_after, usage_before, strict=True)
                )
                memory = ", ".join(f"{a[1]:.0f}" for a in usage_after)
                latencies = m.latencies_ms
                p99 = percentile(latencies, 99)
                label = (
                    "embedded (SQLite + memory)"
                    if args.backend == "embedded"
                    else f"Redis + PostgreSQL × {args.processes}"
                ) + (", pinned" if args.pin else "")
                row = (
                    f"| {time.strftime('%Y-%m-%d')} | {label} | {args.halls}×{args.windows}, "
                    f"{args.halls * (args.windows + 1)} screens | {rate:g} | {m.tickets / elapsed:.0f} | "
                    f"{m.calls / elapsed:.1f} | {percentile(latencies, 50):.1f} / "
                    f"{percentile(latencies, 95):.1f} / {p99:.1f} | {cpu} | {memory} | {m.errors} |"
                )
                print(row, flush=True)
                rows.append(row)
                if args.find_limit and p99 <= P99_LIMIT_MS and rate < 1000:
                    rates.append(rate * 2)
        finally:
            for server in servers:
                server.stop()
    if args.write:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as out:
            out.writelines(row + "\n" for row in rows)


if __name__ == "__main__":
    main()
