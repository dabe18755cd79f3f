"""What the console and the dashboard show, composed on the server from the live hall state.

The pages refetch these views when the hall's WebSocket says something changed, so that the
counting rules (who waits for which window, how long) live here once and not in JavaScript.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clerk_console.alerts import ExtendedService, alert_view
from queue_server.domain.alerts import Alert
from queue_server.domain.hall import HallState
from queue_server.domain.model import Ticket, TicketStatus, Window
from queue_server.service import ticket_view


def _seconds(start: datetime | None, now: datetime) -> int | None:
    return None if start is None else max(0, round((now - start).total_seconds()))


def waiting_for(state: HallState, window: Window) -> list[Ticket]:
    """Waiting tickets this window may call: its categories, and not sent to another window."""
    return sorted(
        (
            t
            for t in state.waiting()
            if window.serves(t.category) and t.target_window in (None, window.number)
        ),
        key=lambda t: t.issued_at,
    )


def console_view(state: HallState, number: int, now: datetime) -> dict[str, Any]:
    window = state.window(number)
    entry = window.public()
    current = state.tickets.get(window.current_ticket or "")
    entry["current"] = None if current is None else ticket_view(state, current)
    entry["held"] = [
        {"id": t.id, "number": t.number, "category": t.category, "since": _iso(t.status_at)}
        for t in state.held_at(number)
    ]
    line = waiting_for(state, window)
    return {
        "now": now.isoformat(),
        "seq": state.seq,
        "window": entry,
        "queue": {
            "waiting": len(line),
            "longest_wait_s": _seconds(line[0].issued_at, now) if line else None,
            "oldest_number": line[0].number if line else None,
        },
    }


def board_view(
    state: HallState,
    now: datetime,
    alerts: list[Alert],
    extended: ExtendedService | None,
    devices: list[dict[str, Any]],
) -> dict[str, Any]:
    windows = []
    for window in state.windows.values():
        entry = window.public()
        current = state.tickets.get(window.current_ticket or "")
        if current is not None:
            since = current.started_at if current.status is TicketStatus.SERVING else None
            entry["current"] = {
                **current.public(),
                "elapsed_s": _seconds(since or current.called_at, now),
            }
        else:
            entry["current"] = None
        entry["held"] = len(state.held_at(window.number))
        entry["state_for_s"] = _seconds(window.state_since, now)
        windows.append(entry)
    waiting = sorted(state.waiting(), key=lambda t: t.issued_at)
    categories = []
    for category in state.spec.categories:
        line = [t for t in waiting if t.category == category.code]
        categories.append(
            {
                "code": category.code,
                "name": category.name,
                "name_en": category.name_en,
                "waiting": len(line),
                "longest_wait_s": _seconds(line[0].issued_at, now) if line else None,
                "time_limit_minutes": category.time_limit_minutes,
            }
        )
    return {
        "now": now.isoformat(),
        "seq": state.seq,
        "windows": windows,
        "categories": categories,
        "waiting": [
            {
                "id": t.id,
                "number": t.number,
                "category": t.category,
                "priority": t.priority,
                "target_window": t.target_window,
                "issued_at": t.issued_at.isoformat(),
                "waited_s": _seconds(t.issued_at, now),
            }
            for t in waiting
        ],
        "alerts": [alert_view(a) for a in alerts],
        "extended": None if extended is None else extended.public(),
        "devices": devices,
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
