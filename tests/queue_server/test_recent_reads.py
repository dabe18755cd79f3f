"""The short-lived copy of accounts and devices: one store read for requests that arrive
together, and a revocation that a read in flight cannot undo."""

from __future__ import annotations

import asyncio

import pytest

from queue_server.recent_reads import RecentReads


class Store:
    """Stands for the accounts table: counts reads, and can hold a read until released."""

    def __init__(self) -> None:
        self.value = "enabled"
        self.reads = 0
        self.release = asyncio.Event()
        self.release.set()

    async def read(self, name: str) -> str:
        self.reads += 1
        seen = self.value
        await self.release.wait()
        return f"{name}:{seen}"

    async def reading(self, count: int) -> None:
        """Until `count` reads have begun (a second at most: a read that never begins fails)."""
        async with asyncio.timeout(1):
            while self.reads < count:
                await asyncio.sleep(0)


async def test_requests_arriving_together_share_one_read() -> None:
    store = Store()
    store.release.clear()
    reads = RecentReads(store.read, max_age=60)
    waiting = [asyncio.create_task(reads.get("clerk")) for _ in range(8)]
    await store.reading(1)
    store.release.set()
    assert await asyncio.gather(*waiting) == ["clerk:enabled"] * 8
    assert store.reads == 1
    assert await reads.get("clerk") == "clerk:enabled"
    assert store.reads == 1


async def test_a_copy_older_than_its_age_is_read_again() -> None:
    store = Store()
    reads = RecentReads(store.read, max_age=0.05)
    await reads.get("clerk")
    store.value = "disabled"
    await asyncio.sleep(0.06)
    assert await reads.get("clerk") == "clerk:disabled"
    assert store.reads == 2


async def test_a_read_in_flight_when_forgotten_is_not_kept() -> None:
    store = Store()
    store.release.clear()
    reads = RecentReads(store.read, max_age=60)
    before = asyncio.create_task(reads.get("clerk"))
    await store.reading(1)
    store.value = "disabled"
    reads.forget("clerk")  # the notice: the account was disabled while the read was out
    after = asyncio.create_task(reads.get("clerk"))
    await store.reading(2)
    store.release.set()
    assert await before == "clerk:enabled"
    assert await after == "clerk:disabled"
    assert await reads.get("clerk") == "clerk:disabled"


async def test_forgetting_everyone_drops_every_copy() -> None:
    store = Store()
    reads = RecentReads(store.read, max_age=60)
    await reads.get("a")
    await reads.get("b")
    reads.forget()
    store.value = "disabled"
    assert [await reads.get("a"), await reads.get("b")] == ["a:disabled", "b:disabled"]


async def test_a_caller_that_goes_away_does_not_cancel_the_others_read() -> None:
    store = Store()
    store.release.clear()
    reads = RecentReads(store.read, max_age=60)
    leaving, staying = (asyncio.create_task(reads.get("clerk")) for _ in range(2))
    await store.reading(1)
    leaving.cancel()
    store.release.set()
    assert await staying == "clerk:enabled"
    with pytest.raises(asyncio.CancelledError):
        await leaving


async def test_a_failed_read_is_not_kept() -> None:
    calls = 0

    async def flaky(name: str) -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database away")
        return name

    reads = RecentReads(flaky, max_age=60)
    with pytest.raises(ConnectionError):
        await reads.get("clerk")
    assert await reads.get("clerk") == "clerk"


async def test_nothing_found_is_not_kept() -> None:
    """Made-up tokens, each read once and found nowhere, leave nothing behind."""
    reads: int = 0

    async def nowhere(token: str) -> str | None:
        nonlocal reads
        reads += 1
        return None

    kept = RecentReads(nowhere, max_age=60)
    for token in ("owd_a", "owd_b", "owd_a"):
        assert await kept.get(token) is None
    assert reads == 3  # owd_a read again: nothing of it was kept
