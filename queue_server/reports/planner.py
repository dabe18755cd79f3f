"""A hall's week plan from its ledger: windows per slot per pool, within the hall's capacity,
with extended-hours and weekend advice, each re-checked by simulation.

Steps (methods in `queue_server.planning`; docs/REPORTS.md gives the figures):

1. window pools (`pools.PoolSpec`): specialised windows (cross-province, pick-up, green channel)
   are planned with their own demand, the comprehensive windows with the rest; a pool's number
   of windows is a hard limit;
2. per pool a demand model (`demand.build_demand_model`) whose service times are window times
   (call → release + gap, no-show holds included: `window_time`);
3. every open weekday forecast from its own history with a demand margin (the 80th-percentile
   day by default), or from a scaled profile with a stated ratio (`forecast.forecast_day`);
   weekend days serve the categories covering `weekend_coverage` of weekend-eligible demand,
   with at least `weekend_min_windows` comprehensive windows;
4. windows per slot: Lag-SIPP Erlang C estimate corrected by simulation (`staffing.plan_day`,
   capped at the pool's capacity); the service level reported is re-simulated on independent
   random numbers (seed + 1000); where the capacity binds, the uncapped Erlang estimate is the
   need and the shortfall is reported (slots, windows, visitors beyond capacity) and turned into
   advice: extended hours, weekend service, matters moved online;
5. extended hours: simulated minutes after closing with the plan, and — above the hall's limit —
   the cheapest "+N windows in the last K slots" within capacity
   (`extended_hours.advise_extension`), next to the recorded overtime of that weekday;
6. roster of the selected weekday: the fewest staff hours of shift patterns covering the plan
   (`shifts.solve_roster`, CP-SAT).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from queue_server.domain.model import GREEN_CHANNEL, HallSpec
from queue_server.planning.demand import DemandModel, build_demand_model
from queue_server.planning.extended_hours import (
    OvertimeSummary,
    advise_extension,
    recorded_overtime,
)
from queue_server.planning.forecast import (
    DEFAULT_WEEKEND_RATIO,
    WEEKEND,
    DayForecast,
    forecast_day,
)
from queue_server.planning.model import (
    HallCalendar,
    Interval,
    VisitRecord,
    intervals_to_minutes,
    minute_label,
    quantile,
    slot_open_minutes,
)
from queue_server.planning.pools import COMPREHENSIVE, PoolSpec, split_records
from queue_server.planning.shifts import ShiftPattern, load_shift_patterns, solve_roster
from queue_server.planning.simulation import SimulationResult, simulate_day
from queue_server.planning.staffing import ServiceTarget, erlang_estimate, plan_day
from queue_server.planning.weekend import choose_weekend_categories
from queue_server.planning.window_time import WindowTime

Row = dict[str, Any]
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CHECK_SEED_OFFSET = 1000
MIN_JUDGED_ARRIVALS = 10.0
"""A slot is judged when its simulated arrivals over all replications reach this."""
FLEX_PREMIUM = 1.5
"""Cost factor of a flexible two-hour block over its hours: a clerk called to a window for two
hours still has to be found, briefed and relieved, so the roster prefers whole shifts."""


@dataclass(frozen=True)
class PlanOptions:
    weekday: int | None = None
    """The day whose roster is made (None: the busiest workday); every open day is planned."""
    target_wait: float = 900.0
    target_level: float = 0.8
    replications: int = 30
    seed: int = 0
    pools: tuple[PoolSpec, ...] | None = None
    """None: one comprehensive pool of `all_windows`."""
    all_windows: int | None = None
    """Windows of a hall without pools; None: peak clerks serving at once in the history."""
    overtime_limit: float = 15.0
    confidence_z: float = 0.5
    """A slot meets the target when its simulated share less `confidence_z` standard errors
    does, and its share on a second, independent draw does too (`plan_day(cross_check=True)`)."""
    margin_quantile: float = 0.8
    weekend_ratio: float = DEFAULT_WEEKEND_RATIO
    weekend_days: tuple[int, ...] = WEEKEND
    """Days planned as weekend service (weekend categories, at least `weekend_min_windows`)."""
    weekend_coverage: float = 0.8
    weekend_min_windows: int = 2
    weekend_eligible: frozenset[str] | None = None
    shifts: str | None = None
    """Path of a shift CSV (`shifts.load_shift_patterns`, hourly rows); None: hall shifts."""


def peak_concurrent(records: Sequence[VisitRecord]) -> int:
    """Most tickets in handling at the same moment in the history."""
    edges: list[tuple[float, int]] = []
    for r in records:
        if r.started_at is not None and r.finished_at is not None and r.finished_at > r.started_at:
            edges.append((r.started_at.timestamp(), 1))
            edges.append((r.finished_at.timestamp(), -1))
    edges.sort()
    now = best = 0
    for _, step in edges:
        now += step
        best = max(best, now)
    return best


def hall_shifts(intervals: Sequence[Interval], slot_minutes: int = 30) -> list[ShiftPattern]:
    """Sensible shifts for a day's opening sessions, on the slot grid: the full day (with the
    lunch break between sessions), each session alone, flexible two-hour blocks starting on
    the hour inside a session (cost × `FLEX_PREMIUM`), and a late shift (the last two hours)."""
    ranges = intervals_to_minutes(intervals)

    def slots(spans: Sequence[tuple[int, int]]) -> frozenset[int]:
        out: set[int] = set()
        for a, b in spans:
            s = a - a % slot_minutes
            while s < b:
                out.add(s // slot_minutes)
                s += slot_minutes
        return frozenset(out)

    def pattern(name: str, spans: Sequence[tuple[int, int]], premium: float = 1.0) -> ShiftPattern:
        ss = slots(spans)
        return ShiftPattern(name, ss, len(ss) * slot_minutes / 60 * premium)

    def label(spans: Sequence[tuple[int, int]]) -> str:
        return "+".join(f"{minute_label(a)}-{minute_label(b)}" for a, b in spans)

    out = [pattern(f"full {label(ranges)}", ranges)]
    if len(ranges) > 1:
        out.extend(pattern(f"session {label([r])}", [r]) for r in ranges)
    for a, b in ranges:  # flexible 2-hour blocks (弹性窗口: back-office staff at peaks)
        for s in range(a, b - 119, 60):
            if (s, s + 120) != (a, b):
                out.append(pattern(f"flex {label([(s, s + 120)])}", [(s, s + 120)], FLEX_PREMIUM))
    close = ranges[-1][1]
    late = [(max(a, close - 120), b) for a, b in ranges if b > close - 120]
    if late and slots(late) != out[-1].slots:
        out.append(pattern(f"late {label(late)}", late))
    return out


def busiest_weekday(model: DemandModel, weekdays: Collection[int] = range(5)) -> int:
    totals = {
        wd: sum(model.category_totals([wd]).values())
        for wd in weekdays
        if model.calendar.weekday_intervals(wd)
    }
    if not totals:
        raise ValueError("the calendar has no open weekday")
    return max(totals, key=lambda wd: (totals[wd], -wd))


def pools_from_spec(spec: HallSpec) -> tuple[PoolSpec, ...]:
    """The hall's pools from its windows: the comprehensive windows together, the green channel
    windows together, every other set of specialised categories its own pool."""
    comprehensive = sum(1 for w in spec.windows if w.categories is None and not w.green_channel)
    green = [w for w in spec.windows if w.green_channel]
    special: dict[frozenset[str], int] = {}
    for w in spec.windows:
        if w.categories is not None and not w.green_channel:
            special[w.categories] = special.get(w.categories, 0) + 1
    out = [PoolSpec(COMPREHENSIVE, comprehensive)]
    if green:
        cats = frozenset().union(*(w.categories or frozenset() for w in green))
        out.append(PoolSpec("green", len(green), cats or None, GREEN_CHANNEL))
    for cats, n in sorted(special.items(), key=lambda kv: sorted(kv[0])):
        out.append(PoolSpec("+".join(sorted(cats)), n, cats))
    return tuple(out)


@dataclass
class _PoolDay:
    pool: PoolSpec
    forecast: DayForecast | None
    windows: list[int]
    needed: list[int]
    erlang: list[int]
    check: SimulationResult | None
    baseline: SimulationResult | None


def _plan_pool_day(
    model: DemandModel | None,
    pool: PoolSpec,
    weekday: int,
    slots: list[int],
    categories: Collection[str] | None,
    options: PlanOptions,
    target: ServiceTarget,
    min_windows: int,
) -> _PoolDay:
    """One pool on one weekday: forecast, plan within capacity, independent check."""
    zero = [0] * len(slots)
    if model is None:
        return _PoolDay(pool, None, zero, zero, zero, None, None)
    cats = None if categories is None else [c for c in model.categories if c in categories]
    if cats == []:
        return _PoolDay(pool, None, zero, zero, zero, None, None)
    try:
        forecast = forecast_day(
            model,
            weekday,
            categories=cats,
            margin_quantile=options.margin_quantile,
            weekend_ratio=options.weekend_ratio,
            weekend_days=options.weekend_days,
        )
    except ValueError:
        return _PoolDay(pool, None, zero, zero, zero, None, None)
    demand = forecast.demand
    if forecast.planned_total <= 0:
        return _PoolDay(pool, forecast, zero, zero, zero, None, None)
    reps, seed = options.replications, options.seed
    estimate, _ = erlang_estimate(demand, target, min_windows=1)
    if pool.capacity == 0:
        return _PoolDay(pool, forecast, zero, list(estimate), list(estimate), None, None)
    plan = plan_day(
        demand,
        target,
        replications=reps,
        seed=seed,
        max_windows=pool.capacity,
        min_windows=min(pool.capacity, min_windows),
        confidence_z=options.confidence_z,
        cross_check=True,
    )
    windows = list(plan.windows)
    check = simulate_day(
        demand, windows, target_wait=target.wait_seconds, replications=reps, seed=seed + CHECK_SEED_OFFSET
    )
    baseline = simulate_day(
        demand,
        [pool.capacity] * len(windows),
        target_wait=target.wait_seconds,
        replications=reps,
        seed=seed + CHECK_SEED_OFFSET,
    )
    needed = [
        max(w, e)
        if w >= pool.capacity and s.service_level is not None and s.service_level < target.level
        else w
        for w, e, s in zip(windows, estimate, check.slots, strict=True)
    ]
    return _PoolDay(pool, forecast, windows, needed, list(estimate), check, baseline)


def _forecast_row(f: DayForecast | None) -> Row | None:
    if f is None:
        return None
    return {
        "source": f.source,
        "source_weekdays": list(f.source_weekdays),
        "ratio": round(f.ratio, 3),
        "history_days": len(f.history_days),
        "first_day": f.history_days[0].isoformat() if f.history_days else None,
        "last_day": f.history_days[-1].isoformat() if f.history_days else None,
        "mean_total": round(f.mean_total, 1),
        "margin_quantile": f.margin_quantile,
        "margin_factor": round(f.margin_factor, 3),
        "planned_total": round(f.planned_total, 1),
    }


def _slot_level(results: Sequence[SimulationResult | None], i: int) -> tuple[float, float]:
    """Arrivals per replication and share called within the target, pooled over pools."""
    n = met = 0.0
    for r in results:
        if r is not None and r.slots[i].service_level is not None:
            n += r.slots[i].arrivals
            met += r.slots[i].arrivals * (r.slots[i].service_level or 0.0)
    return n, (met / n if n else 1.0)


def _day_level(results: Sequence[SimulationResult | None]) -> float | None:
    """Share of the day's visitors called within the target, over every pool."""
    n = met = 0.0
    for r in results:
        if r is not None and r.service_level is not None:
            arrivals = sum(s.arrivals for s in r.slots)
            n += arrivals
            met += arrivals * r.service_level
    return round(met / n, 4) if n else None


def _hall_overtime(results: Sequence[SimulationResult | None]) -> list[float]:
    """Per replication: minutes from closing until the last window of the hall is done."""
    runs = [r.overtime_minutes for r in results if r is not None]
    return [max(v) for v in zip(*runs, strict=True)] if runs else [0.0]


def _plan_weekday(
    weekday: int,
    calendar: HallCalendar,
    models: dict[str, DemandModel | None],
    pools: Sequence[PoolSpec],
    weekend_categories: Collection[str] | None,
    options: PlanOptions,
    target: ServiceTarget,
    recorded: OvertimeSummary | None,
    progress: Callable[[str], None],
) -> Row:
    slots = list(slot_open_minutes(intervals_to_minutes(calendar.weekday_intervals(weekday))))
    weekend = weekday in options.weekend_days
    days: list[_PoolDay] = []
    for pool in pools:
        progress(f"{WEEKDAY_NAMES[weekday]} {pool.name}")
        minimum = options.weekend_min_windows if weekend and pool.categories is None else 1
        days.append(
            _plan_pool_day(
                models.get(pool.name),
                pool,
                weekday,
                slots,
                weekend_categories if weekend else None,
                options,
                target,
                minimum,
            )
        )
    step_h = 30 / 60
    capacity = sum(p.capacity for p in pools)
    checks = [d.check for d in days]
    bases = [d.baseline for d in days]
    slot_rows = []
    for i, s in enumerate(slots):
        n, level = _slot_level(checks, i)
        _, base_level = _slot_level(bases, i)
        windows = sum(d.windows[i] for d in days)
        needed = sum(d.needed[i] for d in days)
        slot_rows.append(
            {
                "slot": minute_label(s),
                "arrivals": round(
                    sum(d.forecast.demand.total_arrivals[i] for d in days if d.forecast is not None), 1
                ),
                "windows": windows,
                "needed": needed,
                "capacity": capacity,
                "service_level": round(level, 3),
                "meets_target": level >= target.level,
                "judged": n * options.replications >= MIN_JUDGED_ARRIVALS,
                "all_windows_service_level": round(base_level, 3),
            }
        )
    overtime = _hall_overtime(checks)
    base_overtime = _hall_overtime(bases)
    mean_ot = statistics.fmean(overtime)
    advice: Row | None = None
    comprehensive = next((d for d in days if d.pool.categories is None and d.check), None)
    if mean_ot > options.overtime_limit and comprehensive is not None and comprehensive.forecast is not None:
        ext = advise_extension(
            comprehensive.forecast.demand,
            comprehensive.windows,
            weekday=weekday,
            limit_minutes=options.overtime_limit,
            target_wait=target.wait_seconds,
            replications=options.replications,
            seed=options.seed + CHECK_SEED_OFFSET,
            max_windows=comprehensive.pool.capacity,
        )
        advice = (
            None
            if ext.chosen is None
            else {
                "extra_windows": ext.chosen.extra_windows,
                "last_slots": ext.chosen.last_slots,
                "mean_overtime_min": round(ext.chosen.mean_overtime_minutes, 1),
                "total_extra_hours": round(ext.chosen.total_extra_hours, 2),
            }
        )
    shortfall = [
        {
            "pool": d.pool.name,
            "capacity": d.pool.capacity,
            "slots": [minute_label(s) for s, w, n in zip(slots, d.windows, d.needed, strict=True) if n > w],
            "most_needed": max(d.needed),
            "visitors_beyond": round(
                sum(
                    d.forecast.demand.total_arrivals[i] * (n - w) / n
                    for i, (w, n) in enumerate(zip(d.windows, d.needed, strict=True))
                    if n > w
                ),
                1,
            )
            if d.forecast is not None
            else 0.0,
            "day_visitors": round(d.forecast.planned_total, 1) if d.forecast else 0.0,
        }
        for d in days
        if any(n > w for w, n in zip(d.windows, d.needed, strict=True))
    ]
    windows_total = [sum(d.windows[i] for d in days) for i in range(len(slots))]
    day_level = _day_level(checks)
    base_day_level = _day_level(bases)
    met = sum(1 for r in slot_rows if r["judged"] and r["meets_target"])
    judged = sum(1 for r in slot_rows if r["judged"])
    return {
        "weekday": weekday,
        "weekday_name": WEEKDAY_NAMES[weekday],
        "weekend": weekend,
        "hours": _hours(calendar.weekday_intervals(weekday)),
        "categories": None if not weekend or weekend_categories is None else sorted(weekend_categories),
        "slots": slot_rows,
        "pools": [
            {
                "pool": d.pool.name,
                "capacity": d.pool.capacity,
                "forecast": _forecast_row(d.forecast),
                "windows": d.windows,
                "needed": d.needed,
                "erlang_windows": d.erlang,
                "service_level": None
                if d.check is None or d.check.service_level is None
                else round(d.check.service_level, 4),
            }
            for d in days
        ],
        "window_hours": round(sum(windows_total) * step_h, 1),
        "staff_hours": round(sum(windows_total) * step_h, 1),
        "all_windows_hours": round(capacity * len(slots) * step_h, 1),
        "slots_judged": judged,
        "slots_met": met,
        "service_level": day_level,
        "all_windows_service_level": base_day_level,
        "overtime": {
            "limit_minutes": options.overtime_limit,
            "recorded": None
            if recorded is None
            else {
                "days": recorded.observations,
                "mean_minutes": round(recorded.mean_minutes, 1),
                "p90_minutes": round(recorded.p90_minutes, 1),
                "share_with_overtime": round(recorded.share_with_overtime, 3),
            },
            "simulated_mean_min": round(mean_ot, 1),
            "simulated_p90_min": round(quantile(overtime, 0.9), 1),
            "all_windows_mean_min": round(statistics.fmean(base_overtime), 1),
            "within_limit": mean_ot <= options.overtime_limit,
            "extension": advice,
        },
        "shortfall": shortfall,
        "_days": days,
    }


def _hours(intervals: Sequence[Interval]) -> list[str]:
    return [f"{a:%H:%M}-{b:%H:%M}" if b != time(0) else f"{a:%H:%M}-24:00" for a, b in intervals]


def _advice(days: Sequence[Row], weekend_spare: float) -> list[Row]:
    """Shortfalls turned into advice: extended hours, weekend service, matters online."""
    out: list[Row] = []
    for day in days:
        for s in day["shortfall"]:
            beyond = float(s["visitors_beyond"])
            share = beyond / s["day_visitors"] if s["day_visitors"] else 0.0
            out.append(
                {
                    "kind": "shortfall",
                    "weekday": day["weekday"],
                    "pool": s["pool"],
                    "slots": s["slots"],
                    "needed": s["most_needed"],
                    "capacity": s["capacity"],
                    "visitors_beyond": round(beyond, 1),
                    "online_share": round(share, 3),
                    "weekend_spare_visitors": round(weekend_spare, 1),
                    "overtime_min": day["overtime"]["simulated_mean_min"],
                }
            )
    for day in days:
        ot = day["overtime"]
        if not ot["within_limit"]:
            out.append(
                {
                    "kind": "overtime",
                    "weekday": day["weekday"],
                    "overtime_min": ot["simulated_mean_min"],
                    "limit_minutes": ot["limit_minutes"],
                    "extension": ot["extension"],
                }
            )
    return out


def make_plan(
    records: Sequence[VisitRecord],
    calendar: HallCalendar,
    options: PlanOptions,
    progress: Callable[[float, str], None] | None = None,
) -> Row:
    """The week's plan as a JSON-ready dict (see the module docstring).

    `progress(share done, step)` is called before each pool-day is planned."""
    if not records:
        raise ValueError("no tickets in the chosen dates")
    target = ServiceTarget(options.target_wait, options.target_level)
    all_windows = options.all_windows or peak_concurrent(records) or 1
    pools = options.pools or (PoolSpec(COMPREHENSIVE, all_windows),)
    all_windows = sum(p.capacity for p in pools)
    hall_model = build_demand_model(records, calendar, prior_days=0)
    by_pool = split_records(records, pools)
    # prior_days=0: every weekday from its own history, never pulled toward other weekdays
    models = {
        name: build_demand_model(rs, calendar, prior_days=0) if rs else None for name, rs in by_pool.items()
    }
    open_days = [wd for wd in range(7) if calendar.weekday_intervals(wd)]
    if not open_days:
        raise ValueError("the calendar has no open weekday")
    weekday = (
        options.weekday
        if options.weekday is not None
        else busiest_weekday(
            hall_model, [wd for wd in open_days if wd not in options.weekend_days] or open_days
        )
    )
    if weekday not in open_days:
        raise ValueError(f"the hall is closed on weekday {weekday}")
    weekend_days = [wd for wd in open_days if wd in options.weekend_days]
    shares = (
        choose_weekend_categories(
            hall_model,
            coverage=options.weekend_coverage,
            eligible=options.weekend_eligible,
            weekdays=weekend_days,
            source_weekdays=[wd for wd in open_days if wd not in options.weekend_days] or open_days,
        )
        if weekend_days
        else ()
    )
    weekend_categories = [c.category for c in shares] if shares else None
    recorded = recorded_overtime(records, calendar)
    total_steps = len(open_days) * len(pools)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        if progress is not None:
            progress(done / total_steps, what)
        done += 1

    days = [
        _plan_weekday(
            wd, calendar, models, pools, weekend_categories, options, target, recorded.get(wd), step
        )
        for wd in open_days
    ]
    selected = next(d for d in days if d["weekday"] == weekday)
    weekend_spare = sum(
        sum(max(0, r["capacity"] - r["windows"]) for r in d["slots"])
        * 0.5
        * 3600
        / max(1.0, _mean_window_time(hall_model))
        for d in days
        if d["weekend"]
    )
    result: Row = {
        "weekday": weekday,
        "weekday_name": WEEKDAY_NAMES[weekday],
        "target": {"wait_s": target.wait_seconds, "level": target.level},
        "replications": options.replications,
        "seed": options.seed,
        "margin_quantile": options.margin_quantile,
        "history": _history(records, hall_model, calendar, weekday),
        "all_windows": all_windows,
        "capacity": [
            {
                "pool": p.name,
                "capacity": p.capacity,
                "categories": None if p.categories is None else sorted(p.categories),
                "priority": p.priority,
            }
            for p in pools
        ],
        "window_time": [_window_time_row(w) for w in hall_model.handling.values()],
        "days": [{k: v for k, v in d.items() if k != "_days"} for d in days],
        "weekend": None
        if not weekend_days
        else {
            "weekday": weekend_days[0],
            "hours": next(d["hours"] for d in days if d["weekday"] == weekend_days[0]),
            "slots": [
                {"slot": r["slot"], "windows": r["windows"]}
                for r in next(d for d in days if d["weekday"] == weekend_days[0])["slots"]
            ],
            "coverage": options.weekend_coverage,
            "min_windows": options.weekend_min_windows,
            "categories": [
                {"category": c.category, "per_day": round(c.expected_per_day, 1), "share": round(c.share, 3)}
                for c in shares
            ],
        },
        "week": {
            "staff_hours": round(sum(d["staff_hours"] for d in days), 1),
            "all_windows_hours": round(sum(d["all_windows_hours"] for d in days), 1),
            "slots_judged": sum(d["slots_judged"] for d in days),
            "slots_met": sum(d["slots_met"] for d in days),
        },
        "plan": {
            "slots": selected["slots"],
            "staff_hours": selected["staff_hours"],
            "window_hours": selected["window_hours"],
        },
        "extended": selected["overtime"],
    }
    result["advice"] = _advice(result["days"], weekend_spare)
    result["roster"] = _roster(selected, calendar, options)
    result["comparison"] = _comparison(selected, "", result["roster"]["staff_hours"]) + [
        row for d in days if d["weekday"] == 5 for row in _comparison(d, "weekend_", None)
    ]
    if progress is not None:
        progress(1.0, "done")
    return result


def _comparison(day: Row, prefix: str, roster_hours: float | None) -> list[Row]:
    """Every window open all day vs the plan (and its roster) for one day."""
    ot = day["overtime"]
    rows = [
        {
            "name": f"{prefix}all_windows",
            "staff_hours": day["all_windows_hours"],
            "service_level": day["all_windows_service_level"],
            "mean_overtime_min": ot["all_windows_mean_min"],
        },
        {
            "name": f"{prefix}plan",
            "staff_hours": day["staff_hours"],
            "service_level": day["service_level"],
            "mean_overtime_min": ot["simulated_mean_min"],
        },
    ]
    if roster_hours is not None:
        rows.append(
            {"name": "roster", "staff_hours": roster_hours, "service_level": None, "mean_overtime_min": None}
        )
    return rows


def _mean_window_time(model: DemandModel) -> float:
    """Mean window time over the categories, weighted by their legs (seconds)."""
    legs = sum(w.legs for w in model.handling.values())
    return sum(w.mean * w.legs for w in model.handling.values()) / legs if legs else 300.0


def _history(records: Sequence[VisitRecord], model: DemandModel, calendar: HallCalendar, weekday: int) -> Row:
    holidays = sorted(
        d.isoformat()
        for d in calendar.holidays
        if model.first_day is not None
        and model.last_day is not None
        and model.first_day <= d <= model.last_day
    )
    return {
        "records": len(records),
        "first_day": None if model.first_day is None else model.first_day.isoformat(),
        "last_day": None if model.last_day is None else model.last_day.isoformat(),
        "days_observed": model.days_observed,
        "holidays_excluded": holidays,
        "expected_tickets": round(sum(model.category_totals([weekday]).values()), 1),
    }


def _window_time_row(w: WindowTime) -> Row:
    return {
        "category": w.category,
        "legs": w.legs,
        "no_shows": w.no_shows,
        "mean_s": round(w.mean, 1),
        "median_s": round(w.median, 1),
        "p90_s": round(w.p90, 1),
        "walk_up_s": round(w.walk_up, 1),
        "handling_s": round(w.handling, 1),
        "no_show_hold_s": round(w.no_show_hold, 1),
        "gap_s": round(w.gap, 1),
        "lognormal_sigma": round(w.lognormal_sigma, 3),
        "lognormal_ks": round(w.lognormal_ks, 3),
        "pooled": w.pooled,
    }


def _roster(day: Row, calendar: HallCalendar, options: PlanOptions) -> Row:
    """Fewest staff hours of shift patterns covering the day's windows per slot (CP-SAT)."""
    weekday = day["weekday"]
    slots = list(slot_open_minutes(intervals_to_minutes(calendar.weekday_intervals(weekday))))
    staff = [r["windows"] for r in day["slots"]]
    if options.shifts:
        patterns = load_shift_patterns(options.shifts, slot_hours=1.0)
        grid = 60
    else:
        patterns = hall_shifts(calendar.weekday_intervals(weekday), 30)
        grid = 30
    requirements = [0] * (1440 // grid)
    for s, w in zip(slots, staff, strict=True):
        requirements[s // grid] = max(requirements[s // grid], w)
    roster = solve_roster(requirements, patterns, seed=options.seed)
    hours = {p.name: len(p.slots) * grid / 60 for p in patterns}
    return {
        "weekday": weekday,
        "status": roster.status,
        "slot_minutes": grid,
        "shifts": [
            {"shift": p.name, "hours": hours[p.name], "clerks": roster.counts[p.name]} for p in patterns
        ],
        "clerks": roster.clerks,
        "staff_hours": round(sum(hours[n] * c for n, c in roster.counts.items()), 1),
    }


def format_plan(result: Row) -> str:
    """The week's plan as text for the terminal."""
    lines: list[str] = []
    h, t = result["history"], result["target"]
    lines.append(
        f"Week plan, target {t['level']:.0%} called within {t['wait_s'] / 60:.0f} min, planned "
        f"for the {result['margin_quantile']:.0%} day; history {h['first_day']} to "
        f"{h['last_day']} ({h['records']} tickets; holidays excluded: "
        f"{', '.join(h['holidays_excluded']) or 'none'}); {result['replications']} "
        f"replications, seed {result['seed']}"
    )
    lines.append("capacity: " + ", ".join(f"{p['pool']} {p['capacity']}" for p in result["capacity"]))
    lines.append("")
    lines.append("window time per category (s): mean = walk-up + handling (or no-show hold) + gap")
    for w in result["window_time"]:
        lines.append(
            f"  {w['category']:<12} {w['mean_s']:7.0f}  walk-up {w['walk_up_s']:5.0f}"
            f"  handling {w['handling_s']:6.0f}  no-shows {w['no_shows']:4d} (hold "
            f"{w['no_show_hold_s']:.0f})  gap {w['gap_s']:.0f}  log-normal σ "
            f"{w['lognormal_sigma']:.2f} KS {w['lognormal_ks']:.3f}"
        )
    for day in result["days"]:
        lines.append("")
        f = next((p["forecast"] for p in day["pools"] if p["forecast"]), None)
        src = (
            ""
            if f is None
            else (
                f"; forecast from {'its own' if f['source'] == 'own' else 'scaled'} history "
                f"(weekdays {f['source_weekdays']}, ratio {f['ratio']}, {f['history_days']} days "
                f"{f['first_day']}..{f['last_day']}, margin ×{f['margin_factor']})"
            )
        )
        lines.append(
            f"{day['weekday_name']} {' '.join(day['hours'])}: {day['staff_hours']} "
            f"staff hours (every window {day['all_windows_hours']}), "
            f"{day['slots_met']}/{day['slots_judged']} slots meet the target{src}"
        )
        lines.append("  slot   arrivals  windows  needed  capacity  SL")
        for s in day["slots"]:
            lines.append(
                f"  {s['slot']}  {s['arrivals']:8.1f}  {s['windows']:7d}  "
                f"{s['needed']:6d}  {s['capacity']:8d}  {_pct(s['service_level'])}"
            )
        ot = day["overtime"]
        lines.append(
            f"  overtime: simulated mean {ot['simulated_mean_min']} min (p90 "
            f"{ot['simulated_p90_min']}), limit {ot['limit_minutes']} min"
            + (
                ""
                if ot["recorded"] is None
                else f"; recorded mean {ot['recorded']['mean_minutes']} min over "
                f"{ot['recorded']['days']} days"
            )
        )
    lines.append("")
    for a in result["advice"]:
        if a["kind"] == "shortfall":
            lines.append(
                f"Shortfall {WEEKDAY_NAMES[a['weekday']]} {a['pool']}: needs up to {a['needed']}"
                f" windows, has {a['capacity']} ({', '.join(a['slots'])}); about "
                f"{a['visitors_beyond']:.0f} visitors beyond capacity — extend hours "
                f"(≈{a['overtime_min']:.0f} min after closing), serve them at weekends "
                f"(room for ≈{a['weekend_spare_visitors']:.0f}), or move "
                f"{a['online_share']:.0%} of the day's matters online"
            )
        else:
            ext = a["extension"]
            lines.append(
                f"Overtime {WEEKDAY_NAMES[a['weekday']]}: {a['overtime_min']} min after closing "
                f"(limit {a['limit_minutes']}) — "
                + (
                    "no extra windows within capacity keep it within the limit: plan extended hours"
                    if ext is None
                    else f"+{ext['extra_windows']} windows in the last {ext['last_slots']} slots → "
                    f"{ext['mean_overtime_min']} min"
                )
            )
    r = result["roster"]
    lines.append("")
    lines.append(
        f"Roster {WEEKDAY_NAMES[r['weekday']]} ({r['status']}): {r['clerks']} clerks, "
        f"{r['staff_hours']} staff hours"
    )
    for s in r["shifts"]:
        if s["clerks"]:
            lines.append(f"  {s['clerks']:3d} × {s['shift']} ({s['hours']} h)")
    w = result["week"]
    lines.append(
        f"Week: {w['staff_hours']} staff hours (every window {w['all_windows_hours']}),"
        f" {w['slots_met']}/{w['slots_judged']} slots meet the target"
    )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
