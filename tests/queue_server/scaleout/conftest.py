"""Several real server processes sharing one hall through Redis and PostgreSQL, and servers
of the tests' own (Redis, a PostgreSQL cluster) to kill, pause and restart."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from redis import Redis

from queue_server.clock import TEST_CLOCK_ENV, ManualClock, SystemClock
from queue_server.config import load_settings
from tests.conftest import PASSWORD, POSTGRES_URL, REDIS_URL, reset_scaled_backends, seed_people
from tests.queue_server.processes.conftest import write_config
from tests.server_process import ServerProcess, free_port

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]
START_TIMEOUT_S = 120
# A Wednesday, 10:00 in Shanghai: the hall is open and issues tickets.
OPEN_HOURS = "2026-12-02T02:00:00+00:00"


def seeded_hall(directory: Path) -> tuple[Path, dict[str, str]]:
    """The demo hall's config (4 windows) on the shared PostgreSQL, emptied, its people added
    at OPEN_HOURS: the config's path and their tokens."""
    reset_scaled_backends()
    path = write_config(directory, windows=4)
    tokens = seed_people(
        load_settings(path), ManualClock(datetime.fromisoformat(OPEN_HOURS)), store=POSTGRES_URL
    )
    return path, tokens


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

    def pause(self) -> None:
        """SIGSTOP: connections stay open, nothing is answered (a hung Redis)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb) on a free port, to stop and start.
    PostgreSQL refuses to run as root: there it runs as the `postgres` user."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.skip("PostgreSQL server binaries are not installed")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="onewindow-pg-"))
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self.data = self.directory / "data"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N")

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        subprocess.run(
            [*self._as, str(self.bin / tool), *args],
            check=check,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresCluster:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = str(self.directory / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")
        return self

    def stop(self) -> None:
        """As a crash: immediate shutdown, no checkpoint; what was committed must survive."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def scaled_config(tmp_path: Path) -> Path:
    reset_scaled_backends()
    path = write_config(tmp_path, windows=24)
    settings = load_settings(path)
    seed_people(settings, SystemClock(), store=POSTGRES_URL)
    return path


@pytest.fixture
def own_postgres(scaled_config: Path) -> Iterator[PostgresCluster]:
    """A seeded cluster of the test's own, to restart."""
    cluster = PostgresCluster().start()
    try:
        seed_people(load_settings(scaled_config), SystemClock(), store=cluster.url)
        yield cluster
    finally:
        cluster.remove()


def clocked_env(directory: Path, redis_url: str = REDIS_URL) -> dict[str, str]:
    """For servers on the test's PostgreSQL database and `redis_url` whose clock (a file in
    `directory`) stands at OPEN_HOURS."""
    clock_file = directory / "clock.txt"
    clock_file.write_text(OPEN_HOURS, encoding="utf-8")
    return {"ONEWINDOW_STORE": POSTGRES_URL, "ONEWINDOW_BUS": redis_url, TEST_CLOCK_ENV: str(clock_file)}


def servers(
    config: Path, count: int, redis_url: str = REDIS_URL, store_url: str = POSTGRES_URL
) -> list[ServerProcess]:
    env = {"ONEWINDOW_STORE": store_url, "ONEWINDOW_BUS": redis_url}
    running = [ServerProcess(config, env=env).launch() for _ in range(count)]
    # Several processes importing at once on a shared, loaded machine take their time.
    return [server.wait_ready(START_TIMEOUT_S) for server in running]


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
