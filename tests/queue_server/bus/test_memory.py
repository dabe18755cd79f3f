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
