"""How long a server takes to start: from `onewindow serve` to its first `/healthz` 200.

    python bench/startup.py

One run: serves the built-in demo hall from a fresh data folder (as every test's server does,
so the store is created and migrated), polls /healthz every 10 ms, then kills the server (its
shutdown is not timed) and exits.
Time it from outside, beside `python -c pass` in the same invocation, and quote the ratio
(docs/BENCHMARKS.md, "Start-up").
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def main() -> int:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if k != "ONEWINDOW_CONFIG"}
        env["ONEWINDOW_DATA"] = data
        server = subprocess.Popen(
            [sys.executable, "-m", "queue_server", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + TIMEOUT_S
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    print(f"server exited with {server.returncode}", file=sys.stderr)
                    return 1
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                        if reply.status == 200:
                            return 0
                except (urllib.error.URLError, ConnectionError):
                    pass
                time.sleep(0.01)
            print(f"no /healthz 200 in {TIMEOUT_S} s", file=sys.stderr)
            return 1
        finally:
            # Killed: how long it takes to stop is not part of the start.
            server.kill()
            server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
