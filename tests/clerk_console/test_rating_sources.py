"""Ratings cannot be forged (issue #11, item 7): only the rating device bound to the ticket's
window, or the visitor holding the ticket's id (its QR code and phone page), may rate it."""

from __future__ import annotations

from typing import Any

from tests.conftest import Hall


def finished_at(hall: Hall, window: int, clerk: str) -> dict[str, Any]:
    ticket = hall.issue()
    hall.ok(window, "open", clerk)
    assert hall.ok(window, "call-next", clerk)["ticket"]["id"] == ticket["id"]
    hall.ok(window, "start", clerk)
    hall.ok(window, "finish", clerk)
    return ticket


def rate(hall: Hall, ticket: str, who: str | None, level: int = 1) -> Any:
    headers = {"Accept-Language": "en", **(hall.auth(who) if who else {})}
    body: dict[str, Any] = {"level": level, **({"reason": "attitude"} if level <= 2 else {})}
    return hall.client.post(f"/api/halls/weiyang/tickets/{ticket}/rating", json=body, headers=headers)


def test_only_the_windows_rating_device_or_the_visitor_may_rate(hall: Hall) -> None:
    other = finished_at(hall, 2, "clerk2")  # another window's visitor
    for who in ("screen", "kiosk", "clerk2", "supervisor"):
        r = rate(hall, other["id"], who)
        assert r.status_code == 403, (who, r.text)
    r = rate(hall, other["id"], "rater")  # window 1's rating device
    assert r.status_code == 403 and "window 1" in r.json()["error"]["message"]
    r = rate(hall, other["number"], "rater")
    assert r.status_code in (403, 404)
    assert "bound to no window" in rate(hall, other["id"], "screen").json()["error"]["message"]

    mine = finished_at(hall, 1, "clerk1")
    r = rate(hall, mine["number"], "rater", level=5)  # by number: it never sees ids
    assert r.status_code == 201, r.text
    assert r.json()["channel"] == "device"
    r = rate(hall, other["id"], None, level=4)  # the visitor's phone page, by the ticket's id
    assert r.status_code == 201 and r.json()["channel"] == "phone"
