"""Bookings (线上预约): a code a visitor brings to the kiosk and turns into an appointment ticket.

A booking names a category and a slot inside one opening session; checking in is possible from
`early` before the slot starts until it ends, once. The ticket gets priority "appointment" with
the slot, so that dispatch serves it first while the slot lasts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from queue_server.domain.errors import Conflict, Invalid, NotFound
from queue_server.domain.model import HallSpec
from queue_server.domain.opening import is_weekend, sessions
from ticket_printer.tables import BOOKINGS

# Eight digits: typed on the kiosk's keypad; guessing is bounded by the kiosk's rate limit.
CODE_DIGITS: Final = 8


@dataclass(frozen=True)
class Booking:
    code: str
    hall: str
    category: str
    slot_start: datetime
    slot_end: datetime
    ticket_id: str | None = None
    number: str | None = None

    def public(self, spec: HallSpec) -> dict[str, Any]:
        tz = spec.timezone
        return {
            "code": self.code,
            "hall": self.hall,
            "category": self.category,
            "slot_start": self.slot_start.astimezone(tz).isoformat(),
            "slot_end": self.slot_end.astimezone(tz).isoformat(),
            "ticket": self.ticket_id,
            "number": self.number,
        }


def check_slot(spec: HallSpec, category: str, start: datetime, end: datetime) -> None:
    """A slot must lie inside one opening session of its day, for a category served that day."""
    cat = spec.category(category)
    if cat is None:
        raise NotFound("error.unknown_category", hall=spec.id, category=category)
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid("error.booking_slot", problem="times need a time zone")
    if end <= start:
        raise Invalid("error.booking_slot", problem="the slot ends before it starts")
    day = start.astimezone(spec.timezone).date()
    if is_weekend(day) and not cat.weekend:
        raise Invalid("error.booking_slot", problem=f"{cat.name_en} is not served at weekends")
    if not any(s <= start and end <= e for s, e in sessions(spec.hours, day, spec.timezone)):
        raise Invalid("error.booking_slot", problem="the slot is not inside opening hours")


class BookingStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(
        self, spec: HallSpec, category: str, start: datetime, end: datetime, by: str, now: datetime
    ) -> Booking:
        check_slot(spec, category, start, end)
        while True:
            code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
            row = {
                "code": code,
                "hall": spec.id,
                "category": category,
                "slot_start": start,
                "slot_end": end,
                "created_at": now,
                "created_by": by,
            }
            try:
                async with self._engine.begin() as conn:
                    await conn.execute(BOOKINGS.insert(), [row])
            except IntegrityError:
                continue  # the code is taken: draw another
            return Booking(code, spec.id, category, start, end)

    async def get(self, hall: str, code: str) -> Booking | None:
        async with self._engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        select(BOOKINGS).where(BOOKINGS.c.hall == hall, BOOKINGS.c.code == code)
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return Booking(
            row["code"],
            row["hall"],
            row["category"],
            row["slot_start"],
            row["slot_end"],
            row["ticket_id"],
            row["number"],
        )

    async def claim(self, spec: HallSpec, code: str, now: datetime, early: timedelta) -> Booking:
        """The booking, checked as usable now (raises otherwise); not yet marked as used."""
        booking = await self.get(spec.id, code)
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

    async def mark_used(self, code: str, ticket_id: str, number: str, now: datetime) -> bool:
        """Record the ticket; False if another check-in got there first."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(BOOKINGS)
                .where(BOOKINGS.c.code == code, BOOKINGS.c.ticket_id.is_(None))
                .values(ticket_id=ticket_id, number=number, checked_in_at=now)
            )
            return bool(result.rowcount)
