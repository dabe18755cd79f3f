"""The Redis Streams bus (queue_server/bus/redis_streams.py) on the machine's Redis.

What a screen relies on: with `after=seq` it gets exactly the events it missed, in order, then
the live ones; when they are no longer kept it is told (ReplayGap) and takes a snapshot; a
client that is ahead of the stream gets nothing twice; a slow client is cut loose without
holding back the others. The events are put on the stream by the real publisher.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis.asyncio import Redis

from queue_server.bus import ReplayGap, SubscriberOverflow
from queue_server.bus.base import Subscription
from queue_server.bus.redis_streams import RedisStreamBus
from queue_server.domain.events import Event, EventType
from queue_server.scaleout import keys
from queue_server.scaleout.publisher import StreamPublisher
from queue_server.storage.sql import SqlStore
from tests.conftest import REDIS_URL, reset_scaled_backends

pytestmark = pytest.mark.redis

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def events(first: int, last: int, hall: str = "h") -> list[Event]:
    return [
        Event(hall, seq, EventType.TICKET_ISSUED, AT, "device:kiosk", ticket=f"t{seq}")
        for seq in range(first, last + 1)
    ]


class Stream:
    """A hall stream in this run's Redis database: the publisher's side and the bus."""

    def __init__(self, redis: Redis, bus: RedisStreamBus, publisher: StreamPublisher) -> None:
        self.redis, self.bus, self._publisher = redis, bus, publisher

    async def publish(self, batch: list[Event]) -> None:
        await self._publisher.publish(batch[0].hall, batch)


@pytest.fixture
def clean_redis() -> None:
    reset_scaled_backends()  # this run's own Redis database, empty (skips without Redis)


@pytest.fixture
async def stream(tmp_path: Path, clean_redis: None) -> AsyncIterator[Stream]:
    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    tails = Redis.from_url(REDIS_URL, decode_responses=True)
    # The publisher reads the ledger only to fill a gap; these tests publish without gaps.
    publisher = StreamPublisher(redis, SqlStore(f"sqlite:///{tmp_path / 'unused.db'}"), ["h", "other"])
    bus = RedisStreamBus(redis, tails, client_queue=5)
    try:
        yield Stream(redis, bus, publisher)
    finally:
        await bus.close()
        await redis.aclose()
        await tails.aclose()


async def take(subscription: Subscription, count: int) -> list[int]:
    seqs: list[int] = []
    async with asyncio.timeout(10):
        async for event in subscription:
            seqs.append(event.seq)
            if len(seqs) == count:
                break
    return seqs


async def test_a_client_resuming_after_seq_gets_what_it_missed_then_the_live_events(stream: Stream) -> None:
    await stream.publish(events(1, 4))
    subscription = await stream.bus.subscribe("h", after=2)
    await stream.publish(events(5, 6))
    assert await take(subscription, 4) == [3, 4, 5, 6]


async def test_the_events_come_back_as_they_were_published(stream: Stream) -> None:
    published = events(1, 1)
    await stream.publish(published)
    assert [e.to_json() for e in (await stream.bus.subscribe("h", after=0)).take_queued()] == [
        e.to_json() for e in published
    ]


async def test_a_new_client_gets_only_what_comes_after_it_subscribed_and_only_its_halls(
    stream: Stream,
) -> None:
    await stream.publish(events(1, 3))
    subscription = await stream.bus.subscribe("h", after=None)
    await stream.publish(events(1, 2, hall="other"))
    await stream.publish(events(4, 5))
    assert await take(subscription, 2) == [4, 5]


async def test_events_no_longer_kept_or_more_than_a_client_may_queue_are_a_replay_gap(
    stream: Stream,
) -> None:
    await stream.publish(events(1, 12))
    with pytest.raises(ReplayGap):  # 10 missed, a client queues 5: a snapshot is quicker
        await stream.bus.subscribe("h", after=2)
    await stream.redis.xtrim(keys.stream_key("h"), maxlen=3, approximate=False)  # Redis trimmed the stream
    with pytest.raises(ReplayGap):
        await stream.bus.subscribe("h", after=8)
    assert await take(await stream.bus.subscribe("h", after=9), 3) == [10, 11, 12]


async def test_a_client_ahead_of_the_stream_gets_nothing_twice(stream: Stream) -> None:
    # It saw seq 5 through another process whose publisher has not caught up yet.
    await stream.publish(events(1, 3))
    subscription = await stream.bus.subscribe("h", after=5)
    await stream.publish(events(4, 7))
    assert await take(subscription, 2) == [6, 7]


async def test_a_slow_client_is_cut_loose_and_the_others_go_on(stream: Stream) -> None:
    slow = await stream.bus.subscribe("h", after=None)
    fast = await stream.bus.subscribe("h", after=None)
    received: list[int] = []

    async def drain() -> None:
        async for event in fast:
            received.append(event.seq)
            if event.seq == 12:
                return

    reader = asyncio.create_task(drain())
    for seq in range(1, 13):
        await stream.publish(events(seq, seq))
    async with asyncio.timeout(10):
        await reader
    assert received == list(range(1, 13))
    with pytest.raises(SubscriberOverflow):
        await take(slow, 1)


async def test_a_forwarded_subscription_is_handed_the_tailed_events_in_order(stream: Stream) -> None:
    await stream.publish(events(1, 2))
    subscription = await stream.bus.subscribe("h", after=0)
    handed: list[int] = []
    arrived = asyncio.Event()

    def deliver(event: Event) -> None:
        handed.append(event.seq)
        if event.seq == 5:
            arrived.set()

    subscription.forward(deliver)
    await stream.publish(events(3, 5))
    async with asyncio.timeout(10):
        await arrived.wait()
    assert handed == [1, 2, 3, 4, 5]


async def test_a_forwarded_subscriber_that_fails_is_cut_loose_and_the_others_go_on(stream: Stream) -> None:
    failing = await stream.bus.subscribe("h", after=None)
    other = await stream.bus.subscribe("h", after=None)

    def fail(event: Event) -> None:
        raise RuntimeError("a bug in the subscriber")

    failing.forward(fail)
    await stream.publish(events(1, 2))
    assert await take(other, 2) == [1, 2]
    with pytest.raises(SubscriberOverflow):
        async with asyncio.timeout(10):
            await take(failing, 1)
