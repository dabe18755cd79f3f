"""The outbox relay: steps that reached the Redis stream but not PostgreSQL get copied over.

A step is acknowledged only after its SQL write, but a process can die between appending
to Redis and writing SQL. The step then lives in the stream (the outbox) and in the live
state; this relay, running in every process, finds such steps a few seconds later and
writes them to the record. SQL writes are idempotent and seq-guarded, so a relay racing
the original writer, or another relay, changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.clock import Clock
from queue_server.domain.model import HallSpec
from queue_server.scaleout import keys
from queue_server.scaleout.entries import entry_seq, outcomes_from_entries, read_range
from queue_server.storage.base import Store, StoreUnavailable

RELAY_EVERY_S = 2.0
SETTLE = timedelta(seconds=3)  # leave a step this long to its own writer
BATCH = 1_000

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, redis: Redis, store: Store, halls: Sequence[HallSpec], clock: Clock) -> None:
        self._redis, self._store, self._halls, self._clock = redis, store, halls, clock
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def relay_once(self, spec: HallSpec) -> int:
        """Copies missing settled steps of one hall; returns how many it wrote."""
        cursor = int(await self._redis.get(keys.relay_key(spec.id)) or 0)
        entries = await read_range(self._redis, keys.stream_key(spec.id), cursor, BATCH)
        settled_before = self._clock.now() - SETTLE
        outcomes = [o for o in outcomes_from_entries(entries, spec) if o.events[-1].at <= settled_before]
        if not outcomes:
            return 0
        lowest, highest = outcomes[0].events[0].seq, outcomes[-1].events[-1].seq
        present = await self._store.ledger_seqs(spec.id, lowest, highest)
        missing = [o for o in outcomes if any(e.seq not in present for e in o.events)]
        if missing:
            await self._store.commit(missing)
            log.warning("relayed %d step(s) of hall %s to the record", len(missing), spec.id)
        await self._redis.set(keys.relay_key(spec.id), max(highest, entry_seq(entries[0][0]) - 1))
        return len(missing)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(RELAY_EVERY_S)
            for spec in self._halls:
                try:
                    await self.relay_once(spec)
                except (RedisError, StoreUnavailable, OSError) as exc:
                    log.info("outbox relay for %s waits: %s", spec.id, exc)
                except Exception:
                    log.exception("outbox relay for %s failed", spec.id)
