from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from queue_server.bus import MemoryBus, ReplayGap, SubscriberOverflow
from queue_server.domain.events import Event, EventType

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def events(first: int, last: int, hall: str = "h") -> list[Event]:
    return [Event(hall, seq, EventType.TICKET_ISSUED, AT, "kiosk") for seq in range(first, last + 1)]


async def take(subscription: object, count: int) -> list[int]:
    seqs: list[int] = []
    async for event in subscription:  # type: ignore[attr-defined]
        seqs.append(event.seq)
        if len(seqs) == count:
            break
    return seqs


async def test_replays_from_the_ring_then_goes_live() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    await bus.publish(events(1, 5))
    subscription = await bus.subscribe("h", after=3)
    await bus.publish(events(6, 7))
    assert await take(subscription, 4) == [4, 5, 6, 7]


async def test_only_the_halls_own_events() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    subscription = await bus.subscribe("h", after=None)
    await bus.publish(events(1, 1, hall="other") + events(1, 2))
    assert await take(subscription, 2) == [1, 2]


async def test_a_gap_beyond_the_ring_or_ahead_of_the_hall_is_a_replay_gap() -> None:
    bus = MemoryBus(retention=3, client_queue=50)
    await bus.publish(events(1, 10))
    with pytest.raises(ReplayGap):
        await bus.subscribe("h", after=5)
    with pytest.raises(ReplayGap):
        await bus.subscribe("h", after=11)
    assert await take(await bus.subscribe("h", after=7), 3) == [8, 9, 10]


async def test_backfill_after_restart_serves_resumes() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    bus.backfill("h", events(1, 8), latest_seq=8)
    assert await take(await bus.subscribe("h", after=6), 2) == [7, 8]


async def test_a_slow_client_is_cut_loose_without_holding_back_others() -> None:
    bus = MemoryBus(retention=100, client_queue=5)
    slow = await bus.subscribe("h", after=None)
    fast = await bus.subscribe("h", after=None)
    received: list[int] = []

    async def drain() -> None:
        async for event in fast:
            received.append(event.seq)
            if event.seq == 20:
                return

    reader = asyncio.create_task(drain())
    for seq in range(1, 21):
        await bus.publish(events(seq, seq))
        await asyncio.sleep(0)
    await asyncio.wait_for(reader, 2)
    assert received == list(range(1, 21))
    assert bus.subscriber_count("h") == 1
    with pytest.raises(SubscriberOverflow):
        await take(slow, 1)


async def test_a_forwarded_subscription_is_handed_each_event_before_publish_returns() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    subscription = await bus.subscribe("h", after=None)
    await bus.publish(events(1, 2))
    handed: list[int] = []
    subscription.forward(lambda event: handed.append(event.seq))
    assert handed == [1, 2]  # what was queued, first
    await bus.publish(events(3, 4))
    assert handed == [1, 2, 3, 4]  # in the publishing step: no task had a turn in between
    assert subscription.take_queued() == []


async def test_a_forwarded_subscriber_that_fails_is_cut_loose_and_the_publisher_goes_on() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    failing = await bus.subscribe("h", after=None)
    other = await bus.subscribe("h", after=None)

    def fail(event: Event) -> None:
        raise RuntimeError("a bug in the subscriber")

    failing.forward(fail)
    await bus.publish(events(1, 2))  # committed events: publishing them must not fail
    assert bus.subscriber_count("h") == 1
    with pytest.raises(SubscriberOverflow):
        await asyncio.wait_for(take(failing, 1), 2)  # a reader blocked on it is woken too
    assert await take(other, 2) == [1, 2]
