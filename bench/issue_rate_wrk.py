"""Tickets issued per second on the embedded default, driven by wrk (Debian package `wrk`),
beside the floor: a bare Starlette+uvicorn app (bench/floor_app.py) driven the same way in
the same run, and the durable floor: the same app committing each request to SQLite with
fsync before answering (group commit), what durable writes allow on this disk.

The Python load generators share the machine's two cores with the server; wrk, written in
C, leaves nearly all of one core to it, so this is the server's own ceiling. Starts a real
`onewindow serve` on a loopback port with a fresh database and posts tickets for --seconds
over each of --connections keep-alive connection counts. --pin puts wrk on CPU 0 and each
server (the floor, then OneWindow), every thread of it, on CPU 1, as the fan-out and city
benchmarks do.

    python bench/issue_rate_wrk.py --seconds 10 --connections 1 64 [--pin]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.call_rate import Floor  # noqa: E402
from bench.city_load import pin  # noqa: E402
from bench.core_throughput import write_config  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

BODY = '{"category": "social", "channel": "counter"}'
CLIENT_CPU, SERVER_CPU = 0, 1  # with --pin


def run_wrk(
    wrk: str, url: str, script: Path, connections: int, seconds: int, pinned: bool = False
) -> tuple[float, str, str]:
    """Requests per second, latency p50 and p99 as wrk prints them."""
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    output = subprocess.run(
        ["taskset", "-c", str(CLIENT_CPU), *command] if pinned else command,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    # The latency distribution's own lines: "89.50%" ends a thread-stats line too.
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if rate is None:
        sys.exit(f"wrk printed no rate:\n{output}")
    return float(rate.group(1)), p50.group(1) if p50 else "?", p99.group(1) if p99 else "?"


def lua(path: Path, token: str | None) -> Path:
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = '{BODY}'",
        'wrk.headers["Content-Type"] = "application/json"',
    ]
    if token is not None:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 64])
    parser.add_argument("--pin", action="store_true", help="wrk on CPU 0, each server on CPU 1")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        floor = Floor(Path(tmp))
        try:
            if args.pin:
                pin(SERVER_CPU, floor.process.pid)
            script = lua(Path(tmp) / "floor.lua", None)
            floors = {
                c: run_wrk(wrk, f"{floor.url}/tickets", script, c, args.seconds, args.pin)
                for c in args.connections
            }
            # What durable writes allow on this disk: each request committed first (group commit).
            durable = {
                c: run_wrk(wrk, f"{floor.url}/durable/tickets", script, c, args.seconds, args.pin)
                for c in args.connections
            }
        finally:
            floor.stop()
        server = ServerProcess(write_config(Path(tmp))).start()
        try:
            if args.pin:
                pin(SERVER_CPU, server.pid)
            login = httpx.post(
                f"{server.url}/api/auth/login", json={"username": "supervisor", "password": PASSWORD}
            )
            script = lua(Path(tmp) / "issue.lua", login.json()["token"])
            for connections in args.connections:
                rate, p50, p99 = run_wrk(
                    wrk,
                    f"{server.url}/api/halls/weiyang/tickets",
                    script,
                    connections,
                    args.seconds,
                    args.pin,
                )
                rows.append((connections, rate, p50, p99))
        finally:
            server.stop()
    load = os.getloadavg()[0]
    client = "wrk, pinned" if args.pin else "wrk"
    for connections, rate, p50, p99 in rows:
        floor_rate, durable_rate = floors[connections][0], durable[connections][0]
        print(
            f"| {time.strftime('%Y-%m-%d %H:%M')} | embedded (SQLite + memory), {client} | {connections} | "
            f"{rate:,.0f} | {p50} / {p99} | {floor_rate:,.0f} ({rate / floor_rate:.0%}) | "
            f"{durable_rate:,.0f} ({rate / durable_rate:.0%}) | {load:.1f} |"
        )


if __name__ == "__main__":
    main()
