"""Hostile input reachable without a token: never a 500, always a status and words naming the
field (issue #11, item 1)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from queue_server.accounts import add_user
from queue_server.auth import Role
from queue_server.storage import open_store
from tests.conftest import Hall

DEEP = b"[" * 10_000 + b"]" * 10_000
HUGE = "9" * 5_000


@pytest.fixture
def backend(tmp_path: Any) -> dict[str, str]:
    """Parsing does not depend on the store: the embedded one is enough."""
    return {"store": f"sqlite:///{tmp_path / 'onewindow.db'}", "bus": "memory://"}


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]
    return error


def post_raw(hall: Hall, path: str, content: bytes, who: str | None = None) -> Any:
    headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    if who is not None:
        headers.update(hall.auth(who))
    return hall.client.post(path, content=content, headers=headers)


@pytest.mark.parametrize(
    ("path", "who"),
    [("/api/auth/login", None), ("/api/halls/weiyang/notices", "supervisor")],
)
def test_json_nested_ten_thousand_deep_is_a_400_in_words(hall: Hall, path: str, who: str | None) -> None:
    for content in (DEEP, b'{"text": ' + DEEP + b"}", b'{"a":' * 10_000 + b"1" + b"}" * 10_000):
        error = error_of(post_raw(hall, path, content, who), 400)
        assert error["code"] == "json_too_deep"
        assert "nested too deeply" in error["message"]


def test_a_five_thousand_digit_number_names_its_field(hall: Hall) -> None:
    r = post_raw(hall, "/api/auth/login", f'{{"username": {HUGE}, "password": "x"}}'.encode())
    error = error_of(r, 422)
    assert error["params"]["field"] == "username"

    r = post_raw(hall, "/api/halls/weiyang/tickets/anything/rating", f'{{"level": {HUGE}}}'.encode())
    error = error_of(r, 422)
    assert error["params"]["field"] == "level"
    assert "level" in error["message"]

    r = post_raw(
        hall, "/api/halls/weiyang/windows/1/transfer", f'{{"to_window": -{HUGE}}}'.encode(), "clerk1"
    )
    assert error_of(r, 422)["params"]["field"] == "to_window"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_a_body_is_read_in_any_encoding_json_allows(hall: Hall, encoding: str) -> None:
    content = '{"username": "supervisor", "password": "不对"}'.encode(encoding)
    error = error_of(post_raw(hall, "/api/auth/login", content), 401)
    assert error["code"] != "bad_json"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"category": "\\ud800", "channel": "counter"}', "lone_surrogate"),  # its escape
        (b'{"category": "social\\uDC00x", "channel": "counter"}', "lone_surrogate"),
        (b'{"category": "\xed\xa0\x80", "channel": "counter"}', "bad_json"),  # its bytes: not UTF-8
    ],
)
def test_half_a_utf16_pair_is_a_400_in_words(hall: Hall, content: bytes, code: str) -> None:
    # Before, the first two were taken as text, refused as an unknown matter, and the refusal
    # naming it could not be encoded: a 500.
    error = error_of(post_raw(hall, "/api/halls/weiyang/tickets", content, "clerk1"), 400)
    assert error["code"] == code


def test_a_whole_utf16_pair_is_text(hall: Hall) -> None:
    # An emoji escaped as JSON escapes it: refused as an unknown matter, named as sent.
    r = post_raw(hall, "/api/halls/weiyang/tickets", b'{"category": "\\ud83d\\ude00"}', "clerk1")
    error = error_of(r, 404)
    assert error["code"] == "unknown_category" and "\U0001f600" in error["message"]


def test_a_number_of_just_eighteen_digits_is_still_a_number(hall: Hall) -> None:
    r = post_raw(hall, "/api/halls/weiyang/tickets/anything/rating", b'{"level": 100000000000000000}')
    error = error_of(r, 422)
    assert error["code"] == "rating_level"  # parsed, then refused by the rating rules


@pytest.mark.parametrize("window", ["%C2%B2", "%D9%A3", "1" * 5_000])
def test_a_window_that_is_not_ascii_digits_is_an_unknown_window(hall: Hall, window: str) -> None:
    r = hall.client.post(
        f"/api/halls/weiyang/windows/{window}/open",
        json={},
        headers={**hall.auth("clerk1"), "Accept-Language": "en"},
    )
    error = error_of(r, 404)
    assert error["code"] == "unknown_window"
    r = hall.client.get(f"/api/halls/weiyang/windows/{window}/console", headers=hall.auth("clerk1"))
    assert error_of(r, 404)["code"] == "unknown_window"
    for page in (
        f"/console/halls/weiyang/windows/{window}",
        f"/display/halls/weiyang/windows/{window}?token={hall.tokens['screen']}",
        f"/rate/halls/weiyang/windows/{window}",
    ):
        assert hall.client.get(page).status_code == 404, page


def test_page_options_in_other_digits_fall_back_to_the_default(hall: Hall) -> None:
    r = hall.client.get(f"/display/halls/weiyang?token={hall.tokens['screen']}&repeat=%C2%B2")
    assert r.status_code == 200
    r = hall.client.get(
        f"/display/halls/weiyang/announce.wav?token={hall.tokens['screen']}&number=A001&window=%C2%B2"
    )
    assert r.status_code == 422


@pytest.mark.parametrize("after", [HUGE, "%C2%B2", "-1"])
def test_a_stream_resumed_after_a_bad_seq_closes_4400_naming_after(hall: Hall, after: str) -> None:
    with hall.client.websocket_connect(
        f"/ws/halls/weiyang?token={hall.tokens['screen']}&after={after}"
    ) as ws:
        message = ws.receive_json()
        assert message["kind"] == "error" and "after" in message["message"]
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4400
    assert "after" in closed.value.reason


def test_an_undeclared_method_is_405_with_the_allowed_methods(hall: Hall) -> None:
    r = hall.client.request("TRACE", "/api/halls", headers={"Accept-Language": "en"})  # GET lists, POST adds
    assert r.status_code == 405 and set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert "TRACE" in error_of(r, 405)["message"]


def test_a_password_is_taken_exactly_as_typed(hall: Hall) -> None:
    async def run() -> None:
        store = open_store(hall.settings.server.store)
        await store.start()
        try:
            await add_user(
                store, hall.settings, hall.clock, "clerk7", Role.CLERK, " spaced passphrase ", "weiyang"
            )
        finally:
            await store.close()

    asyncio.run(run())
    login = {"username": "clerk7", "password": " spaced passphrase "}
    assert hall.client.post("/api/auth/login", json=login).status_code == 200
    login["password"] = "spaced passphrase"
    assert hall.client.post("/api/auth/login", json=login).status_code == 401
