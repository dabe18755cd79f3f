"""WS /ws/halls/{hall}: every event once, in seq order, resumable with ?after=seq."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.conftest import Hall


def stream(hall: Hall, query: str = "", who: str = "screen") -> Any:
    return hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens[who]}{query}")


def test_a_new_screen_gets_a_snapshot_then_every_event(hall: Hall) -> None:
    hall.issue()
    with stream(hall) as ws:
        snapshot = ws.receive_json()
        assert snapshot["kind"] == "snapshot" and snapshot["seq"] == 1
        assert snapshot["waiting"]["business"] == 1
        hall.ok(1, "open")
        hall.ok(1, "call-next")
        opened, called = ws.receive_json(), ws.receive_json()
    assert (opened["type"], opened["seq"]) == ("window.opened", 2)
    assert (called["type"], called["seq"], called["window"]) == ("ticket.called", 3, 1)
    assert called["data"]["ticket"]["number"] == "A001"
    assert called["data"]["window"]["name"] == "1号窗口"


def test_each_screen_gets_the_hall_as_it_is_when_it_connects(hall: Hall) -> None:
    hall.issue()
    hall.ok(1, "open")
    hall.ok(1, "call-next")
    with stream(hall) as screen, stream(hall, who="supervisor") as staff, stream(hall) as other:
        first, staffs, second = screen.receive_json(), staff.receive_json(), other.receive_json()
    # Screens connecting at the same seq see the same hall; staff see the ticket ids, screens not.
    assert first == second and first["seq"] == staffs["seq"] == 3
    assert first["windows"][0]["current"]["number"] == staffs["windows"][0]["current"]["number"] == "A001"
    assert "id" not in first["windows"][0]["current"] and "id" in staffs["windows"][0]["current"]
    hall.ok(1, "no-show")
    hall.issue()
    with stream(hall) as later:
        snapshot = later.receive_json()
    # A step later the next screen sees the hall after it, not the snapshot made before.
    assert snapshot["seq"] == 5 and snapshot["windows"][0]["current"] is None
    assert snapshot["waiting"]["business"] == 1


def test_resume_after_seq_replays_exactly_what_was_missed(hall: Hall) -> None:
    hall.issue()
    hall.ok(1, "open")
    hall.ok(1, "call-next")
    hall.ok(1, "recall")
    with stream(hall, "&after=2") as ws:
        replayed = [ws.receive_json() for _ in range(2)]
        hall.ok(1, "start")
        live = ws.receive_json()
    assert [(e["seq"], e["type"]) for e in replayed] == [
        (3, "ticket.called"),
        (4, "ticket.recalled"),
    ]
    assert (live["seq"], live["type"]) == (5, "ticket.started")


def test_resume_from_the_latest_seq_sends_nothing_old(hall: Hall) -> None:
    hall.issue()
    with stream(hall, "&after=1") as ws:
        hall.issue()
        assert ws.receive_json()["seq"] == 2


def test_too_old_or_too_new_a_seq_gets_a_snapshot_first(hall: Hall, tmp_path: Any) -> None:
    with stream(hall, "&after=999") as ws:
        first = ws.receive_json()
        assert first["kind"] == "snapshot" and first["seq"] == 0


def test_bad_token_or_hall_closes_with_a_reason(hall: Hall) -> None:
    with hall.client.websocket_connect("/ws/halls/weiyang?token=owd_wrong") as ws:
        assert ws.receive_json()["code"] == "device_not_registered"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4401
    with hall.client.websocket_connect(f"/ws/halls/atlantis?token={hall.tokens['screen']}") as ws:
        assert "atlantis" in ws.receive_json()["message"]
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4404
    with stream(hall, "&after=minus-one") as ws:
        assert ws.receive_json()["kind"] == "error"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4400


def test_no_token_is_refused(hall: Hall) -> None:
    with hall.client.websocket_connect("/ws/halls/weiyang") as ws:
        assert ws.receive_json()["code"] == "not_authenticated"


def test_supervisor_sees_which_devices_are_connected(hall: Hall) -> None:
    def devices() -> dict[str, dict[str, object]]:
        response = hall.client.get("/api/halls/weiyang/devices", headers=hall.auth("supervisor"))
        assert response.status_code == 200, response.text
        return {d["name"]: d for d in response.json()["devices"]}

    assert devices()["screen-1"]["connected"] is False
    with stream(hall) as ws:
        ws.receive_json()
        listed = devices()
        assert listed["screen-1"]["connected"] is True and listed["screen-1"]["last_seen"]
        assert listed["kiosk-1"]["connected"] is False
    hall.issue()  # the kiosk is seen when it issues
    assert devices()["kiosk-1"]["last_seen"] is not None
    assert devices()["screen-1"]["connected"] is False
    assert hall.client.get("/api/halls/weiyang/devices", headers=hall.auth("clerk1")).status_code == 403
