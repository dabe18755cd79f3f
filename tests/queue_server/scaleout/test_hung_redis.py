"""A Redis that accepts connections but answers nothing (a redis-server of the test's own,
stopped with SIGSTOP) holds no request up: presence, printer states, rate limits, locks and
revocation notices give up after `shared_state_timeout_ms` and go on without Redis, as
designed (what may be lost is lost); a login, whose throttle must not be skipped, is refused
with 503 and Retry-After."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import PASSWORD
from tests.queue_server.scaleout.conftest import (
    START_TIMEOUT_S,
    RedisServer,
    clocked_env,
    seeded_hall,
    supervisor_headers,
)
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

# Each request below makes a few Redis calls of ~1 s each at most; before, each waited 15 s
# and more (the bus client's socket timeout, retried), so a request this client gave up on.
ANSWER_WITHIN_S = 8.0


class Hall:
    def __init__(self, server: ServerProcess, redis: RedisServer, tokens: dict[str, str]) -> None:
        self.server, self.redis, self.tokens = server, redis, tokens
        self.client = httpx.Client(base_url=server.url, timeout=ANSWER_WITHIN_S)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    path, tokens = seeded_hall(tmp_path)
    redis = RedisServer(tmp_path).start()
    server = ServerProcess(path, env=clocked_env(tmp_path, redis.url)).launch()
    try:
        hall = Hall(server.wait_ready(START_TIMEOUT_S), redis, tokens)
        yield hall
        hall.client.close()
    finally:
        redis.resume()
        server.stop()
        redis.kill()


def test_a_hung_redis_holds_no_request_up(hall: Hall) -> None:
    staff = supervisor_headers(hall.server.url)
    kiosk = {"Authorization": f"Bearer {hall.tokens['kiosk']}"}
    booked = hall.client.post(
        "/api/halls/weiyang/bookings",
        json={
            "category": "realestate",
            "slot": {"start": "2026-12-02T10:15:00+08:00", "minutes": 30},
        },
        headers=staff,
    )
    assert booked.status_code == 201, booked.text

    hall.redis.pause()
    # Presence and printer states: unknown, so shown as not connected.
    devices = hall.client.get("/api/halls/weiyang/devices", headers=staff)
    assert devices.status_code == 200, devices.text
    assert all(d["connected"] is False for d in devices.json()["devices"])
    printers = hall.client.get("/api/halls/weiyang/printers", headers=staff)
    assert printers.status_code == 200, printers.text
    assert all(p["state"] == "offline" for p in printers.json()["printers"])
    # The online limit allows and the phone's lock is not taken: the ticket is issued.
    online = hall.client.post(
        "/api/halls/weiyang/online-tickets", json={"category": "social", "phone": "13800000001"}
    )
    assert online.status_code == 201, online.text
    # The check-in lock is not taken; the booking's own guard in PostgreSQL still holds.
    checked_in = hall.client.post(
        "/kiosk/api/halls/weiyang/check-in", json={"code": booked.json()["code"]}, headers=kiosk
    )
    assert checked_in.status_code == 201, checked_in.text
    again = hall.client.post(
        "/kiosk/api/halls/weiyang/check-in", json={"code": booked.json()["code"]}, headers=kiosk
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "booking_used", again.text
    # A step is decided and recorded by PostgreSQL; only its fan-out waits for Redis.
    issued = hall.client.post("/api/halls/weiyang/tickets", json={"category": "tax"}, headers=kiosk)
    assert issued.status_code == 201, issued.text
    # A disabled account is recorded; the other processes, not told, see it within seconds.
    disabled = hall.client.post("/api/users/clerk2/disable", headers=staff)
    assert disabled.status_code == 200, disabled.text
    # Screens connecting are told to come back (1013, as when Redis is down), all of them
    # soon: none waits out the bus client's socket timeout, nor behind another.
    started = time.monotonic()
    screen_url = (
        hall.server.url.replace("http://", "ws://") + f"/ws/halls/weiyang?token={hall.tokens['screen']}"
    )
    with contextlib.ExitStack() as opened:
        screens = [opened.enter_context(connect(screen_url, open_timeout=ANSWER_WITHIN_S)) for _ in range(3)]
        for screen in screens:
            with pytest.raises(ConnectionClosed) as closed:
                screen.recv(ANSWER_WITHIN_S)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
    assert time.monotonic() - started < ANSWER_WITHIN_S
    # The login throttle is not skipped: refused, saying when to try again.
    login = hall.client.post("/api/auth/login", json={"username": "clerk1", "password": PASSWORD})
    assert login.status_code == 503, login.text
    assert int(login.headers["Retry-After"]) > 0

    hall.redis.resume()
    login = hall.client.post("/api/auth/login", json={"username": "clerk1", "password": PASSWORD})
    assert login.status_code == 200, login.text
