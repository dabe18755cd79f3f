"""Presence, rate limits and check-in locks are shared by every process when the bus is Redis
(queue_server.ephemeral, queue_server.presence): two real `onewindow serve` processes on the
test's PostgreSQL database and Redis index, asked as a load balancer would."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Iterator
from datetime import datetime

import httpx2 as httpx
import pytest
import tomli_w
import websockets

from queue_server.clock import ManualClock
from queue_server.config import load_settings
from tests.conftest import POSTGRES_URL, reset_scaled_backends, seed_people
from tests.queue_server.processes.conftest import write_config
from tests.queue_server.scaleout.conftest import OPEN_HOURS, START_TIMEOUT_S, clocked_env, supervisor_headers
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

PER_ADDRESS = 3


class Pair:
    def __init__(self, a: ServerProcess, b: ServerProcess, tokens: dict[str, str]) -> None:
        self.a, self.b, self.tokens = a, b, tokens


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    directory = tmp_path_factory.mktemp("shared")
    reset_scaled_backends()
    path = write_config(directory, windows=4)
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    config.setdefault("ticketing", {})["online_per_ip_per_hour"] = PER_ADDRESS
    path.write_bytes(tomli_w.dumps(config).encode())
    tokens = seed_people(
        load_settings(path), ManualClock(datetime.fromisoformat(OPEN_HOURS)), store=POSTGRES_URL
    )
    env = clocked_env(directory)
    running = [ServerProcess(path, env=env).launch() for _ in range(2)]
    try:
        a, b = (server.wait_ready(START_TIMEOUT_S) for server in running)
        yield Pair(a, b, tokens)
    finally:
        for server in running:
            server.stop()


def screen_state(server: ServerProcess) -> dict[str, object]:
    response = httpx.get(f"{server.url}/api/halls/weiyang/devices", headers=supervisor_headers(server.url))
    assert response.status_code == 200, response.text
    return next(d for d in response.json()["devices"] if d["name"] == "screen-1")


async def test_a_screen_connected_to_a_shows_as_online_on_b(pair: Pair) -> None:
    assert screen_state(pair.b)["connected"] is False
    url = f"ws://127.0.0.1:{pair.a.port}/ws/halls/weiyang?token={pair.tokens['screen']}"
    async with websockets.connect(url) as screen:
        await screen.recv()  # the snapshot: it is connected
        seen = screen_state(pair.b)
        assert seen["connected"] is True and seen["last_seen"] is not None
    for _ in range(100):  # the disconnect is recorded once A notices the close
        if screen_state(pair.b)["connected"] is False:
            break
        await asyncio.sleep(0.1)
    assert screen_state(pair.b)["connected"] is False


def test_the_online_rate_limit_per_address_holds_across_processes(pair: Pair) -> None:
    answers = []
    for n in range(PER_ADDRESS + 1):
        server = (pair.a, pair.b)[n % 2]
        answers.append(
            httpx.post(
                f"{server.url}/api/halls/weiyang/online-tickets",
                json={"category": "social", "phone": f"1380000000{n}"},
            )
        )
    assert [r.status_code for r in answers] == [201] * PER_ADDRESS + [429], answers[-1].text
    assert int(answers[-1].headers["Retry-After"]) > 0


async def test_one_booking_checked_in_on_two_processes_at_once_gives_one_ticket(pair: Pair) -> None:
    headers = supervisor_headers(pair.a.url)
    booked = httpx.post(
        f"{pair.a.url}/api/halls/weiyang/bookings",
        json={
            "category": "realestate",
            "slot": {"start": "2026-12-02T10:15:00+08:00", "minutes": 30},
        },
        headers=headers,
    )
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    kiosk = {"Authorization": f"Bearer {pair.tokens['kiosk']}"}
    async with httpx.AsyncClient(timeout=30) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    f"{server.url}/kiosk/api/halls/weiyang/check-in", json={"code": code}, headers=kiosk
                )
                for server in (pair.a, pair.b, pair.a, pair.b)
            )
        )
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201, 409, 409, 409], [r.text for r in answers]
    # The others waited for the lock and then found the booking used: no second ticket.
    assert all(r.json()["error"]["code"] == "booking_used" for r in answers if r.status_code == 409)
