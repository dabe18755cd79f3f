"""Puts committed events on the hall's Redis stream, in seq order, each exactly once.

The stream is a cache of the ledger, filled after the commit: a process publishes its own
steps as soon as they are committed, and every process also looks once a second for
committed events not yet on the stream (their process died between commit and publish, or
Redis was away or restarted empty) and publishes them from the ledger. The Lua script only
appends the event after the last one published, so racing publishers never duplicate or
reorder anything. A failed publish delays events; it never fails a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.domain.events import Event
from queue_server.scaleout import keys, lua
from queue_server.storage.base import Store, StoreUnavailable

SWEEP_EVERY_S = 1.0
# After Redis lost the stream, this many of the latest events are put back from the ledger,
# so screens that were connected can resume with `?after=seq` rather than take a snapshot.
REFILL = 500
ATTEMPTS = 5

log = logging.getLogger(__name__)


class StreamPublisher:
    def __init__(self, redis: Redis, store: Store, halls: Sequence[str]) -> None:
        self._redis, self._store = redis, store
        self._script = redis.register_script(lua.PUBLISH)
        self._pending: dict[str, list[Event]] = {hall: [] for hall in halls}
        self._wake: dict[str, asyncio.Event] = {hall: asyncio.Event() for hall in halls}
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False

    def start(self) -> None:
        self._started = True
        self._tasks = [asyncio.create_task(self._run(hall), name=f"publish-{hall}") for hall in self._wake]

    def follow(self, hall: str) -> None:
        """Publishes a hall added live too (config.toml's are followed from the start)."""
        if hall in self._wake:
            return
        self._pending[hall], self._wake[hall] = [], asyncio.Event()
        if self._started:
            self._tasks.append(asyncio.create_task(self._run(hall), name=f"publish-{hall}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def committed(self, hall: str, events: Sequence[Event]) -> None:
        """Events this process just committed: publish them soon (never waits on Redis)."""
        self._pending[hall].extend(events)
        self._wake[hall].set()

    async def publish(self, hall: str, events: Sequence[Event] = ()) -> int:
        """Brings the stream up to the last of `events`, or to the ledger when none are given;
        returns the seq the stream is at."""
        raw: str | None = None
        if events:
            # Mostly the stream is right before these: one round trip, no look first.
            raw = await self._append(hall, str(events[0].seq - 1), events) or None
            if raw == str(events[-1].seq):
                return events[-1].seq
        for attempt in range(ATTEMPTS):
            if attempt or not events:
                raw = cast("str | None", await self._redis.get(keys.published_key(hall)))
            published = None if raw is None else int(raw)
            target = events[-1].seq if events else await self._store.committed_seq(hall)
            if published is not None and published >= target:
                return published
            start = published if published is not None else max(0, target - REFILL)
            todo = [e for e in events if start < e.seq <= target]
            if not todo or todo[0].seq != start + 1:
                todo = await self._store.events_after(hall, start, target - start)
            if not todo:
                return start
            if await self._append(hall, raw or "", todo) == str(todo[-1].seq):
                return todo[-1].seq
            # another publisher moved the stream meanwhile: look again
        raise RedisError(f"{hall}: the stream kept moving; will try again")

    async def _append(self, hall: str, expected: str, events: Sequence[Event]) -> str:
        """Appends if the stream is at `expected` ('' = gone); the published seq after."""
        arguments: list[str | int] = [expected, keys.STREAM_MAXLEN, keys.STREAM_TTL_S]
        for event in events:
            arguments += [event.seq, json.dumps(event.to_json(), ensure_ascii=False)]
        result = await self._script(keys=[keys.published_key(hall), keys.stream_key(hall)], args=arguments)
        return str(result)

    async def _run(self, hall: str) -> None:
        wake = self._wake[hall]
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), SWEEP_EVERY_S)
            wake.clear()
            events, self._pending[hall] = self._pending[hall], []
            try:
                await self.publish(hall, events)
            except (RedisError, OSError, StoreUnavailable) as exc:
                log.info("publishing hall %s waits: %s", hall, exc)
            except Exception:
                log.exception("publishing hall %s failed", hall)
