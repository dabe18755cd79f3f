"""Which devices are connected and when each was last seen (screens, kiosks, printers): in this
process in the embedded default, in Redis (shared by every process) when the bus is Redis."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.auth import Principal
from queue_server.clock import Clock
from queue_server.scaleout.keys import PRESENCE_TTL_S, presence_key

log = logging.getLogger(__name__)


@dataclass
class Seen:
    name: str
    kind: str
    hall: str | None
    connections: int = 0
    last_seen: datetime | None = None
    address: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "hall": self.hall,
            "connected": self.connections > 0,
            "connections": self.connections,
            "last_seen": None if self.last_seen is None else self.last_seen.isoformat(),
            "address": self.address,
        }


class Presence(Protocol):
    async def seen(self, who: Principal, address: str | None = None) -> None: ...

    async def connected(self, who: Principal, address: str | None) -> None: ...

    async def disconnected(self, who: Principal) -> None: ...

    async def get(self, hall: str, name: str) -> Seen | None:
        """None: not heard from (or no longer known)."""


class MemoryPresence:
    """In this process: the embedded default, where one process has every device."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._devices: dict[str, Seen] = {}

    async def seen(self, who: Principal, address: str | None = None) -> None:
        if who.device is None:
            return
        entry = self._devices.setdefault(who.name, Seen(who.name, who.device.value, who.hall))
        entry.last_seen = self._clock.now()
        entry.address = address or entry.address

    async def connected(self, who: Principal, address: str | None) -> None:
        await self.seen(who, address)
        if who.device is not None:
            self._devices[who.name].connections += 1

    async def disconnected(self, who: Principal) -> None:
        entry = self._devices.get(who.name)
        if entry is not None:
            entry.connections = max(0, entry.connections - 1)
            entry.last_seen = self._clock.now()

    async def get(self, hall: str, name: str) -> Seen | None:
        return self._devices.get(name)


class RedisPresence:
    """Shared by every process: a device connected to A shows as connected on B. Each entry
    lives PRESENCE_TTL_S after the device was last heard from, so a process that died holding
    connections forgets them once the device stops heartbeating. On a Redis error the device is
    simply unknown for a moment; its next heartbeat writes it again."""

    def __init__(self, redis: Redis, clock: Clock) -> None:
        self._redis, self._clock = redis, clock

    async def seen(self, who: Principal, address: str | None = None) -> None:
        await self._write(who, address, 0)

    async def connected(self, who: Principal, address: str | None) -> None:
        await self._write(who, address, 1)

    async def disconnected(self, who: Principal) -> None:
        await self._write(who, None, -1)

    async def _write(self, who: Principal, address: str | None, connections: int) -> None:
        if who.device is None:
            return
        key = presence_key(who.hall or "", who.name)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, "kind", who.device.value)
                pipe.hset(key, "last_seen", self._clock.now().isoformat())
                if address:
                    pipe.hset(key, "address", address)
                if connections:
                    pipe.hincrby(key, "connections", connections)
                pipe.expire(key, PRESENCE_TTL_S)
                await pipe.execute()
        except RedisError as exc:
            log.warning("presence of %s not recorded (Redis: %s)", who.name, exc)

    async def get(self, hall: str, name: str) -> Seen | None:
        try:
            # The client decodes replies (decode_responses), so these are str.
            fields: dict[str, str] = await self._redis.hgetall(presence_key(hall, name))  # type: ignore[assignment]
        except RedisError as exc:
            log.warning("presence of %s unknown (Redis: %s)", name, exc)
            return None
        if not fields:
            return None
        return Seen(
            name=name,
            kind=fields["kind"],
            hall=hall,
            # A disconnect that reached Redis before its connect (or twice) never goes below 0.
            connections=max(0, int(fields.get("connections", "0"))),
            last_seen=datetime.fromisoformat(fields["last_seen"]),
            address=fields.get("address"),
        )


def open_presence(redis: Redis | None, clock: Clock) -> Presence:
    return MemoryPresence(clock) if redis is None else RedisPresence(redis, clock)
