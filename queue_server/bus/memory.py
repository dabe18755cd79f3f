"""The in-process event bus: one hall's recent events in a ring, one bounded queue per client."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from queue_server.bus.base import ReplayGap
from queue_server.bus.subscription import QueuedSubscription
from queue_server.domain.events import Event


class MemoryBus:
    def __init__(self, *, retention: int, client_queue: int) -> None:
        self._retention = retention
        self._client_queue = client_queue
        self._recent: dict[str, deque[Event]] = {}
        self._latest: dict[str, int] = {}
        self._subscribers: dict[str, set[QueuedSubscription]] = {}

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

    async def subscribe(self, hall: str, after: int | None) -> QueuedSubscription:
        subscription = QueuedSubscription(self, hall, self._client_queue)
        if after is not None:
            for event in self._replay(hall, after):
                subscription.offer(event)
        # No await between replay and registration: no event can slip in between.
        self._subscribers.setdefault(hall, set()).add(subscription)
        return subscription

    def subscriber_count(self, hall: str) -> int:
        return len(self._subscribers.get(hall, ()))

    def detach(self, hall: str, subscription: QueuedSubscription) -> None:
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
