"""What this process counts for Prometheus (GET /metrics, `queue_server.ops.metrics_route`).

Counters and histograms are this process's own: in a scaled-out set-up each process is
scraped on its own address and Prometheus adds them up (docs/DEPLOY.md). Gauges of the hall
(waiting now, printers) are read from the hall's state when scraped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from prometheus_client import Counter, Gauge, Histogram

from queue_server.domain.events import EventType
from queue_server.domain.hall import Outcome

_TICKET: Final = ("hall", "category")
# Waits and handling run to minutes; an hour or more is a day gone wrong.
_MINUTES: Final = tuple(60.0 * m for m in (1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120))
# The write path runs in milliseconds; a second is an outage.
_MILLISECONDS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

TICKETS_ISSUED: Final = Counter("onewindow_tickets_issued", "Tickets issued (this process)", _TICKET)
TICKETS_CALLED: Final = Counter(
    "onewindow_tickets_called", "Tickets called for the first time (this process)", _TICKET
)
TICKETS_SERVED: Final = Counter(
    "onewindow_tickets_served", "Tickets served to the end (this process)", _TICKET
)
WAIT_SECONDS: Final = Histogram(
    "onewindow_wait_seconds", "From a ticket's issue to its first call", _TICKET, buckets=_MINUTES
)
HANDLING_SECONDS: Final = Histogram(
    "onewindow_handling_seconds",
    "From a ticket's start at the window (its call, if never started) to its end",
    _TICKET,
    buckets=_MINUTES,
)
CALL_PUBLISH_SECONDS: Final = Histogram(
    "onewindow_call_publish_seconds",
    "From the start of a batch with a call (deciding it) to its events handed to the bus",
    ("hall",),
    buckets=_MILLISECONDS,
)
STORE_COMMIT_SECONDS: Final = Histogram(
    "onewindow_store_commit_seconds",
    "A batch's commit to the store (with the hand-off to the bus)",
    ("hall",),
    buckets=_MILLISECONDS,
)
STORE_COLLISIONS: Final = Counter(
    "onewindow_store_collisions",
    "Batches refused because another process had committed first (decided again after catching up)",
    ("hall",),
)
WEBSOCKET_CLIENTS: Final = Gauge(
    "onewindow_websocket_clients",
    "Open WebSocket connections to this process by kind (screen, kiosk, printer, staff, visitor)",
    ("kind",),
)
SERVER_ERRORS: Final = Counter("onewindow_http_server_errors", "HTTP answers 500 and above", ("status",))


def count_committed(hall: str, outcomes: Sequence[Outcome]) -> bool:
    """Counts the tickets the committed outcomes issued, called and served; whether one
    was called."""
    called = False
    for outcome in outcomes:
        for event in outcome.events:
            ticket = outcome.tickets.get(event.ticket or "")
            if ticket is None:
                continue
            labels = (hall, ticket.category)
            if event.type is EventType.TICKET_ISSUED:
                TICKETS_ISSUED.labels(*labels).inc()
            elif event.type is EventType.TICKET_CALLED:
                called = True
                if ticket.calls == 1 and ticket.called_at is not None:
                    TICKETS_CALLED.labels(*labels).inc()
                    WAIT_SECONDS.labels(*labels).observe(
                        (ticket.called_at - ticket.issued_at).total_seconds()
                    )
            elif event.type is EventType.TICKET_FINISHED and ticket.finished_at is not None:
                TICKETS_SERVED.labels(*labels).inc()
                began = ticket.started_at or ticket.called_at
                if began is not None:
                    HANDLING_SECONDS.labels(*labels).observe((ticket.finished_at - began).total_seconds())
    return called
