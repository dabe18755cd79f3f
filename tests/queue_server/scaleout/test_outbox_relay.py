"""A step that reached Redis but not PostgreSQL (its process died in between) is copied to
the record by the outbox relay."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from queue_server.clock import ManualClock
from queue_server.config import parse_settings
from queue_server.domain.hall import HallState, Outcome
from queue_server.scaleout.log import RedisLog
from queue_server.scaleout.relay import SETTLE, OutboxRelay
from queue_server.storage.base import StoreUnavailable
from queue_server.storage.sql import SqlStore
from tests.conftest import MONDAY_10AM, POSTGRES_URL, REDIS_URL, demo_config, reset_scaled_backends

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


class DiesBeforeTheRecord(SqlStore):
    """The process 'dies' between the Redis append and the SQL write, once."""

    dying = True

    async def commit(self, outcomes: Sequence[Outcome]) -> None:
        if self.dying:
            self.dying = False
            raise StoreUnavailable("killed")
        await super().commit(outcomes)


@pytest.fixture
def clean() -> None:
    reset_scaled_backends()


@pytest.fixture
async def redis(clean: None) -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


async def test_a_step_only_in_redis_reaches_the_ledger(redis: Redis) -> None:
    spec = parse_settings(demo_config()).halls[0]
    clock = ManualClock(MONDAY_10AM)
    store = DiesBeforeTheRecord(POSTGRES_URL)
    await store.start()
    try:
        log = RedisLog(redis, store, spec, clock, recent=10)
        state = await log.load()
        outcome = state.issue("t1", "tax", "normal", "counter", clock.now(), "clerk1")
        state.apply(outcome)
        with pytest.raises(StoreUnavailable):
            await log.append(state, [outcome], base_seq=0)
        assert await store.ledger_seqs(spec.id, 1, 1) == set()  # Redis has it, the record not

        relay = OutboxRelay(redis, store, [spec], clock)
        assert await relay.relay_once(spec) == 0  # too fresh: its own writer may still come
        clock.advance(SETTLE + timedelta(seconds=1))
        assert await relay.relay_once(spec) == 1
        assert await store.ledger_seqs(spec.id, 1, 1) == {1}
        ticket = await store.get_ticket(spec.id, "t1")
        assert ticket is not None and ticket.number == "E001"
        assert await relay.relay_once(spec) == 0  # done once, not again

        # and a new process catches up from Redis, numbering on
        fresh = await RedisLog(redis, store, spec, clock, recent=10).load()
        assert isinstance(fresh, HallState) and fresh.seq == 1
        assert fresh.issue("t2", "tax", "normal", "counter", clock.now(), "clerk1").ticket.number == "E002"  # type: ignore[union-attr]
    finally:
        await store.close()
