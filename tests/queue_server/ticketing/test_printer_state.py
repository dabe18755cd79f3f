"""Printer states: the same answers in memory and in a real Redis (where other processes read
them), and with Redis out of reach the process holding the agent still knows its printer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from queue_server.clock import ManualClock
from queue_server.scaleout.keys import PRINTER_STATE_TTL_S, printer_state_key
from queue_server.ticketing.printer_state import MemoryPrinterStates, PrinterStates, RedisPrinterStates
from tests.conftest import REDIS_URL, reset_scaled_backends
from tests.server_process import free_port

T0 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def kind(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        reset_scaled_backends()  # runs its own event loop: outside the test's
    return str(request.param)


@pytest.fixture
def fresh_index() -> None:
    reset_scaled_backends()


@pytest.fixture
async def states(kind: str, clock: ManualClock) -> AsyncIterator[PrinterStates]:
    if kind == "memory":
        yield MemoryPrinterStates(clock)
        return
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    # A second process's view: nothing of its own, all from Redis.
    writer, reader = RedisPrinterStates(client, clock), RedisPrinterStates(client, clock)
    yield _Split(writer, reader)
    await client.aclose()


class _Split:
    """Writes through one process's states, reads through another's."""

    def __init__(self, writer: PrinterStates, reader: PrinterStates) -> None:
        self.report, self.left, self.renew = writer.report, writer.left, writer.renew
        self.get = reader.get


async def test_since_moves_only_when_the_state_does(states: PrinterStates, clock: ManualClock) -> None:
    assert await states.get("weiyang", "printer-1") is None
    await states.report("weiyang", "printer-1", "link-1", "ok", "ready", False)
    clock.advance(timedelta(minutes=1))
    await states.report("weiyang", "printer-1", "link-1", "ok", "printed", True)
    same = await states.get("weiyang", "printer-1")
    assert same is not None and (same.since, same.message, same.paper_low) == (T0, "printed", True)
    clock.advance(timedelta(minutes=1))
    await states.report("weiyang", "printer-1", "link-1", "paper_out", "paper out", True)
    out = await states.get("weiyang", "printer-1")
    assert out is not None and out.public()["state"] == "paper_out"
    assert out.since == T0 + timedelta(minutes=2)


async def test_an_old_link_closing_leaves_the_newer_one_connected(states: PrinterStates) -> None:
    await states.report("weiyang", "printer-1", "old", "ok", "ready", False)
    await states.report("weiyang", "printer-1", "new", "ok", "ready", False)
    await states.left("weiyang", "printer-1", "old")
    still = await states.get("weiyang", "printer-1")
    assert still is not None and still.public()["connected"] is True
    await states.left("weiyang", "printer-1", "new")
    gone = await states.get("weiyang", "printer-1")
    assert gone is not None and gone.public() | {"since": None} == {
        "connected": False,
        "state": "offline",
        "message": "print agent not connected",
        "paper_low": False,
        "since": None,
    }


@pytest.mark.redis
async def test_the_entry_lives_while_renewed_and_is_forgotten_after(
    clock: ManualClock, fresh_index: None
) -> None:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    key = printer_state_key("weiyang", "printer-1")
    try:
        holder, other = RedisPrinterStates(client, clock), RedisPrinterStates(client, clock)
        await holder.report("weiyang", "printer-1", "link", "ok", "ready", False)
        assert 0 < await client.ttl(key) <= PRINTER_STATE_TTL_S
        await client.expire(key, 2)
        await holder.renew("weiyang", "printer-1")  # the print job sweep, every few seconds
        assert await client.ttl(key) > 2
        # The holding process died: nobody renews, and once the TTL has run out (here at once)
        # the others no longer know the printer (shown as offline).
        await client.pexpire(key, 1)
        await asyncio.sleep(0.05)
        assert await other.get("weiyang", "printer-1") is None
    finally:
        await client.aclose()


async def test_without_redis_the_process_holding_the_agent_still_knows_its_printer(
    clock: ManualClock,
) -> None:
    unreachable = Redis(port=free_port(), decode_responses=True, socket_connect_timeout=0.5)
    try:
        states = RedisPrinterStates(unreachable, clock)
        await states.report("weiyang", "printer-1", "link", "ok", "ready", False)  # logged, no error
        here = await states.get("weiyang", "printer-1")
        assert here is not None and here.public()["state"] == "ok"
        await states.renew("weiyang", "printer-1")
        elsewhere = RedisPrinterStates(unreachable, clock)
        assert await elsewhere.get("weiyang", "printer-1") is None  # unknown: shown as offline
    finally:
        await unreachable.aclose()
