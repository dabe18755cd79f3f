"""The SQL store: SQLite (embedded, WAL, fsync on every commit) or PostgreSQL, via SQLModel."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Connection, Table, bindparam, delete, event, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import InterfaceError as SAInterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from queue_server.domain.events import Event, EventType
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.hall_document import read_hall, settings_after
from queue_server.domain.model import HallSpec, Ticket, TicketStatus
from queue_server.domain.transitions import TERMINAL_STATUSES
from queue_server.files import private_file
from queue_server.storage import migrate
from queue_server.storage.base import (
    AuditEntry,
    Booking,
    BookingAdmission,
    Catchup,
    DeliveryAttempt,
    DeviceRecord,
    HallRecord,
    JobState,
    LedgerEntry,
    NoticeKind,
    OnlineClaim,
    PrintJob,
    RatedTicket,
    RatingRecord,
    Recorded,
    Reply,
    StoreSetupFailed,
    StoreUnavailable,
    TicketLedger,
    UserRecord,
    VisitorContact,
    Webhook,
)
from queue_server.storage.leases import Leases
from queue_server.storage.rows import (
    event_from_row,
    ledger_row,
    ticket_from_row,
    ticket_row,
    window_from_row,
    window_row,
)
from queue_server.storage.tables import (
    AuditRow,
    BookingRow,
    CounterRow,
    DeviceRow,
    HallRow,
    HallSeqRow,
    IdempotencyRow,
    LedgerRow,
    OnlineClaimRow,
    PrintJobRow,
    RatingRow,
    SecretRow,
    TicketRow,
    UserRow,
    UTCDateTime,
    VisitorContactRow,
    WebhookDeliveryRow,
    WebhookRow,
    WindowRow,
)

_TICKETS: Table = TicketRow.metadata.tables[TicketRow.__tablename__]
_WINDOWS: Table = WindowRow.metadata.tables[WindowRow.__tablename__]
_COUNTERS: Table = CounterRow.metadata.tables[CounterRow.__tablename__]
_LEDGER: Table = LedgerRow.metadata.tables[LedgerRow.__tablename__]
_USERS: Table = UserRow.metadata.tables[UserRow.__tablename__]
_DEVICES: Table = DeviceRow.metadata.tables[DeviceRow.__tablename__]
_AUDIT: Table = AuditRow.metadata.tables[AuditRow.__tablename__]
_SECRETS: Table = SecretRow.metadata.tables[SecretRow.__tablename__]
_HALL_SEQ: Table = HallSeqRow.metadata.tables[HallSeqRow.__tablename__]
_HALLS: Table = HallRow.metadata.tables[HallRow.__tablename__]
_KEYS: Table = IdempotencyRow.metadata.tables[IdempotencyRow.__tablename__]
# One statement for every commit: `_SqliteStatement.of` is cached by statement, and a fresh
# insert at each commit was compiled again (0.5 ms of the event loop's time a clerk's step)
# and kept for ever (memory growing with every step that carried a key).
_KEYS_INSERT = _KEYS.insert()
_RATINGS: Table = RatingRow.metadata.tables[RatingRow.__tablename__]
_PRINT_JOBS: Table = PrintJobRow.metadata.tables[PrintJobRow.__tablename__]
_BOOKINGS: Table = BookingRow.metadata.tables[BookingRow.__tablename__]
_CLAIMS: Table = OnlineClaimRow.metadata.tables[OnlineClaimRow.__tablename__]
_CONTACTS: Table = VisitorContactRow.metadata.tables[VisitorContactRow.__tablename__]
_WEBHOOKS: Table = WebhookRow.metadata.tables[WebhookRow.__tablename__]
_DELIVERIES: Table = WebhookDeliveryRow.metadata.tables[WebhookDeliveryRow.__tablename__]
# The advisory-lock namespace of a hall's visitor bookings (Store.book).
_BOOKING_LOCKS = "onewindow.booking"
_PROGRESS = ("delivered_seq", "enabled", "attempts", "failing_since", "next_attempt_at", "disabled_at")
_PENDING = (JobState.QUEUED.value, JobState.SENT.value)
_CHUNK = 500  # ticket ids per IN (...) query: well under SQLite's bound-parameter limit
# PoolTimeout: every connection busy for POOL_WAIT_S; the caller is answered 503, to retry.
_UNAVAILABLE = (OperationalError, SAInterfaceError, OSError, ConnectionError, PoolTimeout)
# PostgreSQL connections of one process: those kept open, and those opened for a burst on top.
POOL_SIZE, POOL_OVERFLOW = 10, 10
# A request waits this long for a connection, then hears the store is busy (503), not a hang.
POOL_WAIT_S = 10.0
# At most this many halls take turns at once (Store.exclusive): a turn holds its connection
# while the batch in it takes a second one. Unbounded, 20 halls taking turns at once held the
# whole pool and each waited for a second connection that none could give back: every read of
# the process stood still for POOL_WAIT_S (a city of 100 halls served by 2 processes).
TURNS_AT_MOST = (POOL_SIZE + POOL_OVERFLOW) // 2


def async_url(url: str) -> str:
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    return url


class SqlStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: AsyncEngine | None = None
        self._sqlite_commits: _SqliteCommits | None = None
        self._leases: Leases | None = None
        self._turns = asyncio.Semaphore(TURNS_AT_MOST)

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("store not started")
        return self._engine

    async def start(self) -> None:
        url = async_url(self.url)
        if url.startswith("sqlite+aiosqlite:///"):
            path = url.removeprefix("sqlite+aiosqlite:///")
            if path != ":memory:":
                private_file(Path(path))  # it holds the token-signing key and password hashes
            engine = create_async_engine(url, connect_args={"timeout": 30})
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
            if path != ":memory:":
                self._sqlite_commits = _SqliteCommits(path)
        else:
            engine = create_async_engine(
                url,
                pool_size=POOL_SIZE,
                max_overflow=POOL_OVERFLOW,
                pool_timeout=POOL_WAIT_S,
                pool_pre_ping=True,
            )
            self._leases = Leases(engine, _UNAVAILABLE)
        self._engine = engine
        try:
            async with self._begin() as conn:
                await conn.run_sync(migrate.upgrade)
        except (SQLAlchemyError, CommandError) as exc:
            # Not reachable is StoreUnavailable already; this is a schema a migration cannot
            # bring to this version (a revision unknown to it, a table in the way).
            raise StoreSetupFailed(f"the schema could not be migrated: {exc}") from exc

    async def schema_revision(self) -> str | None:
        async with self._connect() as conn:
            return await conn.run_sync(migrate.current_revision)

    async def close(self) -> None:
        if self._sqlite_commits is not None:
            self._sqlite_commits.close()
            self._sqlite_commits = None
        if self._leases is not None:
            await self._leases.close()
            self._leases = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    # ---- the live queue -------------------------------------------------------------

    async def load_hall(self, spec: HallSpec, today: date, recent: int) -> HallState:
        live = [s.value for s in TicketStatus if s not in TERMINAL_STATUSES]
        async with self._connect() as conn:
            # The seq first: rows read after it are never older than it says (another
            # process may commit meanwhile; a newer row is caught up on again, never missed).
            seq = (
                await conn.execute(select(func.max(_LEDGER.c.seq)).where(_LEDGER.c.hall == spec.id))
            ).scalar()
            tickets = (
                await conn.execute(
                    select(_TICKETS).where(
                        _TICKETS.c.hall == spec.id,
                        or_(_TICKETS.c.service_day >= today, _TICKETS.c.status.in_(live)),
                    )
                )
            ).mappings()
            loaded_tickets = [ticket_from_row(row) for row in tickets]
            windows = (await conn.execute(select(_WINDOWS).where(_WINDOWS.c.hall == spec.id))).mappings()
            known = {row["number"]: row for row in windows}
            counters = (
                await conn.execute(
                    select(_COUNTERS).where(_COUNTERS.c.hall == spec.id, _COUNTERS.c.service_day >= today)
                )
            ).mappings()
            loaded_counters = {(row["category"], row["service_day"]): row["last"] for row in counters}
            events = await self._recent(conn, spec.id, recent)
            # Today's alerts as well, however far back: the hall remembers which it has raised.
            day_start = datetime.combine(today, time.min, tzinfo=spec.timezone)
            alerts = await conn.execute(
                select(_LEDGER)
                .where(
                    _LEDGER.c.hall == spec.id,
                    _LEDGER.c.type == EventType.HALL_ALERT.value,
                    _LEDGER.c.at >= day_start,
                )
                .order_by(_LEDGER.c.seq)
            )
            known_seqs = {event.seq for event in events}
            earlier = [e for e in map(event_from_row, alerts.mappings()) if e.seq not in known_seqs]
            spec = await self._configured(conn, spec)
        loaded_windows = [window_from_row(known[ws.number], ws) for ws in spec.windows if ws.number in known]
        return HallState(
            spec,
            tickets=loaded_tickets,
            windows=loaded_windows,
            counters=loaded_counters,
            seq=seq or 0,
            recent_events=[*earlier, *events],
            today=today,
        )

    async def commit(self, outcomes: Sequence[Outcome], replies: Sequence[Reply] = ()) -> None:
        """Idempotent and order-proof: rows carry the seq of their last change, an upsert
        only replaces an older row, and a ledger entry already written is left alone, so a
        late or repeated write never undoes a newer one."""
        rows = _Rows.of(outcomes, replies)
        if rows is None:
            return
        if self._sqlite_commits is not None:
            await self._sqlite_commits.write(rows)
            return
        # One transaction, one executemany per table with statements built once.
        async with self._begin() as conn:
            await conn.run_sync(rows.write)

    async def append(self, outcomes: Sequence[Outcome], base_seq: int, replies: Sequence[Reply]) -> bool:
        rows = _Rows.of(outcomes, replies)
        if rows is None:
            return True
        hall, seq = rows.ledger[0]["hall"], rows.ledger[-1]["seq"]
        try:
            async with self._begin() as conn:
                # First, so that concurrent batches of a hall queue on its row and all but
                # the first find it moved.
                moved = await conn.execute(
                    _seq_move(conn.dialect.name), {"hall": hall, "seq": seq, "base": base_seq}
                )
                if moved.rowcount != 1:
                    raise _Stale(hall)
                await conn.run_sync(rows.write)
        except _Stale:
            return False
        except IntegrityError:
            return False  # a ledger seq or a key another process committed: catch up first
        return True

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """One of the TURNS_AT_MOST places, waited for as long as a connection would be: with
        every place held by turns stuck behind a peer's lock, a request hears 503, not nothing."""
        try:
            async with asyncio.timeout(POOL_WAIT_S):
                await self._turns.acquire()
        except TimeoutError as exc:
            raise StoreUnavailable(
                f"no turn free within {POOL_WAIT_S} s ({TURNS_AT_MOST} halls in theirs)"
            ) from exc
        try:
            yield
        finally:
            self._turns.release()

    @contextlib.asynccontextmanager
    async def exclusive(self, hall: str) -> AsyncIterator[None]:
        async with self._turn(), self._connect() as conn:
            if conn.dialect.name != "postgresql":
                yield  # SQLite: one writer at a time anyway
                return
            await conn.execute(text("SELECT pg_advisory_lock(hashtext(:hall))"), {"hall": hall})
            try:
                yield
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(hashtext(:hall))"), {"hall": hall})

    async def committed_seq(self, hall: str) -> int:
        async with self._connect() as conn:
            seq = (await conn.execute(select(_HALL_SEQ.c.seq).where(_HALL_SEQ.c.hall == hall))).scalar()
            if seq is None:  # a store written before the hall_seq row existed
                seq = (
                    await conn.execute(select(func.max(_LEDGER.c.seq)).where(_LEDGER.c.hall == hall))
                ).scalar()
        return int(seq or 0)

    async def steps_after(self, spec: HallSpec, after: int, limit: int) -> Catchup | None:
        async with self._connect() as conn:
            # Events first, rows after: rows are then never older than the events say (at
            # worst newer, which the next compare-and-set notices).
            events = await self._events_after(conn, spec.id, after, limit + 1)
            if len(events) > limit:
                return None
            if not events:
                return Catchup(Outcome(), [])
            spec = settings_after(spec, events)  # the windows as the caught-up settings have them
            tickets = [
                ticket_from_row(row)
                for row in (
                    await conn.execute(
                        select(_TICKETS).where(_TICKETS.c.hall == spec.id, _TICKETS.c.seq > after)
                    )
                ).mappings()
            ]
            windows = {
                row["number"]: row
                for row in (
                    await conn.execute(
                        select(_WINDOWS).where(_WINDOWS.c.hall == spec.id, _WINDOWS.c.seq > after)
                    )
                ).mappings()
            }
            days = {t.service_day for t in tickets}
            counters: Any = (
                (
                    await conn.execute(
                        select(_COUNTERS).where(
                            _COUNTERS.c.hall == spec.id, _COUNTERS.c.service_day.in_(days)
                        )
                    )
                ).mappings()
                if days
                else []
            )
            replies = await conn.execute(select(_KEYS).where(_KEYS.c.hall == spec.id, _KEYS.c.seq > after))
            outcome = Outcome(
                events=events,
                tickets={t.id: t for t in tickets},
                windows={
                    ws.number: window_from_row(windows[ws.number], ws)
                    for ws in spec.windows
                    if ws.number in windows
                },
                counters={(row["category"], row["service_day"]): row["last"] for row in counters},
            )
            return Catchup(outcome, [_reply(row) for row in replies.mappings()])

    async def events_after(self, hall: str, after: int, limit: int) -> list[Event]:
        async with self._connect() as conn:
            return await self._events_after(conn, hall, after, limit)

    async def replies(self, hall: str, since: datetime) -> list[Reply]:
        async with self._connect() as conn:
            rows = await conn.execute(select(_KEYS).where(_KEYS.c.hall == hall, _KEYS.c.created_at >= since))
            return [_reply(row) for row in rows.mappings()]

    async def recent_events(self, hall: str, limit: int) -> list[Event]:
        async with self._connect() as conn:
            return await self._recent(conn, hall, limit)

    async def ticket_events(self, hall: str, ticket_id: str) -> list[Event]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_LEDGER)
                .where(_LEDGER.c.hall == hall, _LEDGER.c.ticket == ticket_id)
                .order_by(_LEDGER.c.seq)
            )
            return [event_from_row(row) for row in rows.mappings()]

    async def get_ticket(self, hall: str, ticket_id: str) -> Ticket | None:
        async with self._connect() as conn:
            row = (
                (
                    await conn.execute(
                        select(_TICKETS).where(_TICKETS.c.hall == hall, _TICKETS.c.id == ticket_id)
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else ticket_from_row(row)

    async def events_since(self, hall: str, start: datetime, types: Sequence[str]) -> list[Event]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_LEDGER)
                .where(_LEDGER.c.hall == hall, _LEDGER.c.at >= start, _LEDGER.c.type.in_(list(types)))
                .order_by(_LEDGER.c.seq)
            )
            return [event_from_row(row) for row in rows.mappings()]

    # ---- reports ---------------------------------------------------------------------

    async def ticket_ledger(self, hall: str, first: date, last: date) -> TicketLedger:
        data = _LEDGER.c.data
        columns = [
            _LEDGER.c.seq,
            _LEDGER.c.type,
            _LEDGER.c.at,
            _LEDGER.c.actor,
            _LEDGER.c.window,
            _LEDGER.c.ticket,
            data["ticket"]["category"].as_string().label("category"),
            data["ticket"]["priority"].as_string().label("priority"),
            data["to_category"].as_string().label("to_category"),
        ]
        entries: dict[str, list[LedgerEntry]] = {}
        ratings: dict[str, tuple[int, str | None]] = {}
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_TICKETS.c.id).where(
                    _TICKETS.c.hall == hall,
                    _TICKETS.c.service_day >= first,
                    _TICKETS.c.service_day <= last,
                )
            )
            ids = [r[0] for r in rows]
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                rows = await conn.execute(
                    select(*columns)
                    .where(_LEDGER.c.hall == hall, _LEDGER.c.ticket.in_(chunk))
                    .order_by(_LEDGER.c.seq)
                )
                for row in rows.mappings():
                    entries.setdefault(row["ticket"], []).append(LedgerEntry(**row))
                rows = await conn.execute(
                    select(_RATINGS.c.ticket, _RATINGS.c.level, _RATINGS.c.reason).where(
                        _RATINGS.c.ticket.in_(chunk)
                    )
                )
                for ticket_id, level, reason in rows:
                    if level is not None and 1 <= int(level) <= 5:
                        ratings[str(ticket_id)] = (int(level), reason or None)
        return TicketLedger(ids, entries, ratings)

    # ---- print jobs ------------------------------------------------------------------

    async def recorded_since(self, hall: str, day: date, at: datetime) -> Recorded:
        async with self._connect() as conn:
            tickets = (
                await conn.execute(
                    select(func.count())
                    .select_from(_TICKETS)
                    .where(_TICKETS.c.hall == hall, _TICKETS.c.service_day >= day)
                )
            ).scalar()
            steps = (
                await conn.execute(
                    select(func.count())
                    .select_from(_LEDGER)
                    .where(_LEDGER.c.hall == hall, _LEDGER.c.at >= at)
                )
            ).scalar()
        return Recorded(tickets=int(tickets or 0), steps=int(steps or 0))

    async def add_print_job(self, job: PrintJob) -> None:
        async with self._begin() as conn:
            await conn.execute(_PRINT_JOBS.insert(), [{**job.__dict__, "state": job.state.value}])

    async def print_job(self, job_id: str) -> PrintJob | None:
        async with self._connect() as conn:
            rows = await conn.execute(select(_PRINT_JOBS).where(_PRINT_JOBS.c.id == job_id))
            row = rows.mappings().first()
        return None if row is None else _print_job(row)

    async def print_jobs_of_ticket(self, ticket_id: str) -> list[PrintJob]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_PRINT_JOBS)
                .where(_PRINT_JOBS.c.ticket_id == ticket_id)
                .order_by(_PRINT_JOBS.c.created_at)
            )
            return [_print_job(row) for row in rows.mappings()]

    async def pending_print_jobs(self, printer: str, now: datetime) -> list[PrintJob]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_PRINT_JOBS)
                .where(
                    _PRINT_JOBS.c.printer == printer,
                    _PRINT_JOBS.c.state.in_(_PENDING),
                    _PRINT_JOBS.c.expires_at > now,
                )
                .order_by(_PRINT_JOBS.c.created_at)
            )
            return [_print_job(row) for row in rows.mappings()]

    async def print_job_sent(self, job_id: str, now: datetime) -> None:
        await self._set_print_job(
            job_id, _PENDING, state=JobState.SENT.value, sent_at=now, attempts=_PRINT_JOBS.c.attempts + 1
        )

    async def print_job_printed(self, job_id: str, now: datetime) -> None:
        states = tuple(s.value for s in JobState if s is not JobState.PRINTED)
        await self._set_print_job(job_id, states, state=JobState.PRINTED.value, printed_at=now, error=None)

    async def print_job_retry(self, job_id: str, error: str) -> None:
        await self._set_print_job(job_id, _PENDING, state=JobState.QUEUED.value, error=error[:500])

    async def expire_print_jobs(self, now: datetime) -> int:
        async with self._begin() as conn:
            result = await conn.execute(
                _PRINT_JOBS.update()
                .where(_PRINT_JOBS.c.state.in_(_PENDING), _PRINT_JOBS.c.expires_at <= now)
                .values(
                    state=JobState.FAILED.value,
                    error=func.coalesce(_PRINT_JOBS.c.error, "not printed in time"),
                )
            )
            return int(result.rowcount)

    async def print_job_counts(self, hall: str) -> dict[tuple[str, str], int]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_PRINT_JOBS.c.printer, _PRINT_JOBS.c.state, func.count())
                .where(_PRINT_JOBS.c.hall == hall)
                .group_by(_PRINT_JOBS.c.printer, _PRINT_JOBS.c.state)
            )
            return {(printer, state): count for printer, state, count in rows}

    async def _set_print_job(self, job_id: str, states: tuple[str, ...], **values: Any) -> None:
        async with self._begin() as conn:
            await conn.execute(
                _PRINT_JOBS.update()
                .where(_PRINT_JOBS.c.id == job_id, _PRINT_JOBS.c.state.in_(states))
                .values(**values)
            )

    # ---- bookings and online claims --------------------------------------------------

    async def add_booking(self, booking: Booking, created_by: str, now: datetime) -> bool:
        row = {**booking.__dict__, "created_by": created_by, "created_at": now}
        try:
            async with self._begin() as conn:
                await conn.execute(_BOOKINGS.insert(), [row])
        except IntegrityError:
            return False
        return True

    async def book(
        self, booking: Booking, created_by: str, now: datetime, since: datetime, admit: BookingAdmission
    ) -> bool:
        row = {**booking.__dict__, "created_by": created_by, "created_at": now}
        try:
            async with self._begin() as conn:
                await _lock_bookings(conn, booking.hall)
                taken = await conn.execute(
                    select(func.count()).where(
                        _BOOKINGS.c.hall == booking.hall,
                        _BOOKINGS.c.category == booking.category,
                        _BOOKINGS.c.slot_start == booking.slot_start,
                        _BOOKINGS.c.cancelled_at.is_(None),
                    )
                )
                earlier: list[Booking] = []
                if booking.phone_hash is not None:
                    rows = await conn.execute(
                        select(_BOOKINGS)
                        .where(
                            _BOOKINGS.c.hall == booking.hall,
                            _BOOKINGS.c.phone_hash == booking.phone_hash,
                            _BOOKINGS.c.slot_end > since,
                        )
                        .order_by(_BOOKINGS.c.slot_start)
                    )
                    earlier = [_booking(r) for r in rows.mappings()]
                admit(int(taken.scalar() or 0), earlier)
                await conn.execute(_BOOKINGS.insert(), [row])
        except IntegrityError:
            return False
        return True

    async def booked_places(
        self, hall: str, category: str, start: datetime, end: datetime
    ) -> dict[datetime, int]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_BOOKINGS.c.slot_start, func.count())
                .where(
                    _BOOKINGS.c.hall == hall,
                    _BOOKINGS.c.category == category,
                    _BOOKINGS.c.slot_start >= start,
                    _BOOKINGS.c.slot_start < end,
                    _BOOKINGS.c.cancelled_at.is_(None),
                )
                .group_by(_BOOKINGS.c.slot_start)
            )
            return {slot: int(count) for slot, count in rows}

    async def bookings_between(self, hall: str, start: datetime, end: datetime) -> list[Booking]:
        return await self._bookings(
            _BOOKINGS.c.hall == hall, _BOOKINGS.c.slot_start >= start, _BOOKINGS.c.slot_start < end
        )

    async def bookings_of_phone(
        self, hall: str, phone_hash: str, start: datetime, end: datetime
    ) -> list[Booking]:
        return await self._bookings(
            _BOOKINGS.c.hall == hall,
            _BOOKINGS.c.phone_hash == phone_hash,
            _BOOKINGS.c.slot_start >= start,
            _BOOKINGS.c.slot_start < end,
        )

    async def _bookings(self, *where: Any) -> list[Booking]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_BOOKINGS).where(*where).order_by(_BOOKINGS.c.slot_start, _BOOKINGS.c.code)
            )
            return [_booking(r) for r in rows.mappings()]

    async def get_booking(self, hall: str, code: str) -> Booking | None:
        found = await self._bookings(_BOOKINGS.c.hall == hall, _BOOKINGS.c.code == code)
        return found[0] if found else None

    async def cancel_booking(self, hall: str, code: str, now: datetime, claims_before: datetime) -> bool:
        return await self._unused_booking(hall, code, claims_before, cancelled_at=now)

    async def claim_booking(self, hall: str, code: str, now: datetime, claims_before: datetime) -> bool:
        return await self._unused_booking(hall, code, claims_before, checked_in_at=now)

    async def _unused_booking(self, hall: str, code: str, claims_before: datetime, **values: Any) -> bool:
        """One conditional UPDATE of a booking nobody used, cancelled or is checking in: of
        two callers at once, on any process, only one changes the row."""
        async with self._begin() as conn:
            result = await conn.execute(
                _BOOKINGS.update()
                .where(
                    _BOOKINGS.c.hall == hall,
                    _BOOKINGS.c.code == code,
                    _BOOKINGS.c.ticket_id.is_(None),
                    _BOOKINGS.c.cancelled_at.is_(None),
                    or_(_BOOKINGS.c.checked_in_at.is_(None), _BOOKINGS.c.checked_in_at < claims_before),
                )
                .values(**values)
            )
            return bool(result.rowcount)

    async def release_booking(self, code: str, claimed_at: datetime) -> None:
        async with self._begin() as conn:
            await conn.execute(
                _BOOKINGS.update()
                .where(
                    _BOOKINGS.c.code == code,
                    _BOOKINGS.c.ticket_id.is_(None),
                    _BOOKINGS.c.checked_in_at == claimed_at,
                )
                .values(checked_in_at=None)
            )

    async def erase_booking_phones(self, hall: str, hashes_before: datetime, numbers_before: datetime) -> int:
        async with self._begin() as conn:
            hashes = await conn.execute(
                _BOOKINGS.update()
                .where(
                    _BOOKINGS.c.hall == hall,
                    _BOOKINGS.c.slot_end < hashes_before,
                    _BOOKINGS.c.phone_hash.is_not(None),
                )
                .values(phone_hash=None)
            )
            numbers = await conn.execute(
                _BOOKINGS.update()
                .where(
                    _BOOKINGS.c.hall == hall,
                    _BOOKINGS.c.slot_end < numbers_before,
                    _BOOKINGS.c.notify_phone.is_not(None),
                )
                .values(notify_phone=None)
            )
            return int(hashes.rowcount) + int(numbers.rowcount)

    async def use_booking(self, code: str, ticket_id: str, number: str, now: datetime) -> bool:
        async with self._begin() as conn:
            result = await conn.execute(
                _BOOKINGS.update()
                .where(
                    _BOOKINGS.c.code == code,
                    _BOOKINGS.c.ticket_id.is_(None),
                    _BOOKINGS.c.cancelled_at.is_(None),
                )
                .values(ticket_id=ticket_id, number=number, checked_in_at=now)
            )
            return bool(result.rowcount)

    async def online_claims(self, hall: str, day: date, phone_hash: str) -> int:
        async with self._connect() as conn:
            result = await conn.execute(
                select(func.count()).where(
                    _CLAIMS.c.hall == hall,
                    _CLAIMS.c.service_day == day,
                    _CLAIMS.c.phone_hash == phone_hash,
                )
            )
            return int(result.scalar() or 0)

    async def add_online_claim(self, claim: OnlineClaim) -> None:
        async with self._begin() as conn:
            await conn.execute(_CLAIMS.insert(), [claim.__dict__])

    async def erase_online_claims(self, hall: str, before: datetime) -> int:
        async with self._begin() as conn:
            result = await conn.execute(
                delete(_CLAIMS).where(_CLAIMS.c.hall == hall, _CLAIMS.c.created_at < before)
            )
            return int(result.rowcount)

    # ---- ratings --------------------------------------------------------------------

    async def add_rating(self, rating: RatingRecord) -> bool:
        try:
            async with self._begin() as conn:
                await conn.execute(_RATINGS.insert(), [rating.__dict__])
        except IntegrityError:
            return False
        return True

    async def remove_rating(self, ticket: str) -> None:
        async with self._begin() as conn:
            await conn.execute(_RATINGS.delete().where(_RATINGS.c.ticket == ticket))

    async def ratings_since(self, hall: str, start: datetime) -> list[RatingRecord]:
        async with self._connect() as conn:
            rows = await conn.execute(select(_RATINGS).where(_RATINGS.c.hall == hall, _RATINGS.c.at >= start))
            return [RatingRecord(**{k: v for k, v in row.items() if k != "id"}) for row in rows.mappings()]

    async def rated_tickets(self, hall: str, start: datetime, end: datetime) -> list[RatedTicket]:
        query = (
            select(_RATINGS, _TICKETS.c.number.label("ticket_number"), _TICKETS.c.category.label("category"))
            .select_from(_RATINGS.outerjoin(_TICKETS, _TICKETS.c.id == _RATINGS.c.ticket))
            .where(_RATINGS.c.hall == hall, _RATINGS.c.at >= start, _RATINGS.c.at < end)
            .order_by(_RATINGS.c.at, _RATINGS.c.id)
        )
        fields = [c.name for c in _RATINGS.columns if c.name != "id"]
        async with self._connect() as conn:
            rows = (await conn.execute(query)).mappings()
            return [
                RatedTicket(
                    RatingRecord(**{name: row[name] for name in fields}),
                    row["ticket_number"],
                    row["category"],
                )
                for row in rows
            ]

    # ---- accounts and devices -------------------------------------------------------

    async def add_user(self, user: UserRecord) -> None:
        async with self._begin() as conn:
            await _upsert(conn, _USERS, [user.__dict__], ["username"])

    async def get_user(self, username: str) -> UserRecord | None:
        async with self._connect() as conn:
            row = (await conn.execute(select(_USERS).where(_USERS.c.username == username))).mappings().first()
        return None if row is None else UserRecord(**row)

    async def list_users(self) -> list[UserRecord]:
        async with self._connect() as conn:
            rows = await conn.execute(select(_USERS).order_by(_USERS.c.username))
            return [UserRecord(**row) for row in rows.mappings()]

    async def add_device(self, device: DeviceRecord) -> None:
        async with self._begin() as conn:
            await conn.execute(_DEVICES.insert(), [device.__dict__])

    async def device_by_token_hash(self, token_hash: str) -> DeviceRecord | None:
        async with self._connect() as conn:
            row = (
                (await conn.execute(select(_DEVICES).where(_DEVICES.c.token_hash == token_hash)))
                .mappings()
                .first()
            )
        return None if row is None else DeviceRecord(**row)

    async def list_devices(self, hall: str) -> list[DeviceRecord]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_DEVICES).where(_DEVICES.c.hall == hall).order_by(_DEVICES.c.kind, _DEVICES.c.name)
            )
            return [DeviceRecord(**row) for row in rows.mappings()]

    async def remove_device(self, hall: str, name: str) -> bool:
        async with self._begin() as conn:
            result = await conn.execute(
                delete(_DEVICES).where(_DEVICES.c.hall == hall, _DEVICES.c.name == name)
            )
        return bool(result.rowcount)

    async def get_device(self, device_id: str) -> DeviceRecord | None:
        async with self._connect() as conn:
            row = (await conn.execute(select(_DEVICES).where(_DEVICES.c.id == device_id))).mappings().first()
        return None if row is None else DeviceRecord(**row)

    async def save_device(self, device: DeviceRecord) -> None:
        async with self._begin() as conn:
            await conn.execute(
                _DEVICES.update()
                .where(_DEVICES.c.id == device.id)
                .values(name=device.name, token_hash=device.token_hash)
            )

    async def forget_device(self, device_id: str) -> bool:
        async with self._begin() as conn:
            result = await conn.execute(delete(_DEVICES).where(_DEVICES.c.id == device_id))
        return bool(result.rowcount)

    # ---- the set of halls ---------------------------------------------------------------

    async def halls(self) -> list[HallRecord]:
        async with self._connect() as conn:
            rows = await conn.execute(select(_HALLS).order_by(_HALLS.c.created_at, _HALLS.c.id))
            return [HallRecord(**row) for row in rows.mappings()]

    async def seed_halls(self, halls: Sequence[str], at: datetime) -> None:
        if not halls:
            return
        async with self._begin() as conn:
            statement = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(_HALLS)
            await conn.execute(
                statement.on_conflict_do_nothing(index_elements=["id"]),
                [{"id": hall, "created_at": at, "retired_at": None} for hall in halls],
            )

    async def add_hall(self, hall: str, at: datetime, first: Outcome) -> bool:
        rows = _Rows.of([first], [])
        try:
            async with self._begin() as conn:
                await conn.execute(_HALLS.insert(), [{"id": hall, "created_at": at, "retired_at": None}])
                if rows is not None:
                    await conn.run_sync(rows.write)
        except IntegrityError:
            return False
        return True

    async def retire_hall(self, hall: str, at: datetime) -> None:
        async with self._begin() as conn:
            await conn.execute(
                _HALLS.update()
                .where(_HALLS.c.id == hall, _HALLS.c.retired_at.is_(None))
                .values(retired_at=at)
            )

    async def configured_settings(self, hall: str) -> dict[str, Any] | None:
        async with self._connect() as conn:
            return await self._newest_settings(conn, hall)

    async def add_audit(self, entry: AuditEntry) -> None:
        async with self._begin() as conn:
            await conn.execute(_AUDIT.insert(), [entry.__dict__])

    async def audit(self, start: datetime, end: datetime) -> list[AuditEntry]:
        fields = [c for c in _AUDIT.columns if c.name != "id"]
        async with self._connect() as conn:
            rows = await conn.execute(
                select(*fields)
                .where(_AUDIT.c.at >= start, _AUDIT.c.at < end)
                .order_by(_AUDIT.c.at.desc(), _AUDIT.c.id.desc())
            )
            return [AuditEntry(**row) for row in rows.mappings()]

    # ---- webhooks ---------------------------------------------------------------------

    async def add_webhook(self, webhook: Webhook) -> None:
        async with self._begin() as conn:
            await conn.execute(_WEBHOOKS.insert(), [{**webhook.__dict__, "events": list(webhook.events)}])

    async def webhooks(self, hall: str | None = None) -> list[Webhook]:
        query = select(_WEBHOOKS).order_by(_WEBHOOKS.c.created_at, _WEBHOOKS.c.id)
        if hall is not None:
            query = query.where(_WEBHOOKS.c.hall == hall)
        async with self._connect() as conn:
            return [_webhook(row) for row in (await conn.execute(query)).mappings()]

    async def get_webhook(self, webhook_id: str) -> Webhook | None:
        async with self._connect() as conn:
            rows = await conn.execute(select(_WEBHOOKS).where(_WEBHOOKS.c.id == webhook_id))
            row = rows.mappings().first()
        return None if row is None else _webhook(row)

    async def remove_webhook(self, hall: str, webhook_id: str) -> bool:
        async with self._begin() as conn:
            result = await conn.execute(
                delete(_WEBHOOKS).where(_WEBHOOKS.c.hall == hall, _WEBHOOKS.c.id == webhook_id)
            )
            if result.rowcount:
                await conn.execute(delete(_DELIVERIES).where(_DELIVERIES.c.webhook == webhook_id))
        return bool(result.rowcount)

    async def save_webhook_progress(
        self, webhook: Webhook, previous_seq: int, attempts: Sequence[DeliveryAttempt]
    ) -> bool:
        async with self._begin() as conn:
            result = await conn.execute(
                _WEBHOOKS.update()
                .where(_WEBHOOKS.c.id == webhook.id, _WEBHOOKS.c.delivered_seq == previous_seq)
                .values({name: getattr(webhook, name) for name in _PROGRESS})
            )
            if not result.rowcount:
                return False
            if attempts:
                await conn.execute(_DELIVERIES.insert(), [a.__dict__ for a in attempts])
        return True

    async def delivery_attempts(self, webhook_id: str, limit: int) -> list[DeliveryAttempt]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_DELIVERIES)
                .where(_DELIVERIES.c.webhook == webhook_id)
                .order_by(_DELIVERIES.c.id.desc())
                .limit(limit)
            )
            return [DeliveryAttempt(**{k: v for k, v in row.items() if k != "id"}) for row in rows.mappings()]

    async def prune_delivery_attempts(self, before: datetime) -> int:
        async with self._begin() as conn:
            result = await conn.execute(_DELIVERIES.delete().where(_DELIVERIES.c.at < before))
            return int(result.rowcount or 0)

    @contextlib.asynccontextmanager
    async def delivery_lease(self, name: str) -> AsyncIterator[bool]:
        if self._leases is None:
            yield True  # SQLite: the embedded server is one process
            return
        if not await self._leases.take(name):
            yield False
            return
        try:
            yield True
        finally:
            await self._leases.give_back(name)

    # ---- visitor notifications --------------------------------------------------------

    async def add_visitor_contact(self, contact: VisitorContact) -> None:
        async with self._begin() as conn:
            await conn.execute(_CONTACTS.insert(), [contact.__dict__])

    async def visitor_contacts(self, hall: str, day: date) -> list[VisitorContact]:
        async with self._connect() as conn:
            rows = await conn.execute(
                select(_CONTACTS)
                .where(
                    _CONTACTS.c.hall == hall,
                    _CONTACTS.c.service_day == day,
                    _CONTACTS.c.called_sent_at.is_(None),
                )
                .order_by(_CONTACTS.c.created_at)
            )
            return [VisitorContact(**row) for row in rows.mappings()]

    async def erase_visitor_contacts(self, hall: str, before: date) -> int:
        async with self._begin() as conn:
            result = await conn.execute(
                delete(_CONTACTS).where(_CONTACTS.c.hall == hall, _CONTACTS.c.service_day < before)
            )
        return int(result.rowcount)

    async def visitor_notified(self, ticket_id: str, kind: NoticeKind, at: datetime) -> None:
        column = "called_sent_at" if kind is NoticeKind.CALLED else "ahead_sent_at"
        async with self._begin() as conn:
            await conn.execute(
                _CONTACTS.update().where(_CONTACTS.c.ticket_id == ticket_id).values({column: at})
            )

    async def secret(self, name: str, make: str) -> str:
        try:
            async with self._begin() as conn:
                await conn.execute(_SECRETS.insert(), [{"name": name, "value": make}])
        except IntegrityError:
            pass  # another process made it first: every process must use that one
        async with self._connect() as conn:
            value = (await conn.execute(select(_SECRETS.c.value).where(_SECRETS.c.name == name))).scalar()
        assert value is not None
        return str(value)

    # ---- internals ------------------------------------------------------------------

    def _connect(self) -> _Guarded:
        return _Guarded(self.engine, begin=False)

    def _begin(self) -> _Guarded:
        return _Guarded(self.engine, begin=True)

    async def _events_after(self, conn: AsyncConnection, hall: str, after: int, limit: int) -> list[Event]:
        rows = await conn.execute(
            select(_LEDGER)
            .where(_LEDGER.c.hall == hall, _LEDGER.c.seq > after)
            .order_by(_LEDGER.c.seq)
            .limit(limit)
        )
        return [event_from_row(row) for row in rows.mappings()]

    async def _configured(self, conn: AsyncConnection, spec: HallSpec) -> HallSpec:
        """The hall's newest settings in the ledger; `spec` (config.toml's) if never changed."""
        document = await self._newest_settings(conn, spec.id)
        return spec if document is None else read_hall(document, before=spec)

    async def _newest_settings(self, conn: AsyncConnection, hall: str) -> dict[str, Any] | None:
        row = (
            await conn.execute(
                select(_LEDGER.c.data)
                .where(_LEDGER.c.hall == hall, _LEDGER.c.type == EventType.HALL_CONFIGURED.value)
                .order_by(_LEDGER.c.seq.desc())
                .limit(1)
            )
        ).first()
        return None if row is None else dict(row[0]["settings"])

    async def _recent(self, conn: AsyncConnection, hall: str, limit: int) -> list[Event]:
        rows = await conn.execute(
            select(_LEDGER).where(_LEDGER.c.hall == hall).order_by(_LEDGER.c.seq.desc()).limit(limit)
        )
        return [event_from_row(row) for row in reversed(list(rows.mappings()))]


def _print_job(row: Any) -> PrintJob:
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


def _booking(row: Any) -> Booking:
    return Booking(
        code=row["code"],
        hall=row["hall"],
        category=row["category"],
        slot_start=row["slot_start"],
        slot_end=row["slot_end"],
        ticket_id=row["ticket_id"],
        number=row["number"],
        phone_hash=row["phone_hash"],
        notify_phone=row["notify_phone"],
        language=row["language"],
        cancelled_at=row["cancelled_at"],
        checked_in_at=row["checked_in_at"],
    )


async def _lock_bookings(conn: AsyncConnection, hall: str) -> None:
    """Holds the hall's bookings until the transaction ends: its places and a phone's limits are
    counted and the booking written by one booking at a time, on every process."""
    if conn.dialect.name == "postgresql":
        keys = {"space": _BOOKING_LOCKS, "hall": hall}
        await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:space), hashtext(:hall))"), keys)
    else:
        # SQLite's driver begins lazily, at the first write; the counts must be read under the
        # database's write lock, which BEGIN IMMEDIATE takes (other writers wait for it).
        await conn.exec_driver_sql("BEGIN IMMEDIATE")


def _webhook(row: Any) -> Webhook:
    return Webhook(**{**row, "events": tuple(row["events"])})


class _Stale(Exception):
    """The hall's seq moved since the batch was decided: roll the transaction back."""


class _Rows:
    """The rows of one group commit, written in one transaction by one executemany each."""

    def __init__(
        self,
        tickets: list[dict[str, Any]],
        windows: list[dict[str, Any]],
        counters: list[dict[str, Any]],
        ledger: list[dict[str, Any]],
        halls: list[dict[str, Any]],
        keys: list[dict[str, Any]],
    ) -> None:
        self.tickets, self.windows, self.counters, self.ledger = tickets, windows, counters, ledger
        self.halls, self.keys = halls, keys

    @classmethod
    def of(cls, outcomes: Sequence[Outcome], replies: Sequence[Reply]) -> _Rows | None:
        """The rows the outcomes write, one per key (the last change wins); None if none."""
        tickets: dict[str, dict[str, Any]] = {}
        windows: dict[tuple[str, int], dict[str, Any]] = {}
        counters: dict[tuple[str, str, date], dict[str, Any]] = {}
        halls: dict[str, int] = {}
        ledger: list[dict[str, Any]] = []
        for outcome in outcomes:
            if not outcome.events:
                continue  # a decision that changed nothing (e.g. call-next with nobody waiting)
            hall_id, seq = outcome.events[0].hall, outcome.events[-1].seq
            halls[hall_id] = seq
            for ticket in outcome.tickets.values():
                tickets[ticket.id] = ticket_row(ticket, seq)
            for window in outcome.windows.values():
                windows[(hall_id, window.number)] = window_row(hall_id, window, seq)
            for (category, day), last in outcome.counters.items():
                counters[(hall_id, category, day)] = {
                    "hall": hall_id,
                    "category": category,
                    "service_day": day,
                    "last": last,
                }
            ledger.extend(ledger_row(e) for e in outcome.events)
        if not ledger:
            return None
        keys = [
            {"hall": ledger[0]["hall"], "key": r.key, "ticket": r.ticket, "seq": r.seq, "created_at": r.at}
            for r in replies
        ]
        return cls(
            list(tickets.values()),
            list(windows.values()),
            list(counters.values()),
            ledger,
            [{"hall": hall, "seq": seq} for hall, seq in halls.items()],
            keys,
        )

    def write(self, conn: Connection) -> None:
        dialect = conn.dialect.name
        for table, rows, keys, newer in self._upserts():
            if rows:
                conn.execute(_upsert_statement(dialect, table, keys, newer), rows)
        conn.execute(_insert_new_statement(dialect, _LEDGER, ("hall", "seq")), self.ledger)
        if self.keys:
            conn.execute(_KEYS_INSERT, self.keys)

    def sqlite_statements(self) -> list[tuple[str, list[Any]]]:
        """The same writes as `write`, as SQLite text and bound values for sqlite3."""
        statements = []
        for table, rows, keys, newer in self._upserts():
            if rows:
                upsert = _upsert_statement("sqlite", table, keys, newer)
                statements += _SqliteStatement.of(upsert, table, tuple(rows[0])).bind(rows)
        ledger = _insert_new_statement("sqlite", _LEDGER, ("hall", "seq"))
        statements += _SqliteStatement.of(ledger, _LEDGER, tuple(self.ledger[0])).bind(self.ledger)
        if self.keys:
            statements += _SqliteStatement.of(_KEYS_INSERT, _KEYS, tuple(self.keys[0])).bind(self.keys)
        return statements

    def _upserts(self) -> tuple[tuple[Table, list[dict[str, Any]], tuple[str, ...], str], ...]:
        return (
            (_TICKETS, self.tickets, ("id",), "seq"),
            (_WINDOWS, self.windows, ("hall", "number"), "seq"),
            (_COUNTERS, self.counters, ("hall", "category", "service_day"), "last"),
            # Kept up to date by every writer, so hall_seq is always the last committed seq.
            (_HALL_SEQ, self.halls, ("hall",), "seq"),
        )


class _SqliteStatement:
    """A statement compiled once for SQLite, with the type conversions SQLAlchemy would
    apply to each column, so a group commit can run on plain sqlite3. Rows go in one
    multi-row VALUES per statement (a group commit's rows have distinct keys): sqlite3 lets
    go of the GIL and takes it back around every step, so one step per table instead of one
    per row spares the writer thread waiting for a busy event loop's GIL at every row."""

    _DIALECT = sqlite.dialect()
    ROWS_PER_STATEMENT = 256  # 256 × 20 columns: well under SQLite's 32,766 bound values

    def __init__(self, sql: str, columns: tuple[tuple[str, Any], ...]) -> None:
        self.columns = columns
        self._values = "(" + ", ".join("?" * len(columns)) + ")"
        self._head, self._tail = sql.split(self._values)  # exactly one VALUES group
        self._texts: dict[int, str] = {}

    @classmethod
    @functools.cache
    def of(cls, statement: Any, table: Table, keys: tuple[str, ...]) -> _SqliteStatement:
        compiled = statement.compile(dialect=cls._DIALECT, column_keys=list(keys))
        columns = tuple((name, cls._converter(table.c[name].type)) for name in compiled.positiontup)
        return cls(compiled.string, columns)

    @classmethod
    def _converter(cls, column_type: Any) -> Any:
        if isinstance(column_type, UTCDateTime):
            return UTCDateTime.sqlite_text
        return column_type.dialect_impl(cls._DIALECT).bind_processor(cls._DIALECT)

    def bind(self, rows: list[dict[str, Any]]) -> list[tuple[str, list[Any]]]:
        """The statements (text and bound values) that write `rows`."""
        columns, statements = self.columns, []
        for start in range(0, len(rows), self.ROWS_PER_STATEMENT):
            chunk = rows[start : start + self.ROWS_PER_STATEMENT]
            values = [
                row[name] if convert is None else convert(row[name])
                for row in chunk
                for name, convert in columns
            ]
            statements.append((self._text(len(chunk)), values))
        return statements

    def _text(self, rows: int) -> str:
        text = self._texts.get(rows)
        if text is None:
            text = self._texts[rows] = self._head + ", ".join([self._values] * rows) + self._tail
        return text


class _SqliteCommits:
    """The embedded store's group commits, each one durable transaction run whole on a thread
    of its own with plain sqlite3: one hop off the event loop per commit instead of several
    per statement, and no SQLAlchemy work per row. The conversions to SQLite values are made
    on the event loop beforehand, so the thread holds the GIL only between sqlite3 calls."""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(
            path, timeout=30, isolation_level=None, check_same_thread=False, cached_statements=512
        )
        _sqlite_pragmas(self._conn, None)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-commit")

    async def write(self, rows: _Rows) -> None:
        statements = rows.sqlite_statements()
        try:
            await asyncio.get_running_loop().run_in_executor(self._thread, self._write, statements)
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(str(exc)) from exc

    def _write(self, statements: list[tuple[str, list[Any]]]) -> None:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            for sql, values in statements:
                conn.execute(sql, values)
            conn.execute("COMMIT")  # synchronous=FULL: the WAL is fsync'd before this returns
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._thread.shutdown(wait=True)
        self._conn.close()


@functools.cache
def _seq_move(dialect_name: str) -> Any:
    """Compare-and-set of the hall's seq: it moves to :seq only from :base (or is created)."""
    statement = (postgresql if dialect_name == "postgresql" else sqlite).insert(_HALL_SEQ)
    statement = statement.values(hall=bindparam("hall"), seq=bindparam("seq"))
    return statement.on_conflict_do_update(
        index_elements=["hall"],
        set_={"seq": statement.excluded.seq},
        where=_HALL_SEQ.c.seq == bindparam("base"),
    )


def _reply(row: Any) -> Reply:
    at: datetime = row["created_at"]
    return Reply(key=row["key"], ticket=row["ticket"], seq=row["seq"], at=at.astimezone(UTC))


class _Guarded:
    """A connection (or transaction) whose connection failures become StoreUnavailable."""

    def __init__(self, engine: AsyncEngine, begin: bool) -> None:
        self._engine, self._begin = engine, begin
        self._context: Any = None

    async def __aenter__(self) -> AsyncConnection:
        self._context = self._engine.begin() if self._begin else self._engine.connect()
        try:
            conn: AsyncConnection = await self._context.__aenter__()
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc
        return conn

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            await self._context.__aexit__(*exc_info)
        except IntegrityError:
            raise
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc
        if exc_info[0] is not None and isinstance(exc_info[1], _UNAVAILABLE):
            raise StoreUnavailable(str(exc_info[1])) from exc_info[1]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; synchronous=FULL makes every commit reach
    # the disk before it returns, so an acknowledged ticket survives a crash or kill -9.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@functools.cache
def _upsert_statement(dialect_name: str, table: Table, keys: tuple[str, ...], newer: str | None) -> Any:
    """Built once per table: constructing it costs more than a small write."""
    statement = (postgresql if dialect_name == "postgresql" else sqlite).insert(table)
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    where = None if newer is None else table.c[newer] < statement.excluded[newer]
    return statement.on_conflict_do_update(index_elements=list(keys), set_=updates, where=where)


async def _upsert(
    conn: AsyncConnection,
    table: Table,
    rows: list[dict[str, Any]],
    keys: list[str],
    newer: str | None = None,
) -> None:
    if rows:
        await conn.execute(_upsert_statement(conn.dialect.name, table, tuple(keys), newer), rows)


@functools.cache
def _insert_new_statement(dialect_name: str, table: Table, keys: tuple[str, ...]) -> Any:
    statement = (postgresql if dialect_name == "postgresql" else sqlite).insert(table)
    return statement.on_conflict_do_nothing(index_elements=list(keys))
