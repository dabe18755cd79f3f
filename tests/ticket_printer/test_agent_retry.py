"""The print agent never gives up: a real `onewindow serve` process that answers 503 for a
while, dies and comes back; the agent keeps retrying and prints every kiosk ticket once, in
order, on a `file:` printer that keeps them all."""

from __future__ import annotations

import asyncio
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
import tomli_w

from queue_server.accounts import add_device
from queue_server.auth import DeviceKind
from queue_server.clock import SystemClock
from queue_server.config import load_settings
from queue_server.storage import open_store
from tests.conftest import demo_config
from tests.server_process import ServerProcess, free_port
from tests.ticket_printer.live import AgentThread
from ticket_printer.agent import AgentOptions
from ticket_printer.connections import PrinterConfig

pytestmark = pytest.mark.slow

ALL_DAY = [["00:00", "23:59"]]  # the server runs on the real clock: the kiosk is always open


def write_config(directory: Path) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'hall.db'}"
    raw["halls"][0]["hours"] = {"weekdays": ALL_DAY, "weekend": ALL_DAY}
    raw["ticketing"] = {
        "kiosk_print_wait_s": 2.0,
        "print_within_s": 600,
        "printers": [{"name": "printer-1", "hall": "weiyang", "kiosks": ["kiosk-1"], "paper_mm": 80}],
    }
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


def seed_devices(config: Path) -> dict[str, str]:
    settings = load_settings(config)

    async def run() -> dict[str, str]:
        store = open_store(settings.server.store)
        await store.start()
        try:
            clock = SystemClock()
            return {
                "printer": await add_device(
                    store, settings, clock, "printer-1", DeviceKind.PRINTER, "weiyang"
                ),
                "kiosk": await add_device(store, settings, clock, "kiosk-1", DeviceKind.KIOSK, "weiyang"),
            }
        finally:
            await store.close()

    return asyncio.run(run())


class Unavailable(http.server.BaseHTTPRequestHandler):
    """What a proxy answers while the server behind it restarts."""

    attempts = 0

    def do_GET(self) -> None:
        type(self).attempts += 1
        self.send_response(503, "Service Unavailable")
        self.send_header("Content-Length", "0")
        self.send_header("Retry-After", "1")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class Hall:
    def __init__(self, tmp_path: Path) -> None:
        self.config = write_config(tmp_path)
        self.tokens = seed_devices(self.config)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.paper = tmp_path / "printer" / "tickets.bin"
        self.paper.parent.mkdir()
        self.text = tmp_path / "printer" / "tickets.txt"
        self.printed_log = tmp_path / "agent" / "printed-jobs.txt"
        self.server = ServerProcess(self.config, port=self.port)

    def agent(self) -> AgentThread:
        return AgentThread(
            AgentOptions(
                server=self.url,
                token=self.tokens["printer"],
                printed_log=self.printed_log,
                printer=PrinterConfig(kind="file", file_path=str(self.paper)),
                probe_s=0.2,
                idle_probe_s=0.5,
                reconnect_max_s=0.5,
                text_copy=self.text,
            )
        ).start()

    def issue(self) -> str:
        reply = httpx.post(
            f"{self.url}/kiosk/api/halls/weiyang/tickets",
            json={"category": "social"},
            headers={"Authorization": f"Bearer {self.tokens['kiosk']}"},
            timeout=30,
        )
        assert reply.status_code == 201, reply.text
        number: str = reply.json()["ticket"]["number"]
        return number

    def printed_numbers(self) -> list[str]:
        """The ticket numbers in the printer's file, in the order they were printed."""
        data = self.paper.read_bytes() if self.paper.exists() else b""
        # Each job prints its number alone on a line right after GS ! (3 x 3 on 80 mm).
        return [chunk.split(b"\n", 1)[0].decode() for chunk in data.split(b"\x1d!\x22")[1:]]

    def wait_printed(self, expected: list[str], timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while self.printed_numbers() != expected:
            assert len(self.printed_numbers()) <= len(expected), self.printed_numbers()
            assert time.monotonic() < deadline, f"printed {self.printed_numbers()}, expected {expected}"
            time.sleep(0.1)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    made = Hall(tmp_path)
    try:
        yield made
    finally:
        made.server.stop()


def test_the_agent_waits_out_503_answers_and_a_refused_port(hall: Hall) -> None:
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", hall.port), Unavailable)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    agent = hall.agent()
    try:
        deadline = time.monotonic() + 30
        while Unavailable.attempts < 3:
            assert time.monotonic() < deadline, "the agent stopped asking"
            assert agent.thread.is_alive(), "the agent gave up on 503"
            time.sleep(0.05)
        proxy.shutdown()
        proxy.server_close()
        time.sleep(1)  # a refused port for a while: the agent keeps trying
        assert agent.thread.is_alive()
        hall.server.start()
        agent.wait_connected(30)
        first = hall.issue()
        hall.wait_printed([first])
    finally:
        agent.stop()


def test_tickets_print_once_in_order_across_a_server_restart_and_an_agent_away(hall: Hall) -> None:
    hall.server.start()
    agent = hall.agent()
    try:
        agent.wait_connected(30)
        numbers = [hall.issue()]
        hall.wait_printed(numbers)

        hall.server.kill()  # kill -9: the agent's socket closes under it
        time.sleep(1.5)  # refused connections meanwhile
        assert agent.thread.is_alive()
        hall.server.start()
        numbers.append(hall.issue())
        hall.wait_printed(numbers)
    finally:
        agent.stop()

    # Tickets issued while no agent is connected wait on the server...
    away = [hall.issue() for _ in range(3)]
    # ...and the server restarts before the agent is back.
    hall.server.stop()
    hall.server.start()
    agent = hall.agent()
    try:
        hall.wait_printed(numbers + away)
        time.sleep(2)  # sweeps and status checks come and go: nothing prints again
        assert hall.printed_numbers() == numbers + away
    finally:
        agent.stop()
    assert numbers + away == ["B001", "B002", "B003", "B004", "B005"]
    text = hall.text.read_text(encoding="utf-8")
    assert [line.split()[1] for line in text.splitlines() if line.startswith("--- ")] == numbers + away
