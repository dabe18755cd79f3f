"""Extended service (延时服务): how long windows stay open after closing, and how to limit it.

* *Recorded* overtime per weekday: for every open day of the history, the minutes from the
  calendar's closing time to the last handling finish of the day's tickets
  (`stats.extended_service`; a day without service after closing counts as 0); mean and p90 per
  weekday (p90 by linear interpolation).
* *Simulated* overtime: the day's demand model is simulated with the planned windows
  (`simulation.simulate_day`): the ticket machine stops at closing and the windows open at
  closing serve until the queue is empty; overtime = closing → last finish, per replication.
* *Extension options*: +N windows (N = 0 … `max_extra`) in the last K slots before closing
  (K in `last_slots`, a staggered late shift), the extra windows staying through the overtime.
  Each option is simulated with the same random numbers; its cost is the extra window-hours
  before closing plus the expected window-hours of overtime. The advice is the cheapest option
  whose mean overtime (and, if given, p90 overtime) is within the hall's limit.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import HallCalendar, VisitRecord, quantile
from .simulation import DayDemand, draw_day, simulate_day
from .stats import extended_service

Row = dict[str, str | int | float | None]


@dataclass(frozen=True)
class OvertimeSummary:
    weekday: int
    source: str
    """"records" or "simulation"."""
    observations: int
    """Days (records) or replications (simulation)."""
    mean_minutes: float
    p90_minutes: float
    share_with_overtime: float


def _summarise(weekday: int, source: str, minutes: Sequence[float]) -> OvertimeSummary:
    if not minutes:
        return OvertimeSummary(weekday, source, 0, 0.0, 0.0, 0.0)
    return OvertimeSummary(
        weekday,
        source,
        len(minutes),
        statistics.fmean(minutes),
        quantile(minutes, 0.9),
        sum(m > 0 for m in minutes) / len(minutes),
    )


def recorded_overtime(records: Iterable[VisitRecord], calendar: HallCalendar) -> dict[int, OvertimeSummary]:
    """Mean and p90 minutes after closing per weekday, from the ledger."""
    per_weekday: dict[int, list[float]] = defaultdict(list)
    for day in extended_service(records, calendar).days:
        per_weekday[day.day.weekday()].append(day.minutes_after_closing)
    return {wd: _summarise(wd, "records", v) for wd, v in sorted(per_weekday.items())}


def simulated_overtime(
    demand: DayDemand,
    windows: Sequence[int],
    *,
    weekday: int,
    target_wait: float = 900.0,
    replications: int = 20,
    seed: int = 0,
) -> OvertimeSummary:
    """Minutes after closing when the demand is served with the planned windows."""
    result = simulate_day(demand, windows, target_wait=target_wait, replications=replications, seed=seed)
    return _summarise(weekday, "simulation", result.overtime_minutes)


@dataclass(frozen=True)
class ExtensionOption:
    extra_windows: int
    last_slots: int
    extra_window_hours: float
    mean_overtime_minutes: float
    p90_overtime_minutes: float
    overtime_window_hours: float
    total_extra_hours: float
    meets_limit: bool


@dataclass(frozen=True)
class ExtensionAdvice:
    weekday: int
    limit_minutes: float
    p90_limit_minutes: float | None
    baseline: ExtensionOption
    options: tuple[ExtensionOption, ...]
    chosen: ExtensionOption | None

    def to_rows(self) -> list[Row]:
        return [
            {
                "weekday": self.weekday,
                "extra_windows": o.extra_windows,
                "last_slots": o.last_slots,
                "extra_window_hours": o.extra_window_hours,
                "mean_overtime_min": o.mean_overtime_minutes,
                "p90_overtime_min": o.p90_overtime_minutes,
                "overtime_window_hours": o.overtime_window_hours,
                "total_extra_hours": o.total_extra_hours,
                "meets_limit": int(o.meets_limit),
                "chosen": int(o == self.chosen),
            }
            for o in self.options
        ]


def advise_extension(
    demand: DayDemand,
    windows: Sequence[int],
    *,
    weekday: int,
    limit_minutes: float,
    p90_limit_minutes: float | None = None,
    max_extra: int = 3,
    last_slots: Sequence[int] = (1, 2),
    target_wait: float = 900.0,
    replications: int = 20,
    seed: int = 0,
    max_windows: int | None = None,
) -> ExtensionAdvice:
    """Cheapest +N-windows-in-the-last-K-slots option keeping overtime within the limit;
    no slot gets more than `max_windows` (the pool's capacity)."""
    cap = max_windows if max_windows is not None else 10_000
    draw = draw_day(demand, replications=replications, seed=seed)
    step_h = demand.slot_minutes / 60.0
    n = len(windows)
    options: list[ExtensionOption] = []
    seen: set[tuple[int, ...]] = set()
    for extra in range(max_extra + 1):
        for k in last_slots if extra else (0,):
            k = min(k, n)
            plan = [min(cap, w + (extra if i >= n - k else 0)) for i, w in enumerate(windows)]
            if tuple(plan) in seen:
                continue
            seen.add(tuple(plan))
            res = simulate_day(demand, plan, target_wait=target_wait, draw=draw)
            mean_ot, p90_ot = res.mean_overtime, res.p90_overtime
            ot_hours = plan[-1] * mean_ot / 60.0
            ok = mean_ot <= limit_minutes and (p90_limit_minutes is None or p90_ot <= p90_limit_minutes)
            added = sum(p - w for p, w in zip(plan, windows, strict=True))
            options.append(
                ExtensionOption(
                    extra_windows=extra,
                    last_slots=k,
                    extra_window_hours=added * step_h,
                    mean_overtime_minutes=mean_ot,
                    p90_overtime_minutes=p90_ot,
                    overtime_window_hours=ot_hours,
                    total_extra_hours=added * step_h + ot_hours,
                    meets_limit=ok,
                )
            )
    feasible = [o for o in options if o.meets_limit]
    chosen = min(feasible, key=lambda o: (o.total_extra_hours, o.extra_windows)) if feasible else None
    return ExtensionAdvice(weekday, limit_minutes, p90_limit_minutes, options[0], tuple(options), chosen)
