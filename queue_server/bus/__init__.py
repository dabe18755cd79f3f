"""The live event bus: in-process by default, Redis Streams when scaled out."""

from queue_server.bus.base import EventBus, ReplayGap, SubscriberOverflow, Subscription
from queue_server.bus.memory import MemoryBus

__all__ = ["EventBus", "MemoryBus", "ReplayGap", "SubscriberOverflow", "Subscription"]
