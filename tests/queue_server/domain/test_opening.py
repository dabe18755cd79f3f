"""Opening hours: open or not, end of session, next opening, who may take a number when."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.domain.hall_document import InvalidHallDocument, hall_document, read_hall
from queue_server.domain.model import Category, OpeningHours, SpecialDay
from queue_server.domain.opening import (
    IssueRefusal,
    issue_refusal,
    next_opening,
    opening_status,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = OpeningHours(
    weekdays=((time(9), time(12)), (time(13, 30), time(17, 30))),
    weekend=((time(9), time(11, 30)), (time(14), time(17))),
)
BUSINESS = Category("business", "A", "企业开办", "Business start-up", weekend=True)
TAX = Category("tax", "E", "税务办理", "Tax", weekend=False)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """2026-11-{day} in Shanghai: the 23rd is a Monday, the 28th a Saturday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def test_open_in_a_session_with_its_end() -> None:
    status = opening_status(HOURS, SHANGHAI, local(23, 10))
    assert status.is_open and not status.weekend and not status.ended_today
    assert status.session_end == local(23, 12)
    assert status.next_opening == local(23, 13, 30)


def test_lunch_break_is_closed_until_the_afternoon() -> None:
    assert issue_refusal(HOURS, SHANGHAI, BUSINESS, local(23, 12, 30)) is IssueRefusal.CLOSED
    assert next_opening(HOURS, SHANGHAI, local(23, 12, 30)) == local(23, 13, 30)


def test_after_closing_issuing_has_ended_until_tomorrow() -> None:
    assert issue_refusal(HOURS, SHANGHAI, BUSINESS, local(23, 17, 30)) is IssueRefusal.ENDED
    assert next_opening(HOURS, SHANGHAI, local(23, 18)) == local(24, 9)


def test_before_opening_is_closed_not_ended() -> None:
    assert issue_refusal(HOURS, SHANGHAI, BUSINESS, local(23, 8, 59)) is IssueRefusal.CLOSED


def test_weekend_serves_weekend_categories_only() -> None:
    saturday = local(28, 10)
    assert issue_refusal(HOURS, SHANGHAI, BUSINESS, saturday) is None
    assert issue_refusal(HOURS, SHANGHAI, TAX, saturday) is IssueRefusal.NOT_ON_WEEKEND
    assert opening_status(HOURS, SHANGHAI, saturday).session_end == local(28, 11, 30)


def test_a_hall_closed_at_weekends_opens_again_on_monday() -> None:
    weekdays_only = OpeningHours(weekdays=HOURS.weekdays, weekend=())
    assert issue_refusal(weekdays_only, SHANGHAI, BUSINESS, local(28, 10)) is IssueRefusal.CLOSED
    assert next_opening(weekdays_only, SHANGHAI, local(27, 18)) == local(30, 9)


def test_no_sessions_at_all_means_no_next_opening() -> None:
    assert next_opening(OpeningHours((), ()), SHANGHAI, local(23, 10)) is None


def test_the_instant_may_come_in_utc() -> None:
    assert opening_status(HOURS, SHANGHAI, datetime(2026, 11, 23, 2, tzinfo=UTC)).is_open


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@given(instants)
def test_open_exactly_inside_a_session_of_the_local_day(now: datetime) -> None:
    status = opening_status(HOURS, SHANGHAI, now)
    local_now = now.astimezone(SHANGHAI)
    sessions = HOURS.sessions_on(local_now.date())
    inside = any(start <= local_now.time() < end for start, end in sessions)
    assert status.is_open == inside
    if inside:
        assert status.session_end is not None and status.session_end > local_now
        assert status.session_end - local_now <= timedelta(hours=4)


@given(instants)
def test_next_opening_is_the_first_session_start_after_now(now: datetime) -> None:
    upcoming = next_opening(HOURS, SHANGHAI, now)
    assert upcoming is not None
    assert upcoming > now
    assert upcoming.time() in {start for start, _ in HOURS.weekdays + HOURS.weekend}
    # Nothing opens in between: just before it, the hall is not at the start of a session.
    assert next_opening(HOURS, SHANGHAI, upcoming - timedelta(microseconds=1)) == upcoming
    assert upcoming - now < timedelta(days=3)


@given(instants, st.sampled_from([BUSINESS, TAX]))
def test_issuing_is_allowed_exactly_when_open_and_the_category_is_served(
    now: datetime, category: Category
) -> None:
    status = opening_status(HOURS, SHANGHAI, now)
    refusal = issue_refusal(HOURS, SHANGHAI, category, now)
    served = category.weekend or not status.weekend
    assert (refusal is None) == (status.is_open and served)
    if refusal is IssueRefusal.ENDED:
        assert status.ended_today and not status.is_open


# 调休 around a holiday: Tuesday the 24th is a holiday, Saturday the 28th is worked instead.
HOLIDAY, WORKED_SATURDAY = date(2026, 11, 24), date(2026, 11, 28)
WITH_HOLIDAY = replace(HOURS, holidays=frozenset({HOLIDAY}), workdays=frozenset({WORKED_SATURDAY}))


def test_a_holiday_is_closed_all_day_and_names_the_next_opening() -> None:
    status = opening_status(WITH_HOLIDAY, SHANGHAI, local(24, 10))
    assert not status.is_open and status.holiday and not status.sessions_today
    assert issue_refusal(WITH_HOLIDAY, SHANGHAI, BUSINESS, local(24, 10)) is IssueRefusal.CLOSED
    assert next_opening(WITH_HOLIDAY, SHANGHAI, local(23, 18)) == local(25, 9)


def test_a_worked_saturday_has_weekday_hours_and_every_category() -> None:
    saturday = local(28, 17, 15)  # after the weekend's 17:00, inside the weekdays' 13:30–17:30
    status = opening_status(WITH_HOLIDAY, SHANGHAI, saturday)
    assert status.is_open and not status.weekend and status.session_end == local(28, 17, 30)
    assert issue_refusal(WITH_HOLIDAY, SHANGHAI, TAX, saturday) is None
    # Sunday is still the weekend.
    assert issue_refusal(WITH_HOLIDAY, SHANGHAI, TAX, local(29, 10)) is IssueRefusal.NOT_ON_WEEKEND


def test_a_special_day_on_a_holiday_opens_it_as_announced() -> None:
    announced = SpecialDay(HOLIDAY, ((time(9), time(11)),), "节日便民服务")
    hours = replace(WITH_HOLIDAY, special=(announced,))
    assert issue_refusal(hours, SHANGHAI, BUSINESS, local(24, 10)) is None
    assert not opening_status(hours, SHANGHAI, local(24, 10)).holiday


calendar_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(instants, st.frozensets(calendar_days, max_size=20), st.frozensets(calendar_days, max_size=20))
def test_holidays_and_workdays_decide_the_day_as_a_hall_says(
    now: datetime, holidays: frozenset[date], worked: frozenset[date]
) -> None:
    workdays = frozenset(day for day in worked if day.weekday() >= 5) - holidays
    hours = replace(HOURS, holidays=holidays, workdays=workdays)
    today = now.astimezone(SHANGHAI).date()
    status = opening_status(hours, SHANGHAI, now)
    if today in holidays:
        assert not status.is_open and status.holiday
        for category in (BUSINESS, TAX):
            assert issue_refusal(hours, SHANGHAI, category, now) is IssueRefusal.CLOSED
    else:
        expected = HOURS.weekdays if today in workdays or today.weekday() < 5 else HOURS.weekend
        assert hours.sessions_on(today) == expected
        assert status.weekend == (today.weekday() >= 5 and today not in workdays)
    upcoming = next_opening(hours, SHANGHAI, now)
    if upcoming is not None:
        assert upcoming > now and upcoming.date() not in holidays


def test_holidays_and_workdays_go_through_the_hall_document() -> None:
    document = {
        "id": "h",
        "categories": [{"code": "a", "prefix": "A", "name": "甲"}],
        "windows": [{"number": 1}],
        "holidays": ["2026-11-24"],
        "workdays": ["2026-11-28"],
    }
    spec = read_hall(document)
    assert spec.holidays == {HOLIDAY} and spec.hours.workdays == {WORKED_SATURDAY}
    assert read_hall(hall_document(spec)) == spec
    assert hall_document(spec)["workdays"] == ["2026-11-28"]


@pytest.mark.parametrize(
    ("days", "problem"),
    [
        ({"workdays": ["2026-11-25"]}, "hall.workdays: 2026-11-25 is not a Saturday or Sunday"),
        (
            {"workdays": ["2026-11-28"], "holidays": ["2026-11-28"]},
            "hall.workdays: 2026-11-28 is also a holiday",
        ),
        ({"workdays": ["2026-13-01"]}, "hall.workdays[0]: '2026-13-01' is not a date"),
    ],
)
def test_a_workday_that_cannot_be_one_is_named(days: dict[str, list[str]], problem: str) -> None:
    document = {
        "id": "h",
        "categories": [{"code": "a", "prefix": "A", "name": "甲"}],
        "windows": [{"number": 1}],
        **days,
    }
    with pytest.raises(InvalidHallDocument) as bad:
        read_hall(document)
    assert any(p.startswith(problem) for p in bad.value.problems), bad.value.problems
