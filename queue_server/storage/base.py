"""The store interface the server runs on; the embedded SQLite store is its first implementation."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from queue_server.domain.events import Event
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import HallSpec, Ticket


class StoreUnavailable(Exception):
    """The store could not be reached or refused the write: nothing was acknowledged."""


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
        """The live state of a hall as last acknowledged, with its `recent` latest events."""

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

    async def add_rating(self, rating: RatingRecord) -> bool:
        """Stores a rating; False if its ticket already has one."""

    async def remove_rating(self, ticket: str) -> None: ...

    async def ratings_since(self, hall: str, start: datetime) -> list[RatingRecord]: ...

    async def add_user(self, user: UserRecord) -> None: ...

    async def get_user(self, username: str) -> UserRecord | None: ...

    async def list_users(self) -> list[UserRecord]:
        """Every account, by name."""

    async def add_device(self, device: DeviceRecord) -> None: ...

    async def device_by_token_hash(self, token_hash: str) -> DeviceRecord | None: ...

    async def list_devices(self, hall: str) -> list[DeviceRecord]: ...

    async def remove_device(self, hall: str, name: str) -> bool:
        """Forgets a device (its token stops working); False if there was none."""

    async def secret(self, name: str, make: str) -> str:
        """A named server secret, created from `make` the first time and kept from then on."""
