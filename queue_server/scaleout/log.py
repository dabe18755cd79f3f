"""A hall's log when several processes serve it: PostgreSQL orders and records every step.

A batch is committed in one transaction that also moves the hall's seq row, and only if
that row is still at the seq the batch was decided on; otherwise nothing is written and
the batch is decided again after catching up from the ledger (StaleState). The caller is
answered after that commit and never before. Redis is told afterwards (the publisher), so
losing Redis loses nothing: at worst events reach screens a moment later.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date

from queue_server.clock import Clock
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import HallSpec
from queue_server.domain.numbering import service_day
from queue_server.domain.transitions import TERMINAL_STATUSES
from queue_server.runtime import KEY_LIFETIME, Replies, StaleState
from queue_server.scaleout.publisher import StreamPublisher
from queue_server.storage.base import Reply, Store, StoreUnavailable

# Further behind than this many events, a process reloads the hall instead of catching up.
CATCH_UP_LIMIT = 2_000


class PostgresLog:
    def __init__(
        self, store: Store, publisher: StreamPublisher, spec: HallSpec, clock: Clock, recent: int
    ) -> None:
        self._store, self._publisher, self._spec, self._clock = store, publisher, spec, clock
        publisher.follow(spec.id)
        self._recent = recent
        self.replies = Replies()
        self._behind = True  # until loaded

    async def load(self) -> HallState:
        """From PostgreSQL; if it is down at start-up, an empty placeholder that the first
        sync replaces (requests get 503 until then)."""
        try:
            return await self._reload()
        except StoreUnavailable:
            return HallState(self._spec, seq=-1)

    async def sync(self, state: HallState, current: bool) -> HallState:
        if state.seq < 0:
            return await self._reload()
        if not (current or self._behind):
            return state  # optimistic: the commit finds out if another process went first
        if not self._behind:  # a reader: one look at the seq row, mostly all it takes
            latest = await self._store.committed_seq(self._spec.id)
            if latest < state.seq:
                return await self._reload()  # the store is behind this process: start over
            if latest == state.seq:
                return state
        caught = await self._store.steps_after(state.spec, state.seq, CATCH_UP_LIMIT)
        if caught is None:
            return await self._reload()
        events = caught.outcome.events
        if events:
            # The day of the steps taken elsewhere (a roll-over among them moves it on).
            caught.outcome.service_day = service_day(events[-1].at, state.spec.timezone)
        before = state.today
        state.apply(caught.outcome)
        if state.today is not None and state.today != before:
            # Finished tickets of earlier days leave the live state, as at roll-over.
            day = state.today
            gone = [
                t.id for t in state.tickets.values() if t.service_day < day and t.status in TERMINAL_STATUSES
            ]
            state.apply(Outcome(forget=gone))
        self.replies.add(caught.replies)
        self._behind = False
        return state

    async def append(
        self, state: HallState, outcomes: Sequence[Outcome], base_seq: int, replies: Sequence[Reply]
    ) -> None:
        if not await self._store.append(outcomes, base_seq, replies):
            self._behind = True
            raise StaleState(self._spec.id)
        self.replies.add(replies)
        self._publisher.committed(self._spec.id, [e for outcome in outcomes for e in outcome.events])

    def turn(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._store.exclusive(self._spec.id)

    async def confirm(self, base_seq: int) -> None:
        if await self._store.committed_seq(self._spec.id) != base_seq:
            self._behind = True
            raise StaleState(self._spec.id)

    async def _reload(self) -> HallState:
        state = await self._store.load_hall(self._spec, self._today(), self._recent)
        self.replies.add(await self._store.replies(self._spec.id, self._clock.now() - KEY_LIFETIME))
        self._behind = False
        return state

    def _today(self) -> date:
        return service_day(self._clock.now(), self._spec.timezone)
