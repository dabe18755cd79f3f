"""The heads of every waiting line, so that a call looks at a handful of tickets, not all.

`dispatch.choose_next` stays the specification: the index only picks, for a window, a small
set of waiting tickets that is sure to hold the policy's choice, and the policy chooses
among them. The set holds, of every line the window may serve:

- the first ticket in queue order (queue time, issue time, id), and
- the earliest-issued one (issue time, queue time, id), the line's oldest;
- every waiting appointment (their class depends on the slot around `now`; bookings are
  bounded by the slots' capacity, so these are few).

Why that is enough: if a green-channel ticket may be served, the policy takes the first of
them in queue order, the head of a green line. Else, if any servable ticket is aged, the
oldest servable ticket is aged too (aging is by issue time alone) and it is the head of
some line's issue order. Else no servable ticket is aged, so every line's first in queue
order is in that line's own class (directed, priority or normal), and appointments are all
present. In each case the subset holds the head of every class the policy compares, and
`choose_next` on it returns what it returns on the whole line. (A green-channel window
that serves nobody else looks only at the green lines and its transfers: nothing else is
servable there.)

Lines are kept as binary heaps with lazy deletion: a ticket that leaves a line (called,
cancelled, moved) is dropped from a heap only when it reaches the top, and a heap is
rebuilt when most of it is stale. Every operation costs O(log n).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from queue_server.domain.dispatch import (
    Candidate,
    Choice,
    DispatchRules,
    WindowView,
    choose_next,
)
from queue_server.domain.model import APPOINTMENT, GREEN_CHANNEL, NORMAL

# A sort key inside a line and the ticket id it belongs to (the id ends the key).
_Key = tuple[datetime, datetime, str]


class Line(Enum):
    """The kinds of line a ticket waits in; one line per kind and category (or window)."""

    GREEN = "green"
    APPOINTMENT = "appointment"
    PRIORITY = "priority"
    NORMAL = "normal"
    # Transferred to one window: only that window may call it.
    DIRECTED = "directed"


@dataclass
class _Heap:
    entries: list[_Key] = field(default_factory=list)

    def push(self, key: _Key) -> None:
        heapq.heappush(self.entries, key)

    def head(self, live: dict[str, _Key]) -> str | None:
        """The id of the first live entry; stale entries on top are dropped on the way."""
        entries = self.entries
        while entries:
            key = entries[0]
            if live.get(key[2]) == key:
                return key[2]
            heapq.heappop(entries)
        return None

    def compact(self, live: dict[str, _Key]) -> None:
        self.entries = [key for key in self.entries if live.get(key[2]) == key]
        heapq.heapify(self.entries)


@dataclass
class _Line:
    by_queue: _Heap = field(default_factory=_Heap)
    by_issue: _Heap = field(default_factory=_Heap)
    # The live members: id -> their key in each heap.
    queue_keys: dict[str, _Key] = field(default_factory=dict)
    issue_keys: dict[str, _Key] = field(default_factory=dict)

    def add(self, candidate: Candidate) -> None:
        queue_key = (candidate.queue_at, candidate.issued_at, candidate.id)
        issue_key = (candidate.issued_at, candidate.queue_at, candidate.id)
        self.queue_keys[candidate.id] = queue_key
        self.issue_keys[candidate.id] = issue_key
        self.by_queue.push(queue_key)
        self.by_issue.push(issue_key)

    def remove(self, ticket_id: str) -> None:
        del self.queue_keys[ticket_id]
        del self.issue_keys[ticket_id]
        # Rebuild once stale entries outnumber live ones: memory stays within twice the line.
        if len(self.by_queue.entries) > 2 * len(self.queue_keys) + 32:
            self.by_queue.compact(self.queue_keys)
            self.by_issue.compact(self.issue_keys)

    def heads(self) -> tuple[str | None, ...]:
        return self.by_queue.head(self.queue_keys), self.by_issue.head(self.issue_keys)


def line_of(candidate: Candidate) -> tuple[int | None, str, Line]:
    """Which line a ticket waits in: (target window or None, category, kind)."""
    green = candidate.priority == GREEN_CHANNEL
    if candidate.target_window is not None:
        return candidate.target_window, "", Line.GREEN if green else Line.DIRECTED
    if green:
        kind = Line.GREEN
    elif candidate.priority == APPOINTMENT:
        kind = Line.APPOINTMENT
    elif candidate.priority == NORMAL:
        kind = Line.NORMAL
    else:
        kind = Line.PRIORITY
    return None, candidate.category, kind


class DispatchIndex:
    """The waiting tickets of one hall, by line; kept in step with every transition by the
    hall (`put` when a ticket waits with its current fields, `discard` when it stops)."""

    def __init__(self) -> None:
        self._candidates: dict[str, Candidate] = {}
        self._line_of: dict[str, tuple[int | None, str, Line]] = {}
        # Lines of tickets any window serving their category may call, by category ...
        self._by_category: dict[str, dict[Line, _Line]] = {}
        # ... and of tickets transferred to one window, by window number.
        self._by_window: dict[int, dict[Line, _Line]] = {}

    def put(self, candidate: Candidate) -> None:
        self.discard(candidate.id)
        target, category, kind = where = line_of(candidate)
        lines = (
            self._by_category.setdefault(category, {})
            if target is None
            else self._by_window.setdefault(target, {})
        )
        lines.setdefault(kind, _Line()).add(candidate)
        self._candidates[candidate.id] = candidate
        self._line_of[candidate.id] = where

    def discard(self, ticket_id: str) -> None:
        where = self._line_of.pop(ticket_id, None)
        if where is None:
            return
        del self._candidates[ticket_id]
        target, category, kind = where
        lines = self._by_category[category] if target is None else self._by_window[target]
        lines[kind].remove(ticket_id)

    def candidates_for(self, window: WindowView) -> list[Candidate]:
        """A handful of waiting tickets sure to hold the policy's choice for this window."""
        chosen: dict[str, Candidate] = {}
        lines: list[tuple[Line, _Line]] = list(self._by_window.get(window.number, {}).items())
        if window.categories is None:
            categories = list(self._by_category)
        else:
            categories = [c for c in window.categories if c in self._by_category]
        for category in categories:
            if window.green_only:
                green = self._by_category[category].get(Line.GREEN)
                lines.extend([] if green is None else [(Line.GREEN, green)])
            else:
                lines.extend(self._by_category[category].items())
        for kind, line in lines:
            members = line.queue_keys if kind is Line.APPOINTMENT else line.heads()
            for ticket_id in members:
                if ticket_id is not None:
                    chosen[ticket_id] = self._candidates[ticket_id]
        return list(chosen.values())

    def choose(self, window: WindowView, now: datetime, rules: DispatchRules) -> Choice | None:
        return choose_next(self.candidates_for(window), window, now, rules)

    def candidates(self) -> list[Candidate]:
        """Every waiting ticket (for checks against the pure policy)."""
        return list(self._candidates.values())
