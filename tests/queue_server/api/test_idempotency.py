"""`Idempotency-Key`: a kiosk or console retrying after a timeout or a 503 never makes a
second ticket or a second call (both backends; the key is committed with the step)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from queue_server.app import create_app
from tests.conftest import Hall

ISSUE = "/api/halls/weiyang/tickets"


def issue(hall: Hall, key: str | None, who: str = "kiosk") -> Any:
    headers = hall.auth(who) | ({} if key is None else {"Idempotency-Key": key})
    return hall.client.post(ISSUE, json={"category": "tax"}, headers=headers)


def call_next(hall: Hall, key: str | None) -> Any:
    headers = hall.auth("clerk1") | ({} if key is None else {"Idempotency-Key": key})
    return hall.client.post("/api/halls/weiyang/windows/3/call-next", headers=headers)


def history(hall: Hall, ticket_id: str) -> list[str]:
    events = hall.client.get(f"{ISSUE}/{ticket_id}/history", headers=hall.auth("supervisor")).json()
    return [e["type"] for e in events["events"]]


def test_a_retried_issue_gives_the_same_ticket_not_a_second(hall: Hall) -> None:
    first = issue(hall, "kiosk-7f3a")
    again = issue(hall, "kiosk-7f3a")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.json()["number"] == first.json()["number"]
    other = issue(hall, "kiosk-7f3b")
    assert other.json()["number"] != first.json()["number"]
    snapshot = hall.client.get("/api/halls/weiyang", headers=hall.auth("supervisor")).json()
    assert snapshot["waiting"]["tax"] == 2  # two tickets, not three


def test_the_same_key_from_another_caller_is_another_request(hall: Hall) -> None:
    mine = issue(hall, "1", who="kiosk").json()
    theirs = issue(hall, "1", who="supervisor").json()
    assert mine["id"] != theirs["id"]


def test_a_retried_call_next_calls_once_and_answers_with_that_ticket(hall: Hall) -> None:
    waiting = [issue(hall, None).json() for _ in range(2)]
    hall.ok(3, "open")
    first = call_next(hall, "press-1")
    again = call_next(hall, "press-1")
    assert first.status_code == again.status_code == 200
    called = first.json()["ticket"]["id"]
    assert again.json()["ticket"]["id"] == called and again.json()["ticket"]["status"] == "called"
    (other,) = [t["id"] for t in waiting if t["id"] != called]
    assert history(hall, called).count("ticket.called") == 1
    assert history(hall, other) == ["ticket.issued"]  # the retry called nobody else


def test_a_key_survives_a_restart_of_the_server(hall: Hall) -> None:
    first = issue(hall, "before-restart").json()
    headers = hall.auth("kiosk") | {"Idempotency-Key": "before-restart"}
    with TestClient(create_app(hall.settings, hall.clock)) as restarted:
        again = restarted.post(ISSUE, json={"category": "tax"}, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == first["id"]


def test_a_bad_key_is_refused_by_name(hall: Hall) -> None:
    response = issue(hall, "x" * 101)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.text
