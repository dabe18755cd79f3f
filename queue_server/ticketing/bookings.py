"""Bookings (线上预约): a code a visitor brings to the kiosk and turns into an appointment ticket.

A booking names a category and a slot inside one opening session; checking in is possible from
`early` before the slot starts until it ends, once. The ticket gets priority "appointment" with
the slot, so that dispatch serves it first while the slot lasts.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Final

from queue_server.domain.errors import Conflict, Invalid, NotFound
from queue_server.domain.model import HallSpec
from queue_server.domain.opening import is_weekend, sessions
from queue_server.storage.base import Booking, Store

# Eight digits: typed on the kiosk's keypad; guessing is bounded by the kiosk's rate limit.
CODE_DIGITS: Final = 8


def check_slot(spec: HallSpec, category: str, start: datetime, end: datetime) -> None:
    """A slot must lie inside one opening session of its day, for a category served that day."""
    cat = spec.category(category)
    if cat is None:
        raise NotFound("error.unknown_category", hall=spec.id, category=category)
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid("error.booking_slot", problem="times need a time zone")
    if end <= start:
        raise Invalid("error.booking_slot", problem="the slot ends before it starts")
    # A well-formed slot when the hall is closed is a clash with the hall's calendar (409, as
    # for taking a number outside the opening hours), not a malformed request.
    day = start.astimezone(spec.timezone).date()
    if is_weekend(day) and not cat.weekend:
        raise Conflict("error.booking_closed", problem=f"{cat.name_en} is not served at weekends")
    if not any(s <= start and end <= e for s, e in sessions(spec.hours, day, spec.timezone)):
        raise Conflict("error.booking_closed", problem="the slot is not inside opening hours")


class Bookings:
    """Making bookings and checking them at the kiosk; the store keeps them."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(
        self, spec: HallSpec, category: str, start: datetime, end: datetime, by: str, now: datetime
    ) -> Booking:
        check_slot(spec, category, start, end)
        while True:
            code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
            booking = Booking(code, spec.id, category, start, end)
            if await self._store.add_booking(booking, by, now):
                return booking
            # the code is taken: draw another

    async def claim(self, spec: HallSpec, code: str, now: datetime, early: timedelta) -> Booking:
        """The booking, checked as usable now (raises otherwise); not yet marked as used."""
        booking = await self._store.get_booking(spec.id, code)
        if booking is None:
            raise NotFound("error.unknown_booking", code=code)
        if booking.ticket_id is not None:
            raise Conflict("error.booking_used", code=code, number=booking.number)
        if not booking.slot_start - early <= now < booking.slot_end:
            raise Conflict(
                "error.booking_not_now",
                start=f"{booking.slot_start.astimezone(spec.timezone):%m-%d %H:%M}",
                end=f"{booking.slot_end.astimezone(spec.timezone):%H:%M}",
                early=int(early.total_seconds() // 60),
            )
        return booking
