"""Shared ticket data for the ticket_printer tests.

Test modules get it through fixtures; the live-hall helpers are in tests.ticket_printer.live.
"""

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from queue_server.app import create_app
from queue_server.clock import ManualClock
from queue_server.config import load_settings
from tests.conftest import MONDAY_10AM, PASSWORD, seed_people
from tests.ticket_printer.fake_printer import FakeNetworkPrinter
from tests.ticket_printer.live import (
    AgentThread,
    LiveHall,
    ServerThread,
    agent_options,
    in_thread,
    seed_printer,
    write_live_config,
)
from ticket_printer import PrintableTicket

BEIJING = timezone(timedelta(hours=8))

TicketFactory = Callable[..., PrintableTicket]

SAMPLE = PrintableTicket(
    hall_name="西安经济技术开发区政务服务中心",
    category_name="企业开办",
    category_name_en="Business registration",
    number="A012",
    people_ahead=5,
    estimated_wait_s=610,
    issued_at=datetime(2024, 5, 1, 9, 30, tzinfo=BEIJING),
    tracking_url="https://hall.example/t/3f9a2c",
    footer="过号请重新取号",
)


@pytest.fixture
def sample_ticket() -> PrintableTicket:
    """A Chinese ticket for a business-registration visitor in Xi'an."""
    return SAMPLE


@pytest.fixture
def make_ticket() -> TicketFactory:
    """A sample ticket with any fields replaced."""

    def make(**changes: object) -> PrintableTicket:
        return replace(SAMPLE, **changes)  # type: ignore[arg-type]

    return make


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer


@pytest.fixture
def ticketing_config() -> dict[str, Any]:
    """Overrides of the [ticketing] section for one test."""
    return {}


@pytest.fixture
def live_hall(
    tmp_path: Path, fake_printer: FakeNetworkPrinter, ticketing_config: dict[str, Any]
) -> Iterator[LiveHall]:
    clock = ManualClock(MONDAY_10AM)
    config = write_live_config(tmp_path, fake_printer, **ticketing_config)
    settings = load_settings(config)
    tokens = in_thread(lambda: seed_people(settings, clock))
    tokens["printer"] = in_thread(lambda: seed_printer(config, clock))
    with ServerThread(create_app(settings, clock)) as server:
        hall = LiveHall(f"http://127.0.0.1:{server.port}", clock, tokens, fake_printer)
        for name in ("clerk1", "supervisor"):
            reply = hall.client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
            tokens[name] = reply.json()["token"]
        yield hall
        hall.client.close()


@pytest.fixture
def agent(live_hall: LiveHall, tmp_path: Path) -> Iterator[AgentThread]:
    """A print agent connected to the live hall, printing on the fake printer."""
    thread = AgentThread(agent_options(live_hall, tmp_path)).start()
    thread.wait_connected()
    live_hall.wait_for(lambda: live_hall.printer_state()["state"] == "ok", what="printer ready")
    try:
        yield thread
    finally:
        thread.stop()
