"""A real `onewindow serve` process on a hall of its own, on a clock the test moves."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import tomli_w

from queue_server.clock import TEST_CLOCK_ENV, ManualClock
from queue_server.config import load_settings
from tests.conftest import MONDAY_10AM, PASSWORD, demo_config, seed_people
from tests.server_process import ServerProcess


class ClockFile:
    """The instant the server reads (queue_server.clock.FileClock); replaced in one step."""

    def __init__(self, path: Path, start: datetime) -> None:
        self.path, self.now = path, start
        self._write()

    def advance(self, delta: timedelta) -> None:
        self.now += delta
        self._write()

    def _write(self) -> None:
        partial = self.path.with_suffix(".partial")
        partial.write_text(self.now.isoformat(), encoding="utf-8")
        os.replace(partial, self.path)


def write_config(directory: Path, **sections: dict[str, Any]) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'hall.db'}"
    raw.update(sections)
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


@dataclass
class Served:
    process: ServerProcess
    clock: ClockFile
    devices: dict[str, str]  # device tokens by name
    client: httpx.Client

    def login(self, name: str) -> dict[str, str]:
        response = self.client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def log(self) -> str:
        return self.process.log.read_text(encoding="utf-8")


def serve(
    directory: Path,
    args: tuple[str, ...] = (),
    seed: bool = True,
    start: datetime = MONDAY_10AM,
    **sections: dict[str, Any],
) -> Iterator[Served]:
    """Serves a new hall in `directory` (its people added), or with `seed=False` the one
    that is there already, from the instant `start` on."""
    config = directory / "config.toml"
    devices: dict[str, str] = {}
    if seed:
        write_config(directory, **sections)
        devices = seed_people(load_settings(config), ManualClock(MONDAY_10AM))
    clock = ClockFile(directory / "clock.txt", start)
    # A loaded machine (six engineers on two cores) takes its time to import and migrate.
    process = ServerProcess(config, env={TEST_CLOCK_ENV: str(clock.path)}, args=args).start(timeout=120)
    try:
        with httpx.Client(base_url=process.url, timeout=10) as client:
            yield Served(process, clock, devices, client)
    finally:
        process.stop()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path)
