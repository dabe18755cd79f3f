"""Shared fixtures: a test hall on a temporary SQLite file, a manual clock, staff and devices."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from queue_server.accounts import add_device, add_user
from queue_server.app import create_app
from queue_server.auth import DeviceKind, Role
from queue_server.clock import Clock, ManualClock
from queue_server.config import Settings, parse_settings
from queue_server.storage import open_store

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
# Monday 2026-11-23 10:00 in Shanghai.
MONDAY_10AM = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def demo_config() -> dict[str, Any]:
    return tomllib.loads((REPO / "config.toml").read_text(encoding="utf-8"))


def make_settings(tmp_path: Path, store: str | None = None, **server: Any) -> Settings:
    raw = demo_config()
    raw["server"]["store"] = store or f"sqlite:///{tmp_path / 'onewindow.db'}"
    raw["server"].update(server)
    return parse_settings(raw, base_dir=tmp_path)


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


def seed_people(settings: Settings, clock: Clock) -> dict[str, str]:
    """Creates clerk1, clerk2, supervisor, admin, a kiosk and a screen; returns device tokens."""

    async def run() -> dict[str, str]:
        store = open_store(settings.server.store)
        await store.start()
        try:
            for name, role in [
                ("clerk1", Role.CLERK),
                ("clerk2", Role.CLERK),
                ("supervisor", Role.SUPERVISOR),
            ]:
                await add_user(store, settings, clock, name, role, PASSWORD, "weiyang")
            await add_user(store, settings, clock, "admin", Role.ADMIN, PASSWORD, None)
            return {
                "kiosk": await add_device(
                    store, settings, clock, "kiosk-1", DeviceKind.KIOSK, "weiyang"
                ),
                "screen": await add_device(
                    store, settings, clock, "screen-1", DeviceKind.SCREEN, "weiyang"
                ),
            }
        finally:
            await store.close()

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
def hall(tmp_path: Path, clock: ManualClock) -> Iterator[Hall]:
    settings = make_settings(tmp_path)
    tokens = seed_people(settings, clock)
    with TestClient(create_app(settings, clock)) as client:
        login_all(client, tokens)
        yield Hall(client, clock, settings, tokens)
