"""A process's delivery leases on PostgreSQL: session advisory locks, all held on one
connection kept for them.

A lease lasts as long as its deliverer runs (a webhook's, or a hall's visitor notifier), so a
lease held on a pooled connection of its own kept that connection for good: a dozen webhooks
and a city's notifiers held the pool that requests and the halls' turns need, and every read
of the process waited POOL_WAIT_S for a connection. One session holds any number of advisory
locks; this one connection costs the pool one connection whatever the number of leases.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from queue_server.storage.base import StoreUnavailable

log = logging.getLogger(__name__)

# The advisory-lock namespace of delivery leases (the two-key form, apart from the halls' locks).
LEASE_SPACE = "onewindow.outbound"
_TAKE = text("SELECT pg_try_advisory_lock(hashtext(:space), hashtext(:name))")
_GIVE_BACK = text("SELECT pg_advisory_unlock(hashtext(:space), hashtext(:name))")
_GIVE_BACK_ALL = text("SELECT pg_advisory_unlock_all()")


class Leases:
    def __init__(self, engine: AsyncEngine, unavailable: tuple[type[BaseException], ...]) -> None:
        self._engine, self._unavailable = engine, unavailable
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()  # one statement at a time on the one connection

    async def take(self, name: str) -> bool:
        """True if this process now holds the lease `name` (no other process does)."""
        return bool(await self._run(_TAKE, name))

    async def give_back(self, name: str) -> None:
        if not await self._run(_GIVE_BACK, name):
            log.warning("lease %s had ended with its database session; another process may hold it", name)

    async def close(self) -> None:
        """Gives back every lease, before the connection goes back to the pool."""
        async with self._lock:
            if self._conn is not None:
                with contextlib.suppress(*self._unavailable):
                    await self._conn.execute(_GIVE_BACK_ALL)
                    await self._conn.commit()
                    await self._conn.close()
                self._conn = None

    async def _run(self, statement: TextClause, name: str) -> object:
        async with self._lock:
            try:
                if self._conn is None:
                    self._conn = await self._engine.connect()
                keys = {"space": LEASE_SPACE, "name": name}
                value = (await self._conn.execute(statement, keys)).scalar()
                # Session locks outlive the transaction: end it rather than sit idle in one.
                await self._conn.commit()
            except self._unavailable as exc:
                # The session is gone, and its leases with it; the next call opens another.
                # (A deliverer that held one hears of it when it gives it back.)
                broken, self._conn = self._conn, None
                if broken is not None:
                    with contextlib.suppress(*self._unavailable):
                        await broken.invalidate()
                raise StoreUnavailable(str(exc)) from exc
            return value
