"""What a live change of a hall's settings must not break, and the windows it leaves.

A change is refused (Conflict, naming what is in the way) when it would break the running
day: a category, window or priority class removed while tickets still need it, a ticket
letter moved to another category on a day that already has tickets of that letter (two
visitors would hold the same number), a time zone changed under live tickets, or new hours
that end today's service before now while visitors wait and the old hours still ran. The
hall's supervisor resolves it (moves the tickets, closes the window) and tries again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from queue_server.domain.errors import Conflict, Invalid
from queue_server.domain.model import HallSpec, OpeningHours, Ticket, TicketStatus, Window, WindowState
from queue_server.domain.numbering import service_day
from queue_server.domain.transitions import TERMINAL_STATUSES

if TYPE_CHECKING:
    from queue_server.domain.hall import HallState

# How many of the tickets in the way a refusal names.
_NAMED = 5


def check_reconfiguration(state: HallState, new: HallSpec, now: datetime) -> None:
    """Raises Conflict naming the first thing in the way of `new`, if anything is."""
    old = state.spec
    if new.id != old.id:
        raise Invalid("error.settings_other_hall", hall=old.id, other=new.id)
    today = service_day(now, old.timezone)
    live = [t for t in state.tickets.values() if t.status not in TERMINAL_STATUSES]
    if new.timezone.key != old.timezone.key and live:
        raise Conflict(
            "error.settings_timezone_in_use",
            timezone=old.timezone.key,
            count=len(live),
            numbers=_numbers(live),
        )
    codes = {c.code for c in new.categories}
    for category in old.categories:
        if category.code not in codes:
            _refuse_while_needed(
                "error.settings_category_in_use",
                [t for t in live if t.category == category.code],
                category=category.name,
                category_en=category.name_en,
            )
    _check_prefixes(state, new, today)
    _check_windows(state, new)
    priorities = new.priority_codes()
    for priority in old.priorities:
        if priority.code not in priorities:
            _refuse_while_needed(
                "error.settings_priority_in_use",
                [t for t in live if t.priority == priority.code and t.status is TicketStatus.WAITING],
                priority=priority.name,
                priority_en=priority.name_en,
            )
    waiting = [t for t in state.waiting() if t.service_day == today]
    if waiting:
        _check_hours(old, new, now, waiting)


def reconciled_windows(state: HallState, new: HallSpec) -> Iterator[Window]:
    """The windows whose row changes with `new`: those added (closed, serving what the new
    settings say), and those whose settings changed or whose live services (潮汐窗口) name
    a category that is gone. A window whose configured categories changed serves the new ones."""
    codes = {c.code for c in new.categories}
    for spec in new.windows:
        window = state.windows.get(spec.number)
        if window is None:
            yield Window(spec=spec, categories=spec.categories)
            continue
        categories = window.categories
        if spec.categories != window.spec.categories:
            categories = spec.categories
        elif categories is not None and not categories <= codes:
            categories = frozenset(categories & codes) or spec.categories
        if spec != window.spec or categories != window.categories:
            yield replace(window, spec=spec, categories=categories)


def _check_prefixes(state: HallState, new: HallSpec, today: date) -> None:
    """A letter already on today's tickets stays with the category it was on: numbering goes on
    counting per category, so another category with that letter would issue the same numbers."""
    owners = {c.prefix: c.code for c in state.spec.categories}
    used: dict[str, Ticket] = {}
    for ticket in state.tickets.values():
        if ticket.service_day == today:
            used.setdefault(ticket.number[:1], ticket)
    for category in new.categories:
        issued = used.get(category.prefix)
        if issued is not None and owners.get(category.prefix) != category.code:
            raise Conflict(
                "error.settings_prefix_in_use",
                prefix=category.prefix,
                category=category.name,
                category_en=category.name_en,
                number=issued.number,
            )


def _check_windows(state: HallState, new: HallSpec) -> None:
    kept = {w.number for w in new.windows}
    for number, window in state.windows.items():
        if number in kept:
            continue
        if window.state is not WindowState.CLOSED:
            raise Conflict(
                "error.settings_window_in_use",
                window=number,
                state=window.state.value,
                clerk=window.clerk or "-",
            )
        waiting_for_it = [
            t
            for t in state.tickets.values()
            if (t.status is TicketStatus.HELD and t.window == number)
            or (t.status is TicketStatus.WAITING and t.target_window == number)
        ]
        if waiting_for_it:
            raise Conflict(
                "error.settings_window_has_tickets",
                window=number,
                count=len(waiting_for_it),
                numbers=_numbers(waiting_for_it),
            )


def _check_hours(old: HallSpec, new: HallSpec, now: datetime, waiting: list[Ticket]) -> None:
    """New hours that have today's service over already, where the old ones still ran, would
    send the waiting visitors home: refused while they wait."""
    local = now.astimezone(old.timezone)
    until_old = _last_end(old.hours, local)
    until_new = _last_end(new.hours, local)
    still_open = until_old is not None and local.time() < until_old
    over_now = until_new is None or until_new <= local.time()
    if still_open and over_now:
        raise Conflict(
            "error.settings_hours_strand",
            count=len(waiting),
            closing="-" if until_new is None else f"{until_new:%H:%M}",
            until="-" if until_old is None else f"{until_old:%H:%M}",
        )


def _last_end(hours: OpeningHours, local: datetime) -> time | None:
    sessions = hours.sessions_on(local.date())
    return sessions[-1][1] if sessions else None


def _refuse_while_needed(key: str, tickets: list[Ticket], **named: str) -> None:
    """Conflict `key` naming the tickets that still need what the settings take away."""
    if tickets:
        raise Conflict(key, **named, count=len(tickets), numbers=_numbers(tickets))


def _numbers(tickets: list[Ticket]) -> str:
    named = sorted(t.number for t in tickets)[:_NAMED]
    return "、".join(named) + ("…" if len(tickets) > _NAMED else "")
