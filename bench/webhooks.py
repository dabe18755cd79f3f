"""What webhooks cost the queue: a real `onewindow serve` process driven by one keep-alive
client (issue, call-next, start, finish at window 1, in a loop), with no webhook, then with
two webhooks whose receivers accept the connection and never answer (each attempt waits out
the timeout) and one whose receiver answers at once, in alternating rounds (the machine is
shared: medians of the rounds). The receivers run in a process of their own. The answering
receiver's figures say whether the deliverer kept pace (events delivered, and how long after
the load it had them all).

    python bench/webhooks.py --seconds 8 --rounds 3
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2 as httpx
import tomli_w

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from queue_server.clock import SystemClock  # noqa: E402
from queue_server.config import load_settings  # noqa: E402
from tests.conftest import PASSWORD, demo_config, seed_people  # noqa: E402
from tests.server_process import ServerProcess, free_port  # noqa: E402

EVENTS = ["ticket.issued", "ticket.called", "ticket.started", "ticket.finished"]


class Silent:
    """Accepts connections and never answers: the worst receiver, short of refusing."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                return


class Counting:
    """Answers 204 at once, in a process of its own (not competing with the load client), and
    counts what it got, with when (time.monotonic) the last came."""

    def __init__(self) -> None:
        self._count, self._last = multiprocessing.Value("i", 0), multiprocessing.Value("d", 0.0)
        self.port = free_port()
        self.process = multiprocessing.Process(
            target=_answer, args=(self.port, self._count, self._last), daemon=True
        )
        self.process.start()

    @property
    def count(self) -> int:
        return int(self._count.value)

    @property
    def last(self) -> float:
        return float(self._last.value)

    def reset(self) -> None:
        self._count.value, self._last.value = 0, 0.0


def _answer(port: int, count: Any, last: Any) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            count.value, last.value = count.value + 1, time.monotonic()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def login(client: httpx.Client, name: str) -> dict[str, str]:
    reply = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {reply.json()['token']}"}


def run(directory: Path, seconds: float, hooks: list[str]) -> dict[str, Any]:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'hall.db'}"
    raw["outbound"] = {"poll_seconds": 0.2, "timeout_seconds": 10, "retry_first_seconds": 1}
    config = directory / "config.toml"
    config.write_bytes(tomli_w.dumps(raw).encode())
    seed_people(load_settings(config), SystemClock())
    server = ServerProcess(config, port=free_port()).start(timeout=120)  # a shared, busy machine
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            admin, clerk = login(client, "admin"), login(client, "clerk1")
            for url in hooks:
                reply = client.post(
                    "/api/halls/weiyang/webhooks", json={"url": url, "events": EVENTS}, headers=admin
                )
                assert reply.status_code == 201, reply.text
            client.post("/api/halls/weiyang/windows/1/open", json={}, headers=clerk)
            latencies: list[float] = []
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                for method, path in (
                    ("tickets", {"category": "business", "channel": "counter"}),
                    ("windows/1/call-next", {}),
                    ("windows/1/start", {}),
                    ("windows/1/finish", {}),
                ):
                    started = time.perf_counter()
                    reply = client.post(f"/api/halls/weiyang/{method}", json=path, headers=clerk)
                    latencies.append(time.perf_counter() - started)
                    assert reply.status_code in (200, 201), reply.text
            finished = time.monotonic()
            return {"steps": len(latencies), "latencies": latencies, "end": finished, "server": server}
    finally:
        if not hooks:
            server.stop()


def figures(result: dict[str, Any], seconds: float) -> tuple[float, float, float]:
    """Steps per second, p50 and p95 latency in ms."""
    lat = sorted(result["latencies"])
    return result["steps"] / seconds, statistics.median(lat) * 1000, lat[int(0.95 * (len(lat) - 1))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    silent, counting = Silent(), Counting()
    hooks = [f"http://127.0.0.1:{silent.port}/a", f"http://127.0.0.1:{silent.port}/b"]
    hooks.append(f"http://127.0.0.1:{counting.port}/hook")
    rows: dict[str, list[tuple[float, float, float]]] = {"none": [], "hooks": []}
    kept_pace: list[str] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            rows["none"].append(figures(run(Path(first), args.seconds, []), args.seconds))
            counting.reset()
            loaded = run(Path(second), args.seconds, hooks)
            try:
                expected = loaded["steps"]  # one event per step, all of the asked types
                deadline = time.monotonic() + 60
                while counting.count < expected and time.monotonic() < deadline:
                    time.sleep(0.05)
            finally:
                loaded["server"].stop()
            rows["hooks"].append(figures(loaded, args.seconds))
            lag = max(0.0, counting.last - loaded["end"])
            kept_pace.append(f"{counting.count}/{expected} events, last {lag:.2f} s after the load")
    medians = {k: [statistics.median(col) for col in zip(*v, strict=True)] for k, v in rows.items()}
    for name, key in (("no webhook", "none"), ("2 silent + 1 answering webhooks", "hooks")):
        rate, p50, p95 = medians[key]
        print(f"{name:<34} {rate:8.0f} steps/s   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")
    ratio = [h / n for h, n in zip(medians["hooks"], medians["none"], strict=True)]
    print(f"with webhooks / without: {ratio[0]:.2f}× steps/s, p50 {ratio[1]:.2f}×, p95 {ratio[2]:.2f}×")
    print("answering receiver, per round: " + "; ".join(kept_pace))
    return 0


if __name__ == "__main__":
    sys.exit(main())
