"""Which waiting ticket a window calls next: one pure, deterministic function.

Order of precedence:
1. green channel (key projects), FIFO;
2. aged tickets, waiting longer than the hall's aging limit, oldest first;
3. tickets transferred to this very window;
4. appointments inside their booked slot, by slot;
5. priority classes (elderly, disabled, ...) and normal tickets interleaved: up to
   ``priority_ratio`` priority tickets, then one normal ticket when one waits. Neither
   side starves: priority never waits behind more than one normal ticket per call, and a
   normal ticket is taken at least every ``priority_ratio + 1`` calls.
Inside every class the order is FIFO by queue time (the issue time unless a no-show
was put back in line), ties broken by issue time and id so the result never depends on
the order the candidates are given in.

A green-channel window (绿色通道, ``green_channel = true`` in the config) is kept for
key-project visitors: it calls green-channel tickets of its categories, and tickets
transferred to it, and nobody else, so that it is free when such a visitor arrives. Only
when the hall allows it (``green_channel_serves_others = true``) does it call the
ordinary line too once no green-channel ticket waits. Every other window still calls a
waiting green-channel ticket first, so none waits while the green channel is closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from queue_server.domain.model import APPOINTMENT, GREEN_CHANNEL, NORMAL


class QueueClass(IntEnum):
    """Lower value = served first (before the priority/normal interleave)."""

    GREEN = 0
    AGED = 1
    DIRECTED = 2
    APPOINTMENT = 3
    PRIORITY = 4
    NORMAL = 5


@dataclass(frozen=True)
class Candidate:
    id: str
    category: str
    priority: str
    issued_at: datetime
    queue_at: datetime
    target_window: int | None = None
    appointment_start: datetime | None = None
    appointment_end: datetime | None = None


@dataclass(frozen=True)
class WindowView:
    number: int
    # None: a comprehensive window serving every category.
    categories: frozenset[str] | None
    priority_streak: int = 0
    # A green-channel window that calls only green-channel tickets (and its transfers).
    green_only: bool = False


@dataclass(frozen=True)
class DispatchRules:
    priority_ratio: int = 2
    aging: timedelta = timedelta(minutes=45)


@dataclass(frozen=True)
class Choice:
    ticket_id: str
    queue_class: QueueClass
    # The window's count of priority tickets called since its last normal one.
    priority_streak: int


def can_serve(window: WindowView, candidate: Candidate) -> bool:
    if candidate.target_window is not None:
        return candidate.target_window == window.number
    if window.green_only and candidate.priority != GREEN_CHANNEL:
        return False
    return window.categories is None or candidate.category in window.categories


def classify(candidate: Candidate, window: WindowView, now: datetime, rules: DispatchRules) -> QueueClass:
    if candidate.priority == GREEN_CHANNEL:
        return QueueClass.GREEN
    if now - candidate.issued_at >= rules.aging:
        return QueueClass.AGED
    if candidate.target_window == window.number:
        return QueueClass.DIRECTED
    if candidate.priority == APPOINTMENT:
        start, end = candidate.appointment_start, candidate.appointment_end
        if start is not None and end is not None and start <= now <= end:
            return QueueClass.APPOINTMENT
        return QueueClass.NORMAL
    if candidate.priority != NORMAL:
        return QueueClass.PRIORITY
    return QueueClass.NORMAL


def fifo_key(candidate: Candidate, queue_class: QueueClass) -> tuple[datetime, datetime, str]:
    if queue_class == QueueClass.AGED:
        return (candidate.issued_at, candidate.queue_at, candidate.id)
    if queue_class == QueueClass.APPOINTMENT and candidate.appointment_start is not None:
        return (candidate.appointment_start, candidate.queue_at, candidate.id)
    return (candidate.queue_at, candidate.issued_at, candidate.id)


def choose_next(
    candidates: Iterable[Candidate], window: WindowView, now: datetime, rules: DispatchRules
) -> Choice | None:
    heads: dict[QueueClass, tuple[tuple[datetime, datetime, str], Candidate]] = {}
    for candidate in candidates:
        if not can_serve(window, candidate):
            continue
        queue_class = classify(candidate, window, now, rules)
        key = fifo_key(candidate, queue_class)
        best = heads.get(queue_class)
        if best is None or key < best[0]:
            heads[queue_class] = (key, candidate)
    if not heads:
        return None
    streak = window.priority_streak
    for queue_class in (
        QueueClass.GREEN,
        QueueClass.AGED,
        QueueClass.DIRECTED,
        QueueClass.APPOINTMENT,
    ):
        if queue_class in heads:
            return Choice(heads[queue_class][1].id, queue_class, streak)
    priority, normal = heads.get(QueueClass.PRIORITY), heads.get(QueueClass.NORMAL)
    if priority is not None and (normal is None or streak < rules.priority_ratio):
        return Choice(priority[1].id, QueueClass.PRIORITY, streak + 1)
    assert normal is not None  # heads is non-empty and holds only these two classes here
    return Choice(normal[1].id, QueueClass.NORMAL, 0)
