"""Choosing the backends by URL, as encode/broadcaster does: memory or Redis, SQLite or PostgreSQL.

`bus = "memory://"` runs the embedded default: one process owns each hall. `bus =
"redis://..."` shares the halls between any number of processes: the SQL store
(PostgreSQL for real deployments) orders and records every step; Redis only fans the
committed events out (and keeps what may be lost).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from queue_server.bus.base import EventBus
from queue_server.bus.memory import MemoryBus
from queue_server.bus.redis_streams import RedisStreamBus
from queue_server.clock import Clock
from queue_server.config import Settings
from queue_server.domain.model import HallSpec
from queue_server.notices import LocalNotices, Notices, RedisNotices
from queue_server.runtime import HallLog, LocalLog
from queue_server.scaleout.log import PostgresLog
from queue_server.scaleout.publisher import StreamPublisher
from queue_server.storage import Store, open_store

COMMAND_CONNECTIONS = 64


@dataclass
class Backends:
    store: Store
    bus: EventBus
    hall_log: Callable[[HallSpec], HallLog]
    publisher: StreamPublisher | None = None
    redis: tuple[Redis, ...] = ()
    # For what may be lost (presence, printer states, rate limits, locks, login throttle):
    # answers quickly or not at all.
    shared_state: Redis | None = None
    notices: Notices = field(default_factory=LocalNotices)

    async def start(self) -> None:
        await self.store.start()
        await self.bus.start()
        await self.notices.start()
        if self.publisher is not None:
            self.publisher.start()

    async def close(self) -> None:
        if self.publisher is not None:
            await self.publisher.stop()
        await self.notices.close()
        await self.bus.close()
        for client in self.redis:
            await client.aclose()
        if self.shared_state is not None:
            await self.shared_state.aclose()
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
        options: dict[str, Any] = {
            "decode_responses": True,
            "socket_connect_timeout": 2,
            "socket_timeout": 15,  # longer than the stream tail's blocking read
            "health_check_interval": 10,
        }
        # Commands wait their turn for a connection rather than fail when a burst needs more.
        redis = Redis(
            connection_pool=BlockingConnectionPool.from_url(
                server.bus, max_connections=COMMAND_CONNECTIONS, timeout=5, **options
            )
        )
        # Each hall with subscribers here holds one connection in a blocking read. Not capped:
        # the halls are the store's, which admins add to live, and a cap would refuse the
        # screens of the first hall past it.
        tails = Redis.from_url(server.bus, **options)
        publisher = StreamPublisher(redis, store, [spec.id for spec in settings.halls])
        shared_state = _shared_state_client(server.bus, server.shared_state_timeout_ms / 1000)
        return Backends(
            store=store,
            bus=RedisStreamBus(redis, tails, client_queue=server.client_queue),
            hall_log=lambda spec: PostgresLog(store, publisher, spec, clock, server.replay_events),
            publisher=publisher,
            redis=(redis, tails),
            shared_state=shared_state,
            # A notice may be lost (the others see it within REVOCATION_CHECK_S): published with
            # the shared state's short wait, so a hung Redis does not hold the revoking request.
            notices=RedisNotices(
                shared_state,
                Redis.from_url(
                    server.bus, decode_responses=True, socket_connect_timeout=2, health_check_interval=30
                ),
            ),
        )
    raise ValueError(f"unsupported bus URL: {server.bus}")


def _shared_state_client(url: str, wait_s: float) -> Redis:
    """A Redis that accepts connections but does not answer (hung, stopped) must not hold a
    request up for what may be lost: each command waits `wait_s` at most, for a connection
    too, and a timeout is not retried; a connection Redis dropped (it restarted) is tried
    once more on a fresh one."""
    return Redis(
        connection_pool=BlockingConnectionPool.from_url(
            url,
            max_connections=COMMAND_CONNECTIONS,
            timeout=wait_s,
            decode_responses=True,
            socket_connect_timeout=wait_s,
            socket_timeout=wait_s,
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        )
    )
