"""Tickets issued per second and calls per second on the embedded default (SQLite + memory bus).

Starts a real `onewindow serve` process on a loopback port with a fresh database, then drives
it with concurrent HTTP clients: first issuing tickets, then 20 windows calling them (each
call followed by a no-show, which frees the window for the next call). Bounded in count and
time. Prints a Markdown table row; `--write` appends it to docs/BENCHMARKS.md.

    python bench/core_throughput.py --tickets 5000 --concurrency 64
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
import tomli_w

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from queue_server.clock import SystemClock  # noqa: E402
from queue_server.config import load_settings  # noqa: E402
from tests.conftest import PASSWORD, demo_config, seed_people  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

WINDOWS = 20


def write_config(directory: Path) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'bench.db'}"
    raw["halls"][0]["windows"] = [{"number": n} for n in range(1, WINDOWS + 1)]
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    seed_people(load_settings(path), SystemClock())
    return path


async def issue_phase(
    client: httpx.AsyncClient, auth: dict[str, str], total: int, concurrency: int, deadline: float
) -> tuple[int, float, list[float]]:
    categories = ["business", "social", "medical", "realestate", "tax"]
    issued = 0
    latencies: list[float] = []
    next_index = 0

    async def worker() -> None:
        nonlocal issued, next_index
        while next_index < total and time.monotonic() < deadline:
            index = next_index
            next_index += 1
            started = time.perf_counter()
            r = await client.post(
                "/api/halls/weiyang/tickets",
                json={"category": categories[index % 5], "channel": "counter"},
                headers=auth,
            )
            latencies.append(time.perf_counter() - started)
            if r.status_code == 201:
                issued += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return issued, time.perf_counter() - started, latencies


async def call_phase(
    client: httpx.AsyncClient, auth: dict[str, str], deadline: float
) -> tuple[int, float, list[float]]:
    calls = 0
    latencies: list[float] = []

    async def window(number: int) -> None:
        nonlocal calls
        while time.monotonic() < deadline:
            started = time.perf_counter()
            r = await client.post(f"/api/halls/weiyang/windows/{number}/call-next", headers=auth)
            latencies.append(time.perf_counter() - started)
            if r.status_code != 200 or r.json()["ticket"] is None:
                return
            calls += 1
            await client.post(f"/api/halls/weiyang/windows/{number}/no-show", headers=auth)

    started = time.perf_counter()
    await asyncio.gather(*(window(n) for n in range(1, WINDOWS + 1)))
    return calls, time.perf_counter() - started, latencies


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


async def drive(url: str, args: argparse.Namespace) -> str:
    limits = httpx.Limits(max_connections=args.concurrency + WINDOWS + 5)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        login = await client.post("/api/auth/login", json={"username": "supervisor", "password": PASSWORD})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        for number in range(1, WINDOWS + 1):
            await client.post(f"/api/halls/weiyang/windows/{number}/open", headers=auth)
        issued, issue_s, issue_lat = await issue_phase(
            client, auth, args.tickets, args.concurrency, time.monotonic() + args.seconds
        )
        calls, call_s, call_lat = await call_phase(client, auth, time.monotonic() + args.seconds)
    return (
        f"| {time.strftime('%Y-%m-%d')} | embedded (SQLite + memory) | {args.concurrency} | "
        f"{issued} | {issued / issue_s:,.0f} | {p(issue_lat, 50):.1f} / {p(issue_lat, 99):.1f} | "
        f"{calls} | {calls / call_s:,.0f} | {p(call_lat, 50):.1f} / {p(call_lat, 99):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=5000, help="tickets to issue (bounded)")
    parser.add_argument("--concurrency", type=int, default=64, help="concurrent issuing clients")
    parser.add_argument("--seconds", type=float, default=60, help="time limit per phase")
    parser.add_argument("--write", action="store_true", help="append the row to docs/BENCHMARKS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(write_config(Path(tmp))).start()
        try:
            row = asyncio.run(drive(server.url, args))
        finally:
            server.stop()
    print(row)
    if args.write:
        with (REPO / "docs" / "BENCHMARKS.md").open("a", encoding="utf-8") as out:
            out.write(row + "\n")


if __name__ == "__main__":
    main()
