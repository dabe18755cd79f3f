"""The hall runtime (queue_server/runtime.py) on the embedded log: a SQLite store and the memory bus.

What its callers rely on: an answer only once the step is durable, steps decided in arrival
order, the steps that arrive during a write committed together in the next one (a clerk's
window steps first, in a commit of their own, but never twice in a row while tickets wait), a
failed write failing its callers and changing nothing, a collision decided again on the fresh
state, and a retried idempotency key answered with the step it already took.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from queue_server.bus.memory import MemoryBus
from queue_server.clock import ManualClock
from queue_server.domain.errors import DomainError
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import NORMAL, HallSpec
from queue_server.domain.numbering import service_day
from queue_server.runtime import Decision, HallRuntime, LocalLog, StaleState
from queue_server.storage.base import Reply, StoreUnavailable
from queue_server.storage.sql import SqlStore
from tests.conftest import MONDAY_10AM, make_settings


def issue(ticket_id: str, category: str = "business") -> Decision:
    def decide(state: HallState, now: datetime) -> Outcome:
        return state.issue(ticket_id, category, NORMAL, "counter", now, "clerk:clerk1")

    return decide


class HeldLog(LocalLog):
    """The embedded log with a gate before each commit: a write is 'in flight' while it is shut."""

    def __init__(self, store: SqlStore, spec: HallSpec, clock: ManualClock) -> None:
        super().__init__(store, MemoryBus(retention=100, client_queue=100), spec, clock, 100)
        self.gate = asyncio.Event()
        self.gate.set()
        self.batches: list[int] = []  # the number of steps in each write
        self.fail_next = False
        self.stale_next = False  # the next write finds that another process committed first
        self.collided = False

    async def append(
        self, state: HallState, outcomes: Sequence[Outcome], base_seq: int, replies: Sequence[Reply]
    ) -> None:
        self.batches.append(len(outcomes))
        await self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise StoreUnavailable("disk gone")
        if self.stale_next:
            self.stale_next, self.collided = False, True
            raise StaleState()
        await super().append(state, outcomes, base_seq, replies)

    async def sync(self, state: HallState, current: bool) -> HallState:
        # A shared log catches up from the store after a collision; reloading does it plainly.
        if self.collided:
            self.collided = False
            return await self.load()
        return state

    async def writes_started(self, count: int) -> None:
        """Until `count` writes have reached the gate."""
        async with asyncio.timeout(10):
            while len(self.batches) < count:
                await asyncio.sleep(0.005)


@dataclass
class Fixture:
    runtime: HallRuntime
    log: HeldLog
    store: SqlStore
    spec: HallSpec
    clock: ManualClock
    url: str


@pytest.fixture
async def hall(tmp_path: Path) -> AsyncIterator[Fixture]:
    settings = make_settings(tmp_path)
    spec = settings.halls[0]
    clock = ManualClock(MONDAY_10AM)
    store = SqlStore(settings.server.store)
    await store.start()
    log = HeldLog(store, spec, clock)
    runtime = HallRuntime(await log.load(), log, clock)
    try:
        yield Fixture(runtime, log, store, spec, clock, settings.server.store)
    finally:
        await store.close()


async def stored_numbers(url: str, spec: HallSpec) -> list[str]:
    """The waiting tickets as a freshly started process finds them in the store."""
    store = SqlStore(url)
    await store.start()
    try:
        state = await store.load_hall(spec, service_day(MONDAY_10AM, spec.timezone), 100)
        return sorted(t.number for t in state.tickets.values())
    finally:
        await store.close()


async def test_a_caller_hears_back_only_once_its_step_is_in_the_store(hall: Fixture) -> None:
    hall.log.gate.clear()
    answer = asyncio.create_task(hall.runtime.run(issue("t1")))
    await hall.log.writes_started(1)
    assert not answer.done() and await stored_numbers(hall.url, hall.spec) == []
    hall.log.gate.set()
    outcome = await answer
    assert outcome.ticket is not None
    assert await stored_numbers(hall.url, hall.spec) == [outcome.ticket.number]


async def test_steps_arriving_during_a_write_go_together_in_the_next_in_arrival_order(
    hall: Fixture,
) -> None:
    hall.log.gate.clear()
    first = asyncio.create_task(hall.runtime.run(issue("t0")))
    await hall.log.writes_started(1)  # the first write is in flight
    rest = [asyncio.create_task(hall.runtime.run(issue(f"t{i}"))) for i in range(1, 6)]
    await asyncio.sleep(0)  # the tasks queue their steps
    hall.log.gate.set()
    outcomes = [await first] + [await task for task in rest]
    assert hall.log.batches == [1, 5]
    numbers = [o.ticket.number for o in outcomes if o.ticket is not None]
    assert numbers == sorted(numbers) and len(set(numbers)) == 6
    seqs = [o.events[-1].seq for o in outcomes]
    assert seqs == sorted(seqs) and len(set(seqs)) == 6


async def test_a_window_step_arriving_behind_issues_is_committed_first_and_alone(hall: Fixture) -> None:
    # A kiosk queue at full tilt must not hold up the call the screens are waiting for.
    hall.log.gate.clear()
    first = asyncio.create_task(hall.runtime.run(issue("t0")))
    await hall.log.writes_started(1)  # a write is in flight
    issues = [asyncio.create_task(hall.runtime.run(issue(f"t{i}"))) for i in range(1, 4)]
    await asyncio.sleep(0)
    opened = asyncio.create_task(hall.runtime.run(open_window(1), window_step=True))
    await asyncio.sleep(0)  # three issues, then the window step, wait for the next write
    hall.log.gate.set()
    await first
    window_seq = (await opened).events[-1].seq
    issue_seqs = [(await task).events[-1].seq for task in issues]
    assert hall.log.batches == [1, 1, 3]
    assert window_seq < min(issue_seqs)
    assert len(await stored_numbers(hall.url, hall.spec)) == 4


def open_window(number: int) -> Decision:
    return lambda state, now: state.open_window(number, f"clerk{number}", now, None)


async def test_window_steps_never_go_alone_twice_while_tickets_wait(hall: Fixture) -> None:
    # Windows calling back to back hold a kiosk's ticket for one commit, not for as long as
    # they keep calling.
    hall.log.gate.clear()
    first = asyncio.create_task(hall.runtime.run(issue("t0")))
    await hall.log.writes_started(1)
    waiting = [asyncio.create_task(hall.runtime.run(issue(f"t{i}"))) for i in range(1, 4)]
    opened = [asyncio.create_task(hall.runtime.run(open_window(1), window_step=True))]
    await asyncio.sleep(0)
    hall.log.gate.set()
    hall.log.gate.clear()  # the first write goes on; the next is held
    await hall.log.writes_started(2)  # window 1 alone, the tickets passed over once
    opened.append(asyncio.create_task(hall.runtime.run(open_window(2), window_step=True)))
    await asyncio.sleep(0)
    hall.log.gate.set()
    await first
    for task in [*opened, *waiting]:
        await task
    assert hall.log.batches == [1, 1, 4]  # window 2 goes with the tickets, not alone again
    assert len(await stored_numbers(hall.url, hall.spec)) == 4


async def test_a_snapshot_never_shows_a_step_still_being_written(hall: Fixture) -> None:
    before = await hall.runtime.snapshot()
    hall.log.gate.clear()
    answer = asyncio.create_task(hall.runtime.run(issue("t1")))
    await hall.log.writes_started(1)
    reading = asyncio.create_task(hall.runtime.snapshot())
    await asyncio.sleep(0)  # the reader is queued behind the write
    assert not reading.done()  # it waits for the write to end rather than show it half-done
    hall.log.gate.set()
    await answer
    after = await reading
    assert after["seq"] > before["seq"]


async def test_a_failed_write_fails_every_caller_of_its_batch_and_changes_nothing(hall: Fixture) -> None:
    hall.log.gate.clear()
    first = asyncio.create_task(hall.runtime.run(issue("t0")))
    await hall.log.writes_started(1)
    hall.log.fail_next = True
    hall.log.gate.set()
    with pytest.raises(StoreUnavailable):
        await first
    seq_before = hall.runtime.state.seq
    again = await hall.runtime.run(issue("t1"))
    assert again.ticket is not None and again.ticket.number.endswith("001")  # the number was not used
    assert again.events[0].seq == seq_before + 1
    assert await stored_numbers(hall.url, hall.spec) == [again.ticket.number]


async def test_a_refused_step_fails_only_its_own_caller(hall: Fixture) -> None:
    hall.log.gate.clear()
    first = asyncio.create_task(hall.runtime.run(issue("t0")))
    await hall.log.writes_started(1)
    bad = asyncio.create_task(hall.runtime.run(issue("t1", category="no-such-matter")))
    good = asyncio.create_task(hall.runtime.run(issue("t2")))
    await asyncio.sleep(0)  # the tasks queue their steps
    hall.log.gate.set()
    await first
    with pytest.raises(DomainError):
        await bad
    assert (await good).ticket is not None
    assert len(await stored_numbers(hall.url, hall.spec)) == 2


async def test_after_a_collision_the_step_is_decided_again_on_the_caught_up_state(hall: Fixture) -> None:
    # Another process takes the first number and commits it while this one's write is in flight.
    other_state = await hall.store.load_hall(hall.spec, service_day(MONDAY_10AM, hall.spec.timezone), 100)
    other = other_state.issue("elsewhere", "business", NORMAL, "kiosk", MONDAY_10AM, "device:kiosk")
    hall.log.gate.clear()
    mine = asyncio.create_task(hall.runtime.run(issue("mine")))
    await hall.log.writes_started(1)
    await hall.store.commit([other])
    hall.log.stale_next = True
    hall.log.gate.set()
    outcome = await mine
    assert other.ticket is not None and outcome.ticket is not None
    assert outcome.ticket.number != other.ticket.number
    assert outcome.events[0].seq == other.events[-1].seq + 1
    assert await stored_numbers(hall.url, hall.spec) == sorted([other.ticket.number, outcome.ticket.number])


async def test_steps_arriving_while_a_collided_batch_waits_are_decided_and_committed_with_it(
    hall: Fixture,
) -> None:
    # One hall's commits follow each other: the more each carries, the more steps per second.
    other_state = await hall.store.load_hall(hall.spec, service_day(MONDAY_10AM, hall.spec.timezone), 100)
    other = other_state.issue("elsewhere", "business", NORMAL, "kiosk", MONDAY_10AM, "device:kiosk")
    hall.log.gate.clear()
    first = asyncio.create_task(hall.runtime.run(issue("first")))
    await hall.log.writes_started(1)
    await hall.store.commit([other])
    hall.log.stale_next = True
    later = [asyncio.create_task(hall.runtime.run(issue(name))) for name in ("second", "third")]
    await asyncio.sleep(0)  # both are waiting for the next batch
    hall.log.gate.set()
    outcomes = [await first, *[await task for task in later]]
    assert hall.log.batches == [1, 3]  # the refused write, then one commit with all three
    numbers = [o.ticket.number for o in outcomes if o.ticket is not None]
    assert other.ticket is not None and len(set(numbers)) == 3 and other.ticket.number not in numbers
    assert await stored_numbers(hall.url, hall.spec) == sorted([other.ticket.number, *numbers])


async def test_a_retried_key_answers_with_the_step_it_took_and_takes_no_other(hall: Fixture) -> None:
    first = await hall.runtime.run(issue("t1"), key="kiosk|k-1")
    retry = await hall.runtime.run(issue("t2"), key="kiosk|k-1")
    assert first.ticket is not None and retry.ticket is not None
    assert retry.ticket.id == first.ticket.id and retry.events == []
    assert (await hall.runtime.answered("kiosk|k-1")) is not None
    assert await stored_numbers(hall.url, hall.spec) == [first.ticket.number]


async def test_a_key_is_remembered_by_the_next_process_on_the_same_store(hall: Fixture) -> None:
    first = await hall.runtime.run(issue("t1"), key="kiosk|k-2")
    log = LocalLog(hall.store, MemoryBus(retention=10, client_queue=10), hall.spec, hall.clock, 100)
    restarted = HallRuntime(await log.load(), log, hall.clock)
    retry = await restarted.run(issue("t2"), key="kiosk|k-2")
    assert first.ticket is not None and retry.ticket is not None and retry.ticket.id == first.ticket.id
