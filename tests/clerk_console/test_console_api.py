"""The console's endpoints through the HTTP API: views, figures, ratings, supervisor actions,
history, notices and who may do what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import PASSWORD, Hall


def _serve(hall: Hall, window: int = 1, who: str = "clerk1", seconds: int = 300) -> dict[str, Any]:
    ticket: dict[str, Any] = hall.ok(window, "call-next", who)["ticket"]
    hall.ok(window, "start", who)
    hall.clock.advance(timedelta(seconds=seconds))
    hall.ok(window, "finish", who)
    return ticket


def test_console_view_counts_the_windows_queue(hall: Hall) -> None:
    hall.issue("business")
    hall.clock.advance(timedelta(minutes=4))
    hall.issue("tax")
    hall.ok(11, "open", "clerk1")  # 跨省通办 only
    view = hall.client.get("/api/halls/weiyang/windows/11/console", headers=hall.auth("clerk1")).json()
    assert view["queue"] == {"waiting": 0, "longest_wait_s": None, "oldest_number": None}
    hall.ok(1, "open", "clerk2")
    view = hall.client.get("/api/halls/weiyang/windows/1/console", headers=hall.auth("clerk2")).json()
    assert view["queue"] == {"waiting": 2, "longest_wait_s": 240, "oldest_number": "A001"}
    assert view["window"]["clerk"] == "clerk2" and view["window"]["current"] is None


def test_a_second_call_next_is_refused_while_one_is_called(hall: Hall) -> None:
    hall.issue()
    hall.clock.advance(timedelta(seconds=1))
    hall.issue()
    hall.ok(1, "open")
    hall.ok(1, "call-next")
    second = hall.act(1, "call-next")
    assert second.status_code == 409
    assert "A001" in second.json()["error"]["message"]


def test_rating_is_stored_once_and_counts_for_the_clerk(hall: Hall) -> None:
    hall.issue()
    hall.ok(1, "open")
    ticket = _serve(hall, seconds=240)
    url = f"/api/halls/weiyang/tickets/{ticket['id']}/rating"
    first = hall.client.post(url, json={"level": 5})
    assert first.status_code == 201, first.text
    assert first.json()["channel"] == "phone"
    again = hall.client.post(url, json={"level": 4})
    assert again.status_code == 409
    stats = hall.client.get("/api/halls/weiyang/clerks/clerk1/stats", headers=hall.auth("clerk1")).json()
    assert stats["served"] == 1 and stats["average_handling_s"] == 240
    assert stats["ratings"] == 1 and stats["good_share"] == 1.0
    history = hall.client.get(
        f"/api/halls/weiyang/tickets/{ticket['id']}/history", headers=hall.auth("supervisor")
    ).json()
    kinds = [e["type"] for e in history["events"]]
    assert kinds == [
        "ticket.issued",
        "ticket.called",
        "ticket.started",
        "ticket.finished",
        "ticket.rated",
    ]
    assert history["events"][-1]["actor"] == "visitor"
    assert history["events"][1]["actor"] == "clerk:clerk1"


def test_a_bad_rating_needs_a_reason_and_a_device_rates_as_device(hall: Hall) -> None:
    hall.issue()
    hall.ok(1, "open")
    ticket = _serve(hall)
    url = f"/api/halls/weiyang/tickets/{ticket['id']}/rating"
    device = {"Authorization": f"Bearer {hall.tokens['rater']}"}  # window 1's rating device
    refused = hall.client.post(url, json={"level": 1}, headers=device)
    assert refused.status_code == 422
    assert "原因" in refused.json()["error"]["message"]
    ok = hall.client.post(url, json={"level": 1, "reason": "wait"}, headers=device)
    assert ok.status_code == 201 and ok.json() == {
        "ticket": ticket["number"],
        "level": 1,
        "bad": True,
        "channel": "device",
    }


def test_an_unfinished_ticket_cannot_be_rated(hall: Hall) -> None:
    ticket = hall.issue()
    response = hall.client.post(f"/api/halls/weiyang/tickets/{ticket['id']}/rating", json={"level": 5})
    assert response.status_code == 409
    missing = hall.client.post("/api/halls/weiyang/tickets/nope/rating", json={"level": 5})
    assert missing.status_code == 404


def test_a_clerk_sees_only_their_own_figures(hall: Hall) -> None:
    response = hall.client.get("/api/halls/weiyang/clerks/clerk1/stats", headers=hall.auth("clerk2"))
    assert response.status_code == 403
    boss = hall.client.get("/api/halls/weiyang/clerks/clerk1/stats", headers=hall.auth("supervisor"))
    assert boss.status_code == 200


def test_supervisor_moves_prioritises_and_the_ledger_names_them(hall: Hall) -> None:
    first = hall.issue("business")
    hall.clock.advance(timedelta(seconds=1))
    second = hall.issue("business")
    boss = hall.auth("supervisor")
    moved = hall.client.post(
        f"/api/halls/weiyang/tickets/{first['id']}/transfer",
        json={"to_category": "tax"},
        headers=boss,
    )
    assert moved.status_code == 200 and moved.json()["category"] == "tax"
    prioritised = hall.client.post(
        f"/api/halls/weiyang/tickets/{second['id']}/prioritise",
        json={"priority": "elderly"},
        headers=boss,
    )
    assert prioritised.status_code == 200 and prioritised.json()["priority"] == "elderly"
    wrong = hall.client.post(
        f"/api/halls/weiyang/tickets/{second['id']}/prioritise",
        json={"priority": "vip"},
        headers=boss,
    )
    assert wrong.status_code == 422
    history = hall.client.get(f"/api/halls/weiyang/tickets/{second['id']}/history", headers=boss).json()[
        "events"
    ]
    assert history[-1]["type"] == "ticket.prioritised"
    assert history[-1]["actor"] == "supervisor:supervisor"
    assert history[-1]["data"]["previous"] == "normal"


def test_clerks_may_not_use_supervisor_endpoints(hall: Hall) -> None:
    ticket = hall.issue()
    clerk = hall.auth("clerk1")
    for method, path, body in [
        ("GET", "/api/halls/weiyang/board", None),
        ("GET", "/api/halls/weiyang/alerts", None),
        ("POST", "/api/halls/weiyang/notices", {"text": "x"}),
        ("POST", f"/api/halls/weiyang/tickets/{ticket['id']}/prioritise", {"priority": "green"}),
        ("POST", f"/api/halls/weiyang/tickets/{ticket['id']}/transfer", {"to_category": "tax"}),
        ("GET", "/api/users", None),
    ]:
        response = hall.client.request(method, path, json=body, headers=clerk)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["error"]["message"]
    assert hall.client.get("/api/halls/weiyang/board").status_code == 401


def test_a_clerk_cannot_act_on_anothers_window(hall: Hall) -> None:
    hall.issue()
    hall.ok(1, "open", "clerk1")
    response = hall.act(1, "call-next", "clerk2")
    assert response.status_code == 403
    assert "clerk1" in response.json()["error"]["message"]


def test_notice_goes_to_the_hall_stream(hall: Hall) -> None:
    with hall.client.websocket_connect(f"/ws/halls/weiyang?token={hall.tokens['screen']}") as ws:
        assert ws.receive_json()["kind"] == "snapshot"
        response = hall.client.post(
            "/api/halls/weiyang/notices",
            json={"text": "系统维护，暂停取号 10 分钟"},
            headers=hall.auth("supervisor"),
        )
        assert response.status_code == 201
        event = ws.receive_json()
    assert event["type"] == "hall.notice"
    assert event["data"]["text"] == "系统维护，暂停取号 10 分钟"
    assert event["actor"] == "supervisor:supervisor"
    too_long = hall.client.post(
        "/api/halls/weiyang/notices", json={"text": "长" * 201}, headers=hall.auth("supervisor")
    )
    assert too_long.status_code == 422


def test_alerts_endpoint_reports_a_long_wait(hall: Hall) -> None:
    hall.issue("social")
    boss = hall.auth("supervisor")
    before = hall.client.get("/api/halls/weiyang/alerts", headers=boss).json()
    assert not [a for a in before["alerts"] if a["kind"] == "long_wait"]
    hall.clock.advance(timedelta(minutes=31))
    after = hall.client.get("/api/halls/weiyang/alerts", headers=boss).json()
    waits = [a for a in after["alerts"] if a["kind"] == "long_wait"]
    assert len(waits) == 1 and "B001" in waits[0]["text"]["zh-CN"]


def test_board_shows_windows_queues_and_devices(hall: Hall) -> None:
    hall.issue("business")
    hall.ok(1, "open")
    hall.ok(1, "call-next")
    hall.ok(1, "start")
    hall.clock.advance(timedelta(minutes=2))
    board = hall.client.get("/api/halls/weiyang/board", headers=hall.auth("supervisor")).json()
    window = next(w for w in board["windows"] if w["number"] == 1)
    assert window["current"]["number"] == "A001" and window["current"]["elapsed_s"] == 120
    assert {d["name"] for d in board["devices"]} == {"kiosk-1", "screen-1", "rater-1"}


def test_admin_lists_and_adds_users(hall: Hall) -> None:
    admin = hall.auth("admin")
    names = [u["username"] for u in hall.client.get("/api/users", headers=admin).json()["users"]]
    assert names == ["admin", "clerk1", "clerk2", "supervisor"]
    body = {"username": "clerk3", "role": "clerk", "hall": "weiyang", "password": PASSWORD}
    assert hall.client.post("/api/users", json=body, headers=admin).status_code == 201
    assert hall.client.post("/api/users", json=body, headers=admin).status_code == 409
    short = {**body, "username": "clerk4", "password": "short"}
    assert hall.client.post("/api/users", json=short, headers=admin).status_code == 422
    login = hall.client.post("/api/auth/login", json={"username": "clerk3", "password": PASSWORD})
    assert login.status_code == 200
