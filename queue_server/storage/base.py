"""The store interface the server runs on; the embedded SQLite store is its first implementation."""

from __future__ import annotations

from collections.abc import Sequence
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


class Store(Protocol):
    async def start(self) -> None:
        """Connect and make sure the schema exists."""

    async def close(self) -> None: ...

    async def schema_revision(self) -> str | None:
        """The migration the schema is at."""

    async def load_hall(self, spec: HallSpec, today: date, recent: int) -> HallState:
        """The live state of a hall as last acknowledged, with its `recent` latest events."""

    async def commit(self, outcomes: Sequence[Outcome]) -> None:
        """Make the outcomes durable, all or nothing, before anyone is told of them."""

    async def recent_events(self, hall: str, limit: int) -> list[Event]: ...

    async def ticket_events(self, hall: str, ticket_id: str) -> list[Event]: ...

    async def get_ticket(self, hall: str, ticket_id: str) -> Ticket | None: ...

    async def ledger_seqs(self, hall: str, lowest: int, highest: int) -> set[int]:
        """Which seqs in [lowest, highest] the ledger holds."""

    async def add_user(self, user: UserRecord) -> None: ...

    async def get_user(self, username: str) -> UserRecord | None: ...

    async def add_device(self, device: DeviceRecord) -> None: ...

    async def device_by_token_hash(self, token_hash: str) -> DeviceRecord | None: ...

    async def list_devices(self, hall: str) -> list[DeviceRecord]: ...

    async def remove_device(self, hall: str, name: str) -> bool:
        """Forgets a device (its token stops working); False if there was none."""

    async def secret(self, name: str, make: str) -> str:
        """A named server secret, created from `make` the first time and kept from then on."""
