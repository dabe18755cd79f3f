"""Mapping between domain objects and plain rows (SQL tables, Redis hashes, stream entries)."""

from __future__ import annotations

from datetime import UTC, date, datetime
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


# ---- JSON forms, for Redis hashes and stream entries ---------------------------------

_TICKET_TIMES = (
    "issued_at",
    "queue_at",
    "called_at",
    "started_at",
    "finished_at",
    "status_at",
    "appointment_start",
    "appointment_end",
)


def ticket_to_json(ticket: Ticket, seq: int) -> dict[str, Any]:
    row = ticket_row(ticket, seq)
    for name in _TICKET_TIMES:
        row[name] = None if row[name] is None else row[name].isoformat()
    row["service_day"] = ticket.service_day.isoformat()
    return row


def ticket_from_json(data: dict[str, Any]) -> Ticket:
    row = dict(data)
    for name in _TICKET_TIMES:
        row[name] = None if row[name] is None else datetime.fromisoformat(row[name])
    row["service_day"] = date.fromisoformat(row["service_day"])
    return ticket_from_row(row)


def window_to_json(hall: str, window: Window, seq: int) -> dict[str, Any]:
    row = window_row(hall, window, seq)
    row["state_since"] = None if window.state_since is None else window.state_since.isoformat()
    return row


def window_from_json(data: dict[str, Any], spec: WindowSpec) -> Window:
    row = dict(data)
    row["state_since"] = None if row["state_since"] is None else datetime.fromisoformat(row["state_since"])
    return window_from_row(row, spec)


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
