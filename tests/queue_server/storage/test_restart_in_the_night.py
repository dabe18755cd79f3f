"""A server restarted in the night loads yesterday's open tickets; its first step of the new day
must expire them, as a server that ran through midnight does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.clock import ManualClock
from tests.conftest import MONDAY_10AM, PASSWORD, make_settings, seed_people


def _auth(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_yesterdays_waiting_ticket_expires_after_a_restart_and_is_never_called(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    clock = ManualClock(MONDAY_10AM)
    tokens = seed_people(settings, clock)
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
    base = "/api/halls/weiyang"
    with TestClient(create_app(settings, clock)) as client:
        left = client.post(f"{base}/tickets", json={"category": "business"}, headers=kiosk).json()
        assert left["status"] == "waiting"  # nobody calls it on Monday

    clock.advance(timedelta(days=1))  # Tuesday 10:00, a new process
    with TestClient(create_app(settings, clock)) as client:
        boss = _auth(client, "supervisor")
        assert client.post(f"{base}/windows/1/open", json={}, headers=boss).status_code == 200
        first = client.post(f"{base}/tickets", json={"category": "business"}, headers=kiosk).json()
        assert first["number"] == "A001" and first["id"] != left["id"]
        assert first["ahead"] == 0
        called = client.post(f"{base}/windows/1/call-next", json={}, headers=boss).json()["ticket"]
        assert called["id"] == first["id"]
        old = client.get(f"{base}/tickets/{left['id']}", headers=boss).json()
        assert old["status"] == "expired"
