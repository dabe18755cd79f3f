"""Errors a person reads name states, steps and roles in words, in zh-CN and English; the
codes stay in `params` for programs."""

from __future__ import annotations

from typing import Any

from tests.conftest import Hall

RAW_CODES = ("done", "closed", "no_show", "call_back", "serving", "kiosk")


def _error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


def _finished(hall: Hall) -> str:
    number: str = hall.issue()["number"]
    hall.ok(1, "open")
    hall.ok(1, "call-next")
    hall.ok(1, "start")
    hall.ok(1, "finish")
    return number


def test_a_finished_ticket_called_again_is_refused_in_words(hall: Hall) -> None:
    number = _finished(hall)
    r = hall.act(1, "call", number=number)
    assert r.status_code == 409
    err = _error(r)
    assert err["message"] == f"{number} 号当前状态为「已办结」，不能执行「叫号」"
    assert err["params"]["status"] == "done"  # the code, for programs
    r = hall.client.post(
        "/api/halls/weiyang/windows/1/call",
        json={"number": number},
        headers={**hall.auth("clerk1"), "Accept-Language": "en"},
    )
    assert _error(r)["message"] == f"Ticket {number} is finished; it cannot be called"


def test_a_window_step_and_a_role_are_named_in_words(hall: Hall) -> None:
    r = hall.act(1, "resume", who="supervisor")
    assert r.status_code == 409
    assert _error(r)["message"] == "1 号窗口当前状态为「关闭」，不能执行「恢复」"
    r = hall.act(1, "open", who="kiosk")
    assert r.status_code == 403
    message = _error(r)["message"]
    assert "自助取号机" in message and not any(code in message for code in RAW_CODES)


def test_a_clerk_acting_on_the_window_they_just_closed_hears_it_is_not_open(hall: Hall) -> None:
    hall.ok(3, "open")
    hall.ok(3, "close")
    for verb in ("call-next", "pause", "finish", "close"):
        r = hall.act(3, verb)
        assert r.status_code == 409, (verb, r.text)
        err = _error(r)
        assert err["code"] == "window_not_open"
        assert err["message"] == "3 号窗口未开放（关闭），请先开启窗口"
    r = hall.client.post(
        "/api/halls/weiyang/windows/3/call-next",
        json={},
        headers={**hall.auth("clerk2"), "Accept-Language": "en"},
    )
    assert r.status_code == 409
    assert _error(r)["message"] == "Window 3 is not open (closed); open it first"
    # Opening it again is the way out, for the same clerk or another.
    hall.ok(3, "open", who="clerk2")
