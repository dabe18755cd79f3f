"""Tickets issued per second on the embedded default, driven by wrk (Debian package `wrk`).

The Python load generators share the machine's two cores with the server; wrk, written in
C, leaves nearly all of one core to it, so this is the server's own ceiling. Starts a real
`onewindow serve` on a loopback port with a fresh database and posts tickets for --seconds
over --connections keep-alive connections.

    python bench/issue_rate_wrk.py --seconds 10 --connections 32
"""

from __future__ import annotations

import argparse
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

from bench.core_throughput import write_config  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(write_config(Path(tmp))).start()
        try:
            login = httpx.post(
                f"{server.url}/api/auth/login", json={"username": "supervisor", "password": PASSWORD}
            )
            script = Path(tmp) / "issue.lua"
            script.write_text(
                'wrk.method = "POST"\n'
                'wrk.body = \'{"category": "social", "channel": "counter"}\'\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
                f'wrk.headers["Authorization"] = "Bearer {login.json()["token"]}"\n'
            )
            output = subprocess.run(
                [
                    wrk,
                    "-t1",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--latency",
                    "-s",
                    str(script),
                    f"{server.url}/api/halls/weiyang/tickets",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            server.stop()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"50%\s+(\S+)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    print(output)
    found = [m.group(1) if m else "?" for m in (rate, p50, p99)]
    print(
        f"| {time.strftime('%Y-%m-%d')} | embedded (SQLite + memory), wrk | {args.connections} | "
        f"{found[0]} | {found[1]} / {found[2]} |"
    )


if __name__ == "__main__":
    main()
