"""What a visitor's booking keeps of their phone goes with the daily retention job: the keyed
hash `phone_retention_days` after the slot ended, a number kept for notifications once the slot
is over."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from queue_server.clock import ManualClock
from queue_server.ops.retention import PhoneRetention
from queue_server.storage import open_store
from queue_server.storage.base import Booking
from tests.conftest import MONDAY_10AM, make_settings

DAY = timedelta(days=1)


def test_the_retention_job_erases_what_bookings_keep_of_phones(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    spec = settings.halls[0]

    def booking(code: str, ended_days_ago: int) -> Booking:
        end = MONDAY_10AM - ended_days_ago * DAY
        return Booking(
            code, "weiyang", "tax", end - timedelta(minutes=30), end, None, None, "hash", "13800138000"
        )

    async def go() -> None:
        store = open_store(settings.server.store)
        await store.start()
        try:
            for code, age in (("00000031", 31), ("00000001", 1)):
                assert await store.book(
                    booking(code, age), "visitor", MONDAY_10AM, MONDAY_10AM, lambda *_: None
                )
            later = booking("00000000", 0)
            later = Booking(
                **{**later.__dict__, "slot_start": MONDAY_10AM + DAY, "slot_end": MONDAY_10AM + DAY}
            )
            assert await store.book(later, "visitor", MONDAY_10AM, MONDAY_10AM, lambda *_: None)
            # 31 days: hash and number; yesterday: the number only; tomorrow's: nothing yet
            assert await PhoneRetention(store, lambda: [spec], ManualClock(MONDAY_10AM)).run_if_due() == {
                "weiyang": 3
            }
            kept = {
                b.code: (b.phone_hash, b.notify_phone)
                for b in await store.bookings_between(
                    "weiyang", MONDAY_10AM - 40 * DAY, MONDAY_10AM + 2 * DAY
                )
            }
            assert kept == {
                "00000031": (None, None),
                "00000001": ("hash", None),
                "00000000": ("hash", "13800138000"),
            }
        finally:
            await store.close()

    asyncio.run(go())
