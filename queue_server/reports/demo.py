"""A seeded month of demo traffic for a hall, made through the real domain (`HallState`).

Every ticket is issued, called, started, finished, missed or transferred by the same
`HallState` verbs the server runs, at simulated instants, and the outcomes are written with
the store's `commit` one day at a time — so the ledger, the ticket table and the counters are
exactly what a month of real use would leave.

The month: weekday demand peaks around 10:00 and 14:30 (two bumps on a base level), the hall
closes at lunch (no arrivals between the sessions), Mondays are the busiest and Fridays
quieter; weekends use the weekend sessions, only the categories marked `weekend = true`, and
fewer windows. Handling times are log-normal per category; about 4 % of the called visitors do
not come (过号), 3 % are transferred to another category mid-service (转移), 1 % give up waiting
and cancel. Two comprehensive windows are staffed only at the peaks; at closing the windows on
duty stay until the queue is empty (延时服务), so busy days end late.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from queue_server.domain.errors import DomainError
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import HallSpec, TicketStatus, WindowState
from queue_server.storage.base import Store

# (relative demand, mean handling in minutes) of the demo hall's categories
CATEGORY_MIX: dict[str, tuple[float, float]] = {
    "business": (14, 9.0),
    "social": (20, 4.0),
    "medical": (14, 3.5),
    "realestate": (12, 10.0),
    "tax": (10, 6.0),
    "residence": (9, 5.0),
    "housing": (8, 5.0),
    "civil": (3, 8.0),
    "crossprov": (3, 8.0),
    "pickup": (7, 1.5),
}
WEEKDAY_VOLUME = (1.15, 1.0, 1.0, 0.95, 0.8, 0.25, 0.2)
PEAKS = ((10 * 60, 55.0, 1.0), (14 * 60 + 30, 55.0, 0.9))  # minute, sd, height
BASE_LEVEL = 0.35
NO_SHOW, TRANSFER, CANCEL = 0.04, 0.03, 0.01


@dataclass(frozen=True)
class DemoResult:
    days: int
    tickets: int
    events: int
    first_day: date | None
    last_day: date | None


@dataclass(order=True)
class _Event:
    at: datetime
    order: int
    kind: str = field(compare=False)
    window: int = field(compare=False, default=0)
    ticket: str = field(compare=False, default="")
    category: str = field(compare=False, default="")


class _Day:
    """One simulated day of one hall: arrivals, windows on duty, clerks' steps."""

    def __init__(
        self, state: HallState, day: date, rng: random.Random, volume: float, counter: list[int]
    ) -> None:
        self.state, self.day, self.rng = state, day, rng
        self.spec = state.spec
        self.tz = self.spec.timezone
        self.sessions = self.spec.hours.sessions_on(day)
        self.weekend = self.spec.hours.weekend_on(day)
        self.outcomes: list[Outcome] = []
        self.heap: list[_Event] = []
        self.order = 0
        self.counter = counter
        self.volume = volume
        self.idle: set[int] = set()
        self.busy_until_close: set[int] = set()
        self.closing = self._at(self.sessions[-1][1])
        self.duty = self._duty()

    def _at(self, t: time) -> datetime:
        return datetime.combine(self.day, t, tzinfo=self.tz).astimezone(UTC)

    def _duty(self) -> dict[int, list[tuple[datetime, datetime]]]:
        """Windows on duty and when: weekdays every window (two comprehensive ones only at the
        peaks); weekends the first four comprehensive windows and any pick-up window."""
        opening = self._at(self.sessions[0][0])
        comprehensive = [w.number for w in self.spec.windows if w.categories is None]
        duty: dict[int, list[tuple[datetime, datetime]]] = {}
        if self.weekend:
            for number in comprehensive[:4]:
                duty[number] = [(opening, self.closing)]
            for w in self.spec.windows:
                if (
                    w.categories is not None
                    and w.categories <= self._weekend_codes()
                    and w.number not in duty
                    and not w.green_channel
                ):
                    duty[w.number] = [(opening, self.closing)]
            return duty
        helpers = set(comprehensive[-2:]) if len(comprehensive) > 4 else set()
        for w in self.spec.windows:
            if w.number in helpers:
                duty[w.number] = [
                    (self._at(time(9, 30)), self._at(time(11, 45))),
                    (self._at(time(14, 0)), self._at(time(16, 30))),
                ]
            else:
                duty[w.number] = [(opening, self.closing)]
        return duty

    def _weekend_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.spec.categories if c.weekend)

    def _categories(self) -> tuple[list[str], list[float]]:
        codes = [c.code for c in self.spec.categories if c.weekend or not self.weekend]
        weights = [CATEGORY_MIX.get(c, (5.0, 5.0))[0] for c in codes]
        return codes, weights

    def push(self, at: datetime, kind: str, **kw: str | int) -> None:
        self.order += 1
        heapq.heappush(self.heap, _Event(at, self.order, kind, **kw))  # type: ignore[arg-type]

    def decide(self, outcome: Outcome) -> Outcome:
        self.state.apply(outcome)
        if outcome.events:
            self.outcomes.append(outcome)
        return outcome

    def on_duty(self, number: int, at: datetime) -> bool:
        if number in self.busy_until_close and at >= self.closing:
            return bool(self.state.waiting())
        return any(a <= at < b for a, b in self.duty.get(number, []))

    # ---- the day's script -----------------------------------------------------------

    def arrivals(self) -> None:
        minutes: list[int] = []
        weights: list[float] = []
        for start, end in self.sessions:
            a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
            for m in range(a, b):
                level = BASE_LEVEL + sum(h * math.exp(-0.5 * ((m - p) / sd) ** 2) for p, sd, h in PEAKS)
                minutes.append(m)
                weights.append(level)
        n = _poisson(self.rng, self.volume)
        codes, cat_weights = self._categories()
        picks = self.rng.choices(minutes, weights, k=n)
        cats = self.rng.choices(codes, cat_weights, k=n)
        midnight = datetime.combine(self.day, time(0), tzinfo=self.tz)
        for minute, cat in zip(picks, cats, strict=True):
            at = midnight + timedelta(minutes=minute, seconds=self.rng.uniform(0, 60))
            self.push(at.astimezone(UTC), "arrive", category=cat)

    def run(self) -> None:
        self.arrivals()
        for number, spans in self.duty.items():
            self.push(spans[0][0], "open", window=number)
            for start, _ in spans[1:]:
                self.push(start, "free", window=number)
            if spans[-1][1] == self.closing:
                self.busy_until_close.add(number)
        while self.heap:
            ev = heapq.heappop(self.heap)
            getattr(self, f"_{ev.kind}")(ev)
        end = max((o.events[-1].at for o in self.outcomes), default=self.closing)
        for number, window in sorted(self.state.windows.items()):
            if window.state is not WindowState.CLOSED and window.current_ticket is None:
                self.decide(self.state.close(number, end, "system"))

    def _open(self, ev: _Event) -> None:
        window = self.state.windows[ev.window]
        if window.state is WindowState.CLOSED:
            self.decide(
                self.state.open_window(ev.window, f"clerk{ev.window}", ev.at, f"clerk:clerk{ev.window}")
            )
        self._free(ev)

    def _arrive(self, ev: _Event) -> None:
        self.counter[0] += 1
        ticket_id = f"demo-{self.day:%Y%m%d}-{self.counter[0]:06d}"
        priority = "normal"
        if self.rng.random() < 0.05 and self.spec.priorities:
            priority = self.rng.choice(self.spec.priorities).code
        channel = "online" if self.rng.random() < 0.15 else "kiosk"
        self.decide(self.state.issue(ticket_id, ev.category, priority, channel, ev.at, "device:demo-kiosk"))
        if self.rng.random() < CANCEL:
            self.push(ev.at + timedelta(minutes=self.rng.uniform(15, 45)), "cancel", ticket=ticket_id)
        idle = sorted(w for w in self.idle if self.state.windows[w].serves(ev.category))
        self.rng.shuffle(idle)
        for number in idle:
            if self._call(number, ev.at):
                break

    def _cancel(self, ev: _Event) -> None:
        ticket = self.state.tickets.get(ev.ticket)
        if ticket is not None and ticket.status is TicketStatus.WAITING:
            self.decide(self.state.cancel(ev.ticket, ev.at, "visitor"))

    def _free(self, ev: _Event) -> None:
        self._call(ev.window, ev.at)

    def _call(self, number: int, at: datetime) -> bool:
        if not self.on_duty(number, at):
            self.idle.discard(number)
            return False
        outcome = self.decide(self.state.call_next(number, at, f"clerk:clerk{number}"))
        if outcome.ticket is None:
            self.idle.add(number)
            return False
        self.idle.discard(number)
        ticket = outcome.ticket
        if self.rng.random() < NO_SHOW:
            self.push(at + timedelta(seconds=self.rng.uniform(60, 120)), "miss", window=number)
            return True
        self.push(
            at + timedelta(seconds=self.rng.uniform(15, 60)),
            "start",
            window=number,
            category=ticket.category,
            ticket=ticket.id,
        )
        return True

    def _miss(self, ev: _Event) -> None:
        self.decide(self.state.no_show(ev.window, ev.at, f"clerk:clerk{ev.window}"))
        self.push(ev.at + timedelta(seconds=self.rng.uniform(5, 20)), "free", window=ev.window)

    def _start(self, ev: _Event) -> None:
        self.decide(self.state.start(ev.window, ev.at, f"clerk:clerk{ev.window}"))
        mean = CATEGORY_MIX.get(ev.category, (5.0, 5.0))[1] * 60
        sigma = 0.55
        handling = self.rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma)
        if self.rng.random() < TRANSFER:
            self.push(ev.at + timedelta(seconds=handling / 2), "transfer", window=ev.window, ticket=ev.ticket)
        else:
            self.push(ev.at + timedelta(seconds=max(30.0, handling)), "finish", window=ev.window)

    def _finish(self, ev: _Event) -> None:
        self.decide(self.state.finish(ev.window, ev.at, f"clerk:clerk{ev.window}"))
        self.push(ev.at + timedelta(seconds=self.rng.uniform(5, 20)), "free", window=ev.window)

    def _transfer(self, ev: _Event) -> None:
        codes, weights = self._categories()
        current = self.state.tickets[ev.ticket].category
        others = [(c, w) for c, w in zip(codes, weights, strict=True) if c != current]
        target = self.rng.choices([c for c, _ in others], [w for _, w in others])[0]
        self.decide(self.state.transfer(ev.ticket, ev.at, f"clerk:clerk{ev.window}", to_category=target))
        idle = [w for w in sorted(self.idle) if self.state.windows[w].serves(target)]
        if idle:
            self._call(self.rng.choice(idle), ev.at)
        self.push(ev.at + timedelta(seconds=self.rng.uniform(5, 20)), "free", window=ev.window)


def _poisson(rng: random.Random, mean: float) -> int:
    """Normal approximation (means here are in the hundreds)."""
    if mean < 30:
        n, p, limit = 0, 1.0, math.exp(-mean)
        while True:
            p *= rng.random()
            if p <= limit:
                return n
            n += 1
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


class DemoDataError(Exception):
    pass


async def fill_demo_month(
    store: Store,
    spec: HallSpec,
    *,
    days: int,
    seed: int = 1,
    end: date | None = None,
    weekday_volume: float = 600.0,
    progress: bool = False,
) -> DemoResult:
    """Fill `days` days ending `end` (default: yesterday, hall-local) with demo traffic.

    Refuses when the hall already has tickets or recorded steps on or after the first day: the
    demo month must not interleave with a live day, real or earlier demo data (its steps
    would take seqs a live hall has used or is about to use). Run it while the server is
    stopped (the CLI makes sure of that)."""
    if days < 1:
        raise DemoDataError("--days must be at least 1")
    today = datetime.now(spec.timezone).date()
    last = end or today - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    start_at = datetime.combine(first, time(0), tzinfo=spec.timezone).astimezone(UTC)
    there = await store.recorded_since(spec.id, first, start_at)
    # Steps without tickets count too: a live day that has only opened its windows.
    if there.tickets or there.steps:
        today_at = datetime.combine(today, time(0), tzinfo=spec.timezone).astimezone(UTC)
        live_today = (await store.recorded_since(spec.id, today, today_at)).steps
        live = f", {live_today} of the steps today: a live day" if live_today else ""
        raise DemoDataError(
            f"hall {spec.id} already has {there.tickets} tickets and {there.steps} recorded steps "
            f"on or after {first}{live}; demo data is only written on days that have none. "
            "Nothing was written. Choose earlier days (--end) or another store (--store)."
        )
    state = await store.load_hall(spec, first, 0)
    rng = random.Random(seed)
    for number, window in sorted(state.windows.items()):
        if window.state is not WindowState.CLOSED:
            if window.current_ticket is not None:
                raise DemoDataError(f"window {number} is still serving a ticket")
            outcome = state.close(number, start_at, "system")
            state.apply(outcome)
            await store.commit([outcome])
    tickets = events = used = 0
    counter = [0]
    day = first
    while day <= last:
        if spec.hours.sessions_on(day):
            volume = weekday_volume * WEEKDAY_VOLUME[day.weekday()] * rng.lognormvariate(0, 0.12)
            sim = _Day(state, day, rng, volume, counter)
            try:
                sim.run()
            except DomainError as exc:  # a bug in the script, not in the data: say where
                raise DemoDataError(f"demo day {day}: {exc.key} {exc.params}") from exc
            await store.commit(sim.outcomes)
            used += 1
            events += sum(len(o.events) for o in sim.outcomes)
            tickets += sum(1 for o in sim.outcomes for e in o.events if e.type.value == "ticket.issued")
            if progress:
                print(f"  {day} ({day:%a}): {counter[0]} tickets so far", flush=True)
        day += timedelta(days=1)
    # what is still open at the end of the last day expires at the next day's first step
    final = state.roll_over(
        datetime.combine(last + timedelta(days=1), time(0, 0, 1), tzinfo=spec.timezone).astimezone(UTC)
    )
    if final.events:
        state.apply(final)
        await store.commit([final])
        events += len(final.events)
    return DemoResult(used, tickets, events, first, last)
