"""Bookings (线上预约): a code a visitor brings to the kiosk and turns into an appointment ticket.

Staff book any slot inside one opening session (`add`); visitors book a 30-minute slot from
their phone within the hall's rules (`book`, queue_server.ticketing.booking_rules), see the
places left (`slots`) and cancel with the phone they booked with (`cancel`). Checking in is
possible from `early` before the slot starts until `late` after it ends, once, by the code (or
the QR code carrying it) or by the phone. The ticket gets priority "appointment" with the slot,
so that dispatch serves it first while the slot lasts.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from queue_server.domain.errors import Conflict, Invalid, NotFound
from queue_server.domain.model import HallSpec
from queue_server.domain.opening import sessions
from queue_server.storage.base import Booking, Store
from queue_server.ticketing.booking_rules import (
    SLOT,
    BookingRules,
    admit,
    bookable_days,
    day_refusal,
    day_slots,
    missed_at,
    places,
)
from queue_server.ticketing.online import normalise_phone, phone_hash

# Eight digits: typed on the kiosk's keypad; guessing is bounded by the kiosk's rate limit.
CODE_DIGITS: Final = 8
# A check-in claims its booking in the store for as long as issuing the ticket takes (well under
# a second); a claim older than this is one whose process died, and another kiosk may take it.
CLAIM_HOLD: Final = timedelta(minutes=1)
# How long a second kiosk waits for the first one's ticket, to name its number in the refusal.
CLAIM_WAIT_S: Final = 5.0
CLAIM_POLL_S: Final = 0.05


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
    if spec.hours.weekend_on(day) and not cat.weekend:
        raise Conflict("error.booking_closed", problem=f"{cat.name_en} is not served at weekends")
    if not any(s <= start and end <= e for s, e in sessions(spec.hours, day, spec.timezone)):
        raise Conflict("error.booking_closed", problem="the slot is not inside opening hours")


async def add_staff_booking(
    store: Store, spec: HallSpec, category: str, start: datetime, end: datetime, by: str, now: datetime
) -> Booking:
    """A booking by staff (API or CLI): any slot inside a session, not held to the places."""
    check_slot(spec, category, start, end)
    while True:
        booking = Booking(_code(), spec.id, category, start, end)
        if await store.add_booking(booking, by, now):
            return booking
        # the code is taken: draw another


@dataclass(frozen=True)
class SlotPlaces:
    start: datetime
    places: int
    left: int  # 0 also once the slot has begun
    begun: bool  # it can no longer be booked


class Bookings:
    """Making bookings, cancelling them and checking them at the kiosk; the store keeps them."""

    def __init__(
        self, store: Store, phone_key: bytes, rules: Mapping[str, BookingRules], keep_numbers: bool
    ) -> None:
        self._store, self._phone_key, self._rules = store, phone_key, rules
        # Notifications are on: a number given with consent is kept until the slot ends.
        self._keep_numbers = keep_numbers

    def rules(self, hall: str) -> BookingRules:
        return self._rules.get(hall, BookingRules())

    async def add(
        self, spec: HallSpec, category: str, start: datetime, end: datetime, by: str, now: datetime
    ) -> Booking:
        return await add_staff_booking(self._store, spec, category, start, end, by, now)

    def days(self, spec: HallSpec, category: str, now: datetime) -> list[tuple[date, bool]]:
        """The days a visitor may choose from, each with whether `category` can be booked then
        (today only while a slot is still to begin)."""
        rules = self.rules(spec.id)
        return [
            (
                d,
                day_refusal(spec, category, d, now, rules) is None
                and any(s > now for s in day_slots(spec, d)),
            )
            for d in bookable_days(spec, now, rules)
        ]

    async def slots(self, spec: HallSpec, category: str, day: date, now: datetime) -> list[SlotPlaces]:
        """The day's slots of `category` with the places left (raises when the day cannot be
        booked for it)."""
        rules = self._bookable(spec, category, day, now)
        starts = day_slots(spec, day)
        if not starts:
            return []
        taken = await self._store.booked_places(spec.id, category, starts[0], starts[-1] + SLOT)
        total = places(spec, category, rules)
        return [
            SlotPlaces(s, total, 0 if s <= now else max(total - taken.get(s, 0), 0), s <= now) for s in starts
        ]

    async def book(
        self,
        spec: HallSpec,
        category: str,
        start: datetime,
        minutes: int,
        raw_phone: str,
        notify: bool,
        language: str,
        by: str,
        now: datetime,
    ) -> Booking:
        """A visitor's booking of one of the day's slots, within the hall's rules (`by`: the
        visitor, or staff booking for them by phone)."""
        phone = _phone(raw_phone)
        local = start.astimezone(spec.timezone)
        rules = self._bookable(spec, category, local.date(), now)
        if minutes != SLOT.total_seconds() // 60 or local not in day_slots(spec, local.date()):
            raise Invalid("error.booking_not_a_slot", start=f"{local:%Y-%m-%d %H:%M}", minutes=minutes)
        if start <= now:
            raise Conflict("error.booking_started", start=f"{local:%H:%M}")
        digest = phone_hash(self._phone_key, phone)
        kept = phone if notify and self._keep_numbers else None
        while True:
            booking = Booking(
                _code(), spec.id, category, start, start + SLOT, None, None, digest, kept, language
            )
            if await self._store.book(booking, by, now, rules.history(now), admit(spec, booking, rules, now)):
                return booking

    async def cancel(self, spec: HallSpec, code: str, raw_phone: str, now: datetime) -> Booking:
        """Cancels the visitor's booking: only with the phone it was made with (an unknown code
        and another phone are the same refusal, so that codes cannot be probed)."""
        booking = await self._store.get_booking(spec.id, code)
        digest = phone_hash(self._phone_key, _phone(raw_phone))
        if (
            booking is None
            or booking.phone_hash is None
            or not hmac.compare_digest(booking.phone_hash, digest)
        ):
            raise NotFound("error.booking_not_yours", code=code)
        if booking.status == "cancelled":
            return booking  # cancelling twice: the same answer
        if booking.ticket_id is not None:
            raise Conflict("error.booking_used", code=code, number=booking.number)
        if booking.slot_end + self.rules(spec.id).late <= now:
            raise Conflict("error.booking_over", code=code)
        if _being_checked_in(booking, now):
            raise Conflict("error.booking_checking_in", code=code)
        if not await self._store.cancel_booking(spec.id, code, now, now - CLAIM_HOLD):
            return await self.cancel(spec, code, raw_phone, now)  # checked in meanwhile: say so
        return Booking(**{**booking.__dict__, "cancelled_at": now})

    async def claim(self, spec: HallSpec, code: str, now: datetime, early: timedelta) -> Booking:
        """The booking, usable now and claimed in the store for this check-in alone (raises
        otherwise): whatever the bus, of kiosks checking one code in at once one wins, the
        others wait for its ticket and are refused naming its number. `use` records the
        ticket, `release` gives the claim up."""
        deadline = asyncio.get_running_loop().time() + CLAIM_WAIT_S
        while True:
            booking = await self._store.get_booking(spec.id, code)
            if booking is None:
                raise NotFound("error.unknown_booking", code=code)
            self._usable(spec, booking, now, early)
            if await self._store.claim_booking(spec.id, code, now, now - CLAIM_HOLD):
                return Booking(**{**booking.__dict__, "checked_in_at": now})
            if asyncio.get_running_loop().time() >= deadline:
                raise Conflict("error.booking_checking_in", code=code)
            await asyncio.sleep(CLAIM_POLL_S)

    async def use(self, claimed: Booking, ticket_id: str, number: str, now: datetime) -> None:
        await self._store.use_booking(claimed.code, ticket_id, number, now)

    async def release(self, claimed: Booking) -> None:
        """The ticket could not be issued: the visitor may try again at once."""
        assert claimed.checked_in_at is not None, "only a claimed booking is released"
        await self._store.release_booking(claimed.code, claimed.checked_in_at)

    async def claim_by_phone(
        self, spec: HallSpec, raw_phone: str, now: datetime, early: timedelta
    ) -> Booking:
        """The phone's booking of today to check in now: the one whose check-in is open, else
        the next one (raising "too early"), else the reason there is none."""
        digest = phone_hash(self._phone_key, _phone(raw_phone))
        day = now.astimezone(spec.timezone).date()
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=spec.timezone)
        today = await self._store.bookings_of_phone(spec.id, digest, midnight, midnight + timedelta(days=1))
        live = [b for b in today if b.status == "booked"]
        late = self.rules(spec.id).late
        candidates = [b for b in live if now < b.slot_end + late] or live or today
        if not candidates:
            raise NotFound("error.no_booking_today")
        return self._usable(spec, candidates[0], now, early)

    async def of_day(self, spec: HallSpec, day: date, now: datetime) -> list[dict[str, Any]]:
        """The day's bookings for staff, by slot: each as its holder sees it, with "missed" for
        one whose check-in time ended unused and whether staff or the visitor made it."""
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=spec.timezone)
        rules = self.rules(spec.id)
        found = await self._store.bookings_between(spec.id, midnight, midnight + timedelta(days=1))
        return [
            {
                **b.public(spec),
                "status": "missed" if missed_at(b, rules, now) is not None else b.status,
                "by_phone": b.phone_hash is not None,
            }
            for b in found
        ]

    def _bookable(self, spec: HallSpec, category: str, day: date, now: datetime) -> BookingRules:
        if spec.category(category) is None:
            raise NotFound("error.unknown_category", hall=spec.id, category=category)
        rules = self.rules(spec.id)
        refusal = day_refusal(spec, category, day, now, rules)
        if refusal is not None:
            raise refusal
        return rules

    def _usable(self, spec: HallSpec, booking: Booking, now: datetime, early: timedelta) -> Booking:
        tz = spec.timezone
        start, end = booking.slot_start.astimezone(tz), booking.slot_end.astimezone(tz)
        slot = {"start": f"{start:%m-%d %H:%M}", "end": f"{end:%H:%M}"}
        if booking.ticket_id is not None:
            raise Conflict("error.booking_used", code=booking.code, number=booking.number)
        if booking.cancelled_at is not None:
            raise Conflict("error.booking_cancelled", code=booking.code)
        if now < start - early:
            raise Conflict("error.booking_too_early", **slot, opens=f"{start - early:%H:%M}")
        if now >= end + self.rules(spec.id).late:
            raise Conflict("error.booking_missed", **slot)
        return booking


def _being_checked_in(booking: Booking, now: datetime) -> bool:
    at = booking.checked_in_at
    return booking.ticket_id is None and at is not None and at >= now - CLAIM_HOLD


def _code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def _phone(raw: str) -> str:
    phone = normalise_phone(raw)
    if phone is None:
        raise Invalid("error.bad_phone")
    return phone
