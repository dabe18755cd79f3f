"""Data retention, by a job that runs once a day (docs/PRIVACY.md), through the Store:

- the keyed hash of an online ticket's phone number (queue_server/ticketing/online.py), kept to
  count a phone's tickets per day, is erased once older than the hall's `phone_retention_days`
  (default 30);
- a phone number given with consent for notifications (queue_server/outbound/notifier.py) is
  kept for its ticket's day only: the notifier erases earlier days' numbers as it runs, and
  this job does too, so that none outlives its day while notifications are off;
- a booking's phone hash (its limits, no-shows and cancelling) goes like an online ticket's,
  `phone_retention_days` after its slot ended, and a number it kept for notifications once
  its slot is over;
- a webhook's delivery log (each attempt's status) is kept `[outbound] delivery_log_days`
  (default 30); older attempts are deleted, the webhooks' progress stays.

Every process runs the job (deleting twice deletes nothing more).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Final

from queue_server.clock import Clock
from queue_server.domain.model import HallSpec
from queue_server.domain.numbering import service_day
from queue_server.storage.base import Store

log = logging.getLogger(__name__)

# How often the job looks whether a new day has begun (it erases once per UTC day).
CHECK_S: Final = 600.0


class PhoneRetention:
    def __init__(
        self,
        store: Store,
        halls: Callable[[], Sequence[HallSpec]],
        clock: Clock,
        delivery_log: timedelta = timedelta(days=30),
    ) -> None:
        # The halls as they are at each run: a hall's phone_retention_days changes live.
        self._store, self._halls, self._clock = store, halls, clock
        self._delivery_log = delivery_log
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

    async def prune_delivery_log(self) -> int:
        """Deletes the webhook delivery attempts older than `delivery_log`; how many."""
        pruned = await self._store.prune_delivery_attempts(self._clock.now() - self._delivery_log)
        if pruned:
            log.info(
                "deleted %d webhook delivery attempts older than %d days", pruned, self._delivery_log.days
            )
        return pruned

    async def run_if_due(self) -> dict[str, int] | None:
        """The day's erase and pruning, if they have not run yet today (by the injected clock);
        the phone data erased per hall."""
        today = self._clock.now().date()
        if self._last_day == today:
            return None
        erased = await self.erase_expired()
        await self.prune_delivery_log()
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
                log.exception("the daily erase of expired data failed; will retry")
            await asyncio.sleep(CHECK_S)
