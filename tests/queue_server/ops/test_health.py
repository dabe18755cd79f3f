"""GET /healthz and /readyz of a real server: up, ready, and not ready with the reason."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.storage import migrate
from tests.conftest import POSTGRES_URL, REDIS_URL, reset_scaled_backends
from tests.queue_server.ops.conftest import Served, serve
from tests.queue_server.scaleout.conftest import PostgresCluster, RedisServer


def test_a_running_server_is_healthy_and_ready_and_says_so_in_its_api_document(served: Served) -> None:
    health = served.client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    ready = served.client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    paths = served.client.get("/api/openapi.json").json()["paths"]
    assert {"/healthz", "/readyz", "/metrics"} <= set(paths)
    assert paths["/readyz"]["get"]["security"] == []  # probes bring no token


def test_a_store_behind_the_newest_migration_is_not_ready_and_names_the_revisions(
    served: Served, tmp_path: Path
) -> None:
    with sqlite3.connect(tmp_path / "hall.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '0003'")
    ready = served.client.get("/readyz", headers={"Accept-Language": "en"})
    assert ready.status_code == 503
    (reason,) = ready.json()["reasons"]
    assert reason["code"] == "schema_behind"
    assert f"revision 0003, this version needs {migrate.head_revision()}" in reason["message"]
    assert "onewindow db upgrade" in reason["message"]
    # The process itself is still up: a restart would not help, the upgrade would.
    assert served.client.get("/healthz").status_code == 200


@pytest.fixture
def scaled(tmp_path: Path) -> Iterator[tuple[Served, RedisServer]]:
    reset_scaled_backends()
    redis = RedisServer(tmp_path).start()
    try:
        server = {"store": POSTGRES_URL, "bus": redis.url}
        for served in serve(tmp_path, server=server):
            yield served, redis
    finally:
        redis.kill()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_a_server_whose_redis_is_gone_is_not_ready_until_it_is_back(
    scaled: tuple[Served, RedisServer],
) -> None:
    served, redis = scaled
    assert served.client.get("/readyz").status_code == 200
    redis.kill()
    ready = served.client.get("/readyz", headers={"Accept-Language": "en"})
    assert ready.status_code == 503
    assert [r["code"] for r in ready.json()["reasons"]] == ["bus_unreachable"]
    assert ready.json()["reasons"][0]["message"].startswith("The bus (Redis) cannot be reached")
    zh = served.client.get("/readyz").json()["reasons"][0]["message"]
    assert zh.startswith("消息总线（Redis）无法访问")
    redis.start()
    # A connection the old Redis closed may fail one more ping, as it would fail one probe.
    deadline = time.monotonic() + 10
    while (ready := served.client.get("/readyz")).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


@pytest.fixture
def own_store(tmp_path: Path) -> Iterator[tuple[Served, PostgresCluster]]:
    reset_scaled_backends()  # the shared Redis database of this run, clean
    cluster = PostgresCluster().start()
    try:
        for served in serve(tmp_path, server={"store": cluster.url, "bus": REDIS_URL}):
            yield served, cluster
    finally:
        cluster.remove()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_a_server_whose_postgresql_is_down_is_not_ready_until_it_is_back(
    own_store: tuple[Served, PostgresCluster],
) -> None:
    served, cluster = own_store
    assert served.client.get("/readyz").status_code == 200
    cluster.stop()
    ready = served.client.get("/readyz", headers={"Accept-Language": "en"})
    assert ready.status_code == 503
    assert [r["code"] for r in ready.json()["reasons"]] == ["store_unreachable"]
    assert ready.json()["reasons"][0]["message"].startswith("The store cannot be reached: ")
    assert served.client.get("/healthz").status_code == 200
    cluster.start()
    deadline = time.monotonic() + 10
    while (ready := served.client.get("/readyz")).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
