"""A HallLog that times and counts what the log it wraps commits (for GET /metrics)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence

from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import HallSpec
from queue_server.ops.metrics import (
    CALL_PUBLISH_SECONDS,
    STORE_COLLISIONS,
    STORE_COMMIT_SECONDS,
    count_committed,
)
from queue_server.runtime import HallLog, Replies, StaleState
from queue_server.storage.base import Reply


class MeasuredLog:
    """Every batch starts with a sync and, when it changed something, ends with an append:
    the time between is the batch's way from deciding to the bus."""

    def __init__(self, inner: HallLog, hall: str) -> None:
        self._inner, self._hall = inner, hall
        self.replies: Replies = inner.replies  # the same object: the inner log adds to it
        self._batch_started = time.perf_counter()

    async def load(self) -> HallState:
        return await self._inner.load()

    async def sync(self, state: HallState, current: bool) -> HallState:
        self._batch_started = time.perf_counter()
        return await self._inner.sync(state, current)

    async def append(
        self, state: HallState, outcomes: Sequence[Outcome], base_seq: int, replies: Sequence[Reply]
    ) -> None:
        committing = time.perf_counter()
        with self._collisions():
            await self._inner.append(state, outcomes, base_seq, replies)
        done = time.perf_counter()
        STORE_COMMIT_SECONDS.labels(self._hall).observe(done - committing)
        if count_committed(self._hall, outcomes):
            CALL_PUBLISH_SECONDS.labels(self._hall).observe(done - self._batch_started)

    def turn(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._inner.turn()

    async def confirm(self, base_seq: int) -> None:
        with self._collisions():
            await self._inner.confirm(base_seq)

    @contextlib.contextmanager
    def _collisions(self) -> Iterator[None]:
        try:
            yield
        except StaleState:
            STORE_COLLISIONS.labels(self._hall).inc()
            raise


def measured(hall_log: Callable[[HallSpec], HallLog]) -> Callable[[HallSpec], HallLog]:
    return lambda spec: MeasuredLog(hall_log(spec), spec.id)
