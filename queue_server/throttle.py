"""Failed sign-ins slow the guesser down, not the clerk (issue #11, item 4).

Three counters of failures, each forgotten `FORGET_S` after its last failure; past its free
failures each makes the next attempt wait, doubling from 1 s up to `CAP_S` (5 minutes):

- one account from one address (5 free): a guesser at one PC;
- one address, any account (30 free): a guesser trying many accounts;
- one account from anywhere (20 free): a guesser spread over many addresses. It does not apply
  at an address where the account signed in within `KNOWN_S`, so an attacker can never keep a
  clerk from their own console.

Counters live in Redis when the bus is Redis (every process sees the same), else in memory.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.clock import Clock
from queue_server.scaleout.keys import login_key
from queue_server.storage.base import StoreUnavailable

CAP_S = 300
FORGET_S = 900
KNOWN_S = 30 * 86_400


@dataclass(frozen=True)
class Rule:
    name: str
    free: int

    def wait_s(self, failures: int) -> int:
        return 0 if failures < self.free else min(CAP_S, 2 ** min(failures - self.free, 16))


PAIR, ADDRESS, ACCOUNT = Rule("pair", 5), Rule("address", 30), Rule("account", 20)


class TooManyAttempts(Exception):
    """A sign-in refused without checking the password: wait `retry_after_s`."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class Counters(Protocol):
    async def blocked_s(self, keys: list[str]) -> int:
        """The longest wait any of the keys still imposes, in whole seconds (0: none)."""

    async def fail(self, key: str, rule: Rule) -> None: ...

    async def clear(self, key: str) -> None: ...

    async def mark(self, key: str) -> None:
        """Remember `key` for KNOWN_S."""

    async def marked(self, key: str) -> bool: ...


class LoginThrottle:
    def __init__(self, counters: Counters) -> None:
        self._counters = counters

    @staticmethod
    def _keys(account: str, address: str) -> dict[Rule, str]:
        return {PAIR: f"{account}|{address}", ADDRESS: address, ACCOUNT: account}

    async def retry_after_s(self, account: str, address: str) -> int:
        """0 if this attempt may go ahead, else the seconds to wait."""
        keys = self._keys(account, address)
        checked = [f"{rule.name}:{key}" for rule, key in keys.items()]
        if await self._counters.marked(f"known:{keys[PAIR]}"):
            checked.remove(f"account:{account}")
        return await self._counters.blocked_s(checked)

    async def failed(self, account: str, address: str) -> None:
        for rule, key in self._keys(account, address).items():
            await self._counters.fail(f"{rule.name}:{key}", rule)

    async def succeeded(self, account: str, address: str) -> None:
        pair = self._keys(account, address)[PAIR]
        await self._counters.clear(f"pair:{pair}")
        await self._counters.mark(f"known:{pair}")


@dataclass
class _Count:
    failures: int
    last: datetime
    until: datetime


class MemoryCounters:
    """One process's counters, on the injected clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._counts: dict[str, _Count] = {}
        self._marks: dict[str, datetime] = {}

    async def blocked_s(self, keys: list[str]) -> int:
        now = self._clock.now()
        waits = [(c.until - now).total_seconds() for k in keys if (c := self._counts.get(k)) is not None]
        return max([0, *(math.ceil(w) for w in waits if w > 0)])

    async def fail(self, key: str, rule: Rule) -> None:
        now = self._clock.now()
        count = self._counts.get(key)
        if count is None or now - count.last > timedelta(seconds=FORGET_S):
            count = self._counts[key] = _Count(0, now, now)
        count.failures += 1
        count.last = now
        count.until = now + timedelta(seconds=rule.wait_s(count.failures))
        self._forget_old(now)

    async def clear(self, key: str) -> None:
        self._counts.pop(key, None)

    async def mark(self, key: str) -> None:
        self._marks[key] = self._clock.now()

    async def marked(self, key: str) -> bool:
        at = self._marks.get(key)
        return at is not None and self._clock.now() - at < timedelta(seconds=KNOWN_S)

    def _forget_old(self, now: datetime) -> None:
        # Bounded memory under a spray of names: counts idle past FORGET_S go now and then.
        if len(self._counts) > 10_000:
            cutoff = now - timedelta(seconds=FORGET_S)
            self._counts = {k: c for k, c in self._counts.items() if c.last > cutoff}


# One failure: count it, keep the count FORGET_S, and past the free failures set the wait.
_FAIL = """
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
local free = tonumber(ARGV[2])
if n >= free then
  local wait = math.floor(math.min(tonumber(ARGV[3]), 2 ^ math.min(n - free, 16)))
  redis.call('SET', KEYS[2], '1', 'EX', wait)
end
return n
"""


class RedisCounters:
    """Counters every server process shares, expiring by Redis's own clock."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._fail = redis.register_script(_FAIL)

    async def blocked_s(self, keys: list[str]) -> int:
        with _unavailable():
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.pttl(login_key(f"wait:{key}"))
                ttls: list[int] = await pipe.execute()
        return max([0, *(math.ceil(ms / 1000) for ms in ttls if ms > 0)])

    async def fail(self, key: str, rule: Rule) -> None:
        with _unavailable():
            await self._fail(
                keys=[login_key(f"count:{key}"), login_key(f"wait:{key}")],
                args=[FORGET_S, rule.free, CAP_S],
            )

    async def clear(self, key: str) -> None:
        with _unavailable():
            await self._redis.delete(login_key(f"count:{key}"), login_key(f"wait:{key}"))

    async def mark(self, key: str) -> None:
        with _unavailable():
            await self._redis.set(login_key(key), "1", ex=KNOWN_S)

    async def marked(self, key: str) -> bool:
        with _unavailable():
            return bool(await self._redis.exists(login_key(key)))


@contextlib.contextmanager
def _unavailable() -> Iterator[None]:
    try:
        yield
    except RedisError as exc:
        raise StoreUnavailable(f"redis: {exc}") from exc
