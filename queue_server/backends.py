"""Choosing the backends by URL, as encode/broadcaster does: memory or Redis, SQLite or PostgreSQL.

`bus = "memory://"` runs the embedded default: one process owns each hall. `bus =
"redis://..."` shares the halls between any number of processes: live state and events in
Redis, the record in the SQL store (PostgreSQL for real deployments).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from queue_server.bus.base import EventBus
from queue_server.bus.memory import MemoryBus
from queue_server.bus.redis_streams import RedisStreamBus
from queue_server.clock import Clock
from queue_server.config import Settings
from queue_server.domain.model import HallSpec
from queue_server.runtime import HallLog, LocalLog
from queue_server.scaleout.log import RedisLog
from queue_server.scaleout.relay import OutboxRelay
from queue_server.storage import Store, open_store


@dataclass
class Backends:
    store: Store
    bus: EventBus
    hall_log: Callable[[HallSpec], HallLog]
    relay: OutboxRelay | None = None
    redis: Redis | None = None

    async def start(self) -> None:
        await self.store.start()
        await self.bus.start()
        if self.relay is not None:
            self.relay.start()

    async def close(self) -> None:
        if self.relay is not None:
            await self.relay.stop()
        await self.bus.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.store.close()


def open_backends(settings: Settings, clock: Clock) -> Backends:
    server = settings.server
    store = open_store(server.store)
    if server.bus.startswith("memory://"):
        memory = MemoryBus(retention=server.replay_events, client_queue=server.client_queue)
        return Backends(
            store=store,
            bus=memory,
            hall_log=lambda spec: LocalLog(store, memory, spec, clock, server.replay_events),
        )
    if server.bus.startswith(("redis://", "rediss://")):
        redis = Redis.from_url(
            server.bus,
            decode_responses=True,
            socket_connect_timeout=2,
            # longer than the stream tail's blocking read
            socket_timeout=15,
            health_check_interval=10,
        )
        return Backends(
            store=store,
            bus=RedisStreamBus(redis, client_queue=server.client_queue),
            hall_log=lambda spec: RedisLog(redis, store, spec, clock, recent=50),
            relay=OutboxRelay(redis, store, settings.halls, clock),
            redis=redis,
        )
    raise ValueError(f"unsupported bus URL: {server.bus}")
