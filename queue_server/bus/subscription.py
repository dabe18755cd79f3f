"""The subscription both buses hand out: a bounded queue per client (a client that falls
behind is cut loose and resyncs) or, once forwarded, the client's own function called in the
step that publishes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from queue_server.bus.base import SubscriberOverflow
from queue_server.domain.events import Event

log = logging.getLogger(__name__)


class Subscribers(Protocol):
    def detach(self, hall: str, subscription: QueuedSubscription) -> None: ...


class QueuedSubscription:
    def __init__(self, bus: Subscribers, hall: str, size: int) -> None:
        self._bus, self._hall = bus, hall
        # None wakes a reader blocked on an empty queue once the subscription is cut loose.
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=size)
        self.overflowed = False
        self._deliver: Callable[[Event], None] | None = None

    def offer(self, event: Event) -> None:
        if self._deliver is not None:
            try:
                self._deliver(event)
            except Exception:
                # The event is committed: a subscriber that fails on it is cut loose (and
                # resyncs); the publisher never hears of it.
                log.exception("a subscriber of hall %s failed on event %d", event.hall, event.seq)
                self.cut_loose()
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
