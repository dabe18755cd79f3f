"""The alert and extended-service functions, with the time given by the test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from clerk_console.alerts import alert_view, extended_service
from queue_server.domain.alerts import AlertLimits, DeviceHealth, hall_alerts
from queue_server.domain.model import HallSpec, Ticket, TicketStatus, Window, WindowState
from tests.conftest import MONDAY_10AM, make_settings

LIMITS = AlertLimits(pause=timedelta(minutes=30), device_grace=timedelta(seconds=60))


@pytest.fixture
def spec(tmp_path: Path) -> HallSpec:
    return make_settings(tmp_path).halls[0]


def _ticket(number: str, category: str, issued: datetime, **changes: object) -> Ticket:
    ticket = Ticket(
        id=f"id-{number}",
        hall="weiyang",
        service_day=date(2026, 11, 23),
        category=category,
        number=number,
        priority="normal",
        channel="kiosk",
        status=TicketStatus.WAITING,
        issued_at=issued,
        queue_at=issued,
    )
    return replace(ticket, **changes)  # type: ignore[arg-type]


def _windows(spec: HallSpec, **by_number: Window) -> list[Window]:
    return [by_number.get(f"w{w.number}", Window(spec=w)) for w in spec.windows]


def test_no_alert_in_a_quiet_hall(spec: HallSpec) -> None:
    tickets = {"a": _ticket("A001", "business", MONDAY_10AM)}
    alerts = hall_alerts(spec, _windows(spec), tickets, [], MONDAY_10AM + timedelta(minutes=30), LIMITS)
    assert alerts == []


def test_waits_over_the_limit_make_one_alert_per_category(spec: HallSpec) -> None:
    start = MONDAY_10AM
    tickets = {
        t.id: t
        for t in [
            _ticket("A001", "business", start),
            _ticket("A002", "business", start + timedelta(minutes=5)),
            _ticket("A003", "business", start + timedelta(minutes=20)),
            _ticket("B001", "social", start, status=TicketStatus.SERVING),
        ]
    }
    now = start + timedelta(minutes=40)
    alerts = hall_alerts(spec, _windows(spec), tickets, [], now, LIMITS)
    assert [a.kind for a in alerts] == ["long_wait"]
    assert alerts[0].params == {
        "category": "企业开办",
        "category_en": "Business start-up",
        "count": 2,
        "limit": 30,
        "minutes": 40,
        "number": "A001",
    }
    assert alert_view(alerts[0])["text"]["zh-CN"].startswith("企业开办：2 人等候超过 30 分钟")


def test_handling_over_the_category_time_limit(spec: HallSpec) -> None:
    started = MONDAY_10AM
    ticket = _ticket("A001", "business", started, status=TicketStatus.SERVING, started_at=started, window=3)
    window = Window(spec=spec.windows[2], state=WindowState.OPEN, current_ticket=ticket.id)
    windows = _windows(spec, w3=window)
    at_limit = hall_alerts(spec, windows, {ticket.id: ticket}, [], started + timedelta(minutes=30), LIMITS)
    assert at_limit == []
    over = hall_alerts(spec, windows, {ticket.id: ticket}, [], started + timedelta(minutes=31), LIMITS)
    assert [(a.kind, a.window, a.params["minutes"]) for a in over] == [("long_handling", 3, 31)]


def test_a_long_pause_uses_the_limit_given(spec: HallSpec) -> None:
    window = Window(
        spec=spec.windows[0], state=WindowState.PAUSED, pause_reason="午休", state_since=MONDAY_10AM
    )
    windows = _windows(spec, w1=window)
    now = MONDAY_10AM + timedelta(minutes=45)
    assert [a.kind for a in hall_alerts(spec, windows, {}, [], now, LIMITS)] == ["long_pause"]
    longer = AlertLimits(pause=timedelta(minutes=60), device_grace=LIMITS.device_grace)
    assert hall_alerts(spec, windows, {}, [], now, longer) == []


def test_a_device_is_offline_after_the_grace(spec: HallSpec) -> None:
    now = MONDAY_10AM
    devices = [
        DeviceHealth("screen-1", "screen", True, now),
        DeviceHealth("screen-2", "screen", False, now - timedelta(seconds=30)),
        DeviceHealth("kiosk-1", "kiosk", False, now - timedelta(minutes=5)),
        DeviceHealth("printer-1", "printer", False, None),
    ]
    alerts = hall_alerts(spec, _windows(spec), {}, devices, now, LIMITS)
    assert [a.params["device"] for a in alerts] == ["kiosk-1", "printer-1"]
    assert all(a.kind == "device_offline" for a in alerts)


def test_extended_service_after_the_last_session(spec: HallSpec) -> None:
    # Weekday sessions end at 17:30 Shanghai (09:30 UTC).
    closing = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    serving = Window(spec=spec.windows[0], state=WindowState.OPEN, current_ticket="x")
    windows = _windows(spec, w1=serving)
    assert extended_service(spec, windows, closing) is None
    late = extended_service(spec, windows, closing + timedelta(minutes=25))
    assert late is not None and late.windows == (1,) and late.minutes == 25
    assert late.public()["closed_at"] == "2026-11-23T17:30:00+08:00"
    assert extended_service(spec, _windows(spec), closing + timedelta(minutes=25)) is None


def test_extended_service_on_a_saturday_follows_weekend_hours(spec: HallSpec) -> None:
    saturday_5pm = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    windows = _windows(spec, w2=Window(spec=spec.windows[1], state=WindowState.OPEN))
    assert extended_service(spec, windows, saturday_5pm) is None
    late = extended_service(spec, windows, saturday_5pm + timedelta(minutes=10))
    assert late is not None and late.minutes == 10 and late.windows == (2,)
