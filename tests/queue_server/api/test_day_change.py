"""The morning is clean: the first ticket of a day counts only that day's queue (issue #10 §3),
whether the server ran through the night or was restarted in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.clock import ManualClock
from tests.conftest import Hall, login_all

# Monday 16:00 and Tuesday 00:10 in Shanghai.
MONDAY_4PM = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TUESDAY_0010 = datetime(2026, 11, 23, 16, 10, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_4PM)


def leave_three_waiting(hall: Hall) -> list[str]:
    hall.ok(1, "open")
    issued = []
    for _ in range(4):
        hall.clock.advance(timedelta(minutes=1))
        issued.append(hall.issue("business", who="supervisor"))
    assert issued[-1]["ahead"] == 3  # the afternoon's own queue counts
    hall.ok(1, "call-next")  # A001 is at the window; A002-A004 are left waiting
    return [ticket["id"] for ticket in issued[1:]]


def assert_first_of_the_day(client: TestClient, hall: Hall, left: list[str]) -> None:
    first = client.post(
        "/api/halls/weiyang/tickets", json={"category": "business"}, headers=hall.auth("supervisor")
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["number"] == "A001"
    assert (body["ahead"], body["position"], body["estimated_wait_s"]) == (0, 1, 0)
    for ticket_id in left:
        assert client.get(f"/api/halls/weiyang/tickets/{ticket_id}").json()["status"] == "expired"
    second = client.post(
        "/api/halls/weiyang/tickets", json={"category": "business"}, headers=hall.auth("supervisor")
    ).json()
    assert second["ahead"] == 1


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_first_ticket_after_midnight_counts_only_todays_queue(hall: Hall) -> None:
    left = leave_three_waiting(hall)
    hall.clock.set(TUESDAY_0010)  # no roll-over tick has run yet: the issue itself rolls over
    assert_first_of_the_day(hall.client, hall, left)


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_first_ticket_after_a_restart_in_the_night(hall: Hall, tmp_path: Path) -> None:
    left = leave_three_waiting(hall)
    hall.client.__exit__(None, None, None)  # the server stops in the evening ...
    hall.clock.set(TUESDAY_0010)  # ... and starts again after midnight
    with TestClient(create_app(hall.settings, hall.clock)) as client:
        login_all(client, hall.tokens)
        assert_first_of_the_day(client, hall, left)
