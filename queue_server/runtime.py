"""One hall's live queue in this process: decisions in order, written in groups, then told.

Every command is decided against the in-memory state one at a time, so two clerks pressing
"call next" together in this process can never get the same ticket. Commands that arrive
while a write is in flight are decided and written together in the next one (group commit),
in arrival order, except that a clerk's window steps go first, alone (see `run`): each is
durable before its caller hears back, without one fsync per request.

Where the hall is shared by several processes (PostgreSQL), the log's commit checks that
nobody committed since this process last caught up; if somebody did, the batch is decided
again on the caught-up state. A batch is only ever committed whole.

A command may carry an idempotency key: the key is committed with its step, so a retry
(after a timeout or a 503) answers with the step already taken instead of taking another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from queue_server.bus.memory import MemoryBus
from queue_server.clock import Clock
from queue_server.domain.errors import DomainError, NotFound
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import HallSpec
from queue_server.domain.numbering import service_day
from queue_server.storage.base import Reply, Store, StoreUnavailable

Decision = Callable[[HallState, datetime], Outcome]
_Command = tuple[Decision, "asyncio.Future[Outcome]", str | None]  # with its idempotency key
_Read = TypeVar("_Read")
MAX_ATTEMPTS = 50
# How long a retry with the same idempotency key still finds the first answer.
KEY_LIFETIME = timedelta(hours=24)

log = logging.getLogger(__name__)


class StaleState(Exception):
    """Another process appended first: decide again on the fresh state."""


class Replies:
    """The idempotency keys of a hall's recent steps, as committed."""

    def __init__(self) -> None:
        self._by_key: dict[str, Reply] = {}

    def get(self, key: str) -> Reply | None:
        return self._by_key.get(key)

    def add(self, replies: Sequence[Reply]) -> None:
        for reply in replies:
            self._by_key[reply.key] = reply
        if replies and len(self._by_key) % 1024 == 0:
            self._forget_old()

    def _forget_old(self) -> None:
        newest = max(r.at for r in self._by_key.values())
        self._by_key = {k: r for k, r in self._by_key.items() if r.at > newest - KEY_LIFETIME}


class HallLog(Protocol):
    """Where a hall's decided outcomes go, and where a process catches up from."""

    replies: Replies

    async def load(self) -> HallState:
        """The hall's state at start-up (and its recent keys into `replies`)."""

    async def sync(self, state: HallState, current: bool) -> HallState:
        """The state brought up to date (the same object, or a reloaded one); `current`: up
        to every step committed anywhere, because a reader is waiting."""

    async def append(
        self, state: HallState, outcomes: Sequence[Outcome], base_seq: int, replies: Sequence[Reply]
    ) -> None:
        """Make the outcomes durable and tell subscribers; StaleState if `base_seq` is old."""

    def turn(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Held while a batch that collided is tried again: one such batch at a time."""

    async def confirm(self, base_seq: int) -> None:
        """For a batch that changed nothing (refusals, nobody waiting): StaleState if the
        hall moved past `base_seq`, since the answers were decided on an old state."""


class LocalLog:
    """The embedded default: one process owns the hall; the SQL store, then the memory bus."""

    def __init__(self, store: Store, bus: MemoryBus, spec: HallSpec, clock: Clock, recent: int) -> None:
        self._store, self._bus, self._spec, self._clock = store, bus, spec, clock
        self._recent = recent
        self.replies = Replies()

    async def load(self) -> HallState:
        today = service_day(self._clock.now(), self._spec.timezone)
        state = await self._store.load_hall(self._spec, today, self._recent)
        recent = await self._store.recent_events(self._spec.id, self._recent)
        self._bus.backfill(self._spec.id, recent, state.seq)
        self.replies.add(await self._store.replies(self._spec.id, self._clock.now() - KEY_LIFETIME))
        return state

    async def sync(self, state: HallState, current: bool) -> HallState:
        return state

    async def append(
        self, state: HallState, outcomes: Sequence[Outcome], base_seq: int, replies: Sequence[Reply]
    ) -> None:
        await self._store.commit(outcomes, replies)
        self.replies.add(replies)
        await self._bus.publish([e for outcome in outcomes for e in outcome.events])

    async def confirm(self, base_seq: int) -> None:
        return None  # this process is the only writer

    def turn(self) -> contextlib.AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()  # never collides


class HallRuntime:
    def __init__(self, state: HallState, hall_log: HallLog, clock: Clock) -> None:
        self.state = state
        self._log, self._clock = hall_log, clock
        self._pending: list[_Command] = []
        self._windows_pending: list[_Command] = []  # clerks' window steps: committed first
        self._others_passed_over = False  # the last commit was window steps alone, others waiting
        self._readers: list[tuple[Callable[[HallState], Any], asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None

    @property
    def hall_id(self) -> str:
        return self.state.spec.id

    async def run(self, decide: Decision, key: str | None = None, *, window_step: bool = False) -> Outcome:
        """The decided and committed outcome; with a `key` already committed, the step that
        key took (an outcome without events, its ticket as it is now). A `window_step` (a
        clerk's call, start, finish...: what the screens and the clerk wait for) goes in the
        next commit with the other window steps alone, ahead of the other commands waiting
        (issues above all): a kiosk queue at full tilt then delays a call by the commit in
        flight, not by a batch of tickets too; never twice in a row while others wait, so a
        ticket waits at most one commit more. Steps in flight together have no order of their
        own to keep."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        (self._windows_pending if window_step else self._pending).append((decide, future, key))
        self._wake()
        return await future

    async def snapshot(self) -> dict[str, Any]:
        """The hall as committed (by any process): never a change still being written."""
        return await self.read(HallState.snapshot)

    async def read(self, read: Callable[[HallState], _Read]) -> _Read:
        """What `read` makes of the hall as committed (by any process): it runs between two
        batches, never on a change still being written, and must not keep the state."""
        result: _Read = await self._read(read)
        return result

    async def current(self) -> HallState:
        """The state with every step committed so far, by this process or another."""
        state: HallState = await self._read(lambda state: state)
        return state

    async def answered(self, key: str) -> Reply | None:
        """What a step committed with `key` (by any process) answered, if one was."""
        await self.current()
        return self._log.replies.get(key)

    async def _read(self, read: Callable[[HallState], Any]) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._readers.append((read, future))
        self._wake()
        return await future

    def _wake(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches(), name=f"hall-{self.hall_id}")

    async def _write_batches(self) -> None:
        while self._windows_pending or self._pending or self._readers:
            # Window steps alone, unless they went alone last time while others waited: many
            # windows calling back to back must not hold a ticket for more than one commit.
            if self._windows_pending and not self._others_passed_over:
                batch, self._windows_pending = self._windows_pending, []
                self._others_passed_over = bool(self._pending)
            else:
                batch = self._take_pending()
            try:
                await self._write_batch(batch)
            except Exception as exc:
                failure = exc if isinstance(exc, StoreUnavailable) else StoreUnavailable(str(exc))
                if not isinstance(exc, StoreUnavailable):
                    log.exception("writing hall %s failed", self.hall_id)
                for _, future, _ in batch:
                    if not future.done():
                        future.set_exception(failure)
                for _, reader in self._take_readers():
                    reader.set_exception(failure)

    def _take_pending(self) -> list[_Command]:
        """Every command waiting, window steps first."""
        taken = self._windows_pending + self._pending
        self._windows_pending, self._pending = [], []
        self._others_passed_over = False
        return taken

    async def _write_batch(self, batch: list[_Command]) -> None:
        if await self._attempt(batch):
            return
        for _ in range(MAX_ATTEMPTS - 1):
            # Collided with another process: from now on take turns with the others that
            # collided, instead of colliding again (optimistic writers still may go first).
            async with self._log.turn():
                # One hall's commits follow each other (its seq row), so what limits its
                # steps per second is how many each commit carries: the commands that came
                # in while this batch waited are decided with it, not in a commit of their own.
                batch.extend(self._take_pending())
                if await self._attempt(batch):
                    return
        log.warning("hall %s: %d attempts all found another process first", self.hall_id, MAX_ATTEMPTS)
        raise StoreUnavailable(f"hall {self.hall_id}: too much contention, gave up")

    async def _attempt(self, batch: list[_Command]) -> bool:
        """Decides and commits the batch; False if another process committed first."""
        readers = self._take_readers()
        try:
            self.state = await self._log.sync(self.state, current=bool(readers))
        except BaseException:
            self._readers[:0] = readers  # they hear of the failure with the batch
            raise
        for read, reader in readers:
            reader.set_result(read(self.state))
        checkpoint = self.state.checkpoint()
        results: list[tuple[asyncio.Future[Outcome], Outcome | BaseException]] = []
        replies: list[Reply] = []
        for decide, future, key in batch:
            taken = None if key is None else self._log.replies.get(key)
            taken = taken or next((r for r in replies if r.key == key), None)
            if taken is not None:
                ticket = None if taken.ticket is None else self.state.tickets.get(taken.ticket)
                results.append((future, Outcome(ticket=ticket)))
                continue
            if self.state.retired:  # retired by a step of this batch, or caught up with
                results.append((future, NotFound("error.hall_retired", hall=self.hall_id)))
                continue
            try:
                now = self._clock.now()
                outcome = decide(self.state, now)
            except DomainError as exc:
                results.append((future, exc))
                continue
            except Exception as exc:  # a bug must fail its own request, not the batch
                log.exception("decision failed in hall %s", self.hall_id)
                results.append((future, exc))
                continue
            self.state.apply(outcome)
            results.append((future, outcome))
            if key is not None and outcome.events:
                ticket_id = None if outcome.ticket is None else outcome.ticket.id
                replies.append(Reply(key, ticket_id, outcome.events[-1].seq, now))
        outcomes = [r for _, r in results if isinstance(r, Outcome)]
        try:
            if any(o.events for o in outcomes):
                await self._log.append(self.state, outcomes, checkpoint.seq, replies)
            elif results:
                await self._log.confirm(checkpoint.seq)
        except StaleState:
            self.state.restore(checkpoint)
            return False
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
        return True

    def _take_readers(self) -> list[tuple[Callable[[HallState], Any], asyncio.Future[Any]]]:
        readers, self._readers = self._readers, []
        return [(read, future) for read, future in readers if not future.done()]
