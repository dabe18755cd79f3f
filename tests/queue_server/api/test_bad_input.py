"""Bad input gets a clear answer: the right status and a message naming the problem."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Hall


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"], body
    found: dict[str, Any] = body["error"]
    return found


def test_unknown_hall_category_window_ticket_are_404_naming_them(hall: Hall) -> None:
    kiosk = hall.auth("kiosk")
    r = hall.client.post("/api/halls/nowhere/tickets", json={"category": "business"}, headers=kiosk)
    assert r.status_code == 404 and "nowhere" in error(r)["message"]
    r = hall.client.post("/api/halls/weiyang/tickets", json={"category": "astrology"}, headers=kiosk)
    assert r.status_code == 404 and "astrology" in error(r)["message"]
    r = hall.act(99, "open")
    assert r.status_code == 404 and "99" in error(r)["message"]
    r = hall.act("x1", "open")  # type: ignore[arg-type]
    assert r.status_code == 404 and "x1" in error(r)["message"]
    r = hall.client.get("/api/halls/weiyang/tickets/nope")
    assert r.status_code == 404 and "nope" in error(r)["message"]
    r = hall.client.get("/api/nothing-here")
    assert r.status_code == 404 and "/api/nothing-here" in error(r)["message"]


def test_messages_follow_accept_language(hall: Hall) -> None:
    r = hall.client.post(
        "/api/halls/weiyang/tickets",
        json={"category": "astrology"},
        headers={**hall.auth("kiosk"), "Accept-Language": "en-GB,en;q=0.9"},
    )
    assert error(r)["message"] == "Hall weiyang has no category astrology"
    r = hall.client.post(
        "/api/halls/weiyang/tickets", json={"category": "astrology"}, headers=hall.auth("kiosk")
    )
    assert error(r)["message"] == "大厅 weiyang 没有这个业务类别：astrology"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, None),
        (b"[1, 2]", 400, None),
        (b"", 400, None),
        (b'{"priority": "normal"}', 422, "category"),
        (b'{"category": 7}', 422, "category"),
        (b'{"category": "business", "channel": "fax"}', 422, "channel"),
        (b'{"category": "business", "colour": "red"}', 422, "colour"),
        (
            b'{"category": "business", "appointment": {"start": "2026-11-23T10:00:00+08:00"}}',
            422,
            "appointment.minutes",
        ),
        (
            b'{"category": "business", "appointment": {"start": "2026-11-23T10:00:00", "minutes": 30}}',
            422,
            "appointment.start",
        ),
        (b'{"category": "business", "priority": "vip"}', 422, None),
    ],
)
def test_malformed_ticket_bodies(hall: Hall, body: bytes, status: int, field: str | None) -> None:
    r = hall.client.post(
        "/api/halls/weiyang/tickets",
        content=body,
        headers={**hall.auth("kiosk"), "Content-Type": "application/json"},
    )
    assert r.status_code == status, r.text
    err = error(r)
    if field is not None:
        assert field in str(err["message"]) or any(e["field"] == field for e in err.get("errors", []))


def test_call_needs_a_number(hall: Hall) -> None:
    hall.ok(1, "open")
    r = hall.act(1, "call")
    assert r.status_code == 422 and "number" in error(r)["message"]


def test_unknown_verb_is_named(hall: Hall) -> None:
    r = hall.act(1, "teleport")
    assert r.status_code == 404 and "teleport" in error(r)["message"]


def test_a_post_to_a_read_only_path_beside_the_verbs_is_405(hall: Hall) -> None:
    for path in ("/api/halls/weiyang/windows/1/console", "/api/halls/weiyang/tickets/x/history"):
        r = hall.client.post(path, headers=hall.auth("supervisor"))
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD", (path, r.status_code)


def test_illegal_steps_are_409_with_a_message(hall: Hall) -> None:
    r = hall.act(1, "call-next", who="supervisor")
    assert r.status_code == 409 and error(r)["code"] == "window_not_open"
    hall.ok(1, "open")
    r = hall.act(1, "start")
    assert r.status_code == 409 and error(r)["code"] == "no_current_ticket"
    hall.issue()
    hall.ok(1, "call-next")
    r = hall.act(1, "call-next")
    assert r.status_code == 409 and "A001" in error(r)["message"]
    r = hall.act(1, "finish")  # called, not serving yet
    assert r.status_code == 409 and error(r)["code"] == "illegal_ticket_step"
    r = hall.act(1, "open")
    assert r.status_code == 409


def test_no_token_or_bad_token_is_401(hall: Hall) -> None:
    r = hall.client.post("/api/halls/weiyang/tickets", json={"category": "business"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    for token in ("owd_not-a-real-device", "owu_garbage", "owu_e30.c2ln", "plain"):
        r = hall.client.post(
            "/api/halls/weiyang/tickets",
            json={"category": "business"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 401, token
    r = hall.client.post("/api/auth/login", json={"username": "clerk1", "password": "wrong password"})
    assert r.status_code == 401
    r = hall.client.post("/api/auth/login", json={"username": "nobody", "password": "whatever"})
    assert r.status_code == 401


def test_expired_token_is_401(hall: Hall) -> None:
    from datetime import timedelta

    hall.clock.advance(timedelta(hours=13))
    r = hall.act(1, "open")
    assert r.status_code == 401 and error(r)["code"] == "bad_token"


def test_wrong_role_or_window_is_403(hall: Hall) -> None:
    r = hall.act(1, "open", who="screen")
    assert r.status_code == 403
    r = hall.act(1, "open", who="kiosk")
    assert r.status_code == 403
    r = hall.client.post(
        "/api/halls/weiyang/tickets", json={"category": "business"}, headers=hall.auth("screen")
    )
    assert r.status_code == 403
    hall.ok(1, "open", who="clerk1")
    r = hall.act(1, "call-next", who="clerk2")
    assert r.status_code == 403 and "clerk1" in error(r)["message"]
    hall.ok(1, "pause", who="supervisor", reason="meeting")
    hall.ok(1, "resume", who="admin")


def test_no_input_gives_a_500(hall: Hall) -> None:
    paths = [
        "/api/halls/weiyang/windows/1/call-next",
        "/api/halls/weiyang/tickets",
        "/api/auth/login",
    ]
    bodies = [
        b"",
        b"null",
        b"{}",
        b'{"a":',
        '{"category": "\u0000"}'.encode(),
        b"\xff\xfe",
        b'{"to_window": -1}',
    ]
    for path in paths:
        for body in bodies:
            r = hall.client.post(
                path,
                content=body,
                headers={**hall.auth("supervisor"), "Content-Type": "application/json"},
            )
            assert r.status_code < 500, (path, body, r.text)
    r = hall.client.put("/api/halls", headers=hall.auth("supervisor"))
    assert r.status_code == 405 and error(r)["code"] == "method_not_allowed"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "category",
        "priority",
        "channel",
        "number",
        "ticket",
        "to_category",
        "to_window",
        "reason",
        "categories",
        "username",
        "password",
        "appointment",
        "start",
        "minutes",
        "slot",
    ]
)
bodies = st.dictionaries(field_names, json_values, max_size=5) | json_values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=bodies,
    path=st.sampled_from(
        [
            "/api/halls/weiyang/tickets",
            "/api/halls/weiyang/windows/1/call",
            "/api/halls/weiyang/windows/1/transfer",
            "/api/halls/weiyang/windows/1/set-services",
            "/api/halls/weiyang/windows/1/pause",
            "/api/auth/login",
        ]
    ),
)
def test_no_json_body_of_any_shape_gives_a_500(hall: Hall, body: object, path: str) -> None:
    r = hall.client.post(path, json=body, headers=hall.auth("supervisor"))
    assert r.status_code < 500, (path, body, r.text)
    if r.status_code >= 400:
        error(r)
