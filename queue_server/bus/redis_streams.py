"""The event bus over Redis Streams: one stream per hall, tailed once per process.

Unlike pub/sub, a stream keeps what was published while a subscriber was away, so a screen
can reconnect to any process and resume with `?after=seq`. Each process runs one tailing
task per hall that has subscribers here and fans entries out to them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.bus.base import ReplayGap
from queue_server.bus.subscription import QueuedSubscription
from queue_server.domain.events import Event
from queue_server.scaleout import keys
from queue_server.storage.base import StoreUnavailable
from queue_server.storage.rows import event_from_json

TAIL_BLOCK_MS = 5_000
# A subscriber waits this long for Redis (and for the hall's subscribers ahead of it) before
# it is told to come back: a Redis that accepts connections but answers nothing (hung) must
# not hold every screen of the hall, one after another, for the client's socket timeout.
SUBSCRIBE_WAIT_S = 5.0
Entry = tuple[str, dict[str, str]]


def entry_seq(entry_id: str) -> int:
    return int(entry_id.split("-", 1)[0])


class StreamSubscription(QueuedSubscription):
    def __init__(self, bus: RedisStreamBus, hall: str, size: int, last: int) -> None:
        super().__init__(bus, hall, size)
        self.last = last

    def offer(self, event: Event) -> None:
        if event.seq <= self.last:
            return  # already delivered by the replay
        self.last = event.seq
        super().offer(event)


class RedisStreamBus:
    def __init__(self, redis: Redis, tails: Redis, *, client_queue: int) -> None:
        self._redis, self._tails_client = redis, tails
        self._client_queue = client_queue
        self._subscribers: dict[str, set[QueuedSubscription]] = {}
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        for task in self._tails.values():
            task.cancel()
        for task in self._tails.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tails.clear()

    async def subscribe(self, hall: str, after: int | None) -> StreamSubscription:
        lock = self._locks.setdefault(hall, asyncio.Lock())
        try:
            async with asyncio.timeout(SUBSCRIBE_WAIT_S), lock:
                latest = int(await self._redis.get(keys.published_key(hall)) or 0)
                subscription = StreamSubscription(self, hall, self._client_queue, latest)
                if after is not None:
                    # A client ahead of the stream waits for the publisher to catch up.
                    subscription.last = after
                    for event in await self._replay(hall, after, latest):
                        subscription.offer(event)
                self._subscribers.setdefault(hall, set()).add(subscription)
                tail = self._tails.get(hall)
                if tail is None or tail.done():
                    self._tails[hall] = asyncio.create_task(self._tail(hall, min(latest, subscription.last)))
        except RedisError as exc:
            raise StoreUnavailable(f"redis: {exc}") from exc
        except TimeoutError as exc:
            raise StoreUnavailable(f"redis: no answer within {SUBSCRIBE_WAIT_S} s") from exc
        return subscription

    def detach(self, hall: str, subscription: QueuedSubscription) -> None:
        self._subscribers.get(hall, set()).discard(subscription)

    async def _replay(self, hall: str, after: int, latest: int) -> list[Event]:
        if after >= latest:
            return []
        entries = cast(
            list[Entry],
            await self._redis.xrange(
                keys.stream_key(hall), min=f"{after + 1}-0", max="+", count=self._client_queue
            ),
        )
        if not entries or entry_seq(entries[0][0]) != after + 1:
            raise ReplayGap(f"{hall}: events after {after} are no longer kept")
        if entry_seq(entries[-1][0]) < latest and len(entries) >= self._client_queue:
            raise ReplayGap(f"{hall}: more missed events than a client may queue")
        return [event_from_json(json.loads(fields["e"])) for _, fields in entries]

    async def _tail(self, hall: str, start: int) -> None:
        stream, position = keys.stream_key(hall), f"{start}-0"
        while self._subscribers.get(hall):
            try:
                response = cast(
                    list[tuple[str, list[Entry]]],
                    await self._tails_client.xread({stream: position}, block=TAIL_BLOCK_MS, count=500),
                )
            except (RedisError, OSError):
                # Redis is gone: every client must resync once it is back.
                for subscription in list(self._subscribers.get(hall, ())):
                    subscription.cut_loose()
                return
            for _, entries in response or ():
                async with self._locks[hall]:
                    for entry_id, fields in entries:
                        event = event_from_json(json.loads(fields["e"]))
                        for subscription in list(self._subscribers.get(hall, ())):
                            subscription.offer(event)
                        position = entry_id
