"""The rules of visitors' bookings (线上预约), as pure functions of the hall, its rules and an instant.

A visitor books a 30-minute slot of one opening session, for a category the hall serves that
day, on one of the next `days_ahead` days (today included). A slot of a category has
`places(spec, category)` places: a share of what the windows serving it handle in 30 minutes,
capped by a fixed limit. A phone may hold `per_phone_per_day` bookings of one day and
`open_per_phone` not yet due; a booking not checked in by the end of its check-in time (the
slot's end plus `checkin_late_minutes`) is a miss, and `no_show_limit` misses within
`no_show_days` block the phone's new bookings for `no_show_block_days` after the last of them.

`[ticketing.booking]` in config.toml sets them for every hall; a table `[ticketing.booking.<hall>]`
overrides keys for one hall. What the store must decide atomically (places left, the phone's
bookings) is handed to `admit` inside the store's transaction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, Final

from queue_server.domain.errors import Conflict
from queue_server.domain.model import HallSpec
from queue_server.domain.opening import sessions
from queue_server.storage.base import Booking, BookingAdmission

SLOT: Final = timedelta(minutes=30)


@dataclass(frozen=True)
class BookingRules:
    days_ahead: int = 7  # today and the 6 days after it
    window_share: float = 0.3  # of what the serving windows handle in a slot
    places_per_slot: int = 10  # and never more than this, per category and slot
    per_phone_per_day: int = 1
    open_per_phone: int = 2  # bookings of one phone not yet past their check-in time
    no_show_limit: int = 3
    no_show_days: int = 14
    no_show_block_days: int = 14
    checkin_late_minutes: int = 0  # check-in stays open this long after the slot ends

    @property
    def late(self) -> timedelta:
        return timedelta(minutes=self.checkin_late_minutes)

    def history(self, now: datetime) -> datetime:
        """How far back a phone's bookings matter: misses that can still block it."""
        return now - timedelta(days=self.no_show_days + self.no_show_block_days)


_FLOATS: Final = frozenset({"window_share"})
KEYS: Final = tuple(f.name for f in fields(BookingRules))


def parse_booking_rules(
    raw: Any, retention_days: Mapping[str, int], path: str, problems: list[str]
) -> dict[str, BookingRules]:
    """The rules of every hall (by id, with its `phone_retention_days`) from the
    `[ticketing.booking]` table (`raw`), problems named."""
    halls = retention_days
    if not isinstance(raw, dict):
        problems.append(f"{path}: expected a table")
        return {hall: BookingRules() for hall in halls}
    common = _rules(BookingRules(), {k: v for k, v in raw.items() if not isinstance(v, dict)}, path, problems)
    rules: dict[str, BookingRules] = {}
    for key, value in raw.items():
        if isinstance(value, dict) and key not in halls:
            problems.append(f"{path}.{key}: unknown hall (known: {', '.join(sorted(halls))})")
    for hall, keep in halls.items():
        own = raw.get(hall)
        hall_rules = _rules(common, own, f"{path}.{hall}", problems) if isinstance(own, dict) else common
        if hall_rules.no_show_days + hall_rules.no_show_block_days > keep:
            # The misses are counted from the phones' hashes, which the retention job erases.
            problems.append(
                f"{path}: no_show_days + no_show_block_days ({hall_rules.no_show_days} + "
                f"{hall_rules.no_show_block_days}) must not exceed hall {hall}'s "
                f"phone_retention_days ({keep})"
            )
        rules[hall] = hall_rules
    return rules


def _rules(base: BookingRules, raw: dict[str, Any], path: str, problems: list[str]) -> BookingRules:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in KEYS:
            problems.append(f"{path}.{key}: unknown setting")
        elif key in _FLOATS:
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                problems.append(f"{path}.{key}: expected a share between 0 and 1, got {value!r}")
            else:
                values[key] = float(value)
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(f"{path}.{key}: expected a whole number >= 0, got {value!r}")
        else:
            values[key] = value
    rules = replace(base, **values)
    if rules.days_ahead < 1:
        problems.append(f"{path}.days_ahead: at least 1 (today)")
    return rules


def places(spec: HallSpec, category: str, rules: BookingRules) -> int:
    """Places per slot of `category`: `window_share` of the visitors the windows serving it
    handle in a slot (at the hall's default handling time), at most `places_per_slot`."""
    serving = sum(
        1 for w in spec.windows if not w.green_only and (w.categories is None or category in w.categories)
    )
    per_window = SLOT / spec.policy.default_handling
    return min(rules.places_per_slot, math.floor(rules.window_share * serving * per_window + 1e-9))


def bookable_days(spec: HallSpec, now: datetime, rules: BookingRules) -> list[date]:
    """The days a visitor may book: today and the next ones, `days_ahead` in all."""
    today = now.astimezone(spec.timezone).date()
    return [today + timedelta(days=n) for n in range(rules.days_ahead)]


def day_refusal(
    spec: HallSpec, category: str, day: date, now: datetime, rules: BookingRules
) -> Conflict | None:
    """Why `category` cannot be booked on `day` at all, or None."""
    days = bookable_days(spec, now, rules)
    if day not in days:
        return Conflict("error.booking_day", first=days[0].isoformat(), last=days[-1].isoformat())
    cat = spec.category(category)
    if cat is not None and spec.hours.weekend_on(day) and not cat.weekend:
        return Conflict("error.category_not_on_weekend", category=cat.name, category_en=cat.name_en)
    if not sessions(spec.hours, day, spec.timezone):  # a holiday has none
        return Conflict("error.booking_hall_closed", day=day.isoformat())
    return None


def day_slots(spec: HallSpec, day: date) -> list[datetime]:
    """The starts of the day's 30-minute slots: every whole slot inside a session."""
    starts = []
    for start, end in sessions(spec.hours, day, spec.timezone):
        at = start
        while at + SLOT <= end:
            starts.append(at)
            at += SLOT
    return starts


def blocked_until(misses: Sequence[datetime], rules: BookingRules) -> datetime | None:
    """The end of the block that missed bookings (each by when it was missed) put on a phone:
    `no_show_limit` of them within `no_show_days` block it for `no_show_block_days` after the
    last; None if they never did. A limit of 0 turns the policy off."""
    n = rules.no_show_limit
    if n == 0:
        return None
    ends = sorted(misses)
    window = timedelta(days=rules.no_show_days)
    until = None
    for first, last in zip(ends, ends[n - 1 :], strict=False):
        if last - first <= window:
            until = last + timedelta(days=rules.no_show_block_days)
    return until


def missed_at(booking: Booking, rules: BookingRules, now: datetime) -> datetime | None:
    """When the booking became a miss (its check-in time ended unused), or None."""
    closes = booking.slot_end + rules.late
    if booking.ticket_id is None and booking.cancelled_at is None and closes <= now:
        return closes
    return None


def admit(spec: HallSpec, booking: Booking, rules: BookingRules, now: datetime) -> BookingAdmission:
    """What the store calls inside its transaction with the slot's taken places and the phone's
    bookings since `rules.history(now)`: raises the refusal, if any."""
    capacity = places(spec, booking.category, rules)
    tz = spec.timezone

    def check(taken: int, phone_bookings: Sequence[Booking]) -> None:
        if taken >= capacity:
            raise Conflict("error.booking_full")
        live = [b for b in phone_bookings if b.cancelled_at is None]
        until = blocked_until([m for b in live if (m := missed_at(b, rules, now)) is not None], rules)
        if until is not None and until > now:
            raise Conflict(
                "error.booking_blocked",
                until=f"{until.astimezone(tz):%Y-%m-%d %H:%M}",
                misses=rules.no_show_limit,
                days=rules.no_show_days,
            )
        day = booking.slot_start.astimezone(tz).date()
        same_day = [b for b in live if b.slot_start.astimezone(tz).date() == day]
        if len(same_day) >= rules.per_phone_per_day:
            raise Conflict("error.booking_per_day", limit=rules.per_phone_per_day)
        pending = [b for b in live if b.ticket_id is None and b.slot_end + rules.late > now]
        if len(pending) >= rules.open_per_phone:
            raise Conflict("error.booking_open", limit=rules.open_per_phone)

    return check
