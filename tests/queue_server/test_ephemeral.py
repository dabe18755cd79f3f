"""Rate limits, short locks and presence: the same answers in memory and in a real Redis, and
with Redis out of reach they degrade (allow, go on unlocked, unknown) instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from queue_server.auth import DeviceKind, Principal
from queue_server.clock import ManualClock
from queue_server.ephemeral import MemoryLocks, MemoryRateLimit, RateLimit, RedisLocks, RedisRateLimit
from queue_server.presence import MemoryPresence, RedisPresence
from tests.conftest import REDIS_URL, reset_scaled_backends
from tests.server_process import free_port

T0 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
SCREEN = Principal(name="screen-1", device=DeviceKind.SCREEN, hall="weiyang")


@pytest.fixture
def fresh_index() -> None:
    reset_scaled_backends()  # runs its own event loop: outside the test's


@pytest.fixture
async def redis(fresh_index: None) -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def unreachable() -> AsyncIterator[Redis]:
    """A real client to a port nothing listens on."""
    client = Redis(port=free_port(), decode_responses=True, socket_connect_timeout=0.5)
    yield client
    await client.aclose()


async def uses(limit: RateLimit, *offsets_s: int) -> list[int]:
    return [await limit.retry_after_s("weiyang", "1.2.3.4", T0 + timedelta(seconds=s)) for s in offsets_s]


@pytest.mark.redis
async def test_redis_and_memory_limits_answer_alike(redis: Redis) -> None:
    period = timedelta(minutes=1)
    memory = MemoryRateLimit(2, period)
    shared = RedisRateLimit(redis, "online", 2, period)
    # Two allowed, the third waits until the first leaves the window, then one more passes.
    expected = [0, 0, 50, 0, 9]
    assert await uses(memory, 0, 10, 10, 60, 61) == expected
    assert await uses(shared, 0, 10, 10, 60, 61) == expected
    ttl = await redis.pttl("ow:{weiyang}:rate:online:1.2.3.4")
    assert 0 < ttl <= 60_000


@pytest.mark.redis
async def test_a_redis_lock_is_held_by_one_at_a_time_and_expires(redis: Redis) -> None:
    locks, order = RedisLocks(redis), []

    async def hold(name: str) -> None:
        async with locks.hold("weiyang", "checkin:123"):
            order.append(f"{name} in")
            assert 0 < await redis.ttl("ow:{weiyang}:lock:checkin:123") <= 10
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    await asyncio.gather(hold("a"), hold("b"))
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
    assert not await redis.exists("ow:{weiyang}:lock:checkin:123")


@pytest.mark.redis
async def test_presence_in_redis_has_a_ttl_and_counts_connections(redis: Redis) -> None:
    clock = ManualClock(T0)
    for presence in (MemoryPresence(clock), RedisPresence(redis, clock)):
        assert await presence.get("weiyang", "screen-1") is None
        await presence.connected(SCREEN, "10.0.0.7")
        await presence.connected(SCREEN, "10.0.0.7")
        await presence.disconnected(SCREEN)
        seen = await presence.get("weiyang", "screen-1")
        assert seen is not None and seen.public()["connected"] is True and seen.connections == 1
        assert seen.address == "10.0.0.7" and seen.last_seen == T0
    assert 0 < await redis.ttl("ow:{weiyang}:device:screen-1") <= 300


async def test_without_redis_limits_allow_locks_go_on_and_devices_are_unknown(unreachable: Redis) -> None:
    limit = RedisRateLimit(unreachable, "online", 1, timedelta(hours=1))
    assert await uses(limit, 0, 1, 2) == [0, 0, 0]
    async with RedisLocks(unreachable).hold("weiyang", "checkin:1"):
        pass
    presence = RedisPresence(unreachable, ManualClock(T0))
    await presence.connected(SCREEN, "10.0.0.7")
    assert await presence.get("weiyang", "screen-1") is None


async def test_memory_locks_serialise_one_name_only() -> None:
    locks, order = MemoryLocks(), []

    async def hold(name: str, lock: str) -> None:
        async with locks.hold("weiyang", lock):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    await asyncio.gather(hold("a", "x"), hold("b", "x"), hold("c", "y"))
    assert order.index("a out") < order.index("b in")
    assert order.index("c in") < order.index("a out")
