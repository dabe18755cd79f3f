"""Screens and kiosks never receive the visitors' ticket ids (issue #11, item 7): they show
numbers and windows; the id is what lets anyone follow or rate a ticket."""

from __future__ import annotations

from typing import Any

from tests.conftest import Hall


def serve_one(hall: Hall) -> dict[str, Any]:
    ticket = hall.issue()
    hall.ok(1, "open")
    hall.ok(1, "call-next")
    return ticket


def test_the_hall_stream_gives_devices_numbers_and_windows_but_no_ids(hall: Hall) -> None:
    ticket = serve_one(hall)
    for who in ("screen", "kiosk", "rater"):
        with hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens[who]}&after=0") as ws:
            received = [ws.receive_text() for _ in range(3)]  # issued, opened, called
        assert all(ticket["id"] not in text for text in received), who
        assert any(ticket["number"] in text for text in received)
        with hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens[who]}") as ws:
            snapshot = ws.receive_json()
        assert ticket["id"] not in str(snapshot)
        window = next(w for w in snapshot["windows"] if w["number"] == 1)
        assert window["current"]["number"] == ticket["number"] and window["current_ticket"] is not None
        r = hall.client.get("/api/halls/weiyang", headers=hall.auth(who))
        assert ticket["id"] not in r.text and ticket["number"] in r.text
    # Staff still see ids: the console acts on tickets by id.
    with hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens['clerk1']}") as ws:
        assert ticket["id"] in ws.receive_text()
    assert ticket["id"] in hall.client.get("/api/halls/weiyang", headers=hall.auth("supervisor")).text
