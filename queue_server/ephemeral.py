"""What every server process must agree on but may lose: rate limits and short locks.

In the embedded default they live in this process; when the bus is Redis they live in Redis,
every key with a TTL (names in `queue_server.scaleout.keys`), so a load balancer may send each
request anywhere. Losing Redis loses nothing that matters: on a Redis error a limit allows and
a lock is not taken (the store's own guards still hold), logged, never a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
from collections import deque
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.scaleout.keys import LOCK_TTL_S, lock_key, rate_key

log = logging.getLogger(__name__)


class RateLimit(Protocol):
    async def retry_after_s(self, hall: str, who: str, now: datetime) -> int:
        """0 if one more use by `who` is allowed now (and then counts it), else seconds to wait."""


class ShortLocks(Protocol):
    def hold(self, hall: str, name: str) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold the lock `name` of the hall for at most LOCK_TTL_S, waiting for it if needed."""


class MemoryRateLimit:
    """At most `limit` uses per `period` per hall and `who`, in this process (a sliding window)."""

    def __init__(self, limit: int, period: timedelta) -> None:
        self._limit, self._period = limit, period
        self._uses: dict[str, deque[datetime]] = {}

    async def retry_after_s(self, hall: str, who: str, now: datetime) -> int:
        uses = self._uses.setdefault(f"{hall}|{who}", deque())
        while uses and uses[0] <= now - self._period:
            uses.popleft()
        if len(uses) >= self._limit:
            return max(1, math.ceil((uses[0] + self._period - now).total_seconds()))
        uses.append(now)
        self._forget_idle(now)
        return 0

    def _forget_idle(self, now: datetime) -> None:
        # Bounded memory: keys with nothing in the window are dropped now and then.
        if len(self._uses) > 10_000:
            cutoff = now - self._period
            self._uses = {k: v for k, v in self._uses.items() if v and v[-1] > cutoff}


# One use, on the same sliding window as MemoryRateLimit: drop uses older than the period,
# refuse with the seconds until the oldest leaves it, else record this one (scores are ms).
_USE = """
local now, period, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.ceil((tonumber(oldest[2]) + period - now) / 1000))
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], period)
return 0
"""


class RedisRateLimit:
    """The same window shared by every process; times come from the injected clock."""

    def __init__(self, redis: Redis, name: str, limit: int, period: timedelta) -> None:
        self._name, self._limit = name, limit
        self._period_ms = int(period.total_seconds() * 1000)
        self._use = redis.register_script(_USE)

    async def retry_after_s(self, hall: str, who: str, now: datetime) -> int:
        try:
            wait = await self._use(
                keys=[rate_key(hall, self._name, who)],
                args=[int(now.timestamp() * 1000), self._period_ms, self._limit, secrets.token_hex(8)],
            )
        except RedisError as exc:
            log.warning("rate limit %s not checked (Redis: %s); allowing", self._name, exc)
            return 0
        return int(wait)


class MemoryLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, hall: str, name: str) -> AsyncIterator[None]:
        async with self._locks.setdefault(f"{hall}|{name}", asyncio.Lock()):
            yield


# Release only if still ours: a lock that expired and was taken by another stays theirs.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RETRY_S = 0.05


class RedisLocks:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._release = redis.register_script(_RELEASE)

    @contextlib.asynccontextmanager
    async def hold(self, hall: str, name: str) -> AsyncIterator[None]:
        key, token = lock_key(hall, name), secrets.token_hex(8)
        held = await self._take(key, token)
        try:
            yield
        finally:
            if held:
                try:
                    await self._release(keys=[key], args=[token])
                except RedisError as exc:  # it expires by itself
                    log.warning("lock %s not released (Redis: %s)", key, exc)

    async def _take(self, key: str, token: str) -> bool:
        """True once held; False if Redis is out of reach (go on without it) or the holder
        kept it past its TTL without it expiring (a clock oddity: do not wait for ever)."""
        deadline = asyncio.get_running_loop().time() + LOCK_TTL_S
        try:
            while not await self._redis.set(key, token, nx=True, ex=LOCK_TTL_S):
                if asyncio.get_running_loop().time() > deadline:
                    return False
                await asyncio.sleep(_RETRY_S)
        except RedisError as exc:
            log.warning("lock %s not taken (Redis: %s); going on without it", key, exc)
            return False
        return True


def rate_limit(redis: Redis | None, name: str, limit: int, period: timedelta) -> RateLimit:
    return MemoryRateLimit(limit, period) if redis is None else RedisRateLimit(redis, name, limit, period)


def short_locks(redis: Redis | None) -> ShortLocks:
    return MemoryLocks() if redis is None else RedisLocks(redis)
