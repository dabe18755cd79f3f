"""One hall's live queue in this process: decisions in order, written in groups, then told.

Every command is decided against the in-memory state in arrival order, so two clerks
pressing "call next" together in this process can never get the same ticket. Decisions
that arrive while a write is in flight are written together in the next one (group
commit): each is durable before its caller hears back, without one fsync per request.

Where the state is shared by several processes (Redis), the log checks on append that
nobody appended since this process last synced; if somebody did, the batch is decided
again on the fresh state. A batch is only ever appended whole.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from queue_server.bus.memory import MemoryBus
from queue_server.clock import Clock
from queue_server.domain.errors import DomainError
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import HallSpec
from queue_server.domain.numbering import service_day
from queue_server.storage.base import Store, StoreUnavailable

Decision = Callable[[HallState, datetime], Outcome]
MAX_ATTEMPTS = 50

log = logging.getLogger(__name__)


class StaleState(Exception):
    """Another process appended first: decide again on the fresh state."""


class HallLog(Protocol):
    """Where a hall's decided outcomes go, and where a process catches up from."""

    async def load(self) -> HallState:
        """The hall's state at start-up."""

    async def sync(self, state: HallState) -> HallState:
        """The state brought up to date (the same object, or a reloaded one)."""

    async def append(self, state: HallState, outcomes: Sequence[Outcome], base_seq: int) -> None:
        """Make the outcomes durable and tell subscribers; StaleState if `base_seq` is old."""


class LocalLog:
    """The embedded default: one process owns the hall; the SQL store, then the memory bus."""

    def __init__(self, store: Store, bus: MemoryBus, spec: HallSpec, clock: Clock, recent: int) -> None:
        self._store, self._bus, self._spec, self._clock = store, bus, spec, clock
        self._recent = recent

    async def load(self) -> HallState:
        today = service_day(self._clock.now(), self._spec.timezone)
        state = await self._store.load_hall(self._spec, today, self._recent)
        recent = await self._store.recent_events(self._spec.id, self._recent)
        self._bus.backfill(self._spec.id, recent, state.seq)
        return state

    async def sync(self, state: HallState) -> HallState:
        return state

    async def append(self, state: HallState, outcomes: Sequence[Outcome], base_seq: int) -> None:
        await self._store.commit(outcomes)
        await self._bus.publish([e for outcome in outcomes for e in outcome.events])


class HallRuntime:
    def __init__(self, state: HallState, hall_log: HallLog, clock: Clock) -> None:
        self.state = state
        self._log, self._clock = hall_log, clock
        self._pending: list[tuple[Decision, asyncio.Future[Outcome]]] = []
        self._snapshot_waiters: list[asyncio.Future[dict[str, Any]]] = []
        self._writer: asyncio.Task[None] | None = None

    @property
    def hall_id(self) -> str:
        return self.state.spec.id

    async def run(self, decide: Decision) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._pending.append((decide, future))
        self._wake()
        return await future

    async def snapshot(self) -> dict[str, Any]:
        """The hall as durable and published: never a change still being written."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._snapshot_waiters.append(future)
        self._wake()
        return await future

    def _wake(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches(), name=f"hall-{self.hall_id}")

    async def _write_batches(self) -> None:
        while self._pending or self._snapshot_waiters:
            batch, self._pending = self._pending, []
            try:
                await self._write_batch(batch)
            except Exception as exc:
                failure = exc if isinstance(exc, StoreUnavailable) else StoreUnavailable(str(exc))
                if not isinstance(exc, StoreUnavailable):
                    log.exception("writing hall %s failed", self.hall_id)
                for _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
                for waiter in self._take_snapshot_waiters():
                    waiter.set_exception(failure)

    async def _write_batch(self, batch: list[tuple[Decision, asyncio.Future[Outcome]]]) -> None:
        for _ in range(MAX_ATTEMPTS):
            self.state = await self._log.sync(self.state)
            waiters = self._take_snapshot_waiters()
            if waiters:
                snapshot = self.state.snapshot()
                for waiter in waiters:
                    waiter.set_result(snapshot)
            checkpoint = self.state.checkpoint()
            results: list[tuple[asyncio.Future[Outcome], Outcome | BaseException]] = []
            for decide, future in batch:
                try:
                    outcome = decide(self.state, self._clock.now())
                except DomainError as exc:
                    results.append((future, exc))
                    continue
                except Exception as exc:  # a bug must fail its own request, not the batch
                    log.exception("decision failed in hall %s", self.hall_id)
                    results.append((future, exc))
                    continue
                self.state.apply(outcome)
                results.append((future, outcome))
            outcomes = [r for _, r in results if isinstance(r, Outcome)]
            try:
                if any(o.events for o in outcomes):
                    await self._log.append(self.state, outcomes, checkpoint.seq)
            except StaleState:
                self.state.restore(checkpoint)
                continue
            except BaseException:
                self.state.restore(checkpoint)
                raise
            for future, result in results:
                if future.done():
                    continue  # a caller that hung up still had its change made
                if isinstance(result, Outcome):
                    future.set_result(result)
                else:
                    future.set_exception(result)
            return
        raise StoreUnavailable(f"hall {self.hall_id}: too much contention, gave up")

    def _take_snapshot_waiters(self) -> list[asyncio.Future[dict[str, Any]]]:
        waiters, self._snapshot_waiters = self._snapshot_waiters, []
        return [w for w in waiters if not w.done()]
