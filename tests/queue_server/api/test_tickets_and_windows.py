"""The HTTP API as a kiosk, a clerk and a supervisor use it."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Hall


def test_a_visitor_takes_a_ticket_and_a_clerk_serves_it(hall: Hall) -> None:
    ticket = hall.issue("social")
    assert ticket["number"] == "B001"
    assert ticket["status"] == "waiting"
    assert {
        "id",
        "number",
        "category",
        "status",
        "issued_at",
        "ahead",
        "estimated_wait_s",
    } <= ticket.keys()

    hall.ok(3, "open")
    hall.clock.advance(timedelta(minutes=4))
    called = hall.ok(3, "call-next")
    assert called["ticket"]["number"] == "B001"
    assert called["ticket"]["status"] == "called"
    assert called["window"]["current_ticket"] == ticket["id"]

    hall.ok(3, "start")
    hall.clock.advance(timedelta(minutes=6))
    finished = hall.ok(3, "finish")
    assert finished["ticket"]["status"] == "done"
    assert finished["window"]["current_ticket"] is None

    seen = hall.client.get(f"/api/halls/weiyang/tickets/{ticket['id']}").json()
    assert seen["status"] == "done" and seen["window"] == 3


def test_call_next_with_nobody_waiting_answers_null(hall: Hall) -> None:
    hall.ok(1, "open")
    assert hall.ok(1, "call-next")["ticket"] is None


def test_ticket_shows_people_ahead_and_position(hall: Hall) -> None:
    for _ in range(3):
        hall.issue()
        hall.clock.advance(timedelta(seconds=30))
    fourth = hall.issue("tax")
    assert fourth["ahead"] == 3 and fourth["position"] == 4
    hall.ok(1, "open")
    hall.ok(1, "call-next")
    assert hall.client.get(f"/api/halls/weiyang/tickets/{fourth['id']}").json()["ahead"] == 2


def test_every_clerk_verb_through_the_api(hall: Hall) -> None:
    first = hall.issue()
    hall.clock.advance(timedelta(seconds=10))
    second = hall.issue()
    hall.ok(2, "open")
    assert hall.ok(2, "call", number=second["number"])["ticket"]["id"] == second["id"]
    assert hall.ok(2, "recall")["ticket"]["status"] == "called"
    hall.ok(2, "start")
    assert hall.ok(2, "hold")["ticket"]["status"] == "held"
    assert hall.ok(2, "call-next")["ticket"]["id"] == first["id"]
    assert hall.ok(2, "no-show")["ticket"]["status"] == "no_show"
    back = hall.ok(2, "call-back", ticket=second["number"])
    assert back["ticket"]["id"] == second["id"] and back["ticket"]["status"] == "called"
    moved = hall.ok(2, "transfer", to_category="tax")
    assert moved["ticket"]["category"] == "tax" and moved["ticket"]["status"] == "waiting"
    assert hall.ok(2, "pause", reason="午休")["window"]["state"] == "paused"
    assert hall.ok(2, "resume")["window"]["state"] == "open"
    assert hall.ok(2, "close")["window"]["state"] == "closed"
    reactivated = hall.client.post(
        f"/api/halls/weiyang/tickets/{first['id']}/reactivate", headers=hall.auth("clerk1")
    )
    assert reactivated.status_code == 200 and reactivated.json()["status"] == "waiting"


def test_supervisor_changes_a_windows_categories_live(hall: Hall) -> None:
    hall.issue("business")
    hall.clock.advance(timedelta(seconds=5))
    tax = hall.issue("tax")
    hall.ok(4, "open")
    changed = hall.ok(4, "set-services", who="supervisor", categories=["tax"])
    assert changed["window"]["categories"] == ["tax"]
    assert hall.ok(4, "call-next")["ticket"]["id"] == tax["id"]
    refused = hall.act(4, "set-services", who="clerk1", categories=None)
    assert refused.status_code == 403


def test_cancel_a_waiting_ticket(hall: Hall) -> None:
    ticket = hall.issue()
    response = hall.client.post(
        f"/api/halls/weiyang/tickets/{ticket['id']}/cancel", headers=hall.auth("supervisor")
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = hall.client.post(
        f"/api/halls/weiyang/tickets/{ticket['id']}/cancel", headers=hall.auth("supervisor")
    )
    assert again.status_code == 409


def test_snapshot_has_categories_windows_waiting_recent_calls_and_seq(hall: Hall) -> None:
    hall.issue()
    hall.ok(5, "open")
    hall.ok(5, "call-next")
    snapshot = hall.client.get("/api/halls/weiyang", headers=hall.auth("screen")).json()
    assert snapshot["seq"] == 3
    assert snapshot["hall"]["name"] == "未央区政务服务中心"
    assert len(snapshot["categories"]) == 10 and len(snapshot["windows"]) == 13
    window5 = next(w for w in snapshot["windows"] if w["number"] == 5)
    assert window5["state"] == "open" and window5["current"]["number"] == "A001"
    assert snapshot["recent_calls"][0] == {
        "seq": 3,
        "number": "A001",
        "window": 5,
        "at": snapshot["recent_calls"][0]["at"],
        "type": "ticket.called",
    }


def test_list_halls(hall: Hall) -> None:
    halls = hall.client.get("/api/halls").json()["halls"]
    assert halls == [
        {
            "id": "weiyang",
            "name": "未央区政务服务中心",
            "name_en": "Weiyang District Government Service Centre",
            "timezone": "Asia/Shanghai",
        }
    ]


def test_a_kiosk_token_cannot_issue_green_channel_or_appointment_tickets(hall: Hall) -> None:
    slot = {"appointment": {"start": "2026-11-23T10:30:00+08:00", "minutes": 30}}
    for body in ({"priority": "green"}, {"priority": "appointment", **slot}, slot):
        r = hall.client.post(
            "/api/halls/weiyang/tickets",
            json={"category": "business", **body},
            headers={**hall.auth("kiosk"), "Accept-Language": "en"},
        )
        assert r.status_code == 403, r.text
        assert "A kiosk cannot issue" in r.json()["error"]["message"]
    assert hall.issue(who="kiosk", priority="elderly")["priority"] == "elderly"  # offered at the kiosk
    assert hall.issue(who="clerk1", priority="green")["priority"] == "green"  # staff may
