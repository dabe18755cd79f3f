"""One loop per hall: every screen gets every frame once, in order; a stuck one is closed
with 4008; heartbeats come from the hall's timer and a refused token closes its screen."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from starlette.websockets import WebSocket, WebSocketState

from queue_server.api import fanout as fanout_module
from queue_server.api.fanout import Refusal, Screen, Verdicts, check_every_screen, hall_fanout
from queue_server.api.stream import _still_allowed
from queue_server.auth import NotAuthenticated
from queue_server.bus import MemoryBus
from queue_server.domain.events import Event, EventType
from queue_server.messages import translate

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class Socket:
    """Stands for a socket's send side: writes at once, or, once stuck, waits until let go."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.unstuck = asyncio.Event()
        self.unstuck.set()
        self.closed: tuple[int, str] | None = None
        self.application_state = self.client_state = WebSocketState.CONNECTED

    async def send_text(self, text: str) -> None:
        await self.unstuck.wait()
        self.frames.append(json.loads(text))

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)
        self.application_state = WebSocketState.DISCONNECTED


async def allowed(verdicts: Verdicts) -> Refusal | None:
    return None


def screen(socket: Socket, *, device: bool = False, backlog: int = 3, check: Any = allowed) -> Screen:
    return Screen(cast(WebSocket, socket), device=device, last=0, backlog=backlog, check=check)


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
    assert stuck.closed is None  # one frame waiting, two queued behind it: within bounds
    await publish(bus, 4, 10)
    assert stuck.closed == (4008, "resync")
    assert [f["seq"] for f in fine.frames] == list(range(1, 11))
    assert stuck.frames == []
    assert fine.closed is None
    fanout.left(slow)
    fanout.left(quick)
    await asyncio.sleep(0)
    assert bus.subscriber_count("h") == 0  # the hall's loop stops with its last screen


async def test_a_screen_that_missed_an_event_resyncs_rather_than_skip_it() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    fanout = hall_fanout(bus, "h")
    await fanout.started()
    socket = Socket()
    fanout.join(screen(socket))
    await publish(bus, 2, 2)
    assert socket.closed == (4008, "resync") and socket.frames == []


async def test_one_timer_beats_for_the_hall_and_closes_a_screen_whose_token_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fanout_module, "HEARTBEAT_S", 0.05)
    bus = MemoryBus(retention=10, client_queue=50)
    fanout = hall_fanout(bus, "h")
    await fanout.started()
    await fanout.started()
    kept, revoked = Socket(), Socket()
    refusals: list[Refusal | None] = [None]

    async def check(verdicts: Verdicts) -> Refusal | None:
        return refusals[-1]

    fanout.join(screen(kept))
    fanout.join(screen(revoked, check=check))
    await publish(bus, 1, 2)
    await asyncio.sleep(0.12)
    assert {"kind": "heartbeat", "seq": 2} in kept.frames and {
        "kind": "heartbeat",
        "seq": 2,
    } in revoked.frames
    refusals.append(Refusal(4401, "token revoked"))
    await asyncio.sleep(0.12)
    assert revoked.closed == (4401, "token revoked") and kept.closed is None
    beats = len(kept.frames)
    await publish(bus, 3, 3)
    assert kept.frames[beats]["seq"] == 3 and revoked.frames[-1]["kind"] == "heartbeat"


async def test_a_revocation_checks_every_screen_now_and_says_why_before_closing() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    fanout = hall_fanout(bus, "h")
    await fanout.started()
    await fanout.started()
    kept, revoked = Socket(), Socket()
    said = json.dumps({"kind": "error", "code": "account_disabled"})

    async def refuse(verdicts: Verdicts) -> Refusal | None:
        return Refusal(4401, "account disabled", said)

    fanout.join(screen(kept))
    fanout.join(screen(revoked, check=refuse))
    check_every_screen(bus)  # the hall's heartbeat is 10 s away
    await asyncio.sleep(0.05)
    assert revoked.frames == [{"kind": "error", "code": "account_disabled"}]
    assert revoked.closed == (4401, "account disabled")
    assert kept.closed is None and kept.frames == []  # no heartbeat said out of turn


class Handshake(Socket):
    """A socket with the token its client connected with, as `bearer_token` reads it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.headers: dict[str, str] = {}
        self.query_params = {"token": token}


async def test_screens_showing_one_token_have_it_checked_once_a_round_and_all_go_when_it_is_refused() -> None:
    bus = MemoryBus(retention=10, client_queue=50)
    fanout = hall_fanout(bus, "h")
    await fanout.started()
    checked: list[str | None] = []

    async def authenticate(token: str | None) -> object:
        checked.append(token)
        if token == "revoked":
            raise NotAuthenticated("error.token_revoked")
        return object()

    screens = [("revoked", "en")] * 2 + [("revoked", "zh-CN")] + [("fine", "en"), ("fine", "zh-CN")]
    sockets = [Handshake(token) for token, _ in screens]
    for socket, (_, language) in zip(sockets, screens, strict=True):
        await fanout.started()
        ws = cast(WebSocket, socket)
        fanout.join(screen(socket, check=_still_allowed(ws, authenticate, lambda: None, language)))
    check_every_screen(bus)
    await asyncio.sleep(0.05)
    # One verification per token and language its refusal is worded in.
    assert sorted(checked, key=str) == ["fine", "fine", "revoked", "revoked"]
    assert [s.closed and s.closed[0] for s in sockets] == [4401, 4401, 4401, None, None]
    told = [s.frames[-1]["message"] for s in sockets[:3]]
    assert told == [translate("error.token_revoked", "en")] * 2 + [translate("error.token_revoked", "zh-CN")]
    assert told[0] != told[2]
