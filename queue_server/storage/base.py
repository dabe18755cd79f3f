"""The store interface the server runs on; the embedded SQLite store is its first implementation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Protocol

from queue_server.domain.events import Event
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import HallSpec, Ticket

# Before any ledger's first step: `events_since(hall, LEDGER_START, ...)` reads them all.
LEDGER_START = datetime(2000, 1, 1, tzinfo=UTC)


class StoreUnavailable(Exception):
    """The store could not be reached or refused the write: nothing was acknowledged."""


class StoreSetupFailed(Exception):
    """The store could not be opened for a reason retrying will not cure: bringing its schema
    to this version (a migration) failed."""


@dataclass(frozen=True)
class Recorded:
    """How much a hall has recorded from some moment on."""

    tickets: int  # of service days from that day on
    steps: int  # ledger events from that instant on


@dataclass(frozen=True)
class HallRecord:
    """A hall the store knows: served unless retired."""

    id: str
    created_at: datetime
    retired_at: datetime | None = None


@dataclass(frozen=True)
class UserRecord:
    username: str
    role: str
    hall: str | None
    password_hash: str
    created_at: datetime
    token_generation: int = 0
    disabled: bool = False


@dataclass(frozen=True)
class DeviceRecord:
    id: str
    name: str
    kind: str
    hall: str | None
    token_hash: str
    created_at: datetime
    window: int | None = None


@dataclass(frozen=True)
class AuditEntry:
    """A change to an account or a device: who made it, when, and what changed."""

    at: datetime
    actor: str
    kind: str  # account.created, account.disabled, device.revoked, ... (queue_server.administration)
    subject: str  # the account's or the device's name
    hall: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RatingRecord:
    hall: str
    ticket: str
    window: int | None
    clerk: str | None
    level: int
    reason: str | None
    comment: str | None
    at: datetime
    channel: str


@dataclass(frozen=True)
class RatedTicket:
    """A rating with what the rating export needs of its ticket (None if the ticket is gone)."""

    rating: RatingRecord
    number: str | None
    category: str | None


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for the printer's agent (or for the printer to be fixed)
    SENT = "sent"  # handed to the agent, not yet acknowledged
    PRINTED = "printed"
    FAILED = "failed"  # given up: not printed within print_within_s


@dataclass(frozen=True)
class PrintJob:
    """A durable print job: written before any printer sees it, one id for its whole life."""

    id: str
    hall: str
    printer: str
    ticket_id: str
    number: str
    data: bytes
    state: JobState
    created_at: datetime
    expires_at: datetime
    kiosk: str | None = None
    reprint: bool = False
    attempts: int = 0
    error: str | None = None


@dataclass(frozen=True)
class Booking:
    code: str
    hall: str
    category: str
    slot_start: datetime
    slot_end: datetime
    ticket_id: str | None = None
    number: str | None = None
    # A visitor's booking: the keyed hash of their phone (limits, no-shows, cancelling; erased
    # after `phone_retention_days`) and, with consent to notifications, the number itself until
    # the slot ends (docs/PRIVACY.md). Staff bookings have neither.
    phone_hash: str | None = None
    notify_phone: str | None = None
    language: str = "zh-CN"
    cancelled_at: datetime | None = None
    # When a kiosk claimed it to check in; with no ticket yet, a check-in is under way.
    checked_in_at: datetime | None = None

    @property
    def status(self) -> str:
        if self.ticket_id is not None:
            return "checked_in"
        return "booked" if self.cancelled_at is None else "cancelled"

    def public(self, spec: HallSpec) -> dict[str, Any]:
        tz = spec.timezone
        category = spec.category(self.category)
        return {
            "code": self.code,
            "hall": self.hall,
            "category": self.category,
            "category_name": None if category is None else category.name,
            "category_name_en": None if category is None else category.name_en,
            "slot_start": self.slot_start.astimezone(tz).isoformat(),
            "slot_end": self.slot_end.astimezone(tz).isoformat(),
            "status": self.status,
            "ticket": self.ticket_id,
            "number": self.number,
        }


# Called by `Store.book` inside its transaction with the places taken in the booking's slot and
# the phone's bookings: raises to refuse the booking.
BookingAdmission = Callable[[int, Sequence[Booking]], None]


@dataclass(frozen=True)
class OnlineClaim:
    """One online ticket taken with a phone number; only a keyed hash of the number is kept."""

    ticket_id: str
    hall: str
    service_day: date
    phone_hash: str
    created_at: datetime


class NoticeKind(StrEnum):
    AHEAD = "ahead"  # a few are ahead: time to come back to the hall
    CALLED = "called"  # called to a window


@dataclass(frozen=True)
class VisitorContact:
    """A phone number a visitor gave, with consent, to be told of their ticket's turn; kept
    only while notifications are on, and only for that ticket's day."""

    ticket_id: str
    hall: str
    service_day: date
    phone: str
    language: str
    created_at: datetime
    ahead_sent_at: datetime | None = None
    called_sent_at: datetime | None = None


@dataclass(frozen=True)
class LedgerEntry:
    """One ledger event of a ticket as the reports replay it."""

    seq: int
    type: str
    at: datetime
    actor: str | None
    window: int | None
    ticket: str
    category: str | None
    priority: str | None
    to_category: str | None


@dataclass(frozen=True)
class TicketLedger:
    """The ledger of the tickets a hall issued on some service days."""

    tickets: list[str]  # their ids
    entries: dict[str, list[LedgerEntry]]  # per ticket id, in seq order
    ratings: dict[str, tuple[int, str | None]]  # per ticket id: level 1..5, reason


@dataclass(frozen=True)
class Webhook:
    """An outside system told of a hall's ledger events (queue_server.outbound), with how far
    its deliveries got: everything up to `delivered_seq` was delivered or is not of its types."""

    id: str
    hall: str
    url: str
    events: tuple[str, ...]  # the event types it asked for
    secret: str  # the HMAC key its deliveries are signed with
    created_at: datetime
    created_by: str
    delivered_seq: int
    enabled: bool = True
    attempts: int = 0  # failed attempts at the next event
    failing_since: datetime | None = None  # the first of those
    next_attempt_at: datetime | None = None
    disabled_at: datetime | None = None

    def public(self) -> dict[str, Any]:
        """What the API shows (never the secret)."""

        def instant(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "id": self.id,
            "hall": self.hall,
            "url": self.url,
            "events": list(self.events),
            "enabled": self.enabled,
            "delivered_seq": self.delivered_seq,
            "attempts": self.attempts,
            "failing_since": instant(self.failing_since),
            "next_attempt_at": instant(self.next_attempt_at),
            "disabled_at": instant(self.disabled_at),
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST of one event to a webhook: its HTTP status, or the error that stopped it."""

    webhook: str
    seq: int
    event_type: str
    attempt: int  # 1 for the first try of this event
    at: datetime
    status: int | None
    error: str | None
    duration_ms: int

    def public(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event_type": self.event_type,
            "attempt": self.attempt,
            "at": self.at.isoformat(),
            "status": self.status,
            "ok": self.error is None,
            "error": self.error,
            "duration_ms": self.duration_ms,
        }


@dataclass(frozen=True)
class Reply:
    """What a step asked with an idempotency key answered (its ticket), so a retry with the
    same key answers the same instead of taking the step again."""

    key: str
    ticket: str | None
    seq: int
    at: datetime


@dataclass(frozen=True)
class Catchup:
    """The steps committed after a seq: their events, the rows they left, their keys."""

    outcome: Outcome
    replies: list[Reply]


class Store(Protocol):
    async def start(self) -> None:
        """Connect and make sure the schema exists."""

    async def close(self) -> None: ...

    async def schema_revision(self) -> str | None:
        """The migration the schema is at."""

    async def load_hall(self, spec: HallSpec, today: date, recent: int) -> HallState:
        """The live state of a hall as last acknowledged, with its `recent` latest events; with
        the newest settings its ledger holds (`hall.configured`), else `spec` (config.toml's)."""

    async def commit(self, outcomes: Sequence[Outcome], replies: Sequence[Reply] = ()) -> None:
        """Make the outcomes durable, all or nothing, before anyone is told of them."""

    async def append(self, outcomes: Sequence[Outcome], base_seq: int, replies: Sequence[Reply]) -> bool:
        """Commit the outcomes only if their hall is still at `base_seq`, moving it to their
        last seq in the same transaction; False (nothing written) if another got there first."""

    def exclusive(self, hall: str) -> AbstractAsyncContextManager[None]:
        """Held by one process at a time per hall (PostgreSQL: an advisory lock)."""

    async def committed_seq(self, hall: str) -> int:
        """The seq of the hall's last committed step."""

    async def steps_after(self, spec: HallSpec, after: int, limit: int) -> Catchup | None:
        """What was committed after `after`; None if that is more than `limit` events."""

    async def events_after(self, hall: str, after: int, limit: int) -> list[Event]:
        """Committed events with seq > `after`, oldest first."""

    async def replies(self, hall: str, since: datetime) -> list[Reply]:
        """The idempotency keys committed since `since`."""

    async def recent_events(self, hall: str, limit: int) -> list[Event]: ...

    async def ticket_events(self, hall: str, ticket_id: str) -> list[Event]: ...

    async def get_ticket(self, hall: str, ticket_id: str) -> Ticket | None: ...

    async def events_since(self, hall: str, start: datetime, types: Sequence[str]) -> list[Event]:
        """The hall's ledger events of the given types from `start` on."""

    async def ticket_ledger(self, hall: str, first: date, last: date) -> TicketLedger:
        """The ledger events and ratings of the tickets of service days first..last."""

    async def recorded_since(self, hall: str, day: date, at: datetime) -> Recorded:
        """The hall's tickets of service days from `day` on, and its steps from `at` on."""

    async def add_print_job(self, job: PrintJob) -> None: ...

    async def print_job(self, job_id: str) -> PrintJob | None: ...

    async def print_jobs_of_ticket(self, ticket_id: str) -> list[PrintJob]:
        """Oldest first."""

    async def pending_print_jobs(self, printer: str, now: datetime) -> list[PrintJob]:
        """Jobs the printer still owes, oldest first: queued, and sent but never acknowledged."""

    async def print_job_sent(self, job_id: str, now: datetime) -> None: ...

    async def print_job_printed(self, job_id: str, now: datetime) -> None:
        """From any state: an agent that printed a job we had given up on still printed it."""

    async def print_job_retry(self, job_id: str, error: str) -> None:
        """The printer could not print it: back in the queue until the printer is fixed."""

    async def expire_print_jobs(self, now: datetime) -> int:
        """Pending jobs past their time are failed; how many."""

    async def print_job_counts(self, hall: str) -> dict[tuple[str, str], int]:
        """(printer, state) -> number of jobs, for the hall's printer overview."""

    async def add_booking(self, booking: Booking, created_by: str, now: datetime) -> bool:
        """Stores a booking; False (nothing written) if its code is taken."""

    async def get_booking(self, hall: str, code: str) -> Booking | None: ...

    async def book(
        self, booking: Booking, created_by: str, now: datetime, since: datetime, admit: BookingAdmission
    ) -> bool:
        """Stores a visitor's booking if `admit` lets it, atomically: no other booking of the hall
        is decided meanwhile, on any process. `admit` gets the places taken in the slot (of its
        category, not cancelled) and the phone's bookings whose slot ends after `since`, and
        raises to refuse. False (nothing written) if the code is taken."""

    async def booked_places(
        self, hall: str, category: str, start: datetime, end: datetime
    ) -> dict[datetime, int]:
        """Places taken (bookings not cancelled) per slot start, of slots starting in [start, end)."""

    async def bookings_between(self, hall: str, start: datetime, end: datetime) -> list[Booking]:
        """The hall's bookings of slots starting in [start, end), by slot and code."""

    async def bookings_of_phone(
        self, hall: str, phone_hash: str, start: datetime, end: datetime
    ) -> list[Booking]:
        """The phone's bookings of slots starting in [start, end), by slot."""

    async def cancel_booking(self, hall: str, code: str, now: datetime, claims_before: datetime) -> bool:
        """Cancels the booking unless it was checked in or cancelled, or a check-in claimed it
        at or after `claims_before`; False then."""

    async def erase_booking_phones(self, hall: str, hashes_before: datetime, numbers_before: datetime) -> int:
        """Forgets the phone hashes of bookings whose slot ended before `hashes_before` and the
        notification numbers of those whose slot ended before `numbers_before`; how many."""

    async def claim_booking(self, hall: str, code: str, now: datetime, claims_before: datetime) -> bool:
        """Marks the booking as being checked in, atomically: True for one caller only, while it
        has no ticket, is not cancelled and no other check-in claimed it at or after
        `claims_before` (an older claim is one whose process died before issuing)."""

    async def release_booking(self, code: str, claimed_at: datetime) -> None:
        """Gives up the claim made at `claimed_at` of a booking still without its ticket."""

    async def use_booking(self, code: str, ticket_id: str, number: str, now: datetime) -> bool:
        """Records the booking's ticket; False if another check-in (or a cancel) got there first."""

    async def online_claims(self, hall: str, day: date, phone_hash: str) -> int:
        """How many online tickets the phone took that service day."""

    async def add_online_claim(self, claim: OnlineClaim) -> None: ...

    async def erase_online_claims(self, hall: str, before: datetime) -> int:
        """Forgets the online tickets' phone hashes recorded before `before`; how many."""

    async def add_rating(self, rating: RatingRecord) -> bool:
        """Stores a rating; False if its ticket already has one."""

    async def remove_rating(self, ticket: str) -> None: ...

    async def ratings_since(self, hall: str, start: datetime) -> list[RatingRecord]: ...

    async def rated_tickets(self, hall: str, start: datetime, end: datetime) -> list[RatedTicket]:
        """The hall's ratings given from `start` until before `end`, oldest first."""

    async def add_user(self, user: UserRecord) -> None: ...

    async def get_user(self, username: str) -> UserRecord | None: ...

    async def list_users(self) -> list[UserRecord]:
        """Every account, by name."""

    async def add_device(self, device: DeviceRecord) -> None: ...

    async def device_by_token_hash(self, token_hash: str) -> DeviceRecord | None: ...

    async def list_devices(self, hall: str) -> list[DeviceRecord]: ...

    async def remove_device(self, hall: str, name: str) -> bool:
        """Forgets a device (its token stops working); False if there was none."""

    async def get_device(self, device_id: str) -> DeviceRecord | None: ...

    async def save_device(self, device: DeviceRecord) -> None:
        """Writes a registered device's new name or token hash."""

    async def forget_device(self, device_id: str) -> bool:
        """Forgets a device by its id; False if there was none."""

    async def halls(self) -> list[HallRecord]:
        """Every hall the store knows, retired ones too, oldest first."""

    async def seed_halls(self, halls: Sequence[str], at: datetime) -> None:
        """Records the halls of config.toml the store does not know yet (any retired stays so)."""

    async def add_hall(self, hall: str, at: datetime, first: Outcome) -> bool:
        """A new hall with its first step (its settings), in one transaction; False if the
        store knows a hall of that id already (also a retired one: its ledger is kept)."""

    async def retire_hall(self, hall: str, at: datetime) -> None:
        """The hall is no longer served (its `hall.retired` step is in its ledger before)."""

    async def configured_settings(self, hall: str) -> dict[str, Any] | None:
        """The newest settings document of the hall's ledger (`hall.configured`), if any."""

    async def add_audit(self, entry: AuditEntry) -> None: ...

    async def audit(self, start: datetime, end: datetime) -> list[AuditEntry]:
        """The changes made from `start` until before `end`, newest first."""

    async def add_webhook(self, webhook: Webhook) -> None: ...

    async def webhooks(self, hall: str | None = None) -> list[Webhook]:
        """The hall's webhooks (every hall's with None), oldest first."""

    async def get_webhook(self, webhook_id: str) -> Webhook | None: ...

    async def remove_webhook(self, hall: str, webhook_id: str) -> bool:
        """Forgets a webhook and its delivery log; False if the hall had none of that id."""

    async def save_webhook_progress(
        self, webhook: Webhook, previous_seq: int, attempts: Sequence[DeliveryAttempt]
    ) -> bool:
        """Writes the webhook's progress and the attempts that made it, together; only if its
        `delivered_seq` is still `previous_seq` (False: another deliverer moved it)."""

    async def delivery_attempts(self, webhook_id: str, limit: int) -> list[DeliveryAttempt]:
        """The webhook's latest attempts, newest first."""

    async def prune_delivery_attempts(self, before: datetime) -> int:
        """Forgets every webhook's attempts made before `before`; how many."""

    def delivery_lease(self, name: str) -> AbstractAsyncContextManager[bool]:
        """True while this process alone delivers for `name` (a webhook's id, a hall's visitor
        notifications). PostgreSQL: a session advisory lock, freed if the process dies; False
        if another process holds it."""

    async def add_visitor_contact(self, contact: VisitorContact) -> None: ...

    async def visitor_contacts(self, hall: str, day: date) -> list[VisitorContact]:
        """The day's contacts not yet told they are called."""

    async def erase_visitor_contacts(self, hall: str, before: date) -> int:
        """Forgets the phone numbers of tickets of days before `before`; how many."""

    async def visitor_notified(self, ticket_id: str, kind: NoticeKind, at: datetime) -> None:
        """Records that the visitor was sent that message (a called one ends the contact)."""

    async def secret(self, name: str, make: str) -> str:
        """A named server secret, created from `make` the first time and kept from then on."""
