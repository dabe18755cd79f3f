"""The dispatch index chooses exactly what the pure policy chooses on the whole line, and
the hall's other indexes (held tickets, numbers, queue order) answer what a scan would.

Two levels: the index alone under random puts and discards, and a hall driven through
random sequences of every step that moves a ticket in or out of a line (issue, call,
no-show and reactivation, hold and call-back, transfer, cancel, prioritise, tide windows,
time passing into aging and across midnight, and writes that fail and are rolled back).
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queue_server.config import parse_settings
from queue_server.domain.dispatch import Candidate, DispatchRules, WindowView, choose_next
from queue_server.domain.dispatch_index import DispatchIndex
from queue_server.domain.errors import DomainError
from queue_server.domain.hall import Appointment, HallState, Outcome, candidate_of, window_view
from queue_server.domain.model import Ticket, TicketStatus
from tests.conftest import demo_config
from tests.queue_server.domain.test_dispatch import NOW, candidates, rules, windows

# ---- the index alone ------------------------------------------------------------------


@st.composite
def lines(draw: st.DrawFn) -> list[Candidate]:
    """Waiting lines dense enough that queue order and issue order often differ (no-shows
    put back, transfers) and that aging, appointments and directed tickets meet."""
    result = []
    for i in range(draw(st.integers(0, 30))):
        issued = NOW - timedelta(minutes=draw(st.integers(0, 150)))
        back_in_line = draw(st.booleans())
        queue_at = issued + timedelta(minutes=draw(st.integers(1, 120))) if back_in_line else issued
        priority = draw(st.sampled_from(["normal", "normal", "elderly", "green", "appointment"]))
        slot: dict[str, Any] = {}
        if priority == "appointment":
            begin = NOW + timedelta(minutes=draw(st.integers(-40, 20)))
            length = timedelta(minutes=draw(st.sampled_from([15, 30, 60])))
            slot = {"appointment_start": begin, "appointment_end": begin + length}
        target = draw(st.integers(1, 4)) if draw(st.integers(0, 7)) == 0 else None
        result.append(
            Candidate(
                id=f"t{i:02d}",
                category=draw(st.sampled_from(["business", "social"])),
                priority=priority,
                issued_at=issued,
                queue_at=queue_at,
                target_window=target,
                **slot,
            )
        )
    return result


@settings(max_examples=300)
@given(
    st.one_of(lines(), candidates()),
    st.lists(st.tuples(st.integers(0, 24), st.booleans()), max_size=40),
    st.lists(
        st.tuples(windows, rules, st.one_of(st.integers(-15, 15), st.integers(-120, 240))),
        min_size=1,
        max_size=6,
    ),
)
def test_index_chooses_what_the_policy_chooses_on_the_whole_line(
    queue: list[Candidate],
    changes: list[tuple[int, bool]],
    asks: list[tuple[WindowView, DispatchRules, int]],
) -> None:
    index = DispatchIndex()
    line: dict[str, Candidate] = {}
    for candidate in queue:
        index.put(candidate)
        line[candidate.id] = candidate
    for position, keep in changes:
        if not queue:
            break
        candidate = queue[position % len(queue)]
        if keep:  # back in line, later (a no-show put back, or a transfer)
            later = timedelta(minutes=10 * position)
            moved = replace(candidate, queue_at=candidate.queue_at + later)
            index.put(moved)
            line[moved.id] = moved
        else:
            index.discard(candidate.id)
            line.pop(candidate.id, None)
    assert sorted(c.id for c in index.candidates()) == sorted(line)
    for window, r, minutes in asks:
        now = NOW + timedelta(minutes=minutes)
        assert index.choose(window, now, r) == choose_next(line.values(), window, now, r)


def test_an_aged_ticket_put_back_in_line_is_found_by_its_issue_time() -> None:
    """Queue order and issue order differ once a no-show is put back: the aged class goes
    by issue time, so the index must look at the oldest ticket, not only the first."""
    index = DispatchIndex()
    early = Candidate("early", "business", "normal", NOW - timedelta(minutes=80), NOW)
    later = Candidate("later", "business", "normal", NOW - timedelta(minutes=60), NOW - timedelta(minutes=60))
    index.put(early)
    index.put(later)
    window, rules = WindowView(1, None), DispatchRules(aging=timedelta(minutes=45))
    assert index.choose(window, NOW, rules) == choose_next([early, later], window, NOW, rules)
    assert index.choose(window, NOW, rules).ticket_id == "early"  # type: ignore[union-attr]


def test_appointments_inside_their_slot_go_by_slot_not_by_queue() -> None:
    index = DispatchIndex()
    slot = timedelta(minutes=30)
    first_in_line = Candidate(
        "first-in-line",
        "business",
        "appointment",
        NOW - timedelta(minutes=20),
        NOW - timedelta(minutes=20),
        None,
        NOW - timedelta(minutes=5),
        NOW - timedelta(minutes=5) + slot,
    )
    earlier_slot = Candidate(
        "earlier-slot",
        "business",
        "appointment",
        NOW - timedelta(minutes=10),
        NOW - timedelta(minutes=10),
        None,
        NOW - timedelta(minutes=15),
        NOW - timedelta(minutes=15) + slot,
    )
    index.put(first_in_line)
    index.put(earlier_slot)
    window, rules = WindowView(1, None), DispatchRules()
    assert index.choose(window, NOW, rules).ticket_id == "earlier-slot"  # type: ignore[union-attr]


def test_a_call_looks_at_a_handful_of_heads_not_the_whole_line() -> None:
    index = DispatchIndex()
    for i in range(20_000):
        issued = NOW - timedelta(seconds=i)
        index.put(
            Candidate(
                id=f"t{i:05d}",
                category=("business", "social", "tax")[i % 3],
                priority=("normal", "normal", "elderly")[i % 3],
                issued_at=issued,
                queue_at=issued,
            )
        )
    looked_at = index.candidates_for(WindowView(1, None))
    assert len(looked_at) <= 2 * 3 * 2  # two heads of each line a window may call
    rules = DispatchRules()
    assert index.choose(WindowView(1, None), NOW, rules) == choose_next(
        index.candidates(), WindowView(1, None), NOW, rules
    )


# ---- a hall through random days ---------------------------------------------------------

CATEGORIES = ["business", "social", "tax"]
PRIORITIES = ["normal", "normal", "normal", "elderly", "green", "appointment"]
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


def small_hall() -> HallState:
    raw = demo_config()
    hall = raw["halls"][0]
    hall["categories"] = [c for c in hall["categories"] if c["code"] in CATEGORIES]
    hall["windows"] = [
        {"number": 1},
        {"number": 2},
        {"number": 3, "categories": ["tax"]},
        {"number": 4, "categories": ["business", "social"]},
        {"number": 5, "categories": ["business", "tax"], "green_channel": True},
        {"number": 6, "green_channel": True, "green_channel_serves_others": True},
    ]
    hall["priority_ratio"] = 2
    hall["aging_minutes"] = 45
    return HallState(parse_settings(raw).halls[0])


STEPS = [
    "issue",
    "issue",
    "issue",
    "call_next",
    "call_next",
    "start",
    "finish",
    "no_show",
    "reactivate",
    "hold",
    "call_back",
    "transfer_category",
    "transfer_window",
    "transfer_waiting",
    "cancel",
    "prioritise",
    "set_services",
    "toggle_window",
    "tick",
    "next_day",
    "failed_write",
]


class Run:
    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.state = small_hall()
        self.now = START
        self.ids = (f"id{i:04d}" for i in itertools.count())
        self.calls_checked = 0
        for number in self.state.windows:
            self.state.apply(self.state.open_window(number, None, self.now, "supervisor"))

    def draw(self, strategy: st.SearchStrategy[Any]) -> Any:
        return self.data.draw(strategy)

    def pick(self, statuses: tuple[TicketStatus, ...]) -> str | None:
        ids = sorted(t.id for t in self.state.tickets.values() if t.status in statuses)
        return self.draw(st.sampled_from(ids)) if ids else None

    def decide(self, step: str) -> Outcome | None:
        s, now = self.state, self.now
        window = self.draw(st.sampled_from(sorted(s.windows)))
        if step == "issue":
            priority = self.draw(st.sampled_from(PRIORITIES))
            slot = None
            if priority == "appointment":
                begin = now + timedelta(minutes=self.draw(st.integers(-60, 60)))
                slot = Appointment(begin, begin + timedelta(minutes=30))
            category = self.draw(st.sampled_from(CATEGORIES))
            return s.issue(next(self.ids), category, priority, "kiosk", now, "kiosk", slot)
        if step == "call_next":
            expected = choose_next(
                [candidate_of(t) for t in s.waiting()],
                window_view(s.window(window)),
                now,
                s.dispatch_rules(),
            )
            outcome = s.call_next(window, now, "clerk")
            chosen = outcome.ticket
            assert (None if chosen is None else chosen.id) == (
                None if expected is None else expected.ticket_id
            )
            if expected is not None:
                assert outcome.windows[window].priority_streak == expected.priority_streak
            self.calls_checked += 1
            return outcome
        if step in ("start", "finish", "no_show", "hold"):
            # mostly at a window that has someone to act on, so that holds and no-shows happen
            busy = sorted(n for n, w in s.windows.items() if w.current_ticket is not None)
            number = self.draw(st.sampled_from(busy)) if busy and self.draw(st.booleans()) else window
            verb = getattr(s, step)
            return verb(number, now, "clerk")  # type: ignore[no-any-return]
        if step == "reactivate":
            ticket = self.pick((TicketStatus.NO_SHOW,))
            if ticket is None:
                return None
            outcome = s.reactivate(ticket, now, "clerk")
            assert outcome.tickets[ticket].queue_at == requeued_at(s, s.tickets[ticket], now)
            return outcome
        if step == "call_back":
            return s.call_back(window, None, now, "clerk")
        if step == "transfer_category":
            to = self.draw(st.sampled_from(CATEGORIES))
            return s.transfer_current(window, now, "clerk", to_category=to)
        if step == "transfer_window":
            to = self.draw(st.sampled_from(sorted(s.windows)))
            return s.transfer_current(window, now, "clerk", to_window=to)
        if step == "transfer_waiting":
            ticket = self.pick((TicketStatus.WAITING,))
            if ticket is None:
                return None
            if self.draw(st.booleans()):
                return s.transfer(ticket, now, "supervisor", to_window=window)
            to = self.draw(st.sampled_from(CATEGORIES))
            return s.transfer(ticket, now, "supervisor", to_category=to)
        if step == "cancel":
            ticket = self.pick((TicketStatus.WAITING,))
            return None if ticket is None else s.cancel(ticket, now, "kiosk")
        if step == "prioritise":
            ticket = self.pick((TicketStatus.WAITING,))
            priority = self.draw(st.sampled_from(["normal", "elderly", "green"]))
            return None if ticket is None else s.prioritise(ticket, priority, now, "supervisor")
        if step == "set_services":
            served = self.draw(st.one_of(st.none(), st.frozensets(st.sampled_from(CATEGORIES), min_size=1)))
            return s.set_services(window, served, now, "supervisor")
        if step == "toggle_window":
            state = s.window(window).state.value
            if state == "open":
                return s.pause(window, "break", now, "clerk")
            if state == "paused":
                return s.resume(window, now, "clerk")
            return s.open_window(window, None, now, "clerk")
        raise AssertionError(step)

    def step(self, step: str) -> None:
        if step == "tick":
            self.now += timedelta(minutes=self.draw(st.sampled_from([1, 5, 20, 50])))
            return
        if step == "next_day":
            self.now += timedelta(days=1)
            self.state.apply(self.state.roll_over(self.now))
            return
        if step == "failed_write":
            before = (dict(self.state.tickets), dict(self.state.windows), dict(self.state.counters))
            seq = self.state.seq
            checkpoint = self.state.checkpoint()
            for _ in range(3):
                self.attempt(self.draw(st.sampled_from(STEPS[:-3])))
            self.state.restore(checkpoint)
            assert (self.state.tickets, self.state.windows, self.state.counters) == before
            assert self.state.seq == seq
            return
        self.attempt(step)

    def attempt(self, step: str) -> None:
        try:
            outcome = self.decide(step)
        except DomainError:
            return  # a refused step changes nothing
        if outcome is not None:
            self.state.apply(outcome)
        self.now += timedelta(seconds=self.draw(st.integers(0, 90)))

    def check_index(self) -> None:
        """The index holds every waiting ticket as it is now, and nothing else."""
        indexed = {c.id: c for c in self.state.dispatch_index.candidates()}
        assert indexed == {t.id: candidate_of(t) for t in self.state.waiting()}
        tickets = self.state.tickets.values()
        assert {t.id for t in self.state.waiting()} == {
            t.id for t in tickets if t.status is TicketStatus.WAITING
        }
        assert self.state.waiting_counts() == {
            c: sum(1 for t in self.state.waiting() if t.category == c) for c in CATEGORIES
        }
        for number in self.state.windows:
            held = [t for t in tickets if t.status is TicketStatus.HELD and t.window == number]
            assert self.state.held_at(number) == sorted(held, key=lambda t: t.status_at or t.issued_at)
        for ticket in tickets:
            assert self.state.ticket_by_number(ticket.number.lower(), ticket.service_day) == ticket


def requeued_at(state: HallState, ticket: Ticket, now: datetime) -> datetime:
    """Where a returning no-show goes, by the rule on the whole line: behind the next
    `no_show_requeue_behind` waiting tickets of its category."""
    behind = state.spec.policy.no_show_requeue_behind
    line = sorted(t.queue_at for t in state.waiting() if t.category == ticket.category)
    if len(line) <= behind:
        return now
    if behind == 0:
        return line[0] - timedelta(microseconds=1)
    return line[behind - 1] + (line[behind] - line[behind - 1]) / 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_hall_calls_what_the_policy_chooses_through_every_step(data: st.DataObject) -> None:
    run = Run(data)
    for step in data.draw(st.lists(st.sampled_from(STEPS), min_size=10, max_size=120)):
        run.step(step)
        run.check_index()
    # and at the end, for every window, now and later when much has aged
    waiting = [candidate_of(t) for t in run.state.waiting()]
    for window in run.state.windows.values():
        for later in (0, 30, 90):
            now = run.now + timedelta(minutes=later)
            view, r = window_view(window), run.state.dispatch_rules()
            assert run.state.dispatch_index.choose(view, now, r) == choose_next(waiting, view, now, r)
