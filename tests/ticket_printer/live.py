"""A live hall for the ticketing tests: the app under uvicorn in a thread (so that a manual
clock drives it), a print agent in another thread, and the fake printer they print on."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2 as httpx
import tomli_w
import uvicorn

from queue_server.accounts import add_device
from queue_server.auth import DeviceKind
from queue_server.clock import ManualClock
from queue_server.config import load_settings
from queue_server.storage import open_store
from tests.conftest import demo_config
from tests.ticket_printer.fake_printer import FakeNetworkPrinter
from ticket_printer.agent import AgentOptions, PrintAgent

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveHall:
    """The demo hall served over real HTTP/WebSocket on a loopback port."""

    url: str
    clock: ManualClock
    tokens: dict[str, str]
    printer: FakeNetworkPrinter
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.url, timeout=15)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def post(self, path: str, who: str | None = None, **body: Any) -> httpx.Response:
        return self.client.post(path, json=body, headers=self.auth(who) if who else {})

    def get(self, path: str, who: str | None = None) -> httpx.Response:
        return self.client.get(path, headers=self.auth(who) if who else {})

    def kiosk_issue(self, category: str = "business", **body: Any) -> httpx.Response:
        return self.post("/kiosk/api/halls/weiyang/tickets", "kiosk", category=category, **body)

    def printer_state(self) -> dict[str, Any]:
        printers = self.get("/api/halls/weiyang/printers", "supervisor").json()["printers"]
        result: dict[str, Any] = printers[0]
        return result

    def wait_for(self, condition: Any, timeout_s: float = 10.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} not reached in {timeout_s} s")
            time.sleep(0.05)


class ServerThread:
    def __init__(self, app: Any, port: int | None = None) -> None:
        # A given port: a server restarted on it is found again by the clients of the first.
        self.port = port or free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live hall", daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live hall did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class AgentThread:
    """A print agent in its own thread and event loop, stopped by cancelling it."""

    def __init__(self, options: AgentOptions) -> None:
        self.agent = PrintAgent(options)
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self.thread = threading.Thread(target=self._run, name="print agent", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self.agent.run())
        try:
            self._loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        finally:
            self._loop.close()

    def start(self) -> AgentThread:
        self.thread.start()
        return self

    def wait_connected(self, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.agent.connected.is_set():
            if time.monotonic() > deadline:
                raise TimeoutError("print agent did not connect")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._task is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._task.cancel)
        self.thread.join(10)


def in_thread(work: Callable[[], T]) -> T:
    """`work()` in a thread of its own: seeding runs asyncio.run(), which cannot run in a
    thread whose loop is busy (Playwright's sync API keeps one running in the main thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def write_live_config(directory: Path, printer: FakeNetworkPrinter, **ticketing: Any) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'hall.db'}"
    raw["ticketing"] = {
        "kiosk_print_wait_s": 3.0,
        "print_within_s": 120,
        "printers": [
            {
                "name": "printer-1",
                "hall": "weiyang",
                "kiosks": ["kiosk-1"],
                "paper_mm": 80,
                "connection": {
                    "kind": "network",
                    "host": printer.host,
                    "port": printer.port,
                    "timeout_s": 2.0,
                    "status_timeout_s": 0.5,
                },
            }
        ],
        **ticketing,
    }
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


def seed_printer(config: Path, clock: ManualClock) -> str:
    settings = load_settings(config)

    async def run() -> str:
        store = open_store(settings.server.store)
        await store.start()
        try:
            return await add_device(store, settings, clock, "printer-1", DeviceKind.PRINTER, "weiyang")
        finally:
            await store.close()

    return asyncio.run(run())


def agent_options(hall: LiveHall, tmp_path: Path, server: str | None = None) -> AgentOptions:
    return AgentOptions(
        server=server or hall.url,
        token=hall.tokens["printer"],
        printed_log=tmp_path / "agent" / "printed-jobs.txt",
        probe_s=0.2,
        idle_probe_s=0.5,
        reconnect_max_s=0.5,
    )
