"""Revocation notices: every process of the server is told at once that an account or a device
lost its access (disabled, password reset, role or hall changed, revoked, token re-issued).

Each process keeps what it last read of accounts and devices for REVOCATION_CHECK_S
(queue_server.service) and re-checks its open sockets only at the hall's heartbeat. A notice
drops that process's copy and re-checks its sockets at once. The copy's age still bounds how
stale a process can be when a notice is lost (Redis restarting), so the notice makes the
revocation immediate and never makes it weaker.

Embedded (one process) the notice is a call; scaled out it is Redis pub/sub, which keeps
nothing for a process that was away: that process re-reads everything when it subscribes again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.scaleout.keys import revocations_channel

log = logging.getLogger(__name__)

RESUBSCRIBE_S = 1.0
# What a listener is told: the account's name, or "" when every account and device must be
# read again (a notice may have been missed).
Listener = Callable[[str], None]
EVERYONE = ""


class Notices(Protocol):
    def listen(self, listener: Listener) -> None: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def revoked(self, account: str | None) -> None:
        """Tell every process: this account's sessions (None: a device's token) are gone."""

    def here(self, account: str) -> None:
        """Tell this process only (a change every process learns of by itself: a hall retired)."""


class LocalNotices:
    """One process: the notice is a call."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def revoked(self, account: str | None) -> None:
        self.here(account or EVERYONE)

    def here(self, account: str) -> None:
        for listener in self._listeners:
            try:
                listener(account)
            except Exception:
                log.exception("a revocation listener failed")


class RedisNotices(LocalNotices):
    """This process's listeners as LocalNotices, and one pub/sub channel every process
    publishes to and subscribes to. The subscriber is a client of its own, without a read
    timeout: the channel is quiet for hours."""

    def __init__(self, redis: Redis, subscriber: Redis) -> None:
        super().__init__()
        self._redis, self._subscriber = redis, subscriber
        self._channel = channel(redis)
        self._task: asyncio.Task[None] | None = None
        self.subscribed = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._follow(), name="revocation-notices")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._subscriber.aclose()

    async def revoked(self, account: str | None) -> None:
        # This process is told directly: it holds the sockets the caller most likely watches.
        await super().revoked(account)
        try:
            await self._redis.publish(self._channel, account or EVERYONE)
        except (RedisError, OSError):
            # The other processes notice within REVOCATION_CHECK_S all the same.
            log.warning("could not tell the other processes of a revocation; they see it within seconds")

    async def _follow(self) -> None:
        while True:
            try:
                async with self._subscriber.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    # Whatever was published while this process was not subscribed is lost:
                    # everything is read again.
                    self.here(EVERYONE)
                    self.subscribed.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self.here(str(message["data"]))
            except (RedisError, OSError):
                self.subscribed.clear()
                await asyncio.sleep(RESUBSCRIBE_S)


def channel(redis: Redis) -> str:
    return revocations_channel(int(redis.connection_pool.connection_kwargs.get("db", 0)))


async def tell_servers(bus: str, account: str | None) -> bool:
    """The notice for a change made outside the servers (the CLI): on Redis the running
    processes are told at once. False on the memory bus (the server is a process of its own)
    and when Redis cannot be reached: the servers see it within REVOCATION_CHECK_S."""
    if not bus.startswith(("redis://", "rediss://")):
        return False
    client = Redis.from_url(bus, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.publish(channel(client), account or EVERYONE)
        return True
    except (RedisError, OSError):
        return False
    finally:
        await client.aclose()
