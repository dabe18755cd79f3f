"""The relational schema, as SQLModel tables (SQLite embedded, PostgreSQL when scaled out)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; hands back aware datetimes whatever the database does with zones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        utc = _in_utc(value)
        return utc.replace(tzinfo=None) if utc is not None and dialect.name == "sqlite" else utc

    @staticmethod
    def sqlite_text(value: datetime | None) -> str | None:
        """What process_bind_param and SQLAlchemy's SQLite DATETIME make of `value`, in one
        step: a group commit binds several per row on the event loop."""
        utc = _in_utc(value)
        return None if utc is None else utc.replace(tzinfo=None).isoformat(" ", "microseconds")

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in_utc(value: datetime | None) -> datetime | None:
    """An aware datetime in UTC, as the store keeps every time; a naive one is refused."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return value.astimezone(UTC)


def _utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class TicketRow(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("hall", "service_day", "number", name="uq_ticket_number_per_day"),
        Index("ix_ticket_live", "hall", "status", "service_day"),
        Index("ix_ticket_seq", "hall", "seq"),
    )

    id: str = Field(primary_key=True, max_length=40)
    hall: str = Field(max_length=32)
    service_day: date
    category: str = Field(max_length=32)
    number: str = Field(max_length=16)
    priority: str = Field(max_length=32)
    channel: str = Field(max_length=32)
    status: str = Field(max_length=16)
    issued_at: datetime = _utc()
    queue_at: datetime = _utc()
    window: int | None = None
    target_window: int | None = None
    called_at: datetime | None = _utc(default=None, nullable=True)
    started_at: datetime | None = _utc(default=None, nullable=True)
    finished_at: datetime | None = _utc(default=None, nullable=True)
    status_at: datetime | None = _utc(default=None, nullable=True)
    calls: int = 0
    appointment_start: datetime | None = _utc(default=None, nullable=True)
    appointment_end: datetime | None = _utc(default=None, nullable=True)
    # The ledger seq of the last change: a late writer never overwrites a newer row.
    seq: int = 0


class WindowRow(SQLModel, table=True):
    __tablename__ = "window_state"

    hall: str = Field(primary_key=True, max_length=32)
    number: int = Field(primary_key=True)
    state: str = Field(max_length=16)
    clerk: str | None = Field(default=None, max_length=64)
    # JSON list of category codes; NULL = comprehensive.
    categories: list[str] | None = Field(default=None, sa_type=JSON)
    current_ticket: str | None = Field(default=None, max_length=40)
    pause_reason: str | None = Field(default=None, max_length=200)
    priority_streak: int = 0
    state_since: datetime | None = _utc(default=None, nullable=True)
    seq: int = 0


class CounterRow(SQLModel, table=True):
    __tablename__ = "ticket_counter"

    hall: str = Field(primary_key=True, max_length=32)
    category: str = Field(primary_key=True, max_length=32)
    service_day: date = Field(primary_key=True)
    last: int


class HallRow(SQLModel, table=True):
    """The halls the server serves: config.toml's seeded at first start, those an admin added
    since, and the retired ones (their ledger kept, their URLs gone)."""

    __tablename__ = "hall"

    id: str = Field(primary_key=True, max_length=32)
    created_at: datetime = _utc()
    retired_at: datetime | None = _utc(default=None, nullable=True)


class HallSeqRow(SQLModel, table=True):
    """The seq of the hall's last committed step: a batch's commit moves it only from the seq
    the batch was decided on (compare-and-set), so every step of a hall has one order."""

    __tablename__ = "hall_seq"

    hall: str = Field(primary_key=True, max_length=32)
    seq: int


class IdempotencyRow(SQLModel, table=True):
    """A step asked with an `Idempotency-Key`, committed with it: a retry answers the same."""

    __tablename__ = "idempotency_key"
    __table_args__ = (Index("ix_idempotency_key_seq", "hall", "seq"),)

    hall: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=200)
    ticket: str | None = Field(default=None, max_length=40)
    seq: int
    created_at: datetime = _utc()


class LedgerRow(SQLModel, table=True):
    """The append-only ledger (服务日志台账): every step, who took it, when, at which window."""

    __tablename__ = "ledger"
    __table_args__ = (
        UniqueConstraint("hall", "seq", name="uq_ledger_seq"),
        Index("ix_ledger_ticket", "hall", "ticket"),
        # A hall's newest settings (hall.configured) at start, without reading its whole ledger.
        Index("ix_ledger_type", "hall", "type", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hall: str = Field(max_length=32)
    seq: int
    type: str = Field(max_length=40)
    at: datetime = _utc()
    actor: str | None = Field(default=None, max_length=80)
    window: int | None = None
    ticket: str | None = Field(default=None, max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class RatingRow(SQLModel, table=True):
    """好差评 (the clerk console's): one rating per ticket."""

    __tablename__ = "rating"

    id: int | None = Field(default=None, primary_key=True)
    hall: str = Field(max_length=32, index=True)
    ticket: str = Field(max_length=40, unique=True)  # one rating per ticket
    window: int | None = None
    clerk: str | None = Field(default=None, max_length=64, index=True)
    level: int
    reason: str | None = Field(default=None, max_length=64)
    comment: str | None = Field(default=None, max_length=200)
    at: datetime = _utc()
    channel: str = Field(max_length=16)


class UserRow(SQLModel, table=True):
    __tablename__ = "account"

    username: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=16)
    hall: str | None = Field(default=None, max_length=32)
    password_hash: str = Field(max_length=256)
    created_at: datetime = _utc()
    token_generation: int = 0  # tokens of an older generation are revoked
    disabled: bool = False


class DeviceRow(SQLModel, table=True):
    __tablename__ = "device"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    hall: str | None = Field(default=None, max_length=32)
    token_hash: str = Field(max_length=128, unique=True)
    created_at: datetime = _utc()
    window: int | None = None  # a rating device rates the visitors of this window only


class PrintJobRow(SQLModel, table=True):
    __tablename__ = "print_job"
    __table_args__ = (
        Index("ix_print_job_pending", "printer", "state"),
        Index("ix_print_job_ticket", "ticket_id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    hall: str = Field(max_length=32)
    printer: str = Field(max_length=64)
    ticket_id: str = Field(max_length=40)
    number: str = Field(max_length=16)
    kiosk: str | None = Field(default=None, max_length=64)  # the kiosk that asked for it
    reprint: bool = False
    data: bytes
    state: str = Field(max_length=16)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _utc()
    expires_at: datetime = _utc()
    sent_at: datetime | None = _utc(default=None, nullable=True)
    printed_at: datetime | None = _utc(default=None, nullable=True)


class BookingRow(SQLModel, table=True):
    __tablename__ = "booking"
    __table_args__ = (
        Index("ix_booking_hall_slot", "hall", "slot_start"),
        Index("ix_booking_phone", "hall", "phone_hash"),
    )

    code: str = Field(primary_key=True, max_length=16)
    hall: str = Field(max_length=32)
    category: str = Field(max_length=32)
    slot_start: datetime = _utc()
    slot_end: datetime = _utc()
    created_at: datetime = _utc()
    created_by: str = Field(max_length=100)
    ticket_id: str | None = Field(default=None, max_length=40)
    number: str | None = Field(default=None, max_length=16)
    checked_in_at: datetime | None = _utc(default=None, nullable=True)
    # A visitor's booking (docs/PRIVACY.md): the phone's keyed hash, the number itself only with
    # consent to notifications; both erased by the retention job.
    phone_hash: str | None = Field(default=None, max_length=64)
    notify_phone: str | None = Field(default=None, max_length=32)
    language: str = Field(default="zh-CN", max_length=8)
    cancelled_at: datetime | None = _utc(default=None, nullable=True)


class OnlineClaimRow(SQLModel, table=True):
    """One online ticket taken with a phone number; only a keyed hash of the number is kept."""

    __tablename__ = "online_claim"
    __table_args__ = (Index("ix_online_claim_phone_day", "hall", "service_day", "phone_hash"),)

    ticket_id: str = Field(primary_key=True, max_length=40)
    hall: str = Field(max_length=32)
    service_day: date
    phone_hash: str = Field(max_length=64)
    created_at: datetime = _utc()


class SecretRow(SQLModel, table=True):
    __tablename__ = "server_secret"

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=256)


class WebhookRow(SQLModel, table=True):
    """An outside system's subscription to a hall's ledger events, with its delivery cursor."""

    __tablename__ = "webhook"

    id: str = Field(primary_key=True, max_length=40)
    hall: str = Field(max_length=32, index=True)
    url: str = Field(max_length=2000)
    events: list[str] = Field(sa_type=JSON)
    secret: str = Field(max_length=128)
    created_at: datetime = _utc()
    created_by: str = Field(max_length=100)
    delivered_seq: int
    enabled: bool = True
    attempts: int = 0
    failing_since: datetime | None = _utc(default=None, nullable=True)
    next_attempt_at: datetime | None = _utc(default=None, nullable=True)
    disabled_at: datetime | None = _utc(default=None, nullable=True)


class WebhookDeliveryRow(SQLModel, table=True):
    """The delivery log: one row per POST attempt."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_hook", "webhook", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook: str = Field(max_length=40)
    seq: int
    event_type: str = Field(max_length=40)
    attempt: int
    at: datetime = _utc()
    status: int | None = None
    error: str | None = Field(default=None, max_length=500)
    duration_ms: int


class VisitorContactRow(SQLModel, table=True):
    """A visitor's phone number, given with consent, for the notifications of one ticket."""

    __tablename__ = "visitor_contact"
    __table_args__ = (Index("ix_visitor_contact_day", "hall", "service_day"),)

    ticket_id: str = Field(primary_key=True, max_length=40)
    hall: str = Field(max_length=32)
    service_day: date
    phone: str = Field(max_length=32)
    language: str = Field(max_length=8)
    created_at: datetime = _utc()
    ahead_sent_at: datetime | None = _utc(default=None, nullable=True)
    called_sent_at: datetime | None = _utc(default=None, nullable=True)


class AuditRow(SQLModel, table=True):
    """One change made by staff outside a hall's ledger: accounts and devices (the audit page)."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc()
    actor: str = Field(max_length=80)
    kind: str = Field(max_length=40)
    hall: str | None = Field(default=None, max_length=32)
    subject: str = Field(max_length=64)  # the account's or the device's name
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
