"""One loop per hall sends each event's frame to every screen of the hall.

A process subscribes to a hall's events once, however many screens watch it, and writes
the same text (`Event.wire` for staff, `Event.device_wire` for screens and kiosks, made
once per event) to every socket in turn. A write never waits (see `Screen`): a screen that
backs up is cut loose and closed with 4008 so that it resyncs. One slow screen never holds
back the others. The hall's heartbeat is one timer too: every HEARTBEAT_S it checks each
screen's token again and says its seq. So a screen costs its socket and its handler, which
only reads until the client hangs up: no task, queue or timer of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket

from queue_server.api.websockets import close_quietly
from queue_server.bus.base import EventBus, SubscriberOverflow, Subscription
from queue_server.domain.events import Event

log = logging.getLogger(__name__)

HEARTBEAT_S = 10.0
CLOSE_RESYNC = 4008
# How long a refused screen is given to take the frame that says why, before it is closed.
SAY_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Refusal:
    """Why a screen is cut off: the close code and reason, and the frame said before closing
    (the refusal in the page's language, for it to show)."""

    code: int
    reason: str
    said: str | None = None


# A screen's token check: None to keep it, else why not. It is given the round's verdicts by
# token and the language the refusal is worded in, for it to reuse and add to: the screens
# checked in one round that show the same token in one language have it verified once (at
# 10,000 screens a round is otherwise 10,000 HMACs on the loop).
Verdicts = dict[tuple[str, str], Refusal | None]
Check = Callable[[Verdicts], Awaitable[Refusal | None]]
# Screens checked in a row before the loop's other work (a call's frames) gets a turn.
CHECKS_PER_TURN = 200


class _Started:
    """Awaits a coroutine that has already been run one step and yielded `first`."""

    def __init__(self, coroutine: Coroutine[Any, Any, None], first: Any) -> None:
        self._coroutine, self._first = coroutine, first

    def __await__(self) -> Generator[Any, Any, None]:
        yielded = self._first
        while True:
            try:
                sent = yield yielded
            except BaseException as exc:
                try:
                    yielded = self._coroutine.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    yielded = self._coroutine.send(sent)
                except StopIteration:
                    return


class Screen:
    """One subscriber of a hall: its socket, its audience and the last seq it was sent.

    A frame is written at once when the socket can take it: the ASGI send of an open,
    writable socket completes without suspending (uvicorn writes it to the transport), so
    running it one step is the whole send, with no task, lock or timer. Only a send that
    has to wait (the transport paused above its high-water mark) gets a task that finishes
    it and then the frames queued behind it; once `backlog` frames are queued the screen
    is cut loose and resyncs.
    """

    # One per socket, so no __dict__ (a third of a KiB less per screen).
    __slots__ = ("_closing", "_flushing", "_limit", "_queued", "check", "cut_loose", "device", "last", "ws")

    def __init__(self, ws: WebSocket, *, device: bool, last: int, backlog: int, check: Check) -> None:
        self.ws, self.device, self.last, self.check = ws, device, last, check
        self.cut_loose = False
        self._limit = backlog
        # A list, not a deque: it is empty for nearly every screen's whole life, and an empty
        # deque takes 760 bytes against a list's 56 (popping the front of at most `backlog`).
        self._queued: list[str] = []
        self._flushing: asyncio.Task[None] | None = None
        self._closing: asyncio.Task[None] | None = None

    def send(self, message: str) -> bool:
        if self.cut_loose:
            return False
        if self._flushing is not None:
            if len(self._queued) >= self._limit:
                return self._give_up()
            self._queued.append(message)
            return True
        step = self.ws.send_text(message)
        try:
            first = step.send(None)
        except StopIteration:
            return True
        except Exception:
            return self._give_up()
        self._flushing = asyncio.create_task(self._flush(_Started(step, first)))
        return True

    def stop(self) -> None:
        if self._flushing is not None:
            self._flushing.cancel()

    def close(self, code: int, reason: str, said: str | None = None) -> None:
        """Cuts the screen loose and closes its socket, after saying `said` (what it has not
        been sent yet is dropped); its handler then sees the hang-up."""
        self.cut_loose = True
        self.stop()
        if self._closing is None:
            self._closing = asyncio.create_task(self._close(code, reason, said))

    async def _close(self, code: int, reason: str, said: str | None) -> None:
        if said is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(SAY_TIMEOUT_S):
                    await self.ws.send_text(said)
        await close_quietly(self.ws, code, reason)

    def _give_up(self) -> bool:
        self.close(CLOSE_RESYNC, "resync")
        return False

    async def _flush(self, started: _Started) -> None:
        try:
            await started
            while self._queued:
                await self.ws.send_text(self._queued.pop(0))
        except Exception:
            self.cut_loose = True
        finally:
            self._flushing = None


class HallFanout:
    def __init__(self, registry: dict[str, HallFanout], bus: EventBus, hall: str) -> None:
        self._registry, self._bus, self.hall = registry, bus, hall
        self._screens: set[Screen] = set()
        self._joining = 0
        self._subscription: asyncio.Task[Subscription] | None = None
        self._loop: asyncio.Task[None] | None = None
        self._beat: asyncio.Task[None] | None = None
        self._checks: set[asyncio.Task[None]] = set()

    async def started(self) -> None:
        """Subscribes once per hall; a screen's own catch-up subscription comes after this."""
        self._joining += 1
        if self._subscription is None:
            self._subscription = asyncio.create_task(self._bus.subscribe(self.hall, None))
        try:
            subscription = await asyncio.shield(self._subscription)
        except BaseException:
            self.left(None)
            raise
        if self._loop is None:
            self._loop = asyncio.create_task(self._run(subscription))
            self._beat = asyncio.create_task(self._heartbeats())

    def join(self, screen: Screen) -> None:
        """Called with nothing between it and the screen's catch-up having been sent."""
        self._joining -= 1
        self._screens.add(screen)

    def left(self, screen: Screen | None) -> None:
        if screen is None:
            self._joining -= 1
        else:
            screen.stop()
            self._screens.discard(screen)
        if not self._screens and self._joining == 0 and self._registry.get(self.hall) is self:
            del self._registry[self.hall]
            if self._beat is not None:
                self._beat.cancel()
            if self._loop is not None:
                self._loop.cancel()
            elif self._subscription is not None:
                self._subscription.cancel()

    async def _run(self, subscription: Subscription) -> None:
        try:
            # Each event is written to the screens in the step that publishes it, before the
            # loop turns to the requests waiting for the same commit; what is left for this
            # task is the subscription's end (SubscriberOverflow when it is cut loose).
            subscription.forward(self._deliver)
            async for _ in subscription:
                pass  # forwarded: no event comes this way
        except SubscriberOverflow:
            # The hall's own subscription fell behind (or its bus went away): everyone resyncs.
            for screen in list(self._screens):
                self._drop(screen, CLOSE_RESYNC, "resync")
            self._registry.pop(self.hall, None)
            if self._beat is not None:
                self._beat.cancel()
        finally:
            with contextlib.suppress(Exception):
                await subscription.close()

    def _deliver(self, event: Event) -> None:
        for screen in list(self._screens):
            if event.seq <= screen.last:
                continue  # already sent in the screen's catch-up
            # A gap means the screen missed an event: it resyncs rather than skip it.
            if event.seq == screen.last + 1 and screen.send(
                event.device_wire if screen.device else event.wire
            ):
                screen.last = event.seq
            else:
                self._drop(screen, CLOSE_RESYNC, "resync")

    async def _heartbeats(self) -> None:
        """Every HEARTBEAT_S, each screen's token is checked again (a revoked device or
        account is cut off) and the screen is told its seq, one frame text per seq."""
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            await self._check_screens(beat=True)

    def check_now(self) -> None:
        """Checks every screen's token now (a revocation notice), not at the next heartbeat."""
        task = asyncio.create_task(self._check_screens(beat=False))
        self._checks.add(task)
        task.add_done_callback(self._checks.discard)

    async def _check_screens(self, *, beat: bool) -> None:
        frames: dict[int, str] = {}
        verdicts: Verdicts = {}
        for n, screen in enumerate(list(self._screens), 1):
            if n % CHECKS_PER_TURN == 0:
                await asyncio.sleep(0)
            try:
                refusal = await screen.check(verdicts)
            except Exception:
                log.exception("checking a screen of hall %s failed", self.hall)
                refusal = Refusal(1011, "internal error")
            if screen not in self._screens:
                continue  # it left, or was cut loose, meanwhile
            if refusal is not None:
                self._drop(screen, refusal.code, refusal.reason, refusal.said)
                continue
            if not beat:
                continue
            frame = frames.get(screen.last)
            if frame is None:
                frame = frames[screen.last] = json.dumps({"kind": "heartbeat", "seq": screen.last})
            if not screen.send(frame):
                self._screens.discard(screen)

    def _drop(self, screen: Screen, code: int, reason: str, said: str | None = None) -> None:
        screen.close(code, reason, said)
        self._screens.discard(screen)


_halls: weakref.WeakKeyDictionary[Any, dict[str, HallFanout]] = weakref.WeakKeyDictionary()


def check_every_screen(bus: EventBus) -> None:
    """Every screen of this process on `bus` has its token checked again now."""
    for fanout in list(_halls.get(bus, {}).values()):
        fanout.check_now()


def hall_fanout(bus: EventBus, hall: str) -> HallFanout:
    """The fan-out of `hall` on `bus`, made on its first screen and dropped after its last."""
    registry = _halls.setdefault(bus, {})
    fanout = registry.get(hall)
    if fanout is None:
        fanout = registry[hall] = HallFanout(registry, bus, hall)
    return fanout
