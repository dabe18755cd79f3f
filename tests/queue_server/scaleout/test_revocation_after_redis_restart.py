"""A revocation still reaches every process at once after Redis restarted: two real
`onewindow serve` processes on PostgreSQL and a redis-server of the test's own, which is
killed and started again on its port; then an account disabled and a screen revoked on A are
refused on B sooner than B's copy of accounts and devices ages (REVOCATION_CHECK_S), and
B's open streams are closed long before their next heartbeat. Pub/sub keeps nothing for a
client that was away: only a listener that subscribed again hears the notice."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import websockets
from redis import Redis

from queue_server.scaleout.keys import revocations_channel
from queue_server.service import REVOCATION_CHECK_S
from tests.conftest import PASSWORD
from tests.queue_server.scaleout.conftest import (
    START_TIMEOUT_S,
    RedisServer,
    clocked_env,
    seeded_hall,
)
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

# Well under the copy's age: only the notice explains a refusal this soon.
AT_ONCE_S = REVOCATION_CHECK_S / 2
# How long the processes may take to find the restarted Redis (redis-py's retries with backoff,
# then the listener's own RESUBSCRIBE_S) on a loaded machine.
SUBSCRIBED_AGAIN_WITHIN_S = 20.0
CONSOLE = "/api/halls/weiyang/windows/1/console"


class Hall:
    def __init__(
        self, a: ServerProcess, b: ServerProcess, redis: RedisServer, tokens: dict[str, str]
    ) -> None:
        self.a, self.b, self.redis, self.tokens = a, b, redis, tokens


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    path, tokens = seeded_hall(tmp_path)
    redis = RedisServer(tmp_path).start()
    env = clocked_env(tmp_path, redis.url)
    running = [ServerProcess(path, env=env).launch() for _ in range(2)]
    try:
        a, b = (server.wait_ready(START_TIMEOUT_S) for server in running)
        yield Hall(a, b, redis, tokens)
    finally:
        for server in running:
            server.stop()
        redis.kill()


def sign_in(server: ServerProcess, name: str) -> str:
    response = httpx.post(f"{server.url}/api/auth/login", json={"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def wait_for_subscribers(redis: RedisServer, count: int) -> None:
    channel = revocations_channel(0)
    client = Redis(port=redis.port, socket_timeout=2)
    deadline = time.monotonic() + SUBSCRIBED_AGAIN_WITHIN_S
    try:
        while time.monotonic() < deadline:
            if dict(client.pubsub_numsub(channel)).get(channel.encode(), 0) >= count:
                return
            time.sleep(0.1)
    finally:
        client.close()
    raise AssertionError(f"the processes did not subscribe again within {SUBSCRIBED_AGAIN_WITHIN_S} s")


async def closed_with(ws: Any, code: str) -> None:
    """The stream says why it is cut off (`code`) and closes with 4401."""
    while (frame := json.loads(await asyncio.wait_for(ws.recv(), 15)))["kind"] != "error":
        pass
    assert frame["code"] == code, frame
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_a_revocation_on_a_is_refused_on_b_at_once_after_redis_restarted(hall: Hall) -> None:
    wait_for_subscribers(hall.redis, 2)
    hall.redis.kill()
    hall.redis.start()  # empty, on the same port: what a restart without persistence is
    wait_for_subscribers(hall.redis, 2)

    admin = {"Authorization": f"Bearer {sign_in(hall.a, 'admin')}"}
    clerk = sign_in(hall.b, "clerk1")
    screen = hall.tokens["screen"]
    b_ws = f"ws://127.0.0.1:{hall.b.port}/ws/halls/weiyang?token="
    with httpx.Client(base_url=hall.b.url, timeout=5) as b, httpx.Client(base_url=hall.a.url, timeout=5) as a:
        async with websockets.connect(b_ws + clerk) as console, websockets.connect(b_ws + screen) as board:
            assert json.loads(await console.recv())["kind"] == "snapshot"
            assert json.loads(await board.recv())["kind"] == "snapshot"
            # B holds both in its copy now.
            assert b.get(CONSOLE, headers={"Authorization": f"Bearer {clerk}"}).status_code == 200
            assert (
                b.get("/api/halls/weiyang", headers={"Authorization": f"Bearer {screen}"}).status_code == 200
            )

            assert a.post("/api/users/clerk1/disable", headers=admin).status_code == 200
            disabled = time.monotonic()
            await closed_with(console, "account_disabled")
            assert b.get(CONSOLE, headers={"Authorization": f"Bearer {clerk}"}).status_code == 401
            assert time.monotonic() - disabled < AT_ONCE_S

            devices = a.get("/api/halls/weiyang/devices", headers=admin).json()["devices"]
            screen_id = next(d["id"] for d in devices if d["name"] == "screen-1")
            assert a.delete(f"/api/halls/weiyang/devices/{screen_id}", headers=admin).status_code == 204
            revoked = time.monotonic()
            await closed_with(board, "device_not_registered")
            assert (
                b.get("/api/halls/weiyang", headers={"Authorization": f"Bearer {screen}"}).status_code == 401
            )
            assert time.monotonic() - revoked < AT_ONCE_S
