"""Mapping between domain objects and plain rows (SQL tables, Redis hashes, stream entries)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from queue_server.domain.events import Event, EventType
from queue_server.domain.model import Ticket, TicketStatus, Window, WindowSpec, WindowState

_TICKET_FIELDS = (
    "id",
    "hall",
    "service_day",
    "category",
    "number",
    "priority",
    "channel",
    "issued_at",
    "queue_at",
    "window",
    "target_window",
    "called_at",
    "started_at",
    "finished_at",
    "status_at",
    "calls",
    "appointment_start",
    "appointment_end",
)


def ticket_row(ticket: Ticket, seq: int) -> dict[str, Any]:
    row = {name: getattr(ticket, name) for name in _TICKET_FIELDS}
    row["status"] = ticket.status.value
    row["seq"] = seq
    return row


def ticket_from_row(row: Any) -> Ticket:
    values = {name: row[name] for name in _TICKET_FIELDS}
    return Ticket(status=TicketStatus(row["status"]), **values)


def window_row(hall: str, window: Window, seq: int) -> dict[str, Any]:
    return {
        "hall": hall,
        "number": window.number,
        "state": window.state.value,
        "clerk": window.clerk,
        "categories": None if window.categories is None else sorted(window.categories),
        "current_ticket": window.current_ticket,
        "pause_reason": window.pause_reason,
        "priority_streak": window.priority_streak,
        "state_since": window.state_since,
        "seq": seq,
    }


def window_from_row(row: Any, spec: WindowSpec) -> Window:
    categories = row["categories"]
    return Window(
        spec=spec,
        state=WindowState(row["state"]),
        clerk=row["clerk"],
        categories=None if categories is None else frozenset(categories),
        current_ticket=row["current_ticket"],
        pause_reason=row["pause_reason"],
        priority_streak=row["priority_streak"],
        state_since=row["state_since"],
    )


def ledger_row(event: Event) -> dict[str, Any]:
    return {
        "hall": event.hall,
        "seq": event.seq,
        "type": event.type.value,
        "at": event.at,
        "actor": event.actor,
        "window": event.window,
        "ticket": event.ticket,
        "data": event.data,
    }


def event_from_row(row: Any) -> Event:
    at: datetime = row["at"]
    return Event(
        hall=row["hall"],
        seq=row["seq"],
        type=EventType(row["type"]),
        at=at.astimezone(UTC),
        actor=row["actor"],
        window=row["window"],
        ticket=row["ticket"],
        data=row["data"] or {},
    )


# ---- JSON form, for Redis stream entries ---------------------------------------------


def event_from_json(data: dict[str, Any]) -> Event:
    return Event(
        hall=data["hall"],
        seq=data["seq"],
        type=EventType(data["type"]),
        at=datetime.fromisoformat(data["at"]).astimezone(UTC),
        actor=data["actor"],
        window=data["window"],
        ticket=data["ticket"],
        data=data["data"],
    )
