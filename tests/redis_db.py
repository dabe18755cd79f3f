"""A Redis database index of this test run's own on the shared Redis server.

Several engineers (and CI) run tests on one machine at once, each flushing its Redis database
before every test. A database picked from the process id collides; so each run claims a free
index with a Redis lock (SET NX with a TTL, redis-py's `Lock`, kept in database 0), renews it
while it runs and releases it at exit. A run killed -9 frees its index when the TTL runs out.
"""

from __future__ import annotations

import atexit
import contextlib
import threading

from redis import Redis
from redis.exceptions import LockError, RedisError
from redis.lock import Lock

# Index 0 holds the claims; 1-15 are handed out (Redis has 16 databases unless configured).
CLAIMABLE = range(1, 16)
CLAIM_TTL_S = 60
RENEW_EVERY_S = CLAIM_TTL_S / 3


def claim_key(index: int) -> str:
    return f"onewindow-test:redis-db-claim:{index}"


class ClaimedDatabase:
    """The claim on one index, renewed by a daemon thread until released."""

    def __init__(self, lock: Lock, index: int) -> None:
        self.index = index
        self._lock = lock
        self._released = threading.Event()
        threading.Thread(target=self._renew, name="redis-db-claim", daemon=True).start()
        atexit.register(self.release)

    def _renew(self) -> None:
        while not self._released.wait(RENEW_EVERY_S):
            try:
                self._lock.reacquire()
            except LockError:
                # Lost (the machine stalled past the TTL): take it again if nobody else has.
                self._lock.acquire(blocking=False)
            except RedisError:
                pass  # the next round tries again

    def release(self) -> None:
        self._released.set()
        with contextlib.suppress(LockError, RedisError):  # expired already: it freed itself
            self._lock.release()


def claim_database(server_url: str) -> ClaimedDatabase | None:
    """Claims the first free index; None if Redis is out of reach (the Redis tests then skip)
    or every index is taken."""
    client = Redis.from_url(f"{server_url}/0", socket_connect_timeout=2, socket_timeout=2)
    try:
        for index in CLAIMABLE:
            # Not thread-local: the renewing thread must see the token taken here.
            lock = client.lock(claim_key(index), timeout=CLAIM_TTL_S, thread_local=False)
            if lock.acquire(blocking=False):
                return ClaimedDatabase(lock, index)
    except RedisError:
        return None
    return None
