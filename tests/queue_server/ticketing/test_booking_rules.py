"""The rules of visitors' bookings: places per slot, the days and slots offered, the no-show block
and the [ticketing.booking] settings, as pure functions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from queue_server.domain.model import WindowSpec
from queue_server.ticketing.booking_rules import (
    BookingRules,
    blocked_until,
    bookable_days,
    day_refusal,
    day_slots,
    places,
)
from queue_server.ticketing.settings import TicketingConfigError, parse_ticketing
from tests.conftest import MONDAY_10AM, make_settings

DAY = timedelta(days=1)


def test_places_are_a_share_of_the_serving_windows_capped_by_the_limit(tmp_path: object) -> None:
    spec = make_settings(tmp_path).halls[0]  # type: ignore[arg-type]
    two = replace(
        spec,
        windows=(
            WindowSpec(1, "1", "1"),  # comprehensive: serves tax
            WindowSpec(2, "2", "2", categories=frozenset({"tax"})),
            WindowSpec(3, "3", "3", categories=frozenset({"social"})),
            WindowSpec(4, "4", "4", green_channel=True),  # green channel only: no bookings
        ),
    )
    # 2 windows × 6 visitors per 30 min (5 min each) × 0.25 = 3 places
    assert places(two, "tax", BookingRules(window_share=0.25)) == 3
    assert places(two, "tax", BookingRules(window_share=0.25, places_per_slot=2)) == 2
    assert places(two, "business", BookingRules(window_share=0.25)) == 1


def test_slots_are_the_whole_half_hours_of_each_session(tmp_path: object) -> None:
    spec = make_settings(tmp_path).halls[0]  # type: ignore[arg-type]
    monday = date(2026, 11, 23)
    starts = [f"{s:%H:%M}" for s in day_slots(spec, monday)]
    assert starts[:2] == ["09:00", "09:30"] and "11:30" in starts and "12:00" not in starts
    assert starts[6:8] == ["13:30", "14:00"] and starts[-1] == "17:00"
    days = bookable_days(spec, MONDAY_10AM, BookingRules(days_ahead=3))
    assert days == [monday, monday + DAY, monday + 2 * DAY]
    refusal = day_refusal(spec, "tax", monday + 3 * DAY, MONDAY_10AM, BookingRules(days_ahead=3))
    assert refusal is not None and refusal.key == "error.booking_day"
    saturday = monday + 5 * DAY
    tax = day_refusal(spec, "tax", saturday, MONDAY_10AM, BookingRules())
    assert tax is not None and tax.key == "error.category_not_on_weekend"
    assert day_refusal(spec, "business", saturday, MONDAY_10AM, BookingRules()) is None


def test_a_holiday_is_not_bookable_and_a_worked_saturday_has_weekday_slots(tmp_path: object) -> None:
    spec = make_settings(tmp_path).halls[0]  # type: ignore[arg-type]
    tuesday, saturday = date(2026, 11, 24), date(2026, 11, 28)
    spec = replace(
        spec, hours=replace(spec.hours, holidays=frozenset({tuesday}), workdays=frozenset({saturday}))
    )
    closed = day_refusal(spec, "business", tuesday, MONDAY_10AM, BookingRules())
    assert closed is not None and closed.key == "error.booking_hall_closed"
    assert day_slots(spec, tuesday) == []
    assert day_refusal(spec, "tax", saturday, MONDAY_10AM, BookingRules()) is None
    assert f"{day_slots(spec, saturday)[-1]:%H:%M}" == "17:00"  # the weekdays' 17:30 close


def test_n_misses_within_m_days_block_for_k_days() -> None:
    rules = BookingRules(no_show_limit=3, no_show_days=14, no_show_block_days=7)
    at = datetime(2026, 11, 1, 10, 0)
    assert blocked_until([at, at + 3 * DAY], rules) is None  # two misses
    assert blocked_until([at, at + 3 * DAY, at + 20 * DAY], rules) is None  # three, not within 14 days
    assert blocked_until([at + 20 * DAY, at, at + 3 * DAY, at + 14 * DAY], rules) == at + 21 * DAY
    assert blocked_until([at] * 5, replace(rules, no_show_limit=0)) is None  # policy off


def test_booking_settings_for_every_hall_and_one_hall_overridden() -> None:
    settings = parse_ticketing(
        {"booking": {"places_per_slot": 4, "weiyang": {"places_per_slot": 2}}}, {"weiyang", "other"}
    )
    assert settings.booking["weiyang"].places_per_slot == 2
    assert settings.booking["other"].places_per_slot == 4
    assert settings.booking["other"].days_ahead == 7  # the default


def test_bad_booking_settings_are_named() -> None:
    with pytest.raises(TicketingConfigError) as caught:
        parse_ticketing(
            {
                "booking": {
                    "window_share": 1.5,
                    "places": 3,
                    "nowhere": {"days_ahead": 2},
                    "weiyang": {"days_ahead": 0, "no_show_days": 20, "no_show_block_days": 20},
                }
            },
            {"weiyang"},
        )
    problems = "\n".join(caught.value.problems)
    assert "ticketing.booking.window_share: expected a share between 0 and 1, got 1.5" in problems
    assert "ticketing.booking.places: unknown setting" in problems
    assert "ticketing.booking.nowhere: unknown hall" in problems
    assert "ticketing.booking.weiyang.days_ahead: at least 1" in problems
    assert "must not exceed hall weiyang's phone_retention_days (30)" in problems
