"""The in-process event bus: one hall's recent events in a ring, one bounded queue per client."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence

from queue_server.bus.base import ReplayGap, SubscriberOverflow
from queue_server.domain.events import Event

log = logging.getLogger(__name__)


class MemorySubscription:
    def __init__(self, bus: MemoryBus, hall: str, size: int) -> None:
        self._bus, self._hall = bus, hall
        # None wakes a reader blocked on an empty queue once the subscription is cut loose.
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=size)
        self.overflowed = False
        self._deliver: Callable[[Event], None] | None = None

    def offer(self, event: Event) -> None:
        if self._deliver is not None:
            handed_over(self._deliver, event, self.cut_loose)
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            # A slow or dead client must not hold the others back: cut it loose.
            self.cut_loose()

    def cut_loose(self) -> None:
        self.overflowed = True
        self._bus.detach(self._hall, self)
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)

    def forward(self, deliver: Callable[[Event], None]) -> None:
        for event in self.take_queued():
            deliver(event)
        self._deliver = deliver

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            if self.overflowed:
                raise SubscriberOverflow(self._hall)
            event = await self.queue.get()
            if event is not None:
                yield event

    def take_queued(self) -> list[Event]:
        if self.overflowed:
            raise SubscriberOverflow(self._hall)
        events = []
        while not self.queue.empty():
            event = self.queue.get_nowait()
            if event is not None:
                events.append(event)
        return events

    async def close(self) -> None:
        self._bus.detach(self._hall, self)


class MemoryBus:
    def __init__(self, *, retention: int, client_queue: int) -> None:
        self._retention = retention
        self._client_queue = client_queue
        self._recent: dict[str, deque[Event]] = {}
        self._latest: dict[str, int] = {}
        self._subscribers: dict[str, set[MemorySubscription]] = {}

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._subscribers.clear()

    def backfill(self, hall: str, events: Sequence[Event], latest_seq: int) -> None:
        self._recent[hall] = deque(events[-self._retention :], maxlen=self._retention)
        self._latest[hall] = latest_seq

    async def publish(self, events: Sequence[Event]) -> None:
        for event in events:
            ring = self._recent.setdefault(event.hall, deque(maxlen=self._retention))
            ring.append(event)
            self._latest[event.hall] = event.seq
            for subscription in list(self._subscribers.get(event.hall, ())):
                subscription.offer(event)

    async def subscribe(self, hall: str, after: int | None) -> MemorySubscription:
        subscription = MemorySubscription(self, hall, self._client_queue)
        if after is not None:
            for event in self._replay(hall, after):
                subscription.offer(event)
        # No await between replay and registration: no event can slip in between.
        self._subscribers.setdefault(hall, set()).add(subscription)
        return subscription

    def subscriber_count(self, hall: str) -> int:
        return len(self._subscribers.get(hall, ()))

    def detach(self, hall: str, subscription: MemorySubscription) -> None:
        self._subscribers.get(hall, set()).discard(subscription)

    def _replay(self, hall: str, after: int) -> list[Event]:
        latest = self._latest.get(hall, 0)
        if after > latest:
            raise ReplayGap(f"{hall}: client is at {after}, the hall only at {latest}")
        if after == latest:
            return []
        ring = self._recent.get(hall, deque())
        if not ring or ring[0].seq > after + 1:
            raise ReplayGap(f"{hall}: events after {after} are no longer kept")
        missed = [e for e in ring if e.seq > after]
        if len(missed) >= self._client_queue:
            raise ReplayGap(f"{hall}: {len(missed)} missed events are more than a client may queue")
        return missed


def handed_over(deliver: Callable[[Event], None], event: Event, cut_loose: Callable[[], None]) -> None:
    """`deliver(event)` in the publisher's step: the event is committed, so a subscriber
    that fails on it is cut loose (and resyncs); the publisher never hears of it."""
    try:
        deliver(event)
    except Exception:
        log.exception("a subscriber of hall %s failed on event %d", event.hall, event.seq)
        cut_loose()
