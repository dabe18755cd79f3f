"""A hall served by a real `onewindow serve` process on the real clock, with a kiosk and a
printer device, the printer printing into a file: for the print agent's own tests."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx2 as httpx
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
