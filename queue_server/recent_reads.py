"""What a process last read of accounts and devices, kept a short while.

Every request and socket checks its token's account or device; reading the store each time would
put a read on every request. A copy is kept for `max_age` seconds instead, and requests that find
it expired together share one read: when the copy of a busy clerk's account expires, the eight
requests waiting on it do not open eight database connections.

A read that finds nothing (None: no such device) is not kept: anyone may send made-up tokens,
and each would otherwise leave its copy behind for good.

`forget` (a revocation notice) drops the copy and any read in flight, so what a read started
before the notice brings back is neither kept nor given to a request that came after it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class RecentReads(Generic[K, V]):
    def __init__(self, read: Callable[[K], Awaitable[V]], max_age: float) -> None:
        self._read, self._max_age = read, max_age
        self._kept: dict[K, tuple[V, float]] = {}
        self._reading: dict[K, asyncio.Future[V]] = {}

    async def get(self, key: K) -> V:
        kept = self._kept.get(key)
        if kept is not None and time.monotonic() - kept[1] < self._max_age:
            return kept[0]
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self._read_and_keep(key))
            self._reading[key] = reading
        # shield: one caller cancelled (its client went away) does not cancel the others' read.
        return await asyncio.shield(reading)

    def forget(self, key: K | None = None) -> None:
        """Drop the copy of `key` (None: of every key), and any read of it in flight."""
        if key is None:
            self._kept.clear()
            self._reading.clear()
        else:
            self._kept.pop(key, None)
            self._reading.pop(key, None)

    async def _read_and_keep(self, key: K) -> V:
        started = time.monotonic()
        try:
            value = await self._read(key)
        finally:
            # Not this read's any more when forget() came while it was in flight.
            wanted = self._reading.get(key) is asyncio.current_task()
            if wanted:
                del self._reading[key]
        if wanted and value is not None:
            self._kept[key] = (value, started)
        return value
