"""Sign-in throttle (issue #11, item 4): guessing is slowed, a clerk is never locked out for long."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.clock import ManualClock
from queue_server.throttle import CAP_S, LoginThrottle, MemoryCounters, RedisCounters
from tests.conftest import MONDAY_10AM, PASSWORD, REDIS_URL, Hall, reset_scaled_backends


def sign_in(client: TestClient, password: str, name: str = "clerk1") -> object:
    return client.post(
        "/api/auth/login",
        json={"username": name, "password": password},
        headers={"Accept-Language": "en"},
    )


def wait_out(hall: Hall, seconds: int) -> None:
    """Lets `seconds` pass: on the manual clock (memory counters) and on Redis's own."""
    hall.clock.advance(timedelta(seconds=seconds))
    if hall.settings.server.bus.startswith("redis://"):
        time.sleep(seconds + 0.2)


def test_thirty_quick_guesses_then_the_right_password_is_refused_429_in_words(hall: Hall) -> None:
    answers = [sign_in(hall.client, f"guess-{i}") for i in range(30)]
    statuses = [r.status_code for r in answers]  # type: ignore[attr-defined]
    assert statuses[:5] == [401] * 5
    assert 429 in statuses
    r = sign_in(hall.client, PASSWORD)
    assert r.status_code == 429  # type: ignore[attr-defined]
    wait = int(r.headers["Retry-After"])  # type: ignore[attr-defined]
    assert 1 <= wait <= CAP_S
    assert r.json()["error"]["message"] == f"Too many failed sign-ins: try again in {wait} s"  # type: ignore[attr-defined]
    # Another clerk at the same PC is not held up.
    assert sign_in(hall.client, PASSWORD, "clerk2").status_code == 200  # type: ignore[attr-defined]
    wait_out(hall, wait)
    assert sign_in(hall.client, PASSWORD).status_code == 200  # type: ignore[attr-defined]


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)  # on the manual clock
def test_a_guesser_never_locks_a_clerk_out_for_more_than_five_minutes(hall: Hall) -> None:
    waits = []
    for i in range(60):  # an hour and more of patient guessing
        r = sign_in(hall.client, f"guess-{i}")
        if r.status_code == 429:  # type: ignore[attr-defined]
            waits.append(int(r.headers["Retry-After"]))  # type: ignore[attr-defined]
            hall.clock.advance(timedelta(seconds=waits[-1]))
    assert max(waits) == CAP_S
    hall.clock.advance(timedelta(seconds=CAP_S))
    assert sign_in(hall.client, PASSWORD).status_code == 200  # type: ignore[attr-defined]


def test_failures_spread_over_addresses_never_lock_the_clerks_own_console() -> None:
    clock = ManualClock(MONDAY_10AM)
    throttle = LoginThrottle(MemoryCounters(clock))

    async def run() -> None:
        await throttle.succeeded("clerk1", "10.0.0.5")  # the clerk's console
        for i in range(100):
            address = f"10.9.{i // 4}.{i}"  # four guesses per address: under the pair's limit
            assert await throttle.retry_after_s("clerk1", address) == 0 or i >= 20
            await throttle.failed("clerk1", address)
        assert await throttle.retry_after_s("clerk1", "10.9.99.1") > 0  # a new address waits
        assert await throttle.retry_after_s("clerk1", "10.0.0.5") == 0  # the console does not
        # One address trying many accounts is slowed down too.
        for i in range(30):
            await throttle.failed(f"user{i}", "10.7.7.7")
        assert await throttle.retry_after_s("clerk2", "10.7.7.7") > 0
        # Forgotten a quarter of an hour after the last failure.
        clock.advance(timedelta(minutes=20))
        assert await throttle.retry_after_s("clerk2", "10.7.7.7") == 0

    asyncio.run(run())


@pytest.mark.redis
def test_redis_counters_are_shared_by_every_process() -> None:
    """Two processes' throttles on one Redis: failures at one make the other wait."""
    reset_scaled_backends()

    async def run() -> None:
        first, second = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
        try:
            one, two = LoginThrottle(RedisCounters(first)), LoginThrottle(RedisCounters(second))
            for _ in range(5):
                assert await two.retry_after_s("clerk1", "10.0.0.8") == 0
                await one.failed("clerk1", "10.0.0.8")
            assert await two.retry_after_s("clerk1", "10.0.0.8") == 1
            await one.failed("clerk1", "10.0.0.8")
            assert await two.retry_after_s("clerk1", "10.0.0.8") == 2
            await two.succeeded("clerk1", "10.0.0.8")
            assert await one.retry_after_s("clerk1", "10.0.0.8") == 0
        finally:
            await first.aclose()
            await second.aclose()

    asyncio.run(run())


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["scaled"], indirect=True)
def test_scaled_out_servers_share_the_throttle(hall: Hall) -> None:
    """Two apps on the same backends (as two `onewindow serve` processes)."""
    with TestClient(create_app(hall.settings, hall.clock)) as second:
        for i in range(5):
            assert sign_in(hall.client, f"guess-{i}").status_code == 401  # type: ignore[attr-defined]
        assert sign_in(second, PASSWORD).status_code == 429  # type: ignore[attr-defined]
