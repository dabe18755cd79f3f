"""Calls per second (call-next + start + finish) with a long waiting line, 10 windows.

Two paths, each at every --waiting size:

- runtime: the hall's runtime in this process, as the server runs it (decisions in
  order, group commits to a fresh SQLite file with fsync, events on the memory bus);
  Its floor is the disk's: with three durable commits in a row per call and window,
  `windows / (3 × median commit time)` of bare sqlite3 commits in the same folder;
- http: a real `onewindow serve` process on a loopback port, driven over keep-alive HTTP
  by one Python client, beside a bare Starlette+uvicorn app (the floor) driven by the same
  client the same way in the same run, so the figure is also a share of the floor.

The waiting line is written to the database before the runtime or server starts (the server
loads it as after a restart), in the hall's categories, one ticket in five of a priority
class. Each window loops call-next, start, finish for --seconds. Bounded in time.

    python bench/call_rate.py --waiting 5000 50000 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import tomli_w

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from queue_server.backends import open_backends  # noqa: E402
from queue_server.clock import SystemClock  # noqa: E402
from queue_server.config import Settings, load_settings  # noqa: E402
from queue_server.domain.hall import HallState, Outcome  # noqa: E402
from queue_server.runtime import HallRuntime  # noqa: E402
from tests.conftest import PASSWORD, demo_config, seed_people  # noqa: E402
from tests.server_process import ServerProcess, free_port  # noqa: E402

WINDOWS = 10
CPU_PER_CALL: list[float] = []  # seconds of this process's CPU per call, runtime path
HALL = "weiyang"


def write_config(directory: Path, windows: int) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'bench.db'}"
    raw["halls"][0]["windows"] = [{"number": n} for n in range(1, windows + 1)]
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


async def fill_line(settings: Settings, waiting: int) -> None:
    """Writes `waiting` tickets, issued over the last minutes, through the store's commit."""
    backends = open_backends(settings, SystemClock())
    await backends.start()
    try:
        spec = settings.halls[0]
        state = HallState(spec)
        categories = [c.code for c in spec.categories]
        # Issued over the last minutes, but today in the hall: tickets of an earlier service
        # day are expired when the line loads (the bench runs at any hour, midnight too).
        now = SystemClock().now()
        local_midnight = now.astimezone(spec.timezone).replace(hour=0, minute=0, second=0, microsecond=0)
        start = max(now - timedelta(minutes=20), local_midnight)
        outcomes: list[Outcome] = []
        for i in range(waiting):
            priority = "elderly" if i % 5 == 4 else "normal"
            at = start + timedelta(milliseconds=i)
            outcome = state.issue(
                f"bench{i:06d}", categories[i % len(categories)], priority, "counter", at, "bench"
            )
            state.apply(outcome)
            outcomes.append(outcome)
            if len(outcomes) == 5000:
                await backends.store.commit(outcomes)
                outcomes = []
        await backends.store.commit(outcomes)
    finally:
        await backends.close()


def commit_floor(directory: Path, windows: int) -> float:
    """The disk's ceiling for this loop: each window's three steps are three durable group
    commits one after another, so at best `windows` calls per three commits. Measured with
    bare sqlite3 commits of one row, WAL and synchronous=FULL as the store uses."""
    conn = sqlite3.connect(directory / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    times = []
    for _ in range(100):
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t (body) VALUES (?)", ("x" * 500,))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - started)
    conn.close()
    return windows / (3 * statistics.median(times))


async def runtime_rate(settings: Settings, windows: int, seconds: float) -> tuple[float, list[float]]:
    clock = SystemClock()
    backends = open_backends(settings, clock)
    await backends.start()
    try:
        spec = settings.halls[0]
        hall_log = backends.hall_log(spec)
        runtime = HallRuntime(await hall_log.load(), hall_log, clock)
        # As the server does after start-up: the loaded line is not walked by every collection.
        gc.collect()
        gc.freeze()
        for number in range(1, windows + 1):
            await runtime.run(lambda s, now, n=number: s.open_window(n, None, now, "bench"))
        calls, latencies = 0, []
        deadline = time.monotonic() + seconds

        async def window(number: int) -> None:
            nonlocal calls
            while time.monotonic() < deadline:
                started = time.perf_counter()
                outcome = await runtime.run(lambda s, now: s.call_next(number, now, "bench"))
                latencies.append(time.perf_counter() - started)
                if outcome.ticket is None:
                    return
                await runtime.run(lambda s, now: s.start(number, now, "bench"))
                await runtime.run(lambda s, now: s.finish(number, now, "bench"))
                calls += 1

        began, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(window(n) for n in range(1, windows + 1)))
        elapsed = time.perf_counter() - began
        CPU_PER_CALL.append((time.process_time() - cpu) / max(calls, 1))
        return calls / elapsed, latencies
    finally:
        gc.unfreeze()
        await backends.close()


async def drive_http(
    url: str, windows: int, seconds: float, paths: list[str], auth: dict[str, str]
) -> tuple[float, list[float]]:
    """Each window loops the three requests; returns cycles per second and call latencies."""
    limits = httpx.Limits(max_connections=windows + 2)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        cycles, latencies = 0, []
        deadline = time.monotonic() + seconds

        async def window(number: int) -> None:
            nonlocal cycles
            while time.monotonic() < deadline:
                for i, path in enumerate(paths):
                    started = time.perf_counter()
                    r = await client.post(path.format(n=number), headers=auth)
                    if i == 0:
                        latencies.append(time.perf_counter() - started)
                    if r.status_code != 200 or (i == 0 and r.json().get("ticket", 1) is None):
                        return
                cycles += 1

        began = time.perf_counter()
        await asyncio.gather(*(window(n) for n in range(1, windows + 1)))
        return cycles / (time.perf_counter() - began), latencies


async def http_rate(url: str, windows: int, seconds: float) -> tuple[float, list[float]]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        login = await client.post("/api/auth/login", json={"username": "supervisor", "password": PASSWORD})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        for number in range(1, windows + 1):
            await client.post(f"/api/halls/{HALL}/windows/{number}/open", headers=auth)
    paths = [f"/api/halls/{HALL}/windows/{{n}}/{verb}" for verb in ("call-next", "start", "finish")]
    return await drive_http(url, windows, seconds, paths, auth)


class Floor:
    """The bare Starlette+uvicorn app (bench/floor_app.py) in its own process, with the
    WebSocket settings OneWindow serves with (so the fan-out bench compares like with like).
    Its durable routes commit to `directory` (give it OneWindow's, to compare on one disk)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._own_directory = tempfile.TemporaryDirectory() if directory is None else None
        self.directory = Path(self._own_directory.name) if self._own_directory else directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import uvicorn; uvicorn.run('bench.floor_app:app', port={self.port},"
                " log_level='warning', access_log=False, ws_ping_interval=20, ws_ping_timeout=20,"
                " ws_per_message_deflate=False)",
            ],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), "FLOOR_DIR": str(self.directory)},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/x", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("floor app did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        if self._own_directory is not None:
            self._own_directory.cleanup()


def ms(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    http_floor = 0.0
    if "http" in args.path:
        floor = Floor()
        try:
            http_floor, _ = asyncio.run(
                drive_http(floor.url, args.windows, args.seconds, ["/a", "/b", "/c"], {})
            )
        finally:
            floor.stop()
    for waiting in args.waiting:
        for path in args.path:
            floor_rate = http_floor
            with tempfile.TemporaryDirectory() as tmp:
                config = write_config(Path(tmp), args.windows)
                settings = load_settings(config)
                seed_people(settings, SystemClock())
                asyncio.run(fill_line(settings, waiting))
                if path == "runtime":
                    floor_rate = commit_floor(Path(tmp), args.windows)
                    rate, latencies = asyncio.run(runtime_rate(settings, args.windows, args.seconds))
                else:
                    server = ServerProcess(config).start(timeout=120)
                    try:
                        rate, latencies = asyncio.run(http_rate(server.url, args.windows, args.seconds))
                    finally:
                        server.stop()
            rows.append(
                {
                    "path": path,
                    "waiting": waiting,
                    "rate": rate,
                    "p50": ms(latencies, 50),
                    "p99": ms(latencies, 99),
                    "floor": floor_rate,
                    "cpu": CPU_PER_CALL.pop() * 1000 if path == "runtime" else None,
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--waiting", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--windows", type=int, default=WINDOWS)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--path", nargs="+", choices=["runtime", "http"], default=["runtime", "http"])
    args = parser.parse_args()
    rows = measure(args)
    load = os.getloadavg()[0]
    for row in rows:
        cpu = "–" if row["cpu"] is None else f"{row['cpu']:.2f}"
        print(
            f"| {time.strftime('%Y-%m-%d')} | {row['path']} | {row['waiting']:,} | {args.windows} | "
            f"{row['rate']:,.0f} | {row['p50']:.2f} / {row['p99']:.2f} | {cpu} | "
            f"{row['floor']:,.0f} ({row['rate'] / row['floor']:.0%}) | {load:.1f} |"
        )


if __name__ == "__main__":
    main()
