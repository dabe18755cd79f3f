"""Hall events: the ledger's entries and, the same objects, the live stream's messages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any


class EventType(StrEnum):
    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_STARTED = "ticket.started"
    TICKET_FINISHED = "ticket.finished"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_REACTIVATED = "ticket.reactivated"
    TICKET_HELD = "ticket.held"
    TICKET_CALLED_BACK = "ticket.called_back"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_EXPIRED = "ticket.expired"
    WINDOW_OPENED = "window.opened"
    WINDOW_PAUSED = "window.paused"
    WINDOW_RESUMED = "window.resumed"
    WINDOW_CLOSED = "window.closed"
    WINDOW_SERVICES_CHANGED = "window.services_changed"
    # Supervisor and visitor steps of the clerk console (clerk_console).
    TICKET_PRIORITISED = "ticket.prioritised"
    TICKET_RATED = "ticket.rated"
    HALL_NOTICE = "hall.notice"
    # A warning for the hall's managers raised by the server itself (a webhook given up on).
    HALL_ALERT = "hall.alert"
    # The hall's settings changed live (the admin page, `onewindow config import`): the data
    # carries the whole hall document, so the ledger says who changed what and when, and a
    # process replaying the ledger takes the same settings.
    HALL_CONFIGURED = "hall.configured"
    # The hall's last step: an admin retired it. A process that catches up with it takes no
    # more steps for the hall (a ticket decided elsewhere meanwhile is decided again, refused).
    HALL_RETIRED = "hall.retired"


@dataclass(frozen=True)
class Event:
    hall: str
    # Per hall, gap-free and increasing: a client resumes with ?after=seq.
    seq: int
    type: EventType
    at: datetime
    actor: str | None
    window: int | None = None
    ticket: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def wire(self) -> str:
        """The JSON text sent to clients, made once however many clients receive it."""
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))

    @cached_property
    def device_wire(self) -> str:
        """The JSON text for screens, kiosks and printers: without ticket ids."""
        return json.dumps(without_ticket_ids(self.to_json()), ensure_ascii=False, separators=(",", ":"))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "event",
            "hall": self.hall,
            "seq": self.seq,
            "type": self.type.value,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "window": self.window,
            "ticket": self.ticket,
            "data": self.data,
        }


# A ticket id is what lets anyone act on a visitor's ticket (follow it, rate it): screens and
# kiosks show numbers and windows, so they get messages without ids. A window's current
# ticket stays a non-null mark, so a screen still knows the window is serving someone.
HIDDEN_ID = "*"


def without_ticket_ids(message: Any) -> Any:
    """A copy of an event or snapshot (JSON) with every ticket id taken out."""
    if isinstance(message, list):
        return [without_ticket_ids(item) for item in message]
    if not isinstance(message, dict):
        return message
    is_ticket = "number" in message and "status" in message
    copy: dict[str, Any] = {}
    for key, value in message.items():
        if key == "id" and is_ticket:
            continue
        if key == "current_ticket" and value is not None:
            copy[key] = HIDDEN_ID
        elif key == "ticket" and isinstance(value, str):
            copy[key] = None  # an event's ticket id
        else:
            copy[key] = without_ticket_ids(value)
    return copy
