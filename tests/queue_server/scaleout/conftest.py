"""Several real server processes sharing one hall through Redis and PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from redis import Redis

from queue_server.clock import SystemClock
from queue_server.config import load_settings
from tests.conftest import PASSWORD, POSTGRES_URL, REDIS_URL, reset_scaled_backends, seed_people
from tests.queue_server.processes.conftest import write_config
from tests.server_process import ServerProcess, free_port

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


class RedisServer:
    """A redis-server of the test's own on a free port, to kill and restart empty."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if Redis(port=self.port, socket_connect_timeout=0.5).ping():
                    return self
            except OSError:
                pass
            except Exception:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def scaled_config(tmp_path: Path) -> Path:
    reset_scaled_backends()
    path = write_config(tmp_path, windows=100)
    settings = load_settings(path)
    seed_people(settings, SystemClock(), store=POSTGRES_URL)
    return path


def servers(config: Path, count: int, redis_url: str = REDIS_URL) -> list[ServerProcess]:
    env = {"ONEWINDOW_STORE": POSTGRES_URL, "ONEWINDOW_BUS": redis_url}
    return [ServerProcess(config, env=env).start() for _ in range(count)]


@pytest.fixture
def two_servers(scaled_config: Path) -> Iterator[list[ServerProcess]]:
    running = servers(scaled_config, 2)
    try:
        yield running
    finally:
        for server in running:
            server.stop()


def supervisor_headers(url: str) -> dict[str, str]:
    response = httpx.post(f"{url}/api/auth/login", json={"username": "supervisor", "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}
