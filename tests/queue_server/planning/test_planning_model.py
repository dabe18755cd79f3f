from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from queue_server.planning.model import (
    HallCalendar,
    VisitRecord,
    quantile,
    slot_open_minutes,
    to_jsonable,
)


def test_default_calendar_is_weekday_9_to_17_with_lunch() -> None:
    cal = HallCalendar()
    monday, saturday = date(2024, 3, 4), date(2024, 3, 9)
    assert cal.minute_ranges(monday) == [(540, 720), (810, 1020)]
    assert not cal.is_open(saturday)
    closing = cal.closing(monday)
    assert closing is not None
    assert closing.astimezone(UTC) == datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


def test_holidays_and_special_days() -> None:
    make_up = date(2024, 2, 4)  # a Sunday worked as a 调休 day
    holiday = date(2024, 2, 12)
    cal = HallCalendar(holidays=frozenset({holiday}), special_days={make_up: ((time(9), time(12)),)})
    assert not cal.is_open(holiday)
    assert cal.minute_ranges(make_up) == [(540, 720)]
    assert [d.isoformat() for d in cal.open_days(date(2024, 2, 3), date(2024, 2, 5))] == [
        "2024-02-04",
        "2024-02-05",
    ]


def test_midnight_end_and_bad_intervals() -> None:
    cal = HallCalendar(tz="UTC", hours={0: ((time(19), time(0)),)})
    assert cal.minute_ranges(date(2024, 3, 4)) == [(1140, 1440)]
    assert cal.closing(date(2024, 3, 4)) == datetime(2024, 3, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        HallCalendar(hours={0: ((time(12), time(9)),)})
    with pytest.raises(ValueError):
        HallCalendar(hours={0: ((time(9), time(12)), (time(11), time(13)))})


def test_slot_open_minutes_partial_slots() -> None:
    assert slot_open_minutes([(540, 690), (810, 825)]) == {
        540: 30,
        570: 30,
        600: 30,
        630: 30,
        660: 30,
        810: 15,
    }
    assert slot_open_minutes([(555, 600)]) == {540: 15, 570: 30}


def test_quantile_linear_interpolation() -> None:
    assert quantile([0, 60, 300, 300, 1200], 0.9) == pytest.approx(840)
    assert quantile([4.0], 0.9) == 4.0
    with pytest.raises(ValueError):
        quantile([], 0.5)


def test_visit_record_validation() -> None:
    aware = datetime(2024, 3, 4, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        VisitRecord("h", "A", None, None, datetime(2024, 3, 4), None, None, None, "served")
    with pytest.raises(ValueError):
        VisitRecord("h", "A", None, None, aware, None, None, None, "served", rating=6)
    with pytest.raises(ValueError):
        VisitRecord("h", "A", None, None, aware, None, None, None, "lost")  # type: ignore[arg-type]
    r = VisitRecord("h", "A", None, None, aware, aware, aware, aware, "served")
    assert r.wait_seconds == 0.0 and r.handling_seconds == 0.0
    data = to_jsonable(r)
    assert isinstance(data, dict) and data["issued_at"] == "2024-03-04T01:00:00+00:00"
