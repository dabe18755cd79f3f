"""Each test run flushes only a Redis database of its own, so runs side by side keep their keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis

from tests.conftest import REDIS_DB, REDIS_SERVER, reset_scaled_backends
from tests.redis_db import ClaimedDatabase, claim_database, claim_key

pytestmark = pytest.mark.redis


@pytest.fixture
def other_run() -> Iterator[ClaimedDatabase]:
    """The claim another run on the machine would hold."""
    claimed = claim_database(REDIS_SERVER)
    if claimed is None:
        pytest.skip("Redis out of reach or every index claimed")
    yield claimed
    claimed.release()


def test_a_second_run_claims_another_index(other_run: ClaimedDatabase) -> None:
    assert REDIS_DB is not None
    assert other_run.index != REDIS_DB.index


def test_a_released_index_is_free_again(other_run: ClaimedDatabase) -> None:
    claims = Redis.from_url(f"{REDIS_SERVER}/0")
    try:
        assert claims.exists(claim_key(other_run.index))
        other_run.release()
        assert not claims.exists(claim_key(other_run.index))
    finally:
        claims.close()


def test_the_per_test_flush_leaves_another_runs_keys(other_run: ClaimedDatabase) -> None:
    theirs = Redis.from_url(f"{REDIS_SERVER}/{other_run.index}")
    try:
        theirs.set("ow:{weiyang}:published", 41)
        reset_scaled_backends()
        assert theirs.get("ow:{weiyang}:published") == b"41"
    finally:
        theirs.delete("ow:{weiyang}:published")
        theirs.close()
