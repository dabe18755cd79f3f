"""What the server needs from an event bus, in the spirit of encode/broadcaster."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Protocol

from queue_server.domain.events import Event


class ReplayGap(Exception):
    """The events after the client's seq are no longer (or not yet) kept: send a snapshot."""


class SubscriberOverflow(Exception):
    """The client fell too far behind and was cut loose; it must resync from a snapshot."""


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[Event]: ...

    def take_queued(self) -> list[Event]:
        """The events queued so far, without waiting. Raises SubscriberOverflow."""
        ...

    def forward(self, deliver: Callable[[Event], None]) -> None:
        """From now on each event goes to `deliver` in the step that publishes it (those
        queued so far first), instead of waiting in the queue for the subscriber's task to
        be scheduled: a hall's screens are written to before the loop turns to anything
        else. The iteration then only ends the subscription: SubscriberOverflow once it is
        cut loose, which is also what a `deliver` that fails brings about."""
        ...

    async def close(self) -> None: ...


class EventBus(Protocol):
    """The reading side every bus offers; how events get in depends on the bus (the memory
    bus and a Redis stream are both published to after each commit)."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def subscribe(self, hall: str, after: int | None) -> Subscription:
        """Events of `hall` with seq > `after` (from now on when None). Raises ReplayGap."""
