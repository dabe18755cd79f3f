"""Fan-out: N screens on one hall, a call, and how long until the last screen has it.

Starts a real `onewindow serve` (embedded default) and the floor (`bench/floor_app.py`, a
bare Starlette+uvicorn app whose `/broadcast` sends one text frame to every socket from one
loop) in the same invocation, opens N real WebSocket screens on each, and for every call
measures from sending the request (call-next on OneWindow, the broadcast on the floor) to
the frame arriving at the last of the N screens. Both are read by the same lean swarm
processes (`bench/screens.py`, --swarms of them; --pin puts them on CPU 0 and each server on
CPU 1), so the floor measures the machine and the generator, not the `websockets` client's
parsing. Memory per connection is the server's
resident size after the screens connected minus before, divided by N (and its whole resident
size then, in MiB). Loopback only,
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
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import tomli_w

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.call_rate import Floor  # noqa: E402
from bench.city_load import pin  # noqa: E402
from bench.issuers import TICKET  # noqa: E402
from bench.screens import Swarms, split  # noqa: E402
from queue_server.accounts import add_user  # noqa: E402
from queue_server.auth import Role  # noqa: E402
from queue_server.clock import SystemClock  # noqa: E402
from queue_server.config import load_settings  # noqa: E402
from queue_server.storage import open_store  # noqa: E402
from tests.conftest import PASSWORD, demo_config  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

HALL = "hall000"


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


@dataclass
class Run:
    latencies: list[float]  # call → last screen, s
    kib_per_screen: float
    resident_mib: float  # the server's, with every screen connected
    issued_per_s: float = 0.0  # by the issuers, while the calls were measured


@dataclass(frozen=True)
class Generator:
    """How the screens are read: in how many swarm processes, pinned to which CPU (or not)."""

    swarms: int = 2
    cpu: int | None = None


async def measure(
    ws_url: str, pid: int, count: int, calls: int, call: object, issue: Issue | None, load: Generator
) -> Run:
    before = resident_kib(pid)
    screens = await Swarms.open(split([(ws_url, count)], load.swarms), load.cpu)
    await asyncio.sleep(1.0)
    after = resident_kib(pid)
    run = Run([], (after - before) / count, after / 1024)
    gc.collect()
    gc.freeze()
    issuers = None if issue is None else issue.start()
    started_issuing = time.perf_counter()
    try:
        await asyncio.sleep(0.5 if issuers else 0)
        for n in range(1, calls + 1):
            started = time.perf_counter()
            await call()  # type: ignore[operator]
            run.latencies.append(await screens.last_arrival(n) - started)
            await asyncio.sleep(0.1)
    finally:
        if issue is not None and issuers is not None:
            issued = issue.stop(issuers)
            run.issued_per_s = issued / (time.perf_counter() - started_issuing)
        gc.unfreeze()
        await screens.close()
    return run


class Issue:
    """`bench/issuers.py` issuing tickets to `url` in a process of its own while it runs."""

    def __init__(self, url: str, clients: int, token: str | None = None) -> None:
        self.url, self.clients, self.token = url, clients, token

    def start(self) -> subprocess.Popen[str]:
        token = [] if self.token is None else ["--token", self.token]
        process = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "bench" / "issuers.py"),
                self.url,
                f"--clients={self.clients}",
                *token,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            process.kill()
            raise RuntimeError("the issuers did not start")
        return process

    def stop(self, process: subprocess.Popen[str]) -> int:
        """How many tickets were issued (refusals would make the figure meaningless)."""
        output, _ = process.communicate(input="", timeout=60)
        issued, refused = (int(n) for n in output.split())
        if refused:
            raise RuntimeError(f"{refused} of the issuers' tickets were refused")
        return issued


async def run_floor(
    floor: Floor, count: int, calls: int, issuers: int, load: Generator, routes: str = ""
) -> Run:
    """`routes="/durable"`: the durable floor, each call and ticket committed first."""
    async with httpx.AsyncClient(timeout=60) as client:
        frame = json.dumps({"type": "ticket.called", "seq": 1, "data": {"ticket": {"number": "A001"}}})

        async def call() -> None:
            await post_again_if_dropped(client, f"{floor.url}{routes}/broadcast", content=frame)

        ws_url = floor.url.replace("http", "ws", 1) + "/ws"
        issue = Issue(f"{floor.url}{routes}/tickets", issuers) if issuers else None
        return await measure(ws_url, floor.process.pid, count, calls, call, issue, load)


async def run_onewindow(server: ServerProcess, count: int, calls: int, issuers: int, load: Generator) -> Run:
    async with httpx.AsyncClient(timeout=60) as client:
        login = await client.post(
            f"{server.url}/api/auth/login", json={"username": "admin", "password": PASSWORD}
        )
        token = login.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        await client.post(f"{server.url}/api/halls/{HALL}/windows/1/open", headers=auth)
        tickets = f"{server.url}/api/halls/{HALL}/tickets"
        for _ in range(calls):
            (await client.post(tickets, json=TICKET, headers=auth)).raise_for_status()
        window = f"{server.url}/api/halls/{HALL}/windows/1"

        async def call() -> None:
            for verb in ("call-next", "no-show"):
                # Keyed, so that the one retry below never takes a second step.
                keyed = {**auth, "Idempotency-Key": uuid.uuid4().hex}
                (await post_again_if_dropped(client, f"{window}/{verb}", headers=keyed)).raise_for_status()

        ws_url = server.url.replace("http", "ws", 1) + f"/ws/halls/{HALL}?token={token}"
        issue = Issue(tickets, issuers, token) if issuers else None
        return await measure(ws_url, server.pid, count, calls, call, issue, load)


async def post_again_if_dropped(client: httpx.AsyncClient, url: str, **request: Any) -> httpx.Response:
    """A POST, sent once more if the server had closed the keep-alive connection it went out
    on (connecting 10,000 screens takes longer than the server keeps an idle one open)."""
    try:
        return await client.post(url, **request)
    except httpx.RemoteProtocolError:
        return await client.post(url, **request)


def ratio(run: Run, floor: Run) -> str:
    return " / ".join(f"{p(run.latencies, q) / p(floor.latencies, q):.2f}×" for q in (50, 99))


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--screens", type=int, nargs="+", default=[1000])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--issuers", type=int, default=0, help="clients issuing tickets meanwhile (goal 3)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each, OneWindow then the floor")
    parser.add_argument(
        "--swarms", type=int, default=2, help="processes reading the screens (bench/screens.py)"
    )
    parser.add_argument(
        "--pin", action="store_true", help="the screens' readers on CPU 0, each server on CPU 1 (taskset)"
    )
    args = parser.parse_args()
    generator = Generator(args.swarms, 0 if args.pin else None)
    for count in args.screens:
        for _ in range(args.rounds):
            load = os.getloadavg()[0]
            with tempfile.TemporaryDirectory() as tmp:
                server = ServerProcess(write_config(Path(tmp), count)).start(timeout=120)
                floor = Floor(Path(tmp))
                try:
                    if args.pin:
                        pin(1, server.pid)
                        pin(1, floor.process.pid)
                    ow = asyncio.run(run_onewindow(server, count, args.calls, args.issuers, generator))
                    fl = asyncio.run(run_floor(floor, count, args.calls, args.issuers, generator))
                    if args.issuers:  # and what durable writes allow on this disk
                        du = asyncio.run(
                            run_floor(floor, count, args.calls, args.issuers, generator, "/durable")
                        )
                finally:
                    floor.stop()
                    server.stop()
            ratios = ratio(ow, fl)
            if args.issuers:
                # goal 3: one screen, call → screen while the issuers issue
                print(
                    f"| {time.strftime('%Y-%m-%d %H:%M')} | {args.issuers} | {p(ow.latencies, 50):.1f} / "
                    f"{p(ow.latencies, 99):.1f} | {p(fl.latencies, 50):.1f} / {p(fl.latencies, 99):.1f} | "
                    f"{p(du.latencies, 50):.1f} / {p(du.latencies, 99):.1f} | {ratios} | {ratio(ow, du)} | "
                    f"{ow.issued_per_s:.0f} ({fl.issued_per_s:.0f}, {du.issued_per_s:.0f}) | {load:.1f} |",
                    flush=True,
                )
            else:
                print(
                    f"| {time.strftime('%Y-%m-%d %H:%M')} | {count} | {p(ow.latencies, 50):.0f} / "
                    f"{p(ow.latencies, 99):.0f} | {p(fl.latencies, 50):.0f} / {p(fl.latencies, 99):.0f} | "
                    f"{ratios} | {ow.kib_per_screen:.1f} ({fl.kib_per_screen:.1f}) | "
                    f"{ow.kib_per_screen / fl.kib_per_screen:.2f}× | {ow.resident_mib:.0f} "
                    f"({fl.resident_mib:.0f}) | {load:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
