"""Visitors' bookings through the API: places per slot falling, the per-phone rules, the no-show
block on the injected clock, cancelling with the phone, and every refusal worded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest

from tests.ticket_printer.live import LiveHall

DAY = timedelta(days=1)
PHONE, OTHER = "13800138000", "13900139000"


def slots(hall: LiveHall, category: str = "tax", day: str = "2026-11-23") -> dict[str, Any]:
    reply = hall.get(f"/api/halls/weiyang/booking-slots?category={category}&date={day}")
    assert reply.status_code == 200, reply.text
    result: dict[str, Any] = reply.json()
    return result


def left(hall: LiveHall, start: str, day: str = "2026-11-23") -> int:
    by_start = {s["start"]: s["left"] for s in slots(hall, day=day)["slots"]}
    return int(by_start[f"{day}T{start}:00+08:00"])


def book(
    hall: LiveHall, phone: str | None, start: str = "2026-11-23T11:00:00+08:00", **more: Any
) -> httpx.Response:
    body: dict[str, Any] = {"category": "tax", "slot": {"start": start, "minutes": 30}, **more}
    if phone is not None:
        body["phone"] = phone
    return hall.client.post("/api/halls/weiyang/bookings", json=body, headers={"Accept-Language": "en"})


def cancel(hall: LiveHall, code: str, phone: str) -> httpx.Response:
    return hall.client.request(
        "DELETE",
        f"/api/halls/weiyang/bookings/{code}",
        json={"phone": phone},
        headers={"Accept-Language": "en"},
    )


def error(reply: httpx.Response) -> tuple[int, str, str]:
    e = reply.json()["error"]
    return reply.status_code, e["code"], e["message"]


@pytest.mark.parametrize("ticketing_config", [{"booking": {"places_per_slot": 2, "per_phone_per_day": 2}}])
def test_places_left_fall_as_visitors_book_and_come_back_on_cancel(live_hall: LiveHall) -> None:
    day = slots(live_hall)
    assert day["days"][0] == {"date": "2026-11-23", "open": True} and len(day["days"]) == 7
    assert {"date": "2026-11-28", "open": False} in day["days"]  # Saturday: tax is weekdays only
    assert left(live_hall, "11:00") == 2
    assert left(live_hall, "09:30") == 0  # begun at 10:00: no longer bookable
    assert [s["begun"] for s in day["slots"]][:3] == [True, True, True]  # 09:00, 09:30, 10:00
    first = book(live_hall, PHONE)
    assert first.status_code == 201, first.text
    mine = first.json()
    assert len(mine["code"]) == 8 and mine["status"] == "booked" and mine["category_name_en"] == "Tax"
    assert (
        mine["slot_start"] == "2026-11-23T11:00:00+08:00" and mine["slot_end"] == "2026-11-23T11:30:00+08:00"
    )
    assert PHONE not in first.text  # the number is never echoed
    assert left(live_hall, "11:00") == 1
    assert book(live_hall, OTHER).status_code == 201
    assert left(live_hall, "11:00") == 0
    assert error(book(live_hall, "13700137000")) == (
        409,
        "booking_full",
        "This slot is fully booked; please choose another",
    )
    cancelled = cancel(live_hall, mine["code"], "+86 138 0013 8000")  # the same phone, written another way
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert left(live_hall, "11:00") == 1
    assert cancel(live_hall, mine["code"], PHONE).json()["status"] == "cancelled"  # twice: the same
    qr = live_hall.get(mine["qr_url"])
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml" and "<svg" in qr.text


def test_in_the_evening_the_first_day_offered_is_tomorrow(live_hall: LiveHall) -> None:
    live_hall.clock.advance(timedelta(hours=7, minutes=1))  # Monday 17:01: the last slot has begun
    reply = live_hall.get("/api/halls/weiyang/booking-slots?category=tax")
    assert reply.status_code == 200, reply.text
    offer = reply.json()
    assert offer["days"][0] == {"date": "2026-11-23", "open": False}
    assert offer["date"] == "2026-11-24" and all(not s["begun"] for s in offer["slots"])


def test_a_wrong_phone_cannot_cancel_and_learns_nothing_about_the_code(live_hall: LiveHall) -> None:
    code = book(live_hall, PHONE).json()["code"]
    wrong = cancel(live_hall, code, OTHER)
    unknown = cancel(live_hall, "12345678", OTHER)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"] == "booking_not_yours"
    assert left(live_hall, "11:00") == 9  # the booking stands: the demo's 10 places, one taken


def test_every_refusal_names_the_problem(live_hall: LiveHall) -> None:
    assert error(book(live_hall, None)) == (
        401,
        "booking_needs_phone",
        "A booking needs your mobile number (staff: please sign in)",
    )
    assert error(book(live_hall, "12345"))[:2] == (422, "bad_phone")
    assert error(book(live_hall, PHONE, "2026-11-23T11:15:00+08:00"))[:2] == (422, "booking_not_a_slot")
    assert error(book(live_hall, PHONE, "2026-11-23T12:00:00+08:00"))[:2] == (
        422,
        "booking_not_a_slot",
    )  # lunch
    assert error(book(live_hall, PHONE, "2026-11-23T09:30:00+08:00")) == (
        409,
        "booking_started",
        "The 09:30 slot has begun; please choose a later one",
    )
    assert error(book(live_hall, PHONE, "2026-12-01T10:00:00+08:00")) == (
        409,
        "booking_day",
        "Slots can be booked from 2026-11-23 to 2026-11-29 only",
    )
    assert error(book(live_hall, PHONE, "2026-11-28T10:00:00+08:00"))[:2] == (409, "category_not_on_weekend")
    bad_day = live_hall.get("/api/halls/weiyang/booking-slots?category=tax&date=23.11.2026")
    assert bad_day.status_code == 422 and bad_day.json()["error"]["params"]["field"] == "date"
    assert live_hall.get("/api/halls/weiyang/booking-slots?category=nothing").status_code == 404
    assert live_hall.get("/api/halls/weiyang/booking-slots").status_code == 422
    assert live_hall.get("/api/halls/weiyang/booking-slots?category=tax&date=2026-11-28").status_code == 409
    assert book(live_hall, PHONE).status_code == 201


@pytest.mark.parametrize("ticketing_config", [{"booking": {"per_phone_per_day": 1, "open_per_phone": 2}}])
def test_a_phone_books_once_a_day_and_holds_few_bookings(live_hall: LiveHall) -> None:
    assert book(live_hall, PHONE).status_code == 201
    assert error(book(live_hall, PHONE, "2026-11-23T14:00:00+08:00"))[:2] == (409, "booking_per_day")
    assert book(live_hall, PHONE, "2026-11-24T14:00:00+08:00").status_code == 201
    assert error(book(live_hall, PHONE, "2026-11-25T14:00:00+08:00")) == (
        409,
        "booking_open",
        "This phone number already has 2 unused booking(s); check in or cancel one first",
    )
    assert book(live_hall, OTHER, "2026-11-25T14:00:00+08:00").status_code == 201


NO_SHOW = {"booking": {"no_show_limit": 2, "no_show_days": 7, "no_show_block_days": 3}}


@pytest.mark.parametrize("ticketing_config", [NO_SHOW])
def test_two_missed_bookings_block_the_phone_for_three_days(live_hall: LiveHall) -> None:
    assert book(live_hall, PHONE).status_code == 201  # Monday 11:00, never checked in
    live_hall.clock.advance(DAY)  # Tuesday 10:00: Monday's is a miss
    assert book(live_hall, PHONE, "2026-11-24T11:00:00+08:00").status_code == 201  # one miss: fine
    live_hall.clock.advance(timedelta(hours=1, minutes=30))  # 11:30: Tuesday's ended unused, the second miss
    assert error(book(live_hall, PHONE, "2026-11-25T11:00:00+08:00")) == (
        409,
        "booking_blocked",
        "This phone missed 2 bookings within 7 days; it may book again after 2026-11-27 11:30",
    )
    assert book(live_hall, OTHER, "2026-11-25T11:00:00+08:00").status_code == 201  # other phones are not
    live_hall.clock.advance(3 * DAY)  # Friday 11:30: the block is over
    assert book(live_hall, PHONE, "2026-11-30T11:00:00+08:00").status_code == 201


@pytest.mark.parametrize("ticketing_config", [{"booking_per_ip_per_hour": 2}])
def test_booking_and_cancelling_are_limited_per_address(live_hall: LiveHall) -> None:
    code = book(live_hall, PHONE).json()["code"]
    assert cancel(live_hall, code, OTHER).status_code == 404
    limited = book(live_hall, OTHER)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert cancel(live_hall, code, PHONE).status_code == 429
    # staff are not limited, and book any slot inside a session without a phone
    staff = live_hall.post(
        "/api/halls/weiyang/bookings",
        "supervisor",
        category="tax",
        slot={"start": "2026-11-23T11:10:00+08:00", "minutes": 20},
    )
    assert staff.status_code == 201, staff.text
