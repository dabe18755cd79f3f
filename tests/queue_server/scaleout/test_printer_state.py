"""A kiosk printer's state is shared by every process when the bus is Redis
(queue_server.ticketing.printer_state): a real print agent connected to `onewindow serve` process A, on a
fake network printer, and the printer's state and a kiosk's ticket asked of process B."""

from __future__ import annotations

import asyncio
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import tomli_w

from queue_server.accounts import add_device
from queue_server.auth import DeviceKind
from queue_server.clock import SystemClock
from queue_server.config import load_settings
from queue_server.storage import open_store
from tests.conftest import POSTGRES_URL, reset_scaled_backends, seed_people
from tests.queue_server.processes.conftest import write_config
from tests.queue_server.scaleout.conftest import START_TIMEOUT_S, clocked_env, supervisor_headers
from tests.server_process import ServerProcess
from tests.ticket_printer.fake_printer import FakeNetworkPrinter
from tests.ticket_printer.live import AgentThread
from ticket_printer.agent import AgentOptions

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


class Hall:
    def __init__(self, a: ServerProcess, b: ServerProcess, tokens: dict[str, str]) -> None:
        self.a, self.b, self.tokens = a, b, tokens

    def printer_on(self, server: ServerProcess) -> dict[str, Any]:
        response = httpx.get(
            f"{server.url}/api/halls/weiyang/printers", headers=supervisor_headers(server.url)
        )
        assert response.status_code == 200, response.text
        printer: dict[str, Any] = response.json()["printers"][0]
        return printer


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not seen within {timeout_s} s")
        time.sleep(0.1)


def seed_printer(config: Path) -> str:
    async def run() -> str:
        store = open_store(POSTGRES_URL)
        await store.start()
        try:
            settings = load_settings(config)
            return await add_device(
                store, settings, SystemClock(), "printer-1", DeviceKind.PRINTER, "weiyang"
            )
        finally:
            await store.close()

    return asyncio.run(run())


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer


@pytest.fixture
def hall(tmp_path: Path, fake_printer: FakeNetworkPrinter) -> Iterator[Hall]:
    reset_scaled_backends()
    path = write_config(tmp_path, windows=4)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    raw["ticketing"] = {
        "kiosk_print_wait_s": 6.0,
        "printers": [
            {
                "name": "printer-1",
                "hall": "weiyang",
                "kiosks": ["kiosk-1"],
                "connection": {"kind": "network", "host": fake_printer.host, "port": fake_printer.port},
            }
        ],
    }
    path.write_bytes(tomli_w.dumps(raw).encode())
    tokens = seed_people(load_settings(path), SystemClock(), store=POSTGRES_URL)
    tokens["printer"] = seed_printer(path)
    running = [ServerProcess(path, env=clocked_env(tmp_path)).launch() for _ in range(2)]
    try:
        a, b = (server.wait_ready(START_TIMEOUT_S) for server in running)
        yield Hall(a, b, tokens)
    finally:
        for server in running:
            server.stop()


@pytest.fixture
def agent_on_a(hall: Hall, tmp_path: Path) -> Iterator[AgentThread]:
    options = AgentOptions(
        server=hall.a.url,
        token=hall.tokens["printer"],
        printed_log=tmp_path / "agent" / "printed-jobs.txt",
        probe_s=0.2,
        idle_probe_s=0.5,
        reconnect_max_s=0.5,
    )
    agent = AgentThread(options).start()
    try:
        agent.wait_connected(timeout_s=30)
        yield agent
    finally:
        agent.stop()


def test_the_state_an_agent_reports_to_a_is_seen_on_b(
    hall: Hall, fake_printer: FakeNetworkPrinter, agent_on_a: AgentThread
) -> None:
    wait_for(lambda: hall.printer_on(hall.b)["state"] == "ok", "printer ready on B")
    assert hall.printer_on(hall.b)["connected"] is True

    fake_printer.status.paper = "out"
    wait_for(lambda: hall.printer_on(hall.b)["state"] == "paper_out", "paper out on B")
    # The kiosk served by B shows it too, before anyone takes a ticket.
    kiosk = {"Authorization": f"Bearer {hall.tokens['kiosk']}"}
    status = httpx.get(f"{hall.b.url}/kiosk/api/halls/weiyang", headers=kiosk)
    assert status.status_code == 200, status.text
    assert status.json()["printer"]["state"] == "paper_out"

    fake_printer.status.paper = "ok"
    wait_for(lambda: hall.printer_on(hall.b)["state"] == "ok", "printer ready again on B")

    agent_on_a.stop()
    wait_for(lambda: hall.printer_on(hall.b)["connected"] is False, "agent gone on B")
    assert hall.printer_on(hall.b)["state"] == "offline"


def test_a_kiosk_served_by_b_prints_on_the_agent_connected_to_a(
    hall: Hall, fake_printer: FakeNetworkPrinter, agent_on_a: AgentThread
) -> None:
    wait_for(lambda: hall.printer_on(hall.b)["state"] == "ok", "printer ready on B")
    kiosk = {"Authorization": f"Bearer {hall.tokens['kiosk']}"}
    reply = httpx.post(
        f"{hall.b.url}/kiosk/api/halls/weiyang/tickets",
        json={"category": "business"},
        headers=kiosk,
        timeout=15,
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["print"]["printed"] is True
    assert reply.json()["print"]["printer"]["state"] == "ok"
    number = reply.json()["ticket"]["number"]
    wait_for(lambda: bool(fake_printer.printed), "the ticket on the printer")
    [job] = fake_printer.printed  # once
    assert number.encode() in job
