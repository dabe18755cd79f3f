"""Opening hours: whether a hall is open at an instant, and whether visitors may take a number.

Pure functions of the hall's OpeningHours, its time zone and an instant. The hours say which
sessions a date has (OpeningHours.sessions_on): a special day's own, none on a public holiday
(法定节假日), the weekday's on a Saturday or Sunday worked to make up for one (调休), else the
weekday's or the weekend's; the weekend's rules (weekday-only categories refused) apply on a
Saturday or Sunday that is not worked (OpeningHours.weekend_on).

Visitors take numbers only inside a session (kiosk and online). After the day's last session
nobody new is admitted, but windows go on serving whoever is waiting (延时服务): that is the
clerks' side and is not limited here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from queue_server.domain.model import Category, OpeningHours

# Far enough to find the next session across a week with closed days, a holiday week or two.
_LOOKAHEAD_DAYS = 14


class IssueRefusal(StrEnum):
    """Why a visitor may not take a number now; the values are message keys."""

    CLOSED = "error.issuing_closed"  # before opening, at lunch, or a day without sessions
    ENDED = "error.issuing_ended"  # after the day's last session: 今日取号已结束
    NOT_ON_WEEKEND = "error.category_not_on_weekend"


@dataclass(frozen=True)
class OpeningStatus:
    """A hall's opening at one instant; every datetime is in the hall's time zone."""

    now: datetime
    is_open: bool
    weekend: bool
    session_end: datetime | None  # end of the current session when open
    next_opening: datetime | None  # start of the next session after now (None: none ahead)
    ended_today: bool  # no session is left today (also true on a day without sessions)
    holiday: bool  # a public holiday, closed (法定节假日)
    sessions_today: bool  # today has sessions at all


def sessions(hours: OpeningHours, day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The sessions of `day` as aware local datetimes, in order."""
    return [(_at(day, start, tz), _at(day, end, tz)) for start, end in hours.sessions_on(day)]


def opening_status(hours: OpeningHours, tz: ZoneInfo, now: datetime) -> OpeningStatus:
    local = now.astimezone(tz)
    today = local.date()
    todays = sessions(hours, today, tz)
    current = next(((s, e) for s, e in todays if s <= local < e), None)
    return OpeningStatus(
        now=local,
        is_open=current is not None,
        weekend=hours.weekend_on(today),
        session_end=None if current is None else current[1],
        next_opening=next_opening(hours, tz, now),
        ended_today=all(end <= local for _, end in todays),
        holiday=not todays and today in hours.holidays,
        sessions_today=bool(todays),
    )


def next_opening(hours: OpeningHours, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The start of the first session strictly after `now`, in local time."""
    local = now.astimezone(tz)
    for offset in range(_LOOKAHEAD_DAYS + 1):
        for start, _ in sessions(hours, local.date() + timedelta(days=offset), tz):
            if start > local:
                return start
    return None


def issue_refusal(
    hours: OpeningHours, tz: ZoneInfo, category: Category, now: datetime
) -> IssueRefusal | None:
    """Why a visitor may not take a number for `category` at `now`, or None if they may."""
    status = opening_status(hours, tz, now)
    if status.holiday:  # a holiday on a Saturday closes the hall, not only its weekday matters
        return IssueRefusal.CLOSED
    if status.weekend and not category.weekend:
        return IssueRefusal.NOT_ON_WEEKEND
    if status.is_open:
        return None
    if status.ended_today and status.sessions_today:
        return IssueRefusal.ENDED
    return IssueRefusal.CLOSED


def _at(day: date, clock_time: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=tz)
