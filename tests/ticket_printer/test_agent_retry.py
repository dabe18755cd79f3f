"""The print agent never gives up: a real `onewindow serve` process that answers 503 for a
while, dies and comes back; the agent keeps retrying and prints every kiosk ticket once, in
order, on a `file:` printer that keeps them all."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ticket_printer.served_hall import Hall

pytestmark = pytest.mark.slow


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
