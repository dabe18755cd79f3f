"""The hall's early warnings into its ledger, so that webhooks (`hall.alert`) and the live stream
hear of them: a task that looks every few seconds and records each alert once, when it is raised.

Every process runs it; the decision is a hall step (HallState.raise_alerts), taken on the state
with every other process's steps, so an alert another process recorded first is not recorded
again. A look that finds nothing new takes no step at all. Which alerts: long waits, long
handling, long pauses and devices seen and then lost; a disabled webhook is raised by the
deliverer itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Final

from queue_server.domain.alerts import Alert, AlertLimits, device_health, hall_alerts
from queue_server.domain.events import EventType
from queue_server.domain.hall import HallState
from queue_server.service import QueueService

log = logging.getLogger(__name__)

ALERT_ACTOR: Final = "server:alerts"
WATCHED: Final = frozenset({"long_wait", "long_handling", "long_pause", "device_offline"})


def _new(state: HallState, alerts: list[Alert]) -> list[Alert]:
    return [a for a in alerts if (last := state.alerts_raised.get(a.key)) is None or last < a.began_at]


class AlertWatcher:
    def __init__(self, service: QueueService, limits: AlertLimits, poll_s: float) -> None:
        self._service, self._limits, self._poll_s = service, limits, poll_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="alert-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def check(self, hall: str) -> int:
        """Records the hall's alerts raised since the last look; how many this process did."""
        svc = self._service
        runtime = svc.hall(hall)
        devices = device_health(await svc.devices(hall))

        def holding(state: HallState, now: datetime) -> list[Alert]:
            found = hall_alerts(state.spec, state.windows.values(), state.tickets, devices, now, self._limits)
            # A device never seen has not gone offline (it is not installed yet): the dashboard
            # lists it, the ledger waits until it has been seen and lost.
            return [a for a in found if a.kind in WATCHED and a.since is not None]

        state = await runtime.current()
        if not _new(state, holding(state, svc.clock.now())):
            return 0
        outcome = await runtime.run(
            lambda state, now: state.raise_alerts(holding(state, now), now, ALERT_ACTOR)
        )
        return sum(e.type is EventType.HALL_ALERT for e in outcome.events)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._poll_s)
            for hall in list(self._service.halls):  # a copy: halls change while this awaits
                try:
                    await self.check(hall)
                except Exception:
                    log.exception("hall %s: recording its alerts failed; will retry", hall)
