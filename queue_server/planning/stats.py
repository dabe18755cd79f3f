"""Ledger statistics: volumes, waiting and handling times, ratings, extended service, heat map.

Definitions (all times in seconds, grouping in the hall's local time):

* issued — tickets in the group (grouped by the local time of `issued_at`; window and clerk
  groups use the record's window/clerk, "(none)" when the ticket never reached one);
  served / no-shows / transfers / cancellations / abandoned — counts by `outcome`.
* waiting time — `issued_at → called_at` of every called ticket; handling time —
  `started_at → finished_at` of every handled ticket. Mean, median and p90 use linear
  interpolation between order statistics (numpy's default).
* within target — tickets called within `wait_target` seconds divided by tickets that were
  called *or abandoned* (an abandoned ticket counts as a miss; cancelled tickets are excluded).
* ratings — counts per level (5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意).
  好评率 (good rate) = ratings >= `good_min` (default 4: 非常满意 + 满意) / all ratings.
  Note: the national 好差评 scheme (国办发〔2019〕51号) treats 不满意 and 非常不满意 as 差评;
  halls that also count 基本满意 as good can pass `good_min=3`. 差评 here = ratings <= 2, the
  ratings that need a reason and a follow-up; they are listed with their reasons.
  主动评价率 (active rating rate) = rated tickets / served tickets (transfers are not counted
  as served).
* extended service (延时服务) — per open day, the closing time from the `HallCalendar`, the last
  `finished_at` of the day's tickets, the minutes from closing to that finish, and the number of
  tickets whose handling finished after closing.
* heat map — weekday × hour of arrivals: total, average per open day of that weekday, and the
  mean wait of the called tickets.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from .model import HallCalendar, VisitRecord, quantile

GroupBy = Literal["overall", "day", "hour", "weekday", "category", "window", "clerk"]
Row = dict[str, str | int | float | None]
RATING_LABELS: dict[int, str] = {
    5: "非常满意",
    4: "满意",
    3: "基本满意",
    2: "不满意",
    1: "非常不满意",
}
NONE_KEY = "(none)"


@dataclass(frozen=True)
class Summary:
    """Count, mean, median and 90th percentile of a sample (None when empty)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None

    @staticmethod
    def of(values: Sequence[float]) -> Summary:
        if not values:
            return Summary(0, None, None, None)
        return Summary(len(values), statistics.fmean(values), quantile(values, 0.5), quantile(values, 0.9))


@dataclass(frozen=True)
class GroupStats:
    key: str
    issued: int
    served: int
    no_show: int
    transferred: int
    cancelled: int
    abandoned: int
    wait: Summary
    handling: Summary
    within_target: float | None

    def to_row(self, group_by: str = "key") -> Row:
        return {
            group_by: self.key,
            "issued": self.issued,
            "served": self.served,
            "no_show": self.no_show,
            "transferred": self.transferred,
            "cancelled": self.cancelled,
            "abandoned": self.abandoned,
            "wait_count": self.wait.count,
            "wait_mean_s": self.wait.mean,
            "wait_median_s": self.wait.median,
            "wait_p90_s": self.wait.p90,
            "handling_count": self.handling.count,
            "handling_mean_s": self.handling.mean,
            "handling_median_s": self.handling.median,
            "handling_p90_s": self.handling.p90,
            "within_target": self.within_target,
        }


@dataclass(frozen=True)
class GroupedStats:
    group_by: GroupBy
    wait_target: float
    groups: tuple[GroupStats, ...]

    def to_rows(self) -> list[Row]:
        return [g.to_row(self.group_by) for g in self.groups]


@dataclass(frozen=True)
class BadRating:
    issued_at: datetime
    category: str
    window: str | None
    clerk: str | None
    rating: int
    reason: str | None
    ticket: str | None


@dataclass(frozen=True)
class RatingStats:
    by_level: dict[int, int]
    rated: int
    served: int
    good_min: int
    good_rate: float | None
    """好评率: ratings >= good_min / ratings."""
    active_rate: float | None
    """主动评价率: ratings / served tickets."""
    bad: tuple[BadRating, ...]

    def to_rows(self) -> list[Row]:
        rows: list[Row] = [
            {"level": lvl, "label": RATING_LABELS[lvl], "count": self.by_level.get(lvl, 0)}
            for lvl in (5, 4, 3, 2, 1)
        ]
        return rows


@dataclass(frozen=True)
class ExtendedDay:
    day: date
    closing: datetime
    last_finish: datetime | None
    minutes_after_closing: float
    tickets_after_closing: int


@dataclass(frozen=True)
class ExtendedServiceStats:
    open_days: int
    days_with_extension: int
    total_minutes_after_closing: float
    tickets_after_closing: int
    days: tuple[ExtendedDay, ...]

    def to_rows(self) -> list[Row]:
        return [
            {
                "day": d.day.isoformat(),
                "closing": d.closing.isoformat(),
                "last_finish": d.last_finish.isoformat() if d.last_finish else None,
                "minutes_after_closing": d.minutes_after_closing,
                "tickets_after_closing": d.tickets_after_closing,
            }
            for d in self.days
        ]


@dataclass(frozen=True)
class HeatCell:
    weekday: int
    hour: int
    arrivals: int
    arrivals_per_day: float
    mean_wait: float | None


@dataclass(frozen=True)
class HeatMap:
    cells: tuple[HeatCell, ...]
    # Open days of each weekday (Monday first) between the first and the last ticket: what
    # each cell's arrivals_per_day divides by.
    open_days: tuple[int, ...]

    def to_rows(self) -> list[Row]:
        return [
            {
                "weekday": c.weekday,
                "hour": c.hour,
                "arrivals": c.arrivals,
                "arrivals_per_day": c.arrivals_per_day,
                "mean_wait_s": c.mean_wait,
            }
            for c in self.cells
        ]


@dataclass(frozen=True)
class HallReport:
    wait_target: float
    overall: GroupStats
    by_day: GroupedStats
    by_hour: GroupedStats
    by_category: GroupedStats
    by_window: GroupedStats
    by_clerk: GroupedStats
    ratings: RatingStats
    extended: ExtendedServiceStats
    heatmap: HeatMap


def _group_stats(key: str, records: Sequence[VisitRecord], wait_target: float) -> GroupStats:
    counts: dict[str, int] = defaultdict(int)
    waits: list[float] = []
    handling: list[float] = []
    met = judged = 0
    for r in records:
        counts[r.outcome] += 1
        w = r.wait_seconds
        if w is not None:
            waits.append(w)
            judged += 1
            met += w <= wait_target
        elif r.outcome == "abandoned":
            judged += 1
        h = r.handling_seconds
        if h is not None:
            handling.append(h)
    return GroupStats(
        key=key,
        issued=len(records),
        served=counts["served"],
        no_show=counts["no_show"],
        transferred=counts["transferred"],
        cancelled=counts["cancelled"],
        abandoned=counts["abandoned"],
        wait=Summary.of(waits),
        handling=Summary.of(handling),
        within_target=met / judged if judged else None,
    )


def _key_function(group_by: GroupBy, calendar: HallCalendar) -> Callable[[VisitRecord], str]:
    if group_by == "overall":
        return lambda r: "all"
    if group_by == "day":
        return lambda r: calendar.local(r.issued_at).date().isoformat()
    if group_by == "hour":
        return lambda r: f"{calendar.local(r.issued_at).hour:02d}"
    if group_by == "weekday":
        return lambda r: str(calendar.local(r.issued_at).weekday())
    if group_by == "category":
        return lambda r: r.category
    if group_by == "window":
        return lambda r: r.window if r.window is not None else NONE_KEY
    return lambda r: r.clerk if r.clerk is not None else NONE_KEY


def grouped_stats(
    records: Iterable[VisitRecord],
    group_by: GroupBy,
    calendar: HallCalendar,
    *,
    wait_target: float = 900.0,
) -> GroupedStats:
    """Volumes, wait and handling summaries per group, sorted by key."""
    key = _key_function(group_by, calendar)
    groups: dict[str, list[VisitRecord]] = defaultdict(list)
    for r in records:
        groups[key(r)].append(r)
    return GroupedStats(
        group_by,
        wait_target,
        tuple(_group_stats(k, groups[k], wait_target) for k in sorted(groups)),
    )


def rating_stats(records: Iterable[VisitRecord], *, good_min: int = 4) -> RatingStats:
    """Ratings per level, 好评率, 主动评价率 and the bad ratings (<= 2) with their reasons."""
    by_level = {lvl: 0 for lvl in (5, 4, 3, 2, 1)}
    served = 0
    bad: list[BadRating] = []
    for r in records:
        served += r.outcome == "served"
        if r.rating is None:
            continue
        by_level[r.rating] += 1
        if r.rating <= 2:
            bad.append(
                BadRating(r.issued_at, r.category, r.window, r.clerk, r.rating, r.rating_reason, r.ticket)
            )
    rated = sum(by_level.values())
    good = sum(n for lvl, n in by_level.items() if lvl >= good_min)
    return RatingStats(
        by_level=by_level,
        rated=rated,
        served=served,
        good_min=good_min,
        good_rate=good / rated if rated else None,
        active_rate=rated / served if served else None,
        bad=tuple(sorted(bad, key=lambda b: b.issued_at)),
    )


def extended_service(records: Iterable[VisitRecord], calendar: HallCalendar) -> ExtendedServiceStats:
    """Service after closing, per open day that has tickets (day = local date of issue)."""
    by_day: dict[date, list[VisitRecord]] = defaultdict(list)
    for r in records:
        by_day[calendar.local(r.issued_at).date()].append(r)
    days: list[ExtendedDay] = []
    for day in sorted(by_day):
        closing = calendar.closing(day)
        if closing is None:
            continue
        finishes = [
            r.finished_at for r in by_day[day] if r.finished_at is not None and r.started_at is not None
        ]
        last = max(finishes) if finishes else None
        after = [f for f in finishes if f > closing]
        minutes = max(0.0, (last - closing).total_seconds() / 60) if last else 0.0
        days.append(ExtendedDay(day, closing, last, minutes, len(after)))
    return ExtendedServiceStats(
        open_days=len(days),
        days_with_extension=sum(d.minutes_after_closing > 0 for d in days),
        total_minutes_after_closing=sum(d.minutes_after_closing for d in days),
        tickets_after_closing=sum(d.tickets_after_closing for d in days),
        days=tuple(days),
    )


def heat_map(records: Iterable[VisitRecord], calendar: HallCalendar) -> HeatMap:
    """Weekday × hour arrivals (total and per open day of that weekday) and mean waits."""
    arrivals: dict[tuple[int, int], int] = defaultdict(int)
    waits: dict[tuple[int, int], list[float]] = defaultdict(list)
    dates: set[date] = set()
    for r in records:
        local = calendar.local(r.issued_at)
        dates.add(local.date())
        cell = (local.weekday(), local.hour)
        arrivals[cell] += 1
        w = r.wait_seconds
        if w is not None:
            waits[cell].append(w)
    days_per_weekday: dict[int, int] = defaultdict(int)
    if dates:
        for day in calendar.open_days(min(dates), max(dates)):
            days_per_weekday[day.weekday()] += 1
    cells = []
    for wd in range(7):
        for hour in range(24):
            n = arrivals.get((wd, hour), 0)
            ndays = days_per_weekday.get(wd, 0)
            ws = waits.get((wd, hour), [])
            cells.append(
                HeatCell(wd, hour, n, n / ndays if ndays else 0.0, statistics.fmean(ws) if ws else None)
            )
    return HeatMap(tuple(cells), tuple(days_per_weekday.get(wd, 0) for wd in range(7)))


def hall_report(
    records: Iterable[VisitRecord],
    calendar: HallCalendar,
    *,
    wait_target: float = 900.0,
    good_min: int = 4,
) -> HallReport:
    """Every statistic of this module for one set of records."""
    recs = list(records)
    by = {
        g: grouped_stats(recs, g, calendar, wait_target=wait_target)
        for g in ("day", "hour", "category", "window", "clerk")
    }
    return HallReport(
        wait_target=wait_target,
        overall=_group_stats("all", recs, wait_target),
        by_day=by["day"],
        by_hour=by["hour"],
        by_category=by["category"],
        by_window=by["window"],
        by_clerk=by["clerk"],
        ratings=rating_stats(recs, good_min=good_min),
        extended=extended_service(recs, calendar),
        heatmap=heat_map(recs, calendar),
    )
