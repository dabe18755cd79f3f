"""Shared fixtures: a test hall on a temporary SQLite file, a manual clock, staff and devices."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import queue_server.accounts
from queue_server.accounts import add_device, add_user
from queue_server.app import create_app
from queue_server.auth import DeviceKind, Role, hash_password
from queue_server.clock import Clock, ManualClock
from queue_server.config import BUILT_IN_CONFIG, Settings, parse_settings
from queue_server.storage import open_store
from tests.redis_db import claim_database

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
# Monday 2026-11-23 10:00 in Shanghai.
MONDAY_10AM = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
# A second hall as an admin adds it live (POST /api/halls), open all day every day.
GAOXIN: dict[str, Any] = {
    "id": "gaoxin",
    "name": "高新区政务服务中心",
    "categories": [{"code": "business", "prefix": "A", "name": "企业开办"}],
    "windows": [{"number": 1}],
    "hours": {"weekdays": [["00:00", "23:59"]], "weekend": [["00:00", "23:59"]]},
}


def demo_config() -> dict[str, Any]:
    return tomllib.loads(BUILT_IN_CONFIG.read_text(encoding="utf-8"))


def make_settings(tmp_path: Path, store: str | None = None, **server: Any) -> Settings:
    raw = demo_config()
    raw["server"]["store"] = store or f"sqlite:///{tmp_path / 'onewindow.db'}"
    raw["server"].update(server)
    return parse_settings(raw, base_dir=tmp_path)


# The scaled-out backends: the machine's PostgreSQL and Redis. Each test run gets a database
# and a Redis index of its own (claimed, see tests/redis_db.py), so that two runs on one
# machine cannot wipe each other.
POSTGRES_SERVER = os.environ.get("ONEWINDOW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
POSTGRES_URL = f"{POSTGRES_SERVER}/onewindow_test_{os.getpid()}"
REDIS_SERVER = os.environ.get("ONEWINDOW_TEST_REDIS", "redis://127.0.0.1:6379")
REDIS_DB = claim_database(REDIS_SERVER)
# Without a claim nothing is flushed (the Redis tests skip), so the index here is never used.
REDIS_URL = f"{REDIS_SERVER}/{REDIS_DB.index if REDIS_DB else 0}"


def reset_scaled_backends() -> None:
    """A clean record and live state for every test (arq style: flush per test)."""
    import asyncpg
    from redis.asyncio import Redis

    if REDIS_DB is None:
        pytest.skip("no Redis database of this run's own: Redis is out of reach or every index is claimed")

    async def run() -> None:
        try:
            conn = await asyncpg.connect(POSTGRES_URL, timeout=5)
        except asyncpg.InvalidCatalogNameError:
            admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
            try:
                await admin.execute(f'CREATE DATABASE "{POSTGRES_URL.rsplit("/", 1)[1]}"')
            finally:
                await admin.close()
            conn = await asyncpg.connect(POSTGRES_URL, timeout=5)
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()
        redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        try:
            await redis.flushdb()  # this run's claimed index only
        finally:
            await redis.aclose()

    try:
        asyncio.run(run())
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL/Redis not reachable: {exc}")


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("scaled", marks=[pytest.mark.redis, pytest.mark.postgres]),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Server settings for each backend; tests taking it run against both."""
    if request.param == "embedded":
        return {"store": f"sqlite:///{tmp_path / 'onewindow.db'}", "bus": "memory://"}
    reset_scaled_backends()
    return {"store": POSTGRES_URL, "bus": REDIS_URL}


@dataclass
class Hall:
    """A running test hall: the client, its clock, and tokens by name."""

    client: TestClient
    clock: ManualClock
    settings: Settings
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def issue(self, category: str = "business", who: str = "kiosk", **body: Any) -> dict[str, Any]:
        response = self.client.post(
            "/api/halls/weiyang/tickets",
            json={"category": category, **body},
            headers=self.auth(who),
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def act(self, window: int, verb: str, who: str = "clerk1", **body: Any) -> Any:
        return self.client.post(
            f"/api/halls/weiyang/windows/{window}/{verb}", json=body, headers=self.auth(who)
        )

    def ok(self, window: int, verb: str, who: str = "clerk1", **body: Any) -> dict[str, Any]:
        response = self.act(window, verb, who, **body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


def seed_people(settings: Settings, clock: Clock, store: str | None = None) -> dict[str, str]:
    """Creates clerk1, clerk2, supervisor, admin, a kiosk, a screen and window 1's rating device;
    returns device tokens."""

    async def run() -> dict[str, str]:
        opened = open_store(store or settings.server.store)
        await opened.start()
        try:
            for name, role in [
                ("clerk1", Role.CLERK),
                ("clerk2", Role.CLERK),
                ("supervisor", Role.SUPERVISOR),
            ]:
                await add_user(opened, settings, clock, name, role, PASSWORD, "weiyang")
            await add_user(opened, settings, clock, "admin", Role.ADMIN, PASSWORD, None)
            return {
                "kiosk": await add_device(opened, settings, clock, "kiosk-1", DeviceKind.KIOSK, "weiyang"),
                "screen": await add_device(opened, settings, clock, "screen-1", DeviceKind.SCREEN, "weiyang"),
                # Window 1's rating device (评价器).
                "rater": await add_device(
                    opened, settings, clock, "rater-1", DeviceKind.SCREEN, "weiyang", window=1
                ),
            }
        finally:
            await opened.close()

    return asyncio.run(run())


def login_all(client: TestClient, tokens: dict[str, str]) -> None:
    for name in ("clerk1", "clerk2", "supervisor", "admin"):
        response = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert response.status_code == 200, response.text
        tokens[name] = response.json()["token"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_10AM)


@pytest.fixture
def hall(tmp_path: Path, clock: ManualClock, backend: dict[str, str]) -> Iterator[Hall]:
    settings = make_settings(tmp_path, **backend)
    tokens = seed_people(settings, clock)
    with TestClient(create_app(settings, clock)) as client:
        login_all(client, tokens)
        yield Hall(client, clock, settings, tokens)


@pytest.fixture(scope="session", autouse=True)
def _one_hash_per_password() -> Iterator[None]:
    """Seeding a hall hashed four passwords with argon2, tuned to cost tens of milliseconds of
    CPU each (several times that on a loaded machine), before almost every test: in this run a
    password is hashed once and its hash reused. Sign-ins still verify every password as
    deployed (`queue_server.service` keeps the real hash for rehashing an old one)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queue_server.accounts, "hash_password", functools.cache(hash_password))
        yield


@pytest.fixture(scope="session", autouse=True)
def _drop_test_database() -> Iterator[None]:
    yield
    import asyncpg

    async def run() -> None:
        admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_URL.rsplit("/", 1)[1]}" WITH (FORCE)')
        finally:
            await admin.close()

    with contextlib.suppress(OSError, asyncpg.PostgresError):
        asyncio.run(run())


_MUST_RUN_IN_CI = ("browser", "redis", "postgres")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With CI=true a Redis, PostgreSQL or browser test that skips is a failure: CI has them."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    required = [m for m in _MUST_RUN_IN_CI if item.get_closest_marker(m)]
    if os.environ.get("CI") == "true" and report.skipped and required:
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, but {', '.join(required)} must be there: {report.longrepr}"
