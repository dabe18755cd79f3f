"""One loop per hall sends each event's frame to every screen of the hall.

A process subscribes to a hall's events once, however many screens watch it, and writes
the same text (`Event.wire` for staff, `Event.device_wire` for screens and kiosks, made
once per event) to every socket in turn. A write never waits (see `Screen`): a screen that
backs up is cut loose, and its own handler closes it with 4008 so that it resyncs. One slow
screen never holds back the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import deque
from collections.abc import Coroutine, Generator
from typing import Any

from starlette.websockets import WebSocket

from queue_server.bus.base import EventBus, SubscriberOverflow, Subscription
from queue_server.domain.events import Event


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

    def __init__(self, ws: WebSocket, *, device: bool, last: int, backlog: int) -> None:
        self.ws, self.device, self.last = ws, device, last
        self.cut_loose = asyncio.Event()
        self._limit = backlog
        self._queued: deque[str] = deque()
        self._flushing: asyncio.Task[None] | None = None

    def send(self, message: str) -> bool:
        if self.cut_loose.is_set():
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

    def _give_up(self) -> bool:
        self.cut_loose.set()
        self.stop()
        return False

    async def _flush(self, started: _Started) -> None:
        try:
            await started
            while self._queued:
                await self.ws.send_text(self._queued.popleft())
        except Exception:
            self.cut_loose.set()
        finally:
            self._flushing = None


class HallFanout:
    def __init__(self, registry: dict[str, HallFanout], bus: EventBus, hall: str) -> None:
        self._registry, self._bus, self.hall = registry, bus, hall
        self._screens: set[Screen] = set()
        self._joining = 0
        self._subscription: asyncio.Task[Subscription] | None = None
        self._loop: asyncio.Task[None] | None = None

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
            if self._loop is not None:
                self._loop.cancel()
            elif self._subscription is not None:
                self._subscription.cancel()

    async def _run(self, subscription: Subscription) -> None:
        try:
            async for event in subscription:
                self._deliver(event)
        except SubscriberOverflow:
            # The hall's own subscription fell behind (or its bus went away): everyone resyncs.
            for screen in list(self._screens):
                screen.cut_loose.set()
            self._registry.pop(self.hall, None)
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
                screen.cut_loose.set()
                self._screens.discard(screen)


_halls: weakref.WeakKeyDictionary[Any, dict[str, HallFanout]] = weakref.WeakKeyDictionary()


def hall_fanout(bus: EventBus, hall: str) -> HallFanout:
    """The fan-out of `hall` on `bus`, made on its first screen and dropped after its last."""
    registry = _halls.setdefault(bus, {})
    fanout = registry.get(hall)
    if fanout is None:
        fanout = registry[hall] = HallFanout(registry, bus, hall)
    return fanout
