"""Input types of the planning core: the ledger row (`VisitRecord`) and the hall's calendar.

The server's ledger (服务日志台账) is adapted into `VisitRecord`s by the server; everything in
`queue_server.planning` is pure: it takes records and a `HallCalendar` and returns dataclasses.

Conventions used by every module of the package:

* All datetimes in a `VisitRecord` are timezone-aware (normally UTC). Grouping by day, hour and
  weekday is done in the hall's local time (`HallCalendar.tz`).
* Weekdays follow `datetime.date.weekday()`: 0 = Monday … 6 = Sunday.
* The planning grid is made of fixed slots (30 minutes by default) aligned on local midnight;
  a slot is identified by the minute of the day at which it starts (0, 30, …, 1410).
* Opening hours are `(start, end)` pairs of local `time`s; an end of `time(0, 0)` means
  midnight at the end of the day (24:00), so a hall open until midnight can be described.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal, TypeAlias, get_args
from zoneinfo import ZoneInfo

Outcome: TypeAlias = Literal["served", "no_show", "cancelled", "abandoned", "transferred"]
OUTCOMES: frozenset[str] = frozenset(get_args(Outcome))

Interval: TypeAlias = tuple[time, time]
"""Opening interval in local time; `time(0, 0)` as an end means 24:00."""

MINUTES_PER_DAY = 1440
DEFAULT_SLOT_MINUTES = 30


@dataclass(frozen=True, slots=True)
class VisitRecord:
    """One ticket of the ledger, from issue to the end of its handling.

    * `issued_at`: ticket taken (arrival).
    * `called_at`: first call (叫号) — the waiting time is `called_at - issued_at`.
    * `started_at` / `finished_at`: handling at the window — handling time is their difference.
      For a visitor who left without service (`abandoned`, `cancelled`) `finished_at`, when
      known, is the time the visitor left; `started_at` is then `None`.
    * `outcome`: how the ticket ended at this category/window. A transferred ticket
      (`transferred`) was handled here and moved on; the next leg is a separate record.
    * `rating`: 5 = 非常满意, 4 = 满意, 3 = 基本满意, 2 = 不满意, 1 = 非常不满意.
    """

    hall: str
    category: str
    window: str | None
    clerk: str | None
    issued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    outcome: Outcome
    priority: str = "normal"
    rating: int | None = None
    rating_reason: str | None = None
    ticket: str | None = None

    def __post_init__(self) -> None:
        for name in ("issued_at", "called_at", "started_at", "finished_at"):
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                raise ValueError(f"{name} must be timezone-aware")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise ValueError("rating must be between 1 and 5")

    @property
    def wait_seconds(self) -> float | None:
        """Seconds from issue to first call, or `None` if never called."""
        if self.called_at is None:
            return None
        return max(0.0, (self.called_at - self.issued_at).total_seconds())

    @property
    def handling_seconds(self) -> float | None:
        """Seconds from start to finish of handling, or `None` if not handled."""
        if self.started_at is None or self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


def _weekday_default() -> dict[int, tuple[Interval, ...]]:
    day = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 0)))
    return {wd: day for wd in range(5)}


def minute_of(t: time, *, is_end: bool = False) -> int:
    """Minute of the day of a local time; an end of 00:00 counts as 1440 (midnight)."""
    minutes = t.hour * 60 + t.minute
    if is_end and minutes == 0:
        return MINUTES_PER_DAY
    return minutes


@dataclass(frozen=True)
class HallCalendar:
    """When a hall is open.

    * `hours[weekday]`: opening intervals of that weekday (missing/empty = closed).
    * `holidays`: dates on which the hall is closed (法定节假日).
    * `special_days`: dates with their own intervals, overriding the weekday (调休 make-up
      working days, shortened days); an empty tuple closes the day.
    The closing time of a day, used for extended service, is the end of its last interval.
    """

    tz: str = "Asia/Shanghai"
    hours: Mapping[int, tuple[Interval, ...]] = field(default_factory=_weekday_default)
    holidays: frozenset[date] = frozenset()
    special_days: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ZoneInfo(self.tz)  # fail early on a bad name
        for intervals in [*self.hours.values(), *self.special_days.values()]:
            previous_end = 0
            for start, end in intervals:
                s, e = minute_of(start), minute_of(end, is_end=True)
                if e <= s or s < previous_end:
                    raise ValueError(f"bad or overlapping opening interval {start}-{end}")
                previous_end = e

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.tz)

    def local(self, moment: datetime) -> datetime:
        """The aware `moment` in the hall's local time."""
        return moment.astimezone(self.zone)

    def intervals(self, day: date) -> tuple[Interval, ...]:
        """Opening intervals of a date (empty when closed)."""
        if day in self.special_days:
            return self.special_days[day]
        if day in self.holidays:
            return ()
        return self.hours.get(day.weekday(), ())

    def weekday_intervals(self, weekday: int) -> tuple[Interval, ...]:
        return self.hours.get(weekday, ())

    def is_open(self, day: date) -> bool:
        return bool(self.intervals(day))

    def minute_ranges(self, day: date) -> list[tuple[int, int]]:
        """Opening intervals of a date as (start minute, end minute)."""
        return intervals_to_minutes(self.intervals(day))

    def closing(self, day: date) -> datetime | None:
        """Aware local datetime at which the date's last interval ends (None if closed)."""
        ranges = self.minute_ranges(day)
        if not ranges:
            return None
        midnight = datetime.combine(day, time(0, 0), tzinfo=self.zone)
        return _add_local_minutes(midnight, ranges[-1][1], self.zone)

    def opening(self, day: date) -> datetime | None:
        ranges = self.minute_ranges(day)
        if not ranges:
            return None
        midnight = datetime.combine(day, time(0, 0), tzinfo=self.zone)
        return _add_local_minutes(midnight, ranges[0][0], self.zone)

    def open_days(self, start: date, end: date) -> list[date]:
        """Open dates from `start` to `end` inclusive."""
        days: list[date] = []
        day = start
        while day <= end:
            if self.is_open(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def _add_local_minutes(midnight: datetime, minutes: int, zone: tzinfo) -> datetime:
    """Wall-clock addition (a local day may be 23 or 25 hours long around DST changes)."""
    naive = midnight.replace(tzinfo=None) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=zone)


def intervals_to_minutes(intervals: Iterable[Interval]) -> list[tuple[int, int]]:
    return [(minute_of(s), minute_of(e, is_end=True)) for s, e in intervals]


def slot_open_minutes(
    ranges: Iterable[tuple[int, int]], slot_minutes: int = DEFAULT_SLOT_MINUTES
) -> dict[int, int]:
    """Open minutes of every slot (keyed by its start minute) that overlaps an interval."""
    out: dict[int, int] = {}
    for start, end in ranges:
        slot = (start // slot_minutes) * slot_minutes
        while slot < end:
            overlap = min(end, slot + slot_minutes) - max(start, slot)
            if overlap > 0:
                out[slot] = out.get(slot, 0) + overlap
            slot += slot_minutes
    return dict(sorted(out.items()))


def minute_label(minute: int) -> str:
    """'HH:MM' for a minute of the day (1440 -> '24:00')."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def quantile(values: Iterable[float], q: float) -> float:
    """Quantile by linear interpolation between order statistics.

    Same as numpy's default ('linear') and `statistics.quantiles(method='inclusive')`:
    position (n − 1)·q in the sorted sample.
    """
    xs = sorted(values)
    if not xs:
        raise ValueError("quantile of an empty sample")
    pos = (len(xs) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"


def to_jsonable(obj: object) -> JsonValue:
    """Convert planning results (dataclasses, dates, tuples, mappings) to JSON-ready values."""
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if isinstance(obj, datetime | date | time):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        items = sorted(obj, key=str) if isinstance(obj, set | frozenset) else obj
        return [to_jsonable(v) for v in items]
    raise TypeError(f"cannot convert {type(obj).__name__} to JSON")
