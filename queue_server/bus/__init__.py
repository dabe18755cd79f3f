"""The live event bus: an in-process one by default; others drop in behind the same interface."""

from queue_server.bus.base import EventBus, ReplayGap, SubscriberOverflow, Subscription
from queue_server.bus.memory import MemoryBus


def open_bus(url: str, *, retention: int, client_queue: int) -> EventBus:
    """`memory://` (one process). A Redis Streams bus is chosen by `redis://` once it exists."""
    if url.startswith("memory://"):
        return MemoryBus(retention=retention, client_queue=client_queue)
    raise ValueError(f"unsupported bus URL: {url}")


__all__ = ["EventBus", "MemoryBus", "ReplayGap", "SubscriberOverflow", "Subscription", "open_bus"]
