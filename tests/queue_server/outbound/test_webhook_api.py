"""Registering webhooks through the API, on both backends, with a real receiver for deliveries."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import Hall
from tests.queue_server.outbound.receiver import Receiver

HOOKS = "/api/halls/weiyang/webhooks"


def register(hall: Hall, url: str, events: list[str]) -> dict[str, Any]:
    response = hall.client.post(HOOKS, json={"url": url, "events": events}, headers=hall.auth("admin"))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def wait_for(check: Any, timeout_s: float = 20) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_only_the_halls_admin_manages_webhooks(hall: Hall) -> None:
    url, events = "http://127.0.0.1:9/hook", ["ticket.called"]
    body = {"url": url, "events": events}
    for who in ("clerk1", "supervisor", "kiosk"):
        response = hall.client.post(HOOKS, json=body, headers=hall.auth(who))
        assert response.status_code == 403, (who, response.text)
    assert hall.client.get(HOOKS).status_code == 401
    created = register(hall, url, events)
    assert len(created["secret"]) >= 32
    listed = hall.client.get(HOOKS, headers=hall.auth("admin")).json()["webhooks"]
    assert [w["id"] for w in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert hall.client.get(HOOKS, headers=hall.auth("supervisor")).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.org/x", "events": ["ticket.called"]}, "url"),
        ({"url": "http:///no-host", "events": ["ticket.called"]}, "url"),
        ({"url": "http://example.org/x", "events": ["ticket.teleported"]}, "events.0"),
        ({"url": "http://example.org/x", "events": []}, "events"),
    ],
)
def test_a_bad_registration_names_its_field(hall: Hall, body: dict[str, Any], field: str) -> None:
    response = hall.client.post(HOOKS, json=body, headers=hall.auth("admin"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["errors"][0]["field"] == field


def test_unknown_webhooks_and_bad_limits_are_named(hall: Hall) -> None:
    response = hall.client.get(f"{HOOKS}/nope/deliveries", headers=hall.auth("admin"))
    assert response.status_code == 404
    assert "nope" in response.json()["error"]["message"]
    created = register(hall, "http://127.0.0.1:9/hook", ["ticket.called"])
    response = hall.client.get(f"{HOOKS}/{created['id']}/deliveries?limit=0", headers=hall.auth("admin"))
    assert response.status_code == 422
    assert hall.client.delete(f"{HOOKS}/{created['id']}", headers=hall.auth("admin")).status_code == 204
    assert hall.client.get(f"{HOOKS}/{created['id']}", headers=hall.auth("admin")).status_code == 404


def test_events_of_the_asked_types_arrive_signed_in_seq_order(hall: Hall) -> None:
    receiver = Receiver(now=lambda: hall.clock.now().timestamp()).up()
    try:
        hook = register(hall, receiver.url, ["ticket.called", "ticket.finished"])
        receiver.secrets[hook["id"]] = hook["secret"]
        for _ in range(3):
            hall.issue()
        hall.ok(1, "open")
        for _ in range(3):
            hall.ok(1, "call-next")
            hall.ok(1, "start")
            hall.ok(1, "finish")
        events = wait_for(lambda: len(receiver.events(hook["id"])) >= 6 and receiver.events(hook["id"]))
        assert [e["type"] for e in events] == ["ticket.called", "ticket.finished"] * 3
        seqs = [e["seq"] for e in events]
        assert seqs == sorted(seqs) and len(set(seqs)) == 6
        assert all(d.signed for d in receiver.deliveries)
        first = receiver.deliveries[0].headers
        assert first["OneWindow-Event"] == "ticket.called"
        assert first["OneWindow-Delivery"] == f"{hook['id']}.{seqs[0]}"
        # The log is written with the cursor, once per batch (a second at most after the POSTs).
        log = wait_for(
            lambda: (
                (
                    reply := hall.client.get(
                        f"{HOOKS}/{hook['id']}/deliveries", headers=hall.auth("admin")
                    ).json()
                )["deliveries"]
                and len(reply["deliveries"]) == 6
                and reply
            )
        )
        assert [d["seq"] for d in log["deliveries"]] == seqs[::-1]
        assert {d["status"] for d in log["deliveries"]} == {204}
        assert log["webhook"]["delivered_seq"] >= seqs[-1]
    finally:
        receiver.down()
