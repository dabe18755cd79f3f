"""The hall aggregate: the live queue of one hall and every step a clerk or visitor takes.

Each step is decided without side effects: it returns an Outcome (the new versions of the
tickets and windows it touches, the counters it moves and the ledger events it writes).
The caller persists the outcome and only then applies it, so memory never runs ahead of
what was made durable.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from sortedcontainers import SortedList

from queue_server.domain import dispatch
from queue_server.domain.alerts import Alert
from queue_server.domain.dispatch_index import DispatchIndex
from queue_server.domain.errors import Conflict, Invalid, NotFound
from queue_server.domain.events import Event, EventType
from queue_server.domain.hall_document import hall_document, read_hall
from queue_server.domain.model import (
    APPOINTMENT,
    GREEN_CHANNEL,
    NORMAL,
    HallSpec,
    Ticket,
    TicketStatus,
    Window,
    WindowState,
)
from queue_server.domain.numbering import format_number, service_day
from queue_server.domain.reconfigure import check_reconfiguration, reconciled_windows
from queue_server.domain.settings_changes import settings_changes
from queue_server.domain.transitions import (
    TERMINAL_STATUSES,
    TicketVerb,
    WindowVerb,
    next_ticket_status,
    next_window_state,
)

RECENT_CALLS = 12
_HANDLING_SMOOTHING = 0.2
# What is still open at the hall's local midnight expires then.
_EXPIRE_AT_DAY_CHANGE = frozenset({TicketStatus.WAITING, TicketStatus.NO_SHOW, TicketStatus.HELD})
_CALL_EVENTS = frozenset({EventType.TICKET_CALLED, EventType.TICKET_RECALLED, EventType.TICKET_CALLED_BACK})


@dataclass(frozen=True)
class Appointment:
    start: datetime
    end: datetime


@dataclass
class Outcome:
    events: list[Event] = field(default_factory=list)
    tickets: dict[str, Ticket] = field(default_factory=dict)
    windows: dict[int, Window] = field(default_factory=dict)
    counters: dict[tuple[str, date], int] = field(default_factory=dict)
    ticket: Ticket | None = None
    service_day: date | None = None
    # Finished tickets of earlier days that leave the live state (they stay in the ledger).
    forget: list[str] = field(default_factory=list)
    # For an issued ticket: the people ahead of it when it was issued.
    ahead: int | None = None


@dataclass
class Checkpoint:
    """The hall as it was, kept as an undo log: the small fields whole, and of tickets,
    windows and counters only what apply() has changed since, as it was before (None: it
    was not there), so a checkpoint costs nothing however long the line is."""

    seq: int
    today: date | None
    recent_calls: list[dict[str, Any]]
    handling_s: dict[str, float]
    notice: str
    last_queue_at: datetime
    alerts_raised: dict[str, datetime]
    retired: bool = False
    tickets: dict[str, Ticket | None] = field(default_factory=dict)
    windows: dict[int, Window] = field(default_factory=dict)
    counters: dict[tuple[str, date], int | None] = field(default_factory=dict)
    # Set by a settings change: the settings and every window as they were at the checkpoint.
    spec: HallSpec | None = None
    layout: dict[int, Window] | None = None


class _Step:
    """Collects the changes of one decision and numbers its events after the hall's seq."""

    def __init__(self, hall: HallState, now: datetime, actor: str | None) -> None:
        self.hall, self.now, self.actor = hall, now, actor
        self.outcome = Outcome()

    def ticket(self, ticket_id: str) -> Ticket:
        return self.outcome.tickets.get(ticket_id) or self.hall.tickets[ticket_id]

    def window(self, number: int) -> Window:
        return self.outcome.windows.get(number) or self.hall.window(number)

    def put_ticket(self, ticket: Ticket) -> Ticket:
        self.outcome.tickets[ticket.id] = ticket
        self.outcome.ticket = ticket
        return ticket

    def put_window(self, window: Window) -> Window:
        self.outcome.windows[window.number] = window
        return window

    def emit(
        self,
        type_: EventType,
        *,
        window: int | None = None,
        ticket: Ticket | None = None,
        **data: Any,
    ) -> None:
        payload = dict(data)
        if ticket is not None:
            payload["ticket"] = ticket.public()
        if window is not None:
            payload["window"] = self.window(window).public()
        seq = self.hall.seq + len(self.outcome.events) + 1
        self.outcome.events.append(
            Event(
                hall=self.hall.spec.id,
                seq=seq,
                type=type_,
                at=self.now,
                actor=self.actor,
                window=window,
                ticket=None if ticket is None else ticket.id,
                data=payload,
            )
        )


class _Callers(NamedTuple):
    """Of the windows that may call a kind of ticket: the categories they serve (whose
    waiting tickets are ahead of it) and how many are open."""

    shared: frozenset[str]
    open: int


class HallState:
    def __init__(
        self,
        spec: HallSpec,
        *,
        tickets: Iterable[Ticket] = (),
        windows: Iterable[Window] = (),
        counters: dict[tuple[str, date], int] | None = None,
        seq: int = 0,
        recent_events: Iterable[Event] = (),
        today: date | None = None,
    ) -> None:
        self.spec = spec
        self.tickets: dict[str, Ticket] = {t.id: t for t in tickets}
        # Indexes of `tickets`, kept in step by apply() and restore(): the waiting line, ...
        self._waiting: dict[str, Ticket] = {}
        self._dispatch = DispatchIndex()
        # ... each category's waiting tickets in queue order, ...
        self._queue_order: dict[str, SortedList[tuple[datetime, str]]] = {}
        self._last_queue_at = datetime.min.replace(tzinfo=UTC)
        # ... the tickets on hold at each window, and every ticket by (day, number).
        self._held: dict[int, dict[str, Ticket]] = {}
        self._held_window: dict[str, int] = {}
        self._by_number: dict[tuple[date, str], str] = {}
        # The checkpoint whose undo log apply() fills, if any.
        self._undo: Checkpoint | None = None
        self._index(self.tickets.values())
        # Which windows may call a ticket of (category, green channel): asked at every issue,
        # changed only when a window is (every change of `windows` forgets them).
        self._callers: dict[tuple[str, bool], _Callers] = {}
        known = {w.number: w for w in windows}
        self.windows: dict[int, Window] = {
            ws.number: replace(known[ws.number], spec=ws)
            if ws.number in known
            else Window(spec=ws, categories=ws.categories)
            for ws in spec.windows
        }
        self.counters: dict[tuple[str, date], int] = dict(counters or {})
        self.seq = seq
        # Loaded with tickets still open from an earlier day (the server was down at the day
        # change): the day has not rolled over yet, so the next step expires them.
        leftovers = (
            any(t.service_day < today and t.status in _EXPIRE_AT_DAY_CHANGE for t in self.tickets.values())
            if today is not None
            else False
        )
        self.today = None if leftovers else today
        # The day whose calls the screens show: the calendar's, even before a roll-over.
        self.calls_day = today
        self.recent_calls: deque[dict[str, Any]] = deque(maxlen=RECENT_CALLS)
        # The notice on the hall screens: the config's, until a supervisor posts another.
        self.notice = spec.notice
        # When each alert (by Alert.key) was last recorded, from the ledger's hall.alert events.
        self.alerts_raised: dict[str, datetime] = {}
        # The hall's last step was its retirement (EventType.HALL_RETIRED): no step follows.
        self.retired = False
        self.handling_s: dict[str, float] = {}
        for event in recent_events:
            self._remember_event(event)
        for ticket in sorted(self.tickets.values(), key=lambda t: t.finished_at or t.issued_at):
            self._remember_handling(ticket)

    # ---- lookups -------------------------------------------------------------------

    def window(self, number: int) -> Window:
        try:
            return self.windows[number]
        except KeyError:
            raise NotFound("error.unknown_window", hall=self.spec.id, window=number) from None

    def ticket(self, ticket_id: str) -> Ticket:
        try:
            return self.tickets[ticket_id]
        except KeyError:
            raise NotFound("error.unknown_ticket", hall=self.spec.id, ticket=ticket_id) from None

    def ticket_by_number(self, number: str, day: date) -> Ticket:
        ticket_id = self._by_number.get((day, number.upper()))
        if ticket_id is None:
            raise NotFound("error.unknown_number", hall=self.spec.id, number=number)
        return self.tickets[ticket_id]

    def waiting(self) -> list[Ticket]:
        return list(self._waiting.values())

    @property
    def dispatch_index(self) -> DispatchIndex:
        """The heads of the waiting lines that call-next chooses from (read only)."""
        return self._dispatch

    def dispatch_rules(self) -> dispatch.DispatchRules:
        return dispatch.DispatchRules(self.spec.policy.priority_ratio, self.spec.policy.aging)

    def held_at(self, number: int) -> list[Ticket]:
        return sorted(self._held.get(number, {}).values(), key=_held_since)

    # ---- the visitor's side --------------------------------------------------------

    def issue(
        self,
        ticket_id: str,
        category: str,
        priority: str,
        channel: str,
        now: datetime,
        actor: str | None,
        appointment: Appointment | None = None,
    ) -> Outcome:
        step = self._begin(now, actor)
        cat = self.spec.category(category)
        if cat is None:
            raise NotFound("error.unknown_category", hall=self.spec.id, category=category)
        allowed = {NORMAL, GREEN_CHANNEL, APPOINTMENT} | self.spec.priority_codes()
        if priority not in allowed:
            raise Invalid("error.unknown_priority", priority=priority, allowed=sorted(allowed))
        if priority == APPOINTMENT and appointment is None:
            raise Invalid("error.appointment_needs_slot")
        day = service_day(now, self.spec.timezone)
        counter = self.counters.get((cat.code, day), 0) + 1
        step.outcome.counters[(cat.code, day)] = counter
        ticket = step.put_ticket(
            Ticket(
                id=ticket_id,
                hall=self.spec.id,
                service_day=day,
                category=cat.code,
                number=format_number(cat.prefix, counter, self.spec.policy.number_width),
                priority=priority,
                channel=channel,
                status=TicketStatus.WAITING,
                issued_at=now,
                queue_at=now,
                status_at=now,
                appointment_start=None if appointment is None else appointment.start,
                appointment_end=None if appointment is None else appointment.end,
            )
        )
        step.emit(EventType.TICKET_ISSUED, ticket=ticket)
        expiring = {t.id for t in step.outcome.tickets.values() if t.status is TicketStatus.EXPIRED}
        step.outcome.ahead = self.ahead_of(ticket, leaving=expiring)
        return step.outcome

    def cancel(self, ticket_id: str, now: datetime, actor: str | None) -> Outcome:
        step = self._begin(now, actor)
        ticket = self._step_ticket(step, self.ticket(ticket_id), TicketVerb.CANCEL)
        step.emit(EventType.TICKET_CANCELLED, ticket=ticket)
        return step.outcome

    def reactivate(self, ticket_id: str, now: datetime, actor: str | None) -> Outcome:
        """A no-show who comes back within the grace period goes back in line, near the front."""
        step = self._begin(now, actor)
        ticket = self.ticket(ticket_id)
        missed_at = ticket.status_at if ticket.status is TicketStatus.NO_SHOW else None
        if missed_at is not None and now - missed_at > self.spec.policy.no_show_grace:
            raise Conflict(
                "error.grace_expired",
                number=ticket.number,
                minutes=int(self.spec.policy.no_show_grace.total_seconds() // 60),
            )
        ticket = self._step_ticket(
            step, ticket, TicketVerb.REACTIVATE, window=None, queue_at=self._requeue_at(ticket, now)
        )
        step.emit(EventType.TICKET_REACTIVATED, ticket=ticket)
        return step.outcome

    # ---- the clerk's verbs at a window ------------------------------------------------

    def call_next(self, number: int, now: datetime, actor: str | None) -> Outcome:
        step = self._begin(now, actor)
        window = self._ready_to_call(step, number)
        choice = self._dispatch.choose(window_view(window), now, self.dispatch_rules())
        if choice is None:
            return step.outcome
        window = replace(window, priority_streak=choice.priority_streak)
        step.put_window(window)
        return self._call(step, window, self.tickets[choice.ticket_id], TicketVerb.CALL)

    def call_number(self, number: int, ticket_number: str, now: datetime, actor: str | None) -> Outcome:
        """特呼: call a given waiting number out of turn."""
        step = self._begin(now, actor)
        window = self._ready_to_call(step, number)
        ticket = self.ticket_by_number(ticket_number, service_day(now, self.spec.timezone))
        return self._call(step, window, ticket, TicketVerb.CALL)

    def call_back(self, number: int, ticket_ref: str | None, now: datetime, actor: str | None) -> Outcome:
        """回呼: call back a held visitor who has fetched the missing paper."""
        step = self._begin(now, actor)
        window = self._ready_to_call(step, number)
        held = self.held_at(number)
        if ticket_ref is None:
            if not held:
                raise Conflict("error.nothing_held", window=number)
            ticket = held[0]
        else:
            ticket = self._find(ticket_ref, now)
            if ticket.status is TicketStatus.HELD and ticket.window != number:
                raise Conflict("error.held_elsewhere", number=ticket.number, window=ticket.window)
        return self._call(step, window, ticket, TicketVerb.CALL_BACK)

    def recall(self, number: int, now: datetime, actor: str | None) -> Outcome:
        step = self._begin(now, actor)
        _, ticket = self._current(number)
        ticket = self._step_ticket(step, ticket, TicketVerb.RECALL, calls=ticket.calls + 1)
        step.emit(EventType.TICKET_RECALLED, window=number, ticket=ticket)
        return step.outcome

    def start(self, number: int, now: datetime, actor: str | None) -> Outcome:
        step = self._begin(now, actor)
        _, ticket = self._current(number)
        ticket = self._step_ticket(step, ticket, TicketVerb.START, started_at=now)
        step.emit(
            EventType.TICKET_STARTED,
            window=number,
            ticket=ticket,
            wait_s=_seconds(ticket.issued_at, ticket.called_at),
        )
        return step.outcome

    def finish(self, number: int, now: datetime, actor: str | None) -> Outcome:
        step = self._begin(now, actor)
        window, ticket = self._current(number)
        ticket = self._step_ticket(step, ticket, TicketVerb.FINISH, finished_at=now)
        step.put_window(replace(window, current_ticket=None))
        step.emit(
            EventType.TICKET_FINISHED,
            window=number,
            ticket=ticket,
            handling_s=_seconds(ticket.started_at, now),
        )
        step.outcome.ticket = ticket
        return step.outcome

    def no_show(self, number: int, now: datetime, actor: str | None) -> Outcome:
        step = self._begin(now, actor)
        window, ticket = self._current(number)
        ticket = self._step_ticket(step, ticket, TicketVerb.NO_SHOW, window=None)
        step.put_window(replace(window, current_ticket=None))
        step.emit(EventType.TICKET_NO_SHOW, window=number, ticket=ticket)
        step.outcome.ticket = ticket
        return step.outcome

    def hold(self, number: int, now: datetime, actor: str | None) -> Outcome:
        """挂起: the visitor fetches a missing paper; the window may serve others meanwhile."""
        step = self._begin(now, actor)
        window, ticket = self._current(number)
        ticket = self._step_ticket(step, ticket, TicketVerb.HOLD)
        step.put_window(replace(window, current_ticket=None))
        step.emit(EventType.TICKET_HELD, window=number, ticket=ticket)
        step.outcome.ticket = ticket
        return step.outcome

    def transfer(
        self,
        ticket_id: str,
        now: datetime,
        actor: str | None,
        *,
        to_category: str | None = None,
        to_window: int | None = None,
    ) -> Outcome:
        """转移: back to the queue of another category or of one window, keeping its place."""
        if (to_category is None) == (to_window is None):
            raise Invalid("error.transfer_target")
        if to_category is not None and self.spec.category(to_category) is None:
            raise NotFound("error.unknown_category", hall=self.spec.id, category=to_category)
        if to_window is not None:
            self.window(to_window)
        step = self._begin(now, actor)
        ticket = self.ticket(ticket_id)
        source = ticket.window if ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING) else None
        ticket = self._step_ticket(
            step,
            ticket,
            TicketVerb.TRANSFER,
            window=None,
            category=to_category or ticket.category,
            target_window=to_window,
        )
        if source is not None:
            step.put_window(replace(step.window(source), current_ticket=None))
        step.emit(
            EventType.TICKET_TRANSFERRED,
            window=source,
            ticket=ticket,
            to_category=to_category,
            to_window=to_window,
        )
        step.outcome.ticket = ticket
        return step.outcome

    def transfer_current(
        self,
        number: int,
        now: datetime,
        actor: str | None,
        *,
        to_category: str | None = None,
        to_window: int | None = None,
    ) -> Outcome:
        _, ticket = self._current(number)
        return self.transfer(ticket.id, now, actor, to_category=to_category, to_window=to_window)

    # ---- window verbs ---------------------------------------------------------------

    def open_window(self, number: int, clerk: str | None, now: datetime, actor: str | None) -> Outcome:
        return self._window_step(number, WindowVerb.OPEN, now, actor, clerk=clerk, pause_reason=None)

    def pause(self, number: int, reason: str | None, now: datetime, actor: str | None) -> Outcome:
        return self._window_step(number, WindowVerb.PAUSE, now, actor, pause_reason=reason)

    def resume(self, number: int, now: datetime, actor: str | None) -> Outcome:
        return self._window_step(number, WindowVerb.RESUME, now, actor, pause_reason=None)

    def close(self, number: int, now: datetime, actor: str | None) -> Outcome:
        return self._window_step(number, WindowVerb.CLOSE, now, actor, clerk=None, pause_reason=None)

    def set_services(
        self, number: int, categories: frozenset[str] | None, now: datetime, actor: str | None
    ) -> Outcome:
        """潮汐窗口: the next call at this window already follows the new set."""
        for code in categories or ():
            if self.spec.category(code) is None:
                raise NotFound("error.unknown_category", hall=self.spec.id, category=code)
        if categories is not None and not categories:
            raise Invalid("error.empty_services", window=number)
        step = self._begin(now, actor)
        window = step.put_window(replace(self.window(number), categories=categories))
        step.emit(EventType.WINDOW_SERVICES_CHANGED, window=window.number)
        return step.outcome

    # ---- what clients read ----------------------------------------------------------

    def ahead_of(self, ticket: Ticket, leaving: Collection[str] = ()) -> int:
        """People ahead: earlier waiting tickets that a window serving this one could take.
        `leaving`: waiting tickets the same step takes out of line (yesterday's, expiring at
        the day's first step), who are not ahead of anyone."""
        if ticket.status is not TicketStatus.WAITING:
            return 0
        shared = self._callers_of(ticket).shared
        if ticket.queue_at >= self._last_queue_at:
            # The newest in line (every fresh ticket): everyone waiting in `shared` is ahead.
            gone = sum(
                1 for i in {ticket.id, *leaving} if i in self._waiting and self._waiting[i].category in shared
            )
            return sum(len(self._queue_order.get(c, ())) for c in shared) - gone
        place = (ticket.queue_at, ticket.id)
        return sum(
            1
            for other in self._waiting.values()
            if other.category in shared
            and other.id != ticket.id
            and other.id not in leaving
            and (other.priority == GREEN_CHANNEL or (other.queue_at, other.id) < place)
        )

    def estimated_wait_s(self, ticket: Ticket, ahead: int | None = None) -> int:
        """People ahead shared among the open windows serving the category, each taking the
        category's recent mean handling time (the hall default before any history)."""
        if ticket.status is not TicketStatus.WAITING:
            return 0
        if ahead is None:
            ahead = self.ahead_of(ticket)
        open_windows = self._callers_of(ticket).open
        handling = self.handling_s.get(ticket.category, self.spec.policy.default_handling.total_seconds())
        return round(ahead / max(open_windows, 1) * handling)

    def _callers_of(self, ticket: Ticket) -> _Callers:
        kind = (ticket.category, ticket.priority == GREEN_CHANNEL)
        callers = self._callers.get(kind)
        if callers is None:
            windows = [w for w in self.windows.values() if w.calls(ticket)]
            shared = frozenset(c.code for c in self.spec.categories if any(w.serves(c.code) for w in windows))
            opened = sum(1 for w in windows if w.state is WindowState.OPEN)
            callers = self._callers[kind] = _Callers(shared, opened)
        return callers

    def waiting_counts(self) -> dict[str, int]:
        return {c.code: len(self._queue_order.get(c.code, ())) for c in self.spec.categories}

    def snapshot(self) -> dict[str, Any]:
        windows = []
        for window in self.windows.values():
            entry = window.public()
            current = self.tickets.get(window.current_ticket or "")
            entry["current"] = None if current is None else current.public()
            entry["held"] = [t.number for t in self.held_at(window.number)]
            windows.append(entry)
        # One pass over the waiting tickets, not one per category.
        oldest: dict[str, datetime] = {}
        for ticket in self._waiting.values():
            if ticket.category not in oldest or ticket.issued_at < oldest[ticket.category]:
                oldest[ticket.category] = ticket.issued_at
        waiting = self.waiting_counts()
        return {
            "kind": "snapshot",
            "seq": self.seq,
            "hall": {
                "id": self.spec.id,
                "name": self.spec.name,
                "name_en": self.spec.name_en,
                "timezone": self.spec.timezone.key,
                "notice": self.notice,
                # What the pause dialog and the rating device offer, as the settings are now.
                "pause_reasons": [r.public() for r in self.spec.pause_reasons],
                "rating_reasons": [r.public() for r in self.spec.rating_reasons],
            },
            "categories": [
                {
                    "code": c.code,
                    "prefix": c.prefix,
                    "name": c.name,
                    "name_en": c.name_en,
                    "weekend": c.weekend,
                    "waiting": waiting[c.code],
                    "oldest_issued_at": oldest[c.code].isoformat() if c.code in oldest else None,
                }
                for c in self.spec.categories
            ],
            "windows": windows,
            "waiting": waiting,
            # A hall's morning starts clean: yesterday's calls are in the ledger, not on screens.
            "recent_calls": [c for c in self.recent_calls if self._called_today(c)],
        }

    # ---- applying what was persisted -------------------------------------------------

    def checkpoint(self) -> Checkpoint:
        """From now until the next checkpoint, apply() logs what it changes."""
        self._undo = Checkpoint(
            seq=self.seq,
            today=self.today,
            recent_calls=list(self.recent_calls),
            handling_s=dict(self.handling_s),
            notice=self.notice,
            last_queue_at=self._last_queue_at,
            alerts_raised=dict(self.alerts_raised),
            retired=self.retired,
        )
        return self._undo

    def restore(self, checkpoint: Checkpoint) -> None:
        """Undo applied outcomes whose write failed: memory goes back to what is durable."""
        for ticket_id, before in checkpoint.tickets.items():
            if before is None:
                self._index([], leaving=[self.tickets.pop(ticket_id)])
            else:
                self.tickets[ticket_id] = before
                self._index([before])
        if checkpoint.spec is not None and checkpoint.layout is not None:
            self.spec, self.windows = checkpoint.spec, checkpoint.layout
        else:
            self.windows.update(checkpoint.windows)
        self._callers.clear()
        for key, last in checkpoint.counters.items():
            if last is None:
                self.counters.pop(key, None)
            else:
                self.counters[key] = last
        self._last_queue_at = checkpoint.last_queue_at
        self.seq = checkpoint.seq
        self.today = checkpoint.today
        self.recent_calls = deque(checkpoint.recent_calls, maxlen=RECENT_CALLS)
        self.handling_s = dict(checkpoint.handling_s)
        self.notice = checkpoint.notice
        self.alerts_raised = dict(checkpoint.alerts_raised)
        self.retired = checkpoint.retired
        checkpoint.tickets, checkpoint.windows, checkpoint.counters = {}, {}, {}
        checkpoint.spec = checkpoint.layout = None

    def apply(self, outcome: Outcome) -> None:
        undo = self._undo
        configured = [
            read_hall(e.data["settings"], before=self.spec)
            for e in outcome.events
            if e.type is EventType.HALL_CONFIGURED
        ]
        if undo is not None:
            if configured and undo.layout is None:
                undo.spec = self.spec
                undo.layout = {n: undo.windows.get(n, w) for n, w in self.windows.items()}
            for ticket_id in (*outcome.tickets, *outcome.forget):
                if ticket_id not in undo.tickets:
                    undo.tickets[ticket_id] = self.tickets.get(ticket_id)
            for number in outcome.windows:
                if number in self.windows:  # else a window the settings add: undone with the layout
                    undo.windows.setdefault(number, self.windows[number])
            for key in outcome.counters:
                if key not in undo.counters:
                    undo.counters[key] = self.counters.get(key)
        self.tickets.update(outcome.tickets)
        self._index(outcome.tickets.values())
        if outcome.windows:
            self.windows.update(outcome.windows)
            self._callers.clear()
        self.counters.update(outcome.counters)
        for event in outcome.events:
            self.seq = event.seq
            self._remember_event(event)
        for spec in configured:
            self._take_settings(spec)
        for ticket in outcome.tickets.values():
            self._remember_handling(ticket)
        self._index([], leaving=[self.tickets.pop(i) for i in outcome.forget if i in self.tickets])
        if outcome.service_day is not None:
            self.today = max(outcome.service_day, self.today or outcome.service_day)
            self.calls_day = max(outcome.service_day, self.calls_day or outcome.service_day)

    def roll_over(self, now: datetime, actor: str | None = "system") -> Outcome:
        """At a new local day, what is still open from earlier days expires."""
        return self._begin(now, actor).outcome

    # ---- supervisor and visitor steps (clerk console) -------------------------------

    NOTICE_MAX_CHARS = 200

    def prioritise(self, ticket_id: str, priority: str, now: datetime, actor: str | None) -> Outcome:
        """A supervisor moves a waiting visitor into a priority class (elderly, green...)."""
        allowed = {NORMAL, GREEN_CHANNEL} | self.spec.priority_codes()
        if priority not in allowed:
            raise Invalid("error.unknown_priority", priority=priority, allowed=sorted(allowed))
        step = self._begin(now, actor)
        ticket = self.ticket(ticket_id)
        if ticket.status is not TicketStatus.WAITING:
            raise Conflict("error.prioritise_not_waiting", number=ticket.number, status=ticket.status.value)
        previous = ticket.priority
        ticket = step.put_ticket(replace(ticket, priority=priority))
        step.emit(EventType.TICKET_PRIORITISED, ticket=ticket, previous=previous)
        return step.outcome

    def rate(self, ticket_id: str, level: int, bad: bool, now: datetime, actor: str | None) -> Outcome:
        """好差评: the ledger entry of a rating of a finished ticket (the rating row itself is
        the console's); the event lets the clerk's console show it at once."""
        step = self._begin(now, actor)
        ticket = self.ticket(ticket_id)
        if ticket.status is not TicketStatus.DONE:
            raise Conflict("error.rating_not_done", number=ticket.number, status=ticket.status.value)
        step.emit(EventType.TICKET_RATED, window=ticket.window, ticket=ticket, level=level, bad=bad)
        return step.outcome

    def post_notice(self, text: str, now: datetime, actor: str | None) -> Outcome:
        """A notice for the hall screens; an empty text takes the last notice down."""
        if len(text) > self.NOTICE_MAX_CHARS:
            raise Invalid("error.notice_too_long", limit=self.NOTICE_MAX_CHARS)
        step = self._begin(now, actor)
        step.emit(EventType.HALL_NOTICE, text=text)
        return step.outcome

    def raise_alert(self, kind: str, now: datetime, actor: str | None, **params: Any) -> Outcome:
        """An alert in the ledger, so that it reaches the live stream and the webhooks."""
        step = self._begin(now, actor)
        step.emit(EventType.HALL_ALERT, kind=kind, params=params)
        return step.outcome

    def raise_alerts(self, alerts: Iterable[Alert], now: datetime, actor: str | None) -> Outcome:
        """Of the alerts holding now, those whose condition began after the last alert of their
        kind and subject was recorded, into the ledger: once each, however often it is asked
        and by however many processes (each decides on the state with the others' steps)."""
        step = self._begin(now, actor)
        for alert in alerts:
            last = self.alerts_raised.get(alert.key)
            if last is not None and last >= alert.began_at:
                continue
            ticket = None if alert.ticket is None else step.ticket(alert.ticket)
            step.emit(
                EventType.HALL_ALERT,
                window=alert.window,
                ticket=ticket,
                kind=alert.kind,
                key=alert.key,
                since=None if alert.since is None else alert.since.isoformat(),
                params=alert.params,
            )
        return step.outcome

    def configure(self, spec: HallSpec, now: datetime, actor: str | None) -> Outcome:
        """The hall's settings changed live: the next ticket, call and snapshot follow them.
        Refused (Conflict naming what is in the way) when they would break the running day."""
        check_reconfiguration(self, spec, now)
        step = self._begin(now, actor)
        if spec == self.spec:
            return step.outcome  # nothing changed: nothing in the ledger
        for window in reconciled_windows(self, spec):
            step.put_window(window)
        # A notice posted today stays up unless the settings' own notice is what changed.
        notice = spec.notice if spec.notice != self.spec.notice else self.notice
        document = hall_document(spec)
        changes = settings_changes(hall_document(self.spec), document)  # for the audit, in words
        step.emit(EventType.HALL_CONFIGURED, settings=document, notice=notice, changes=changes)
        return step.outcome

    def create(self, now: datetime, actor: str | None) -> Outcome:
        """A new hall's first step: its settings, as a settings change from nothing (so that
        every process loads it as it loads a hall whose settings changed)."""
        if self.seq:
            raise Conflict("error.hall_exists", hall=self.spec.id)
        step = self._begin(now, actor)
        step.emit(
            EventType.HALL_CONFIGURED,
            settings=hall_document(self.spec),
            notice=self.spec.notice,
            changes=[],
            created=True,
        )
        return step.outcome

    def retire(self, now: datetime, actor: str | None) -> Outcome:
        """The hall's last step; refused while visitors still hold open tickets (their day
        would be stranded in a hall nobody serves)."""
        open_tickets = [t for t in self.tickets.values() if t.status not in TERMINAL_STATUSES]
        if open_tickets:
            raise Conflict("error.hall_retire_tickets", hall=self.spec.id, tickets=len(open_tickets))
        step = self._begin(now, actor)
        step.emit(EventType.HALL_RETIRED)
        return step.outcome

    # ---- internals ------------------------------------------------------------------

    def _take_settings(self, spec: HallSpec) -> None:
        """The windows reconciled as the constructor does: a window the settings leave out goes,
        a new one starts closed; the windows' rows changed with the settings came before."""
        self.spec = spec
        self.windows = {
            ws.number: replace(self.windows[ws.number], spec=ws)
            if ws.number in self.windows
            else Window(spec=ws, categories=ws.categories)
            for ws in spec.windows
        }
        self._callers.clear()

    def _begin(self, now: datetime, actor: str | None) -> _Step:
        step = _Step(self, now, actor)
        day = service_day(now, self.spec.timezone)
        step.outcome.service_day = day
        if self.today != day:
            for ticket in list(self.tickets.values()):
                if ticket.service_day < day and ticket.status in _EXPIRE_AT_DAY_CHANGE:
                    expired = self._step_ticket(step, ticket, TicketVerb.EXPIRE, window=None)
                    step.emit(EventType.TICKET_EXPIRED, ticket=expired)
            step.outcome.forget = [
                t.id
                for t in self.tickets.values()
                if t.service_day < day and step.ticket(t.id).status in TERMINAL_STATUSES
            ]
            step.outcome.ticket = None
        return step

    def _step_ticket(self, step: _Step, ticket: Ticket, verb: TicketVerb, **changes: Any) -> Ticket:
        current = step.ticket(ticket.id)
        status = next_ticket_status(current.status, verb, current.number)
        return step.put_ticket(replace(current, status=status, status_at=step.now, **changes))

    def _find(self, ref: str, now: datetime) -> Ticket:
        if ref in self.tickets:
            return self.tickets[ref]
        return self.ticket_by_number(ref, service_day(now, self.spec.timezone))

    def _ready_to_call(self, step: _Step, number: int) -> Window:
        window = step.window(number)
        if window.state is not WindowState.OPEN:
            raise Conflict("error.window_not_open", window=number, state=window.state.value)
        if window.current_ticket is not None:
            busy = self.tickets[window.current_ticket]
            raise Conflict("error.window_busy", window=number, number=busy.number)
        return window

    def _current(self, number: int) -> tuple[Window, Ticket]:
        """The window and the ticket it has called or is serving (a step's own expiries never
        touch either: a called or serving ticket does not expire)."""
        window = self.window(number)
        if window.current_ticket is None:
            raise Conflict("error.no_current_ticket", window=number)
        return window, self.tickets[window.current_ticket]

    def _call(self, step: _Step, window: Window, ticket: Ticket, verb: TicketVerb) -> Outcome:
        ticket = self._step_ticket(
            step,
            ticket,
            verb,
            window=window.number,
            target_window=None,
            called_at=ticket.called_at or step.now,
            calls=ticket.calls + 1,
        )
        step.put_window(replace(window, current_ticket=ticket.id))
        kind = EventType.TICKET_CALLED_BACK if verb is TicketVerb.CALL_BACK else EventType.TICKET_CALLED
        step.emit(kind, window=window.number, ticket=ticket, wait_s=_seconds(ticket.issued_at, step.now))
        step.outcome.ticket = ticket
        return step.outcome

    def _window_step(
        self, number: int, verb: WindowVerb, now: datetime, actor: str | None, **changes: Any
    ) -> Outcome:
        step = self._begin(now, actor)
        window = step.window(number)
        state = next_window_state(window.state, verb, number)
        if verb in (WindowVerb.PAUSE, WindowVerb.CLOSE) and window.current_ticket is not None:
            busy = self.tickets[window.current_ticket]
            raise Conflict("error.window_busy", window=number, number=busy.number)
        window = step.put_window(replace(window, state=state, state_since=now, **changes))
        kinds = {
            WindowVerb.OPEN: EventType.WINDOW_OPENED,
            WindowVerb.PAUSE: EventType.WINDOW_PAUSED,
            WindowVerb.RESUME: EventType.WINDOW_RESUMED,
            WindowVerb.CLOSE: EventType.WINDOW_CLOSED,
        }
        step.emit(kinds[verb], window=number)
        return step.outcome

    def _requeue_at(self, ticket: Ticket, now: datetime) -> datetime:
        """Behind the next few waiting tickets of the same category, not at the end of the line."""
        behind = self.spec.policy.no_show_requeue_behind
        line = [at for at, _ in self._queue_order.get(ticket.category, SortedList()).islice(0, behind + 1)]
        if len(line) <= behind:
            return now
        if behind == 0:
            return line[0] - timedelta(microseconds=1)
        return line[behind - 1] + (line[behind] - line[behind - 1]) / 2

    def _index(self, tickets: Iterable[Ticket], leaving: Iterable[Ticket] = ()) -> None:
        """Keeps the indexes in step: `tickets` as they are now, `leaving` the tickets no
        longer in the hall's live state."""
        for ticket in leaving:
            self._unindex(ticket.id)
            self._by_number.pop((ticket.service_day, ticket.number), None)
        for ticket in tickets:
            self._unindex(ticket.id)
            self._by_number[(ticket.service_day, ticket.number)] = ticket.id
            if ticket.status is TicketStatus.WAITING:
                self._waiting[ticket.id] = ticket
                self._dispatch.put(candidate_of(ticket))
                self._queue_order.setdefault(ticket.category, SortedList()).add((ticket.queue_at, ticket.id))
                self._last_queue_at = max(self._last_queue_at, ticket.queue_at)
            elif ticket.status is TicketStatus.HELD and ticket.window is not None:
                self._held.setdefault(ticket.window, {})[ticket.id] = ticket
                self._held_window[ticket.id] = ticket.window

    def _unindex(self, ticket_id: str) -> None:
        """Takes the ticket's last indexed version out of the waiting and held indexes."""
        previous = self._waiting.pop(ticket_id, None)
        if previous is not None:
            self._queue_order[previous.category].remove((previous.queue_at, previous.id))
            self._dispatch.discard(ticket_id)
            return
        window = self._held_window.pop(ticket_id, None)
        if window is not None:
            del self._held[window][ticket_id]

    def _remember_event(self, event: Event) -> None:
        if event.type is EventType.HALL_NOTICE:
            self.notice = str(event.data.get("text", ""))
        elif event.type is EventType.HALL_CONFIGURED:
            self.notice = str(event.data.get("notice", self.notice))
        elif event.type is EventType.HALL_RETIRED:
            self.retired = True
        elif event.type is EventType.HALL_ALERT and "key" in event.data:
            self.alerts_raised[str(event.data["key"])] = event.at
        if event.type in _CALL_EVENTS and event.window is not None:
            ticket = event.data.get("ticket", {})
            self.recent_calls.appendleft(
                {
                    "seq": event.seq,
                    "number": ticket.get("number"),
                    "window": event.window,
                    "at": event.at.isoformat(),
                    "type": event.type.value,
                }
            )

    def _called_today(self, call: dict[str, Any]) -> bool:
        at = datetime.fromisoformat(call["at"])
        return self.calls_day is None or service_day(at, self.spec.timezone) >= self.calls_day

    def _remember_handling(self, ticket: Ticket) -> None:
        if ticket.status is not TicketStatus.DONE or ticket.started_at is None or ticket.finished_at is None:
            return
        seconds = (ticket.finished_at - ticket.started_at).total_seconds()
        previous = self.handling_s.get(ticket.category)
        self.handling_s[ticket.category] = (
            seconds if previous is None else previous + _HANDLING_SMOOTHING * (seconds - previous)
        )


def candidate_of(ticket: Ticket) -> dispatch.Candidate:
    """What the dispatch policy knows of a waiting ticket."""
    return dispatch.Candidate(
        id=ticket.id,
        category=ticket.category,
        priority=ticket.priority,
        issued_at=ticket.issued_at,
        queue_at=ticket.queue_at,
        target_window=ticket.target_window,
        appointment_start=ticket.appointment_start,
        appointment_end=ticket.appointment_end,
    )


def window_view(window: Window) -> dispatch.WindowView:
    """What the dispatch policy knows of a window."""
    return dispatch.WindowView(
        window.number, window.categories, window.priority_streak, window.spec.green_only
    )


def _held_since(ticket: Ticket) -> datetime:
    """Held tickets are called back in the order they were put on hold."""
    return ticket.status_at or ticket.issued_at


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds())
