"""A visitor's booking is decided and written atomically: the last place of a slot goes to one
of many bookings made at once, also from two stores (two processes) on one database."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from queue_server.domain.errors import Conflict
from queue_server.storage import open_store
from queue_server.storage.base import Booking, BookingAdmission, Store
from tests.conftest import MONDAY_10AM

SLOT = MONDAY_10AM + timedelta(hours=2)


def booking(code: str, phone: str) -> Booking:
    return Booking(code, "weiyang", "tax", SLOT, SLOT + timedelta(minutes=30), phone_hash=phone)


def at_most(capacity: int) -> BookingAdmission:
    def admit(taken: int, _phone: Sequence[Booking]) -> None:
        if taken >= capacity:
            raise Conflict("error.booking_full")

    return admit


async def try_book(store: Store, code: str, capacity: int) -> bool:
    try:
        return await store.book(
            booking(code, f"phone-{code}"), "visitor", MONDAY_10AM, MONDAY_10AM, at_most(capacity)
        )
    except Conflict:
        return False


def test_simultaneous_bookings_of_the_last_places_admit_exactly_that_many(backend: dict[str, str]) -> None:
    async def go() -> None:
        # Two stores on one database: what two server processes are.
        first, second = open_store(backend["store"]), open_store(backend["store"])
        await first.start()
        await second.start()
        try:
            assert await try_book(first, "00000001", 3)
            results = await asyncio.gather(
                *(try_book(first if i % 2 else second, f"1000000{i}", 3) for i in range(8))
            )
            assert sum(results) == 2  # 3 places, one taken before
            places = await first.booked_places("weiyang", "tax", SLOT, SLOT + timedelta(minutes=1))
            assert places == {SLOT: 3}
            # A cancelled booking frees its place.
            assert await first.cancel_booking("weiyang", "00000001", MONDAY_10AM, MONDAY_10AM)
            assert not await first.cancel_booking("weiyang", "00000001", MONDAY_10AM, MONDAY_10AM)
            assert await try_book(second, "20000000", 3)
            assert not await try_book(second, "20000001", 3)
        finally:
            await first.close()
            await second.close()

    asyncio.run(go())


def test_the_phone_s_bookings_are_handed_to_the_rules(backend: dict[str, str]) -> None:
    seen: list[list[str]] = []

    def record(_taken: int, phone: Sequence[Booking]) -> None:
        seen.append([b.code for b in phone])

    async def go() -> None:
        store = open_store(backend["store"])
        await store.start()
        try:
            for code in ("00000001", "00000002"):
                assert await store.book(
                    booking(code, "same-phone"), "visitor", MONDAY_10AM, MONDAY_10AM, record
                )
            await store.book(booking("00000003", "other-phone"), "visitor", MONDAY_10AM, MONDAY_10AM, record)
            # a code already taken writes nothing
            assert not await store.book(
                booking("00000001", "same-phone"), "visitor", MONDAY_10AM, MONDAY_10AM, record
            )
            # the phone's bookings are erased with its hash
            assert await store.erase_booking_phones("weiyang", SLOT + timedelta(hours=1), MONDAY_10AM) == 3
            assert (
                await store.bookings_of_phone("weiyang", "same-phone", SLOT, SLOT + timedelta(hours=1)) == []
            )
        finally:
            await store.close()

    asyncio.run(go())
    assert seen[:3] == [[], ["00000001"], []]
