"""Data retention, by a job that runs once a day (docs/PRIVACY.md), through the Store:

- the keyed hash of an online ticket's phone number (queue_server/ticketing/online.py), kept to
  count a phone's tickets per day, is erased once older than the hall's `phone_retention_days`
  (default 30);
- a phone number given with consent for notifications (queue_server/outbound/notifier.py) is
  kept for its ticket's day only: the notifier erases earlier days' numbers as it runs, and
  this job does too, so that none outlives its day while notifications are off;
- a booking's phone hash (its limits, no-shows and cancelling) goes like an online ticket's,
  `phone_retention_days` after its slot ended, and a number it kept for notifications once
  its slot is over.

Every process runs the job (deleting twice deletes nothing more).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import Final

from queue_server.clock import Clock
from queue_server.domain.model import HallSpec
from queue_server.domain.numbering import service_day
from queue_server.storage.base import Store

log = logging.getLogger(__name__)

# How often the job looks whether a new day has begun (it erases once per UTC day).
CHECK_S: Final = 600.0


class PhoneRetention:
    def __init__(self, store: Store, halls: Callable[[], Sequence[HallSpec]], clock: Clock) -> None:
        # The halls as they are at each run: a hall's phone_retention_days changes live.
        self._store, self._halls, self._clock = store, halls, clock
        self._last_day: date | None = None
        self._task: asyncio.Task[None] | None = None

    async def erase_expired(self) -> dict[str, int]:
        """Erases, in every hall, what is past its time; how many rows per hall."""
        now = self._clock.now()
        erased = {}
        for spec in self._halls():
            hashes = await self._store.erase_online_claims(spec.id, now - spec.phone_retention)
            numbers = await self._store.erase_visitor_contacts(spec.id, service_day(now, spec.timezone))
            # A booking's phone hash goes like an online ticket's, counted from its slot's end;
            # a number kept for notifications once the slot is over (the ticket has its own).
            bookings = await self._store.erase_booking_phones(spec.id, now - spec.phone_retention, now)
            if hashes:
                log.info(
                    "hall %s: erased %d online tickets' phone hashes older than %d days",
                    spec.id,
                    hashes,
                    spec.phone_retention.days,
                )
            if numbers:
                log.info("hall %s: erased %d phone numbers of earlier days' tickets", spec.id, numbers)
            if bookings:
                log.info("hall %s: erased %d phone hashes or numbers of past bookings", spec.id, bookings)
            erased[spec.id] = hashes + numbers + bookings
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
