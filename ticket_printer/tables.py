"""This package's tables, in the queue server's database (created at startup if missing)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Table
from sqlmodel import Field, SQLModel

from queue_server.storage.tables import UTCDateTime


def _utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for the printer's agent (or for the printer to be fixed)
    SENT = "sent"  # handed to the agent, not yet acknowledged
    PRINTED = "printed"
    FAILED = "failed"  # given up: not printed within print_within_s


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
    __table_args__ = (Index("ix_booking_hall_slot", "hall", "slot_start"),)

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


class OnlineClaimRow(SQLModel, table=True):
    """One online ticket taken with a phone number; only a keyed hash of the number is kept."""

    __tablename__ = "online_claim"
    __table_args__ = (Index("ix_online_claim_phone_day", "hall", "service_day", "phone_hash"),)

    ticket_id: str = Field(primary_key=True, max_length=40)
    hall: str = Field(max_length=32)
    service_day: date
    phone_hash: str = Field(max_length=64)
    created_at: datetime = _utc()


def table(model: type[SQLModel]) -> Table:
    result: Table = SQLModel.metadata.tables[str(model.__tablename__)]
    return result


PRINT_JOBS = table(PrintJobRow)
BOOKINGS = table(BookingRow)
ONLINE_CLAIMS = table(OnlineClaimRow)
TABLES = (PRINT_JOBS, BOOKINGS, ONLINE_CLAIMS)
