"""The SQL store (queue_server/storage/sql.py) on SQLite and on PostgreSQL.

What the runtime and the pages rely on: a committed step is there, whole, for the next process;
a batch decided on an old seq writes nothing; a process behind catches up with exactly the
steps it missed; keys, secrets, ratings, accounts and devices keep their one-of rules.
(Print jobs, bookings and online claims: test_ticketing_records.py.)
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import NORMAL, HallSpec
from queue_server.domain.numbering import service_day
from queue_server.storage import sql
from queue_server.storage.base import DeviceRecord, RatingRecord, Reply, StoreUnavailable, UserRecord
from queue_server.storage.sql import SqlStore
from tests.conftest import MONDAY_10AM, POSTGRES_URL, make_settings, reset_scaled_backends

T = TypeVar("T")
HALL = "weiyang"


def on_store(url: str, work: Callable[[SqlStore], Awaitable[T]]) -> T:
    """`work` on a store of its own, as a process that starts, does it and stops."""

    async def run() -> T:
        store = SqlStore(url)
        await store.start()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


def spec_of(tmp_path: Path) -> HallSpec:
    return make_settings(tmp_path).halls[0]


async def hall_now(store: SqlStore, spec: HallSpec) -> HallState:
    return await store.load_hall(spec, service_day(MONDAY_10AM, spec.timezone), 100)


def issued(state: HallState, ticket_id: str, minutes: int = 0) -> Outcome:
    at = MONDAY_10AM + timedelta(minutes=minutes)
    outcome = state.issue(ticket_id, "business", NORMAL, "kiosk", at, "device:kiosk-1")
    state.apply(outcome)
    return outcome


def test_what_was_committed_is_there_for_the_next_process(backend: dict[str, str], tmp_path: Path) -> None:
    spec, url = spec_of(tmp_path), backend["store"]

    async def write(store: SqlStore) -> list[int]:
        state = await hall_now(store, spec)
        outcomes = [issued(state, "t1"), issued(state, "t2", 1)]
        state.apply(opened := state.open_window(1, "clerk1", MONDAY_10AM, "clerk:clerk1"))
        state.apply(called := state.call_next(1, MONDAY_10AM + timedelta(minutes=2), "clerk:clerk1"))
        await store.commit([*outcomes, opened, called])
        return [e.seq for o in (*outcomes, opened, called) for e in o.events]

    seqs = on_store(url, write)

    async def read(store: SqlStore) -> tuple[HallState, list[int], list[int], list[str], int]:
        state = await hall_now(store, spec)
        after = [e.seq for e in await store.events_after(HALL, seqs[1], 100)]
        recent = [e.seq for e in await store.recent_events(HALL, 2)]
        history = [e.type.value for e in await store.ticket_events(HALL, "t1")]
        return state, after, recent, history, await store.committed_seq(HALL)

    state, after, recent, history, committed = on_store(url, read)
    assert state.seq == committed == seqs[-1]
    assert set(state.tickets) == {"t1", "t2"} and state.tickets["t1"].window == 1
    assert state.window(1).current_ticket == "t1" and state.window(1).clerk == "clerk1"
    assert after == seqs[2:] and recent == seqs[-2:]
    assert history == ["ticket.issued", "ticket.called"]


def test_a_batch_decided_on_an_old_seq_writes_nothing(backend: dict[str, str], tmp_path: Path) -> None:
    spec, url = spec_of(tmp_path), backend["store"]

    async def race(store: SqlStore) -> tuple[bool, bool, int, list[str]]:
        mine, theirs = await hall_now(store, spec), await hall_now(store, spec)
        base = mine.seq
        first = await store.append([issued(theirs, "theirs")], base, [])
        second = await store.append([issued(mine, "mine")], base, [])
        events = await store.events_after(HALL, base, 100)
        return first, second, await store.committed_seq(HALL), [e.ticket or "" for e in events]

    first, second, committed, tickets = on_store(url, race)
    assert first and not second
    assert tickets == ["theirs"] and committed == 1
    assert on_store(url, lambda store: store.get_ticket(HALL, "mine")) is None


def test_a_process_behind_catches_up_with_exactly_what_it_missed(
    backend: dict[str, str], tmp_path: Path
) -> None:
    spec, url = spec_of(tmp_path), backend["store"]
    at = MONDAY_10AM

    async def run(store: SqlStore) -> None:
        behind = await hall_now(store, spec)
        ahead = await hall_now(store, spec)
        step = issued(ahead, "t1")
        await store.append([step], 0, [Reply("kiosk|k1", "t1", step.events[-1].seq, at)])
        for n in range(2, 6):
            await store.append([issued(ahead, f"t{n}", n)], ahead.seq - 1, [])
        catchup = await store.steps_after(spec, behind.seq, 100)
        assert catchup is not None
        assert [e.seq for e in catchup.outcome.events] == [1, 2, 3, 4, 5]
        assert set(catchup.outcome.tickets) == {f"t{n}" for n in range(1, 6)}
        assert [r.key for r in catchup.replies] == ["kiosk|k1"]
        assert await store.steps_after(spec, behind.seq, 3) is None  # too far behind: reload
        assert [r.key for r in await store.replies(HALL, at - timedelta(hours=1))] == ["kiosk|k1"]
        assert await store.replies(HALL, at + timedelta(hours=1)) == []

    on_store(url, run)


def test_an_embedded_commit_s_statements_are_made_once_per_process_not_per_commit(tmp_path: Path) -> None:
    # A clerk's steps carry idempotency keys; each keyed commit used to compile its insert
    # again and keep it, so memory grew with every step of the day. (PostgreSQL's commits are
    # SQLAlchemy's, with its own bounded statement cache.)
    spec, url = spec_of(tmp_path), f"sqlite:///{tmp_path / 'onewindow.db'}"

    async def steps(store: SqlStore) -> list[int]:
        state, sizes = await hall_now(store, spec), []
        for n in range(1, 6):
            step = issued(state, f"t{n}", n)
            await store.commit([step], [Reply(f"clerk1|k{n}", f"t{n}", step.events[-1].seq, MONDAY_10AM)])
            sizes.append(sql._SqliteStatement.of.cache_info().currsize)
        return sizes

    sizes = on_store(url, steps)
    assert sizes[1:] == sizes[:1] * 4  # what the first commit made, the next ones reuse
    keys = on_store(url, lambda store: store.replies(HALL, MONDAY_10AM - timedelta(hours=1)))
    assert [r.key for r in keys] == [f"clerk1|k{n}" for n in range(1, 6)]


def test_one_rating_per_ticket_one_secret_per_name(backend: dict[str, str]) -> None:
    url = backend["store"]
    rating = RatingRecord(HALL, "t1", 1, "clerk1", 5, None, None, MONDAY_10AM, "device")

    async def run(store: SqlStore) -> None:
        assert await store.add_rating(rating)
        assert not await store.add_rating(rating)
        assert [r.level for r in await store.ratings_since(HALL, MONDAY_10AM)] == [5]
        await store.remove_rating("t1")
        assert await store.ratings_since(HALL, MONDAY_10AM) == []
        assert await store.secret("token_key", "first") == "first"

    on_store(url, run)
    assert on_store(url, lambda store: store.secret("token_key", "second")) == "first"


def test_accounts_are_replaced_by_name_and_a_removed_device_is_gone(backend: dict[str, str]) -> None:
    url = backend["store"]
    at: datetime = MONDAY_10AM
    device = DeviceRecord("d1", "screen-1", "screen", HALL, "hash-1", at)

    async def run(store: SqlStore) -> None:
        await store.add_user(UserRecord("zhang", "clerk", HALL, "h1", at))
        await store.add_user(UserRecord("li", "supervisor", HALL, "h2", at))
        await store.add_user(UserRecord("zhang", "clerk", HALL, "h3", at, token_generation=1))
        assert [(u.username, u.password_hash) for u in await store.list_users()] == [
            ("li", "h2"),
            ("zhang", "h3"),
        ]
        await store.add_device(device)
        assert await store.device_by_token_hash("hash-1") == device
        assert [d.name for d in await store.list_devices(HALL)] == ["screen-1"]
        assert await store.remove_device(HALL, "screen-1")
        assert not await store.remove_device(HALL, "screen-1")
        assert await store.device_by_token_hash("hash-1") is None

    on_store(url, run)


def test_a_turn_waited_for_too_long_is_store_unavailable_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every place for a turn held (halls stuck behind a peer's lock): the next hall's turn is
    # refused as the store being busy (a 503 to its request) once a connection's wait is up.
    monkeypatch.setattr(sql, "POOL_WAIT_S", 0.3)

    async def work(store: SqlStore) -> float:
        held, release = 0, asyncio.Event()

        async def hold(hall: str) -> None:
            nonlocal held
            async with store.exclusive(hall):
                held += 1
                await release.wait()

        holders = [asyncio.create_task(hold(f"hall-{n}")) for n in range(sql.TURNS_AT_MOST)]
        while held < sql.TURNS_AT_MOST:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="no turn free"):
            async with store.exclusive(HALL):
                pass
        waited = time.monotonic() - started
        release.set()
        await asyncio.gather(*holders)
        async with store.exclusive(HALL):  # the places given back
            pass
        return waited

    assert 0.3 <= on_store(f"sqlite:///{tmp_path / 'onewindow.db'}", work) < 5


@pytest.mark.postgres
def test_more_delivery_leases_than_the_pool_has_connections_leave_requests_their_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A lease lasts as long as its deliverer runs: a city's webhooks and notifiers hold more
    # leases at once than the process has pooled connections, and its requests go on.
    reset_scaled_backends()
    monkeypatch.setattr(sql, "POOL_WAIT_S", 2.0)
    leases = sql.POOL_SIZE + sql.POOL_OVERFLOW + 5

    async def work(store: SqlStore) -> None:
        async with contextlib.AsyncExitStack() as held:
            taken = [
                await held.enter_async_context(store.delivery_lease(f"webhook-{n}")) for n in range(leases)
            ]
            assert all(taken)
            # A request's read while every lease is held: answered, not left waiting for a connection.
            started = time.monotonic()
            assert await store.committed_seq(HALL) == 0
            assert time.monotonic() - started < 1.0
            # Another process is refused each lease held here, and the store answers it too.
            other = SqlStore(POSTGRES_URL)
            await other.start()
            try:
                async with other.delivery_lease("webhook-3") as held_there:
                    assert not held_there
                await held.aclose()  # every lease given back here
                async with other.delivery_lease("webhook-3") as held_there:
                    assert held_there
            finally:
                await other.close()

    on_store(POSTGRES_URL, work)
