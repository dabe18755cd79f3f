"""Fan-out: N screens on one hall, a call, and how long until the last screen has it.

Starts a real `onewindow serve` (embedded default) and the floor (`bench/floor_app.py`, a
bare Starlette+uvicorn app whose `/broadcast` sends one text frame to every socket from one
loop) in the same invocation, opens N real WebSocket screens on each, and for every call
measures from sending the request (call-next on OneWindow, the broadcast on the floor) to
the frame arriving at the last of the N screens. Memory per connection is the server's
resident size after the screens connected minus before, divided by N. Loopback only,
bounded in screens and calls.

    python bench/fanout.py --screens 1000 3000 --calls 30
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
import tomli_w
import websockets

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.call_rate import Floor  # noqa: E402
from queue_server.accounts import add_user  # noqa: E402
from queue_server.auth import Role  # noqa: E402
from queue_server.clock import SystemClock  # noqa: E402
from queue_server.config import load_settings  # noqa: E402
from queue_server.storage import open_store  # noqa: E402
from tests.conftest import PASSWORD, demo_config  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

HALL = "hall000"
ISSUERS = 0  # clients issuing tickets as fast as they can while the calls are measured (--issuers)


def write_config(directory: Path, screens: int) -> Path:
    raw = demo_config()
    template = raw["halls"][0]
    raw["server"]["store"] = f"sqlite:///{directory / 'fanout.db'}"
    raw["server"]["max_connections"] = screens + 200
    raw["server"]["max_connections_per_client"] = screens + 200  # every screen is on loopback
    raw.pop("ticketing")
    raw["halls"] = [{**template, "id": HALL, "windows": [{"number": 1}]}]
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    settings = load_settings(path)

    async def add_admin() -> None:
        store = open_store(settings.server.store)
        await store.start()
        try:
            await add_user(store, settings, SystemClock(), "admin", Role.ADMIN, PASSWORD, None)
        finally:
            await store.close()

    asyncio.run(add_admin())
    return path


def resident_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def open_screens(url: str, count: int) -> list[websockets.ClientConnection]:
    screens: list[websockets.ClientConnection] = []
    for start in range(0, count, 100):
        batch = await asyncio.gather(
            *(
                websockets.connect(url, max_queue=None, open_timeout=120, compression=None)
                for _ in range(start, min(count, start + 100))
            )
        )
        await asyncio.gather(*(ws.recv() for ws in batch))  # the snapshot
        screens.extend(batch)
    return screens


async def last_arrival(screens: list[websockets.ClientConnection], kind: str) -> float:
    async def one(ws: websockets.ClientConnection) -> float:
        while True:
            message = json.loads(await ws.recv())
            if message.get("type") == kind:
                return time.perf_counter()

    return max(await asyncio.gather(*(one(ws) for ws in screens)))


async def measure(
    base: str, ws_url: str, pid: int, count: int, calls: int, call: object, kind: str, issue: object = None
) -> tuple[list[float], float]:
    before = resident_kib(pid)
    screens = await open_screens(ws_url, count)
    await asyncio.sleep(1.0)
    per_connection = (resident_kib(pid) - before) / count
    gc.collect()
    gc.freeze()
    latencies = []
    stop = asyncio.Event()

    async def issuer() -> None:
        while not stop.is_set():
            await issue()  # type: ignore[misc, operator]

    issuers = [asyncio.create_task(issuer()) for _ in range(ISSUERS if issue is not None else 0)]
    try:
        await asyncio.sleep(0.5 if issuers else 0)
        for _ in range(calls):
            arrived = asyncio.create_task(last_arrival(screens, kind))
            await asyncio.sleep(0.05)
            started = time.perf_counter()
            await call()  # type: ignore[operator]
            latencies.append((await asyncio.wait_for(arrived, 60)) - started)
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.gather(*issuers, return_exceptions=True)
        gc.unfreeze()
        await asyncio.gather(*(ws.close() for ws in screens), return_exceptions=True)
    return latencies, per_connection


async def run_floor(floor: Floor, count: int, calls: int) -> tuple[list[float], float]:
    async with httpx.AsyncClient(timeout=60) as client:
        frame = json.dumps({"type": "ticket.called", "seq": 1, "data": {"ticket": {"number": "A001"}}})

        async def call() -> None:
            await client.post(f"{floor.url}/broadcast", content=frame)

        async def issue() -> None:
            await client.post(f"{floor.url}/tickets", json={"category": "social", "channel": "counter"})

        ws_url = floor.url.replace("http", "ws", 1) + "/ws"
        return await measure(floor.url, ws_url, floor.process.pid, count, calls, call, "ticket.called", issue)


async def run_onewindow(server: ServerProcess, count: int, calls: int) -> tuple[list[float], float]:
    async with httpx.AsyncClient(timeout=60) as client:
        login = await client.post(
            f"{server.url}/api/auth/login", json={"username": "admin", "password": PASSWORD}
        )
        token = login.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        await client.post(f"{server.url}/api/halls/{HALL}/windows/1/open", headers=auth)
        for _ in range(calls):
            r = await client.post(
                f"{server.url}/api/halls/{HALL}/tickets",
                json={"category": "social", "channel": "counter"},
                headers=auth,
            )
            r.raise_for_status()
        window = f"{server.url}/api/halls/{HALL}/windows/1"

        async def issue() -> None:
            await client.post(
                f"{server.url}/api/halls/{HALL}/tickets",
                json={"category": "social", "channel": "counter"},
                headers=auth,
            )

        async def call() -> None:
            r = await client.post(f"{window}/call-next", headers=auth)
            r.raise_for_status()
            await client.post(f"{window}/no-show", headers=auth)

        ws_url = server.url.replace("http", "ws", 1) + f"/ws/halls/{HALL}?token={token}"
        assert server.process is not None
        return await measure(
            server.url, ws_url, server.process.pid, count, calls, call, "ticket.called", issue
        )


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--screens", type=int, nargs="+", default=[1000])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--issuers", type=int, default=0, help="clients issuing tickets meanwhile (goal 3)")
    args = parser.parse_args()
    global ISSUERS
    ISSUERS = args.issuers
    load = os.getloadavg()[0]
    for count in args.screens:
        with tempfile.TemporaryDirectory() as tmp:
            server = ServerProcess(write_config(Path(tmp), count)).start(timeout=120)
            floor = Floor()
            try:
                ow, ow_mem = asyncio.run(run_onewindow(server, count, args.calls))
                fl, fl_mem = asyncio.run(run_floor(floor, count, args.calls))
            finally:
                floor.stop()
                server.stop()
        print(
            f"| {time.strftime('%Y-%m-%d')} | {count} | {p(ow, 50):.0f} / {p(ow, 99):.0f} | "
            f"{p(fl, 50):.0f} / {p(fl, 99):.0f} | {p(ow, 99) / p(fl, 99):.2f}× | "
            f"{ow_mem:.1f} | {fl_mem:.1f} | {ow_mem / fl_mem:.2f}× | {load:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
