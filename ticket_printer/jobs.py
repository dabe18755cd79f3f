"""Durable print jobs: written before any printer sees them, so a restart or a dead agent loses
none; each job has one id for its whole life, which is what lets the agent print it only once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from ticket_printer.tables import PRINT_JOBS, JobState

_PENDING = (JobState.QUEUED.value, JobState.SENT.value)


@dataclass(frozen=True)
class PrintJob:
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


class JobStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, job: PrintJob) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(PRINT_JOBS.insert(), [_row(job)])

    async def get(self, job_id: str) -> PrintJob | None:
        async with self._engine.connect() as conn:
            row = (
                (await conn.execute(select(PRINT_JOBS).where(PRINT_JOBS.c.id == job_id)))
                .mappings()
                .first()
            )
        return None if row is None else _job(row)

    async def for_ticket(self, ticket_id: str) -> list[PrintJob]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(PRINT_JOBS)
                .where(PRINT_JOBS.c.ticket_id == ticket_id)
                .order_by(PRINT_JOBS.c.created_at)
            )
            return [_job(row) for row in rows.mappings()]

    async def pending(self, printer: str, now: datetime) -> list[PrintJob]:
        """Jobs the printer still owes, oldest first: queued, and sent but never acknowledged."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(PRINT_JOBS)
                .where(
                    PRINT_JOBS.c.printer == printer,
                    PRINT_JOBS.c.state.in_(_PENDING),
                    PRINT_JOBS.c.expires_at > now,
                )
                .order_by(PRINT_JOBS.c.created_at)
            )
            return [_job(row) for row in rows.mappings()]

    async def mark_sent(self, job_id: str, now: datetime) -> None:
        await self._set(
            job_id,
            _PENDING,
            state=JobState.SENT.value,
            sent_at=now,
            attempts=PRINT_JOBS.c.attempts + 1,
        )

    async def mark_printed(self, job_id: str, now: datetime) -> None:
        # From any state: an agent that printed a job we had given up on still printed it.
        states = tuple(s.value for s in JobState if s is not JobState.PRINTED)
        await self._set(job_id, states, state=JobState.PRINTED.value, printed_at=now, error=None)

    async def mark_retry(self, job_id: str, error: str) -> None:
        """The printer could not print it: back in the queue until the printer is fixed."""
        await self._set(job_id, _PENDING, state=JobState.QUEUED.value, error=error[:500])

    async def expire(self, now: datetime) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(PRINT_JOBS)
                .where(PRINT_JOBS.c.state.in_(_PENDING), PRINT_JOBS.c.expires_at <= now)
                .values(
                    state=JobState.FAILED.value,
                    error=func.coalesce(PRINT_JOBS.c.error, "not printed in time"),
                )
            )
            return int(result.rowcount)

    async def counts(self, hall: str) -> dict[tuple[str, str], int]:
        """(printer, state) -> number of jobs, for the hall's printer overview."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(PRINT_JOBS.c.printer, PRINT_JOBS.c.state, func.count())
                .where(PRINT_JOBS.c.hall == hall)
                .group_by(PRINT_JOBS.c.printer, PRINT_JOBS.c.state)
            )
            return {(printer, state): count for printer, state, count in rows}

    async def _set(self, job_id: str, states: tuple[str, ...], **values: Any) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                update(PRINT_JOBS)
                .where(PRINT_JOBS.c.id == job_id, PRINT_JOBS.c.state.in_(states))
                .values(**values)
            )


def _row(job: PrintJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "hall": job.hall,
        "printer": job.printer,
        "ticket_id": job.ticket_id,
        "number": job.number,
        "kiosk": job.kiosk,
        "reprint": job.reprint,
        "data": job.data,
        "state": job.state.value,
        "attempts": job.attempts,
        "error": job.error,
        "created_at": job.created_at,
        "expires_at": job.expires_at,
    }


def _job(row: Any) -> PrintJob:
    return PrintJob(
        id=row["id"],
        hall=row["hall"],
        printer=row["printer"],
        ticket_id=row["ticket_id"],
        number=row["number"],
        data=bytes(row["data"]),
        state=JobState(row["state"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        kiosk=row["kiosk"],
        reprint=bool(row["reprint"]),
        attempts=int(row["attempts"]),
        error=row["error"],
    )
