"""One loop per hall: every screen gets every frame once, in order; a stuck one is cut loose."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any, cast

from starlette.websockets import WebSocket

from queue_server.api.fanout import Screen, hall_fanout
from queue_server.bus import MemoryBus
from queue_server.domain.events import Event, EventType

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class Socket:
    """Stands for a socket's send side: writes at once, or, once stuck, waits until let go."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.unstuck = asyncio.Event()
        self.unstuck.set()

    async def send_text(self, text: str) -> None:
        await self.unstuck.wait()
        self.frames.append(json.loads(text))


def screen(socket: Socket, *, device: bool = False, backlog: int = 3) -> Screen:
    return Screen(cast(WebSocket, socket), device=device, last=0, backlog=backlog)


async def publish(bus: MemoryBus, first: int, last: int) -> None:
    await bus.publish(
        [
            Event("h", seq, EventType.TICKET_CALLED, AT, "clerk", window=1, ticket=f"t{seq}")
            for seq in range(first, last + 1)
        ]
    )
    for _ in range(5):
        await asyncio.sleep(0)


async def test_every_screen_gets_each_frame_of_its_audience_once_in_order() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    fanout = hall_fanout(bus, "h")
    await fanout.started()
    await fanout.started()
    staff, device = Socket(), Socket()
    fanout.join(screen(staff))
    fanout.join(screen(device, device=True))
    await publish(bus, 1, 4)
    assert [f["seq"] for f in staff.frames] == [1, 2, 3, 4] == [f["seq"] for f in device.frames]
    assert staff.frames[0]["ticket"] == "t1" and device.frames[0]["ticket"] is None
    assert bus.subscriber_count("h") == 1  # one subscription for the hall, not one per screen


async def test_a_stuck_screen_is_cut_loose_and_never_holds_back_the_others() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    fanout = hall_fanout(bus, "h")
    await fanout.started()
    await fanout.started()
    stuck, fine = Socket(), Socket()
    stuck.unstuck.clear()
    slow, quick = screen(stuck, backlog=3), screen(fine)
    fanout.join(slow)
    fanout.join(quick)
    await publish(bus, 1, 3)
    assert not slow.cut_loose.is_set()  # one frame waiting, two queued behind it: within bounds
    await publish(bus, 4, 10)
    assert slow.cut_loose.is_set()
    assert [f["seq"] for f in fine.frames] == list(range(1, 11))
    assert stuck.frames == []
    fanout.left(slow)
    fanout.left(quick)
    await asyncio.sleep(0)
    assert bus.subscriber_count("h") == 0  # the hall's loop stops with its last screen


async def test_a_screen_that_missed_an_event_resyncs_rather_than_skip_it() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    fanout = hall_fanout(bus, "h")
    await fanout.started()
    behind = Screen(cast(WebSocket, Socket()), device=False, last=0, backlog=3)
    fanout.join(behind)
    await publish(bus, 2, 2)
    assert behind.cut_loose.is_set()
