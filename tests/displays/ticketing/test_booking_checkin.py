"""Checking a visitor's booking in at the kiosk, by its code (typed or scanned) or by the phone,
inside the slot's check-in time: the appointment-priority ticket, "too early" with the time to
come back, the late margin, and the day's list staff see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest

from tests.ticket_printer.live import LiveHall

PHONE, OTHER = "13800138000", "13900139000"
MINUTE = timedelta(minutes=1)


def book(hall: LiveHall, start: str, phone: str = PHONE, category: str = "tax") -> str:
    reply = hall.client.post(
        "/api/halls/weiyang/bookings",
        json={
            "category": category,
            "slot": {"start": f"2026-11-23T{start}:00+08:00", "minutes": 30},
            "phone": phone,
        },
    )
    assert reply.status_code == 201, reply.text
    code: str = reply.json()["code"]
    return code


def check_in(hall: LiveHall, **body: Any) -> httpx.Response:
    return hall.client.post(
        "/kiosk/api/halls/weiyang/check-in",
        json=body,
        headers={**hall.auth("kiosk"), "Accept-Language": "en"},
    )


def refusal(reply: httpx.Response) -> tuple[int, str, str]:
    error = reply.json()["error"]
    return reply.status_code, error["code"], error["message"]


def day_list(hall: LiveHall) -> dict[str, str]:
    reply = hall.get("/api/halls/weiyang/bookings", "supervisor")
    assert reply.status_code == 200, reply.text
    return {b["code"]: b["status"] for b in reply.json()["bookings"]}


def test_by_code_inside_the_check_in_time_gives_the_appointment_ticket(live_hall: LiveHall) -> None:
    code = book(live_hall, "11:00")  # Monday 10:00 now; check-in opens 30 min before
    assert refusal(check_in(live_hall, code=code)) == (
        409,
        "booking_too_early",
        "Your slot is 11-23 11:00-11:30; check-in opens at 10:30, please come back then",
    )
    live_hall.clock.advance(35 * MINUTE)
    checked = check_in(live_hall, code=code)
    assert checked.status_code == 201, checked.text
    ticket = checked.json()["ticket"]
    assert (ticket["priority"], ticket["number"], ticket["category"]) == ("appointment", "E001", "tax")
    assert refusal(check_in(live_hall, code=code))[:2] == (409, "booking_used")
    assert day_list(live_hall) == {code: "checked_in"}
    listed = live_hall.get("/api/halls/weiyang/bookings", "supervisor").json()["bookings"][0]
    assert listed["number"] == "E001" and PHONE not in str(listed)
    assert live_hall.get("/api/halls/weiyang/bookings", "kiosk").status_code == 403
    assert live_hall.get("/api/halls/weiyang/bookings").status_code == 401


@pytest.mark.parametrize("ticketing_config", [{"booking": {"per_phone_per_day": 2}}])
def test_by_phone_the_booking_whose_check_in_is_open_else_the_next(live_hall: LiveHall) -> None:
    morning, afternoon = book(live_hall, "11:00"), book(live_hall, "15:00")
    live_hall.clock.advance(40 * MINUTE)  # 10:40
    first = check_in(live_hall, phone="138-0013-8000")
    assert first.status_code == 201, first.text
    assert day_list(live_hall)[morning] == "checked_in"
    # The morning's is used: the phone's next booking is the afternoon's, not open yet.
    assert refusal(check_in(live_hall, phone=PHONE)) == (
        409,
        "booking_too_early",
        "Your slot is 11-23 15:00-15:30; check-in opens at 14:30, please come back then",
    )
    live_hall.clock.advance(timedelta(hours=4))  # 14:40
    second = check_in(live_hall, phone=PHONE)
    assert second.status_code == 201 and second.json()["ticket"]["number"] == "E002"
    assert day_list(live_hall) == {morning: "checked_in", afternoon: "checked_in"}
    assert refusal(check_in(live_hall, phone=OTHER)) == (
        404,
        "no_booking_today",
        "This phone number has no booking today",
    )
    assert refusal(check_in(live_hall, phone=PHONE, code=morning))[:2] == (422, "checkin_code_or_phone")
    assert refusal(check_in(live_hall))[:2] == (422, "checkin_code_or_phone")
    assert refusal(check_in(live_hall, phone="123"))[:2] == (422, "bad_phone")


@pytest.mark.parametrize("ticketing_config", [{"booking": {"checkin_late_minutes": 10}}])
def test_the_late_margin_then_the_booking_is_missed(live_hall: LiveHall) -> None:
    late, missed = book(live_hall, "11:00"), book(live_hall, "11:00", OTHER)
    live_hall.clock.advance(timedelta(hours=1, minutes=39))  # 11:39: 9 min after the slot
    assert check_in(live_hall, code=late).status_code == 201
    live_hall.clock.advance(MINUTE)  # 11:40: check-in has closed
    assert refusal(check_in(live_hall, code=missed)) == (
        409,
        "booking_missed",
        "Your slot 11-23 11:00-11:30 is over and check-in has closed; please take a number or book again",
    )
    assert day_list(live_hall) == {late: "checked_in", missed: "missed"}


def test_a_cancelled_booking_cannot_be_checked_in(live_hall: LiveHall) -> None:
    code = book(live_hall, "10:30")
    cancelled = live_hall.client.request(
        "DELETE", f"/api/halls/weiyang/bookings/{code}", json={"phone": PHONE}
    )
    assert cancelled.status_code == 200
    assert refusal(check_in(live_hall, code=code)) == (
        409,
        "booking_cancelled",
        f"Booking code {code} was cancelled",
    )
    assert refusal(check_in(live_hall, phone=PHONE))[:2] == (409, "booking_cancelled")
    assert day_list(live_hall) == {code: "cancelled"}


def test_a_check_in_whose_ticket_cannot_be_issued_leaves_the_booking_to_try_again(
    live_hall: LiveHall,
) -> None:
    """The hall stops serving the booking's matter between booking and check-in: no ticket,
    and the booking is not left claimed; once the matter is back the visitor checks in."""
    code = book(live_hall, "10:30")  # Monday 10:00: its check-in is open
    settings = live_hall.get("/api/halls/weiyang/settings", "supervisor").json()["settings"]
    settings.pop("id")
    without_tax = {
        **settings,
        "categories": [c for c in settings["categories"] if c["code"] != "tax"],
        "windows": [  # a window without "categories" serves them all
            w if "categories" not in w else {**w, "categories": [c for c in w["categories"] if c != "tax"]}
            for w in settings["windows"]
            if w.get("categories") != ["tax"]
        ],
    }

    def put(changed: dict[str, Any]) -> None:
        version = live_hall.get("/api/halls/weiyang/settings", "supervisor").json()["version"]
        reply = live_hall.client.put(
            "/api/halls/weiyang/settings",
            json={**changed, "version": version},
            headers=live_hall.auth("supervisor"),
        )
        assert reply.status_code == 200, reply.text

    put(without_tax)
    assert refusal(check_in(live_hall, code=code))[:2] == (404, "unknown_category")
    assert day_list(live_hall) == {code: "booked"}
    put(settings)
    checked = check_in(live_hall, code=code)
    assert checked.status_code == 201, checked.text
    assert checked.json()["ticket"]["category"] == "tax"
