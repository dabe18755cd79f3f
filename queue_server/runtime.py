"""One hall's live queue in this process: decisions in order, written in groups, then told.

Every command is decided against the in-memory state in arrival order, so two clerks
pressing "call next" together can never get the same ticket. The decisions that arrive
while a write is in flight are written together in the next transaction (group commit):
each is durable before its caller hears back, without paying one fsync per request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from queue_server.bus.base import EventBus
from queue_server.clock import Clock
from queue_server.domain.errors import DomainError
from queue_server.domain.hall import HallState, Outcome
from queue_server.storage.base import Store, StoreUnavailable

Decision = Callable[[HallState, datetime], Outcome]

log = logging.getLogger(__name__)


class HallRuntime:
    def __init__(self, state: HallState, store: Store, bus: EventBus, clock: Clock) -> None:
        self.state = state
        self._store, self._bus, self._clock = store, bus, clock
        self._pending: list[tuple[Decision, asyncio.Future[Outcome]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._snapshot_waiters: list[asyncio.Future[dict[str, Any]]] = []

    @property
    def hall_id(self) -> str:
        return self.state.spec.id

    async def run(self, decide: Decision) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._pending.append((decide, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches(), name=f"hall-{self.hall_id}")
        return await future

    async def snapshot(self) -> dict[str, Any]:
        """The hall as durable and published: never a change still being written."""
        if self._writer is None or self._writer.done():
            return self.state.snapshot()
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._snapshot_waiters.append(future)
        return await future

    async def _write_batches(self) -> None:
        while self._pending:
            try:
                await self._write_batch()
            finally:
                self._release_snapshots()

    async def _write_batch(self) -> None:
        batch, self._pending = self._pending, []
        checkpoint = self.state.checkpoint()
        decided: list[tuple[Outcome, asyncio.Future[Outcome]]] = []
        for decide, future in batch:
            try:
                outcome = decide(self.state, self._clock.now())
            except DomainError as exc:
                future.set_exception(exc)
                continue
            except Exception as exc:  # a bug must fail its own request, not the batch
                log.exception("decision failed in hall %s", self.hall_id)
                future.set_exception(exc)
                continue
            self.state.apply(outcome)
            decided.append((outcome, future))
        outcomes = [outcome for outcome, _ in decided]
        try:
            await self._store.commit(outcomes)
        except Exception as exc:
            self.state.restore(checkpoint)
            if not isinstance(exc, StoreUnavailable):
                log.exception("commit failed in hall %s", self.hall_id)
            failure = exc if isinstance(exc, StoreUnavailable) else StoreUnavailable(str(exc))
            for _, future in decided:
                if not future.done():
                    future.set_exception(failure)
            return
        for outcome, future in decided:
            if not future.done():  # a caller that hung up still had its change made
                future.set_result(outcome)
        await self._bus.publish([e for outcome in outcomes for e in outcome.events])

    def _release_snapshots(self) -> None:
        waiters, self._snapshot_waiters = self._snapshot_waiters, []
        if waiters:
            snapshot = self.state.snapshot()
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(snapshot)
