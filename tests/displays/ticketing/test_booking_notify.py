"""A visitor who booked with consent to notifications is told at the hall's gateway once their
checked-in booking is called; a booking without consent keeps no number and is told nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import Hall
from tests.queue_server.outbound.receiver import Receiver
from tests.queue_server.outbound.test_notifier import PHONE, contacts, gateway, messages, notifying

__all__ = ["gateway", "notifying"]  # the notifier tests' hall and gateway receiver


def book_and_check_in(hall: Hall, phone: str, **consent: Any) -> dict[str, Any]:
    hall.clock.advance(timedelta(seconds=1))  # visitors come one after the other
    booked = hall.client.post(
        "/api/halls/weiyang/bookings",
        json={
            "category": "tax",
            "slot": {"start": "2026-11-23T10:30:00+08:00", "minutes": 30},
            "phone": phone,
            **consent,
        },
    )
    assert booked.status_code == 201, booked.text
    checked = hall.client.post(
        "/kiosk/api/halls/weiyang/check-in", json={"code": booked.json()["code"]}, headers=hall.auth("kiosk")
    )
    assert checked.status_code == 201, checked.text
    ticket: dict[str, Any] = checked.json()["ticket"]
    return ticket


def test_a_consenting_booking_is_told_when_called(notifying: Hall, gateway: Receiver) -> None:
    hall = notifying
    silent = book_and_check_in(hall, "13900139000")
    mine = book_and_check_in(hall, PHONE, notify=True)
    assert [c.ticket_id for c in contacts(hall)] == [mine["id"]]  # the other kept no number
    hall.ok(1, "open")
    assert hall.ok(1, "call-next")["ticket"]["number"] == silent["number"]
    hall.ok(2, "open", "clerk2")
    assert hall.ok(2, "call-next", "clerk2")["ticket"]["number"] == mine["number"]
    told = {m["kind"]: m for m in messages(gateway, 2) if m["number"] == mine["number"]}
    assert told["called"]["phone"] == PHONE and told["called"]["window"] == 2
    assert told["called"]["text"] == f"【未央区政务服务中心】请 {mine['number']} 号到 2 号窗口办理。"
    assert all(m["number"] == mine["number"] for m in messages(gateway, 2))
