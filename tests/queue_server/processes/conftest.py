"""A hall with 20 comprehensive windows served by a real uvicorn process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from queue_server.clock import SystemClock
from queue_server.config import load_settings
from tests.conftest import PASSWORD, demo_config, seed_people
from tests.server_process import ServerProcess

WINDOWS = 20


def write_config(directory: Path, windows: int = WINDOWS) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'hall.db'}"
    raw["halls"][0]["windows"] = [{"number": n} for n in range(1, windows + 1)]
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


@pytest.fixture
def hall_config(tmp_path: Path) -> Path:
    path = write_config(tmp_path)
    seed_people(load_settings(path), SystemClock())
    return path


@pytest.fixture
def server(hall_config: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(hall_config).start()
    try:
        yield process
    finally:
        process.stop()


async def login(client: object, name: str = "supervisor") -> dict[str, str]:
    response = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


__all__ = ["asyncio", "login", "write_config"]
