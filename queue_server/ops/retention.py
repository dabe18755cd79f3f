"""Data retention: what online tickets' phone numbers left behind is erased once it is older
than the hall's `phone_retention_days` (default 30), by a job that runs once a day.

Only a keyed hash of a phone number is ever stored (queue_server/ticketing/online.py), with its
ticket, to count a phone's tickets per day; after the retention period it is deleted through
the Store. Every process runs the job (deleting twice deletes nothing more). docs/PRIVACY.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import date
from typing import Final

from queue_server.clock import Clock
from queue_server.domain.model import HallSpec
from queue_server.storage.base import Store

log = logging.getLogger(__name__)

# How often the job looks whether a new day has begun (it erases once per UTC day).
CHECK_S: Final = 600.0


class PhoneRetention:
    def __init__(self, store: Store, halls: Sequence[HallSpec], clock: Clock) -> None:
        self._store, self._halls, self._clock = store, tuple(halls), clock
        self._last_day: date | None = None
        self._task: asyncio.Task[None] | None = None

    async def erase_expired(self) -> dict[str, int]:
        """Erases, in every hall, what is older than the hall's retention; how many per hall."""
        now = self._clock.now()
        erased = {}
        for spec in self._halls:
            erased[spec.id] = await self._store.erase_online_claims(spec.id, now - spec.phone_retention)
            if erased[spec.id]:
                log.info(
                    "hall %s: erased %d online tickets' phone hashes older than %d days",
                    spec.id,
                    erased[spec.id],
                    spec.phone_retention.days,
                )
        return erased

    async def run_if_due(self) -> dict[str, int] | None:
        """The day's erase, if it has not run yet today (by the injected clock)."""
        today = self._clock.now().date()
        if self._last_day == today:
            return None
        erased = await self.erase_expired()
        self._last_day = today
        return erased

    def start(self) -> None:
        self._task = asyncio.create_task(self._daily(), name="phone-retention")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _daily(self) -> None:
        while True:
            try:
                await self.run_if_due()
            except Exception:
                log.exception("erasing expired phone hashes failed; will retry")
            await asyncio.sleep(CHECK_S)
