"""Opening hours at the kiosk, online tickets, booking check-in and the ticket's own stream."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import GAOXIN, PASSWORD
from tests.ticket_printer.live import LiveHall

EVENING = timedelta(hours=8)  # Monday 18:00 in Shanghai
SATURDAY = timedelta(days=5)  # Saturday 10:00


def test_after_closing_the_kiosk_refuses_but_the_counter_still_issues(
    live_hall: LiveHall,
) -> None:
    live_hall.clock.advance(EVENING)
    refused = live_hall.kiosk_issue("business")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "issuing_ended"
    assert "今日取号已结束" in error["message"] and "2026-11-24 09:00" in error["message"]
    counter = live_hall.post("/api/halls/weiyang/tickets", "clerk1", category="business", channel="counter")
    assert counter.status_code == 201
    offer = live_hall.get("/kiosk/api/halls/weiyang", "kiosk").json()
    assert offer["issuing"] == "ended"
    assert offer["next_opening"] == "2026-11-24T09:00:00+08:00"


def test_at_lunch_the_kiosk_says_when_it_opens(live_hall: LiveHall) -> None:
    live_hall.clock.advance(timedelta(hours=2, minutes=30))  # 12:30
    refused = live_hall.kiosk_issue("business")
    assert refused.json()["error"]["code"] == "issuing_closed"
    assert "13:30" in refused.json()["error"]["message"]


def test_at_weekends_only_weekend_categories(live_hall: LiveHall) -> None:
    live_hall.clock.advance(SATURDAY)
    assert live_hall.kiosk_issue("business").status_code == 201
    refused = live_hall.client.post(
        "/kiosk/api/halls/weiyang/tickets",
        json={"category": "tax"},
        headers={**live_hall.auth("kiosk"), "Accept-Language": "en"},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "Tax is not served at weekends; please come on a working day"
    )
    offer = live_hall.get("/kiosk/api/halls/weiyang", "kiosk").json()
    available = {c["code"]: c["available"] for c in offer["categories"]}
    assert available["business"] and not available["tax"]


def test_a_holiday_closes_the_kiosk_and_a_worked_saturday_serves_weekday_categories(
    live_hall: LiveHall,
) -> None:
    """Tuesday 24 November made a holiday, Saturday 28 November worked for it (调休)."""
    read = live_hall.get("/api/halls/weiyang/settings", "supervisor").json()
    settings = {**read["settings"], "version": read["version"]}
    del settings["id"]
    settings.update(holidays=["2026-11-24"], workdays=["2026-11-28"])
    saved = live_hall.client.put(
        "/api/halls/weiyang/settings", json=settings, headers=live_hall.auth("supervisor")
    )
    assert saved.status_code == 200, saved.text

    live_hall.clock.advance(timedelta(days=1))  # the holiday, 10:00
    refused = live_hall.kiosk_issue("business")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "issuing_closed" and "2026-11-25 09:00" in error["message"]
    assert online(live_hall, "13800138000").json()["error"]["code"] == "issuing_closed"
    offer = live_hall.get("/kiosk/api/halls/weiyang", "kiosk").json()
    assert offer["issuing"] == "closed" and offer["holiday"] and offer["hours_today"] == []
    assert offer["next_opening"] == "2026-11-25T09:00:00+08:00"

    live_hall.clock.advance(timedelta(days=4, hours=7, minutes=15))  # the worked Saturday, 17:15
    offer = live_hall.get("/kiosk/api/halls/weiyang", "kiosk").json()
    assert offer["issuing"] == "open" and not offer["weekend"]
    assert offer["hours_today"] == ["09:00–12:00", "13:30–17:30"]
    assert all(c["available"] for c in offer["categories"])
    assert live_hall.kiosk_issue("tax").status_code == 201


def test_a_kiosk_offers_only_the_halls_priority_classes(live_hall: LiveHall) -> None:
    assert live_hall.kiosk_issue("business", priority="elderly").status_code == 201
    assert live_hall.kiosk_issue("business", priority="green").status_code == 403


def online(hall: LiveHall, phone: str, category: str = "social") -> Any:
    return hall.post("/api/halls/weiyang/online-tickets", category=category, phone=phone)


@pytest.mark.parametrize("ticketing_config", [{"online_daily_limit": 2}])
def test_online_tickets_are_limited_per_phone_per_day(live_hall: LiveHall) -> None:
    first = online(live_hall, "138 0013 8000")
    assert first.status_code == 201, first.text
    assert first.json()["ticket"]["number"] == "B001"
    assert "138" not in first.text  # the phone number is never echoed
    assert online(live_hall, "+8613800138000").status_code == 201
    third = online(live_hall, "13800138000")
    assert third.status_code == 409 and third.json()["error"]["code"] == "daily_limit"
    assert online(live_hall, "13900139000").status_code == 201  # another phone
    live_hall.clock.advance(timedelta(days=1))
    assert online(live_hall, "13800138000").status_code == 201  # a new day
    assert online(live_hall, "12345").json()["error"]["code"] == "bad_phone"


@pytest.mark.parametrize("ticketing_config", [{"online_per_ip_per_hour": 3}])
def test_online_tickets_are_rate_limited_per_address(live_hall: LiveHall) -> None:
    for phone in ("13800000001", "13800000002", "13800000003"):
        assert online(live_hall, phone).status_code == 201
    limited = online(live_hall, "13800000004")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


def test_online_tickets_only_in_opening_hours(live_hall: LiveHall) -> None:
    live_hall.clock.advance(EVENING)
    refused = online(live_hall, "13800138000")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "issuing_ended"
    assert live_hall.get("/api/halls/weiyang/online").json()["issuing"] == "ended"


def test_a_booking_becomes_an_appointment_ticket_in_its_slot(live_hall: LiveHall) -> None:
    booked = live_hall.post(
        "/api/halls/weiyang/bookings",
        "supervisor",
        category="realestate",
        slot={"start": "2026-11-23T11:00:00+08:00", "minutes": 30},
    )
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    early = live_hall.post("/kiosk/api/halls/weiyang/check-in", "kiosk", code=code)
    assert early.status_code == 409 and early.json()["error"]["code"] == "booking_too_early"
    live_hall.clock.advance(timedelta(minutes=40))  # 10:40, inside the 30 minutes before
    checked = live_hall.post("/kiosk/api/halls/weiyang/check-in", "kiosk", code=code)
    assert checked.status_code == 201, checked.text
    ticket = checked.json()["ticket"]
    assert ticket["priority"] == "appointment" and ticket["number"] == "D001"
    again = live_hall.post("/kiosk/api/halls/weiyang/check-in", "kiosk", code=code)
    assert again.json()["error"]["code"] == "booking_used"
    unknown = live_hall.post("/kiosk/api/halls/weiyang/check-in", "kiosk", code="00000000")
    assert unknown.status_code == 404


def test_a_booking_must_lie_in_opening_hours(live_hall: LiveHall) -> None:
    refused = live_hall.post(
        "/api/halls/weiyang/bookings",
        "supervisor",
        category="tax",
        slot={"start": "2026-11-28T10:00:00+08:00", "minutes": 30},  # a Saturday: tax is weekdays only
    )
    assert refused.status_code == 409 and "weekends" in refused.json()["error"]["message"]


def test_the_ticket_stream_follows_one_ticket_only(live_hall: LiveHall) -> None:
    mine = live_hall.kiosk_issue("business").json()["ticket"]
    live_hall.clock.advance(timedelta(seconds=30))  # the line follows issue time
    live_hall.kiosk_issue("business")  # someone behind me

    async def follow() -> list[dict[str, Any]]:
        url = live_hall.url.replace("http", "ws") + f"/t/{mine['id']}/ws"
        seen: list[dict[str, Any]] = []
        async with connect(url) as ws:
            seen.append(json.loads(await ws.recv()))
            await asyncio.to_thread(live_hall.post, "/api/halls/weiyang/windows/3/open", "clerk1")
            await asyncio.to_thread(live_hall.post, "/api/halls/weiyang/windows/3/call-next", "clerk1")
            while seen[-1]["ticket"]["status"] != "called":
                seen.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
        return seen

    seen = asyncio.run(follow())
    assert seen[0]["kind"] == "ticket" and seen[0]["ticket"]["status"] == "waiting"
    called = seen[-1]["ticket"]
    assert called["window"] == 3 and called["window_name"] == "3号窗口"
    assert {m["ticket"]["id"] for m in seen} == {mine["id"]}


def test_an_unknown_ticket_page_says_so(live_hall: LiveHall) -> None:
    page = live_hall.get("/t/not-a-ticket")
    assert page.status_code == 404 and "unknown_ticket" in page.text


def test_a_phone_following_a_ticket_whose_hall_is_retired_is_told_the_hall_is_gone(
    live_hall: LiveHall,
) -> None:
    login = live_hall.client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    admin = {"Authorization": f"Bearer {login.json()['token']}"}
    assert live_hall.client.post("/api/halls", json=GAOXIN, headers=admin).status_code == 201
    issued = live_hall.client.post(
        "/api/halls/gaoxin/tickets", json={"category": "business", "channel": "counter"}, headers=admin
    )
    assert issued.status_code == 201, issued.text
    ticket = issued.json()["id"]
    cancelled = live_hall.client.post(f"/api/halls/gaoxin/tickets/{ticket}/cancel", json={}, headers=admin)
    assert cancelled.status_code == 200, cancelled.text

    async def follow() -> tuple[int, str]:
        async with connect(live_hall.url.replace("http", "ws") + f"/t/{ticket}/ws") as ws:
            assert json.loads(await ws.recv())["ticket"]["status"] == "cancelled"
            retired = await asyncio.to_thread(live_hall.client.delete, "/api/halls/gaoxin", headers=admin)
            assert retired.status_code == 200, retired.text
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None
        return closed.value.rcvd.code, closed.value.rcvd.reason

    assert asyncio.run(follow()) == (4404, "hall retired")
