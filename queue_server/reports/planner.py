"""A hall's plan from its ledger: windows per slot, extended hours, weekend service and a roster,
each with its simulated service level next to "every window open all day".

Steps (methods in `queue_server.planning`; docs/REPORTS.md gives the figures):

1. demand model from the history (`demand.build_demand_model`);
2. weekday plan: comprehensive windows per 30-minute slot (`staffing.plan_comprehensive`,
   Lag-SIPP Erlang C corrected by ciw simulation); its service level is then measured again
   on *independent* random numbers (seed + 1000), so the figure reported is not the one the
   plan was fitted to;
3. baseline: the same day's demand simulated with every window open every slot
   (`all_windows` = the hall's configured windows, or the peak number of clerks serving at
   once in the history for a ledger without a hall config, e.g. the bank);
4. extended hours: recorded overtime of that weekday, and the cheapest "+N windows in the last
   K slots" option keeping simulated mean overtime within `overtime_limit` minutes
   (`extended_hours.advise_extension`);
5. weekend: categories covering 80 % of weekend-eligible demand and windows per slot in the
   weekend hours (`weekend.plan_weekend`), vs. every window open in those hours;
6. roster: the fewest staff hours of shift patterns covering the plan's staff per slot
   (`shifts.solve_roster`, CP-SAT); the roster's coverage is simulated too (a roster covers at
   least the plan, so its service level is at least the plan's, up to simulation noise).

Comprehensive pooling: every category is served by a pool of identical windows, so a hall's
specialised windows (cross-province, green channel, pick-up) are counted as part of the pool.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from queue_server.planning.demand import DemandModel, build_demand_model
from queue_server.planning.extended_hours import advise_extension, recorded_overtime
from queue_server.planning.model import (
    HallCalendar,
    Interval,
    VisitRecord,
    intervals_to_minutes,
    minute_label,
)
from queue_server.planning.shifts import (
    ShiftPattern,
    load_shift_patterns,
    requirements_per_slot,
    solve_roster,
)
from queue_server.planning.simulation import DayDemand, SimulationResult, simulate_day
from queue_server.planning.staffing import ServiceTarget, plan_comprehensive
from queue_server.planning.weekend import WEEKEND_HOURS, plan_weekend

Row = dict[str, Any]
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CHECK_SEED_OFFSET = 1000
FLEX_PREMIUM = 1.5
"""Cost factor of a flexible two-hour block over its hours: a clerk called to a window for two
hours still has to be found, briefed and relieved, so the roster prefers whole shifts."""


@dataclass(frozen=True)
class PlanOptions:
    weekday: int | None = None
    """None: the weekday with the most expected tickets."""
    target_wait: float = 900.0
    target_level: float = 0.8
    replications: int = 10
    seed: int = 0
    all_windows: int | None = None
    """Windows of "every window open"; None: peak clerks serving at once in the history."""
    overtime_limit: float = 15.0
    weekend: bool = True
    weekend_weekday: int = 5
    weekend_hours: tuple[Interval, ...] | None = None
    """None: the calendar's hours of `weekend_weekday`, else 9:00–11:30 and 14:00–17:00."""
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

    def pattern(name: str, spans: Sequence[tuple[int, int]], premium: float = 1.0
                ) -> ShiftPattern:
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
                out.append(pattern(f"flex {label([(s, s + 120)])}", [(s, s + 120)],
                                   FLEX_PREMIUM))
    close = ranges[-1][1]
    late = [(max(a, close - 120), b) for a, b in ranges if b > close - 120]
    if late and slots(late) != out[-1].slots:
        out.append(pattern(f"late {label(late)}", late))
    return out


def _sim(demand: DayDemand, windows: Sequence[int], target: ServiceTarget, reps: int,
         seed: int) -> SimulationResult:
    return simulate_day(demand, windows, target_wait=target.wait_seconds, replications=reps,
                        seed=seed)


def _outcome(name: str, windows: Sequence[int], slot_minutes: int, result: SimulationResult,
             staff_hours: float | None = None) -> Row:
    hours = sum(windows) * slot_minutes / 60
    return {
        "name": name,
        "staff_hours": round(staff_hours if staff_hours is not None else hours, 1),
        "window_hours": round(hours, 1),
        "service_level": None if result.service_level is None
        else round(result.service_level, 4),
        "mean_wait_min": None if result.mean_wait is None else round(result.mean_wait / 60, 1),
        "mean_overtime_min": round(result.mean_overtime, 1),
        "p90_overtime_min": round(result.p90_overtime, 1),
    }


def busiest_weekday(model: DemandModel, weekdays: Collection[int] = range(5)) -> int:
    totals = {wd: sum(model.category_totals([wd]).values()) for wd in weekdays
              if model.calendar.weekday_intervals(wd)}
    if not totals:
        raise ValueError("the calendar has no open weekday")
    return max(totals, key=lambda wd: (totals[wd], -wd))


def make_plan(records: Sequence[VisitRecord], calendar: HallCalendar,
              options: PlanOptions) -> Row:
    """The whole plan as a JSON-ready dict (see the module docstring)."""
    if not records:
        raise ValueError("no tickets in the chosen dates")
    target = ServiceTarget(options.target_wait, options.target_level)
    reps, seed = options.replications, options.seed
    model = build_demand_model(records, calendar)
    weekday = options.weekday if options.weekday is not None else busiest_weekday(model)
    if not calendar.weekday_intervals(weekday):
        raise ValueError(f"the hall is closed on weekday {weekday}")
    all_windows = options.all_windows or peak_concurrent(records) or 1

    plan = plan_comprehensive(model, weekday, target, replications=reps, seed=seed)
    demand = model.day_demand(weekday)
    n = len(demand.slots)
    check = _sim(demand, plan.windows, target, reps, seed + CHECK_SEED_OFFSET)
    everything = [all_windows] * n
    baseline = _sim(demand, everything, target, reps, seed + CHECK_SEED_OFFSET)

    recorded = recorded_overtime(records, calendar).get(weekday)
    advice = advise_extension(demand, plan.windows, weekday=weekday,
                              limit_minutes=options.overtime_limit, target_wait=target.wait_seconds,
                              replications=reps, seed=seed)

    # roster on the plan's staff per slot
    if options.shifts:
        patterns = load_shift_patterns(options.shifts, slot_hours=1.0)
        grid = 60
    else:
        patterns = hall_shifts(calendar.weekday_intervals(weekday), model.slot_minutes)
        grid = model.slot_minutes
    requirements = requirements_per_slot(plan, slot_minutes=grid)
    roster = solve_roster(requirements, patterns, seed=seed)
    roster_windows = [roster.coverage[s // grid] for s in demand.slots]
    grid_h = grid / 60
    hours = {p.name: len(p.slots) * grid_h for p in patterns}
    roster_hours = sum(hours[name] * n for name, n in roster.counts.items())
    roster_sim = _sim(demand, roster_windows, target, reps, seed + CHECK_SEED_OFFSET)

    comparison = [
        _outcome("all_windows", everything, model.slot_minutes, baseline),
        _outcome("plan", plan.windows, model.slot_minutes, check, plan.staff_hours),
        _outcome("roster", roster_windows, model.slot_minutes, roster_sim, roster_hours),
    ]
    result: Row = {
        "weekday": weekday,
        "weekday_name": WEEKDAY_NAMES[weekday],
        "target": {"wait_s": target.wait_seconds, "level": target.level},
        "replications": reps,
        "seed": seed,
        "history": {
            "records": len(records),
            "first_day": None if model.first_day is None else model.first_day.isoformat(),
            "last_day": None if model.last_day is None else model.last_day.isoformat(),
            "days_observed": model.days_observed,
            "expected_tickets": round(sum(model.category_totals([weekday]).values()), 1),
            "mean_handling_s": round(demand.mean_handling(), 1),
        },
        "all_windows": all_windows,
        "plan": {
            "slots": [
                {"slot": s.label, "arrivals": round(s.arrivals, 1),
                 "erlang_windows": s.erlang_windows, "windows": s.windows, "staff": s.staff,
                 "service_level": None if c.service_level is None
                 else round(c.service_level, 3),
                 "mean_wait_min": None if c.mean_wait is None else round(c.mean_wait / 60, 1),
                 "all_windows_service_level": None if b.service_level is None
                 else round(b.service_level, 3)}
                for s, c, b in zip(plan.slots, check.slots, baseline.slots, strict=True)
            ],
            "window_hours": round(plan.window_hours, 1),
            "staff_hours": round(plan.staff_hours, 1),
            "erlang_window_hours": round(plan.erlang_window_hours, 1),
            "fitted_service_level": None if plan.service_level is None
            else round(plan.service_level, 4),
            "converged": plan.converged,
            "iterations": plan.iterations,
        },
        "extended": {
            "limit_minutes": options.overtime_limit,
            "recorded": None if recorded is None else {
                "days": recorded.observations,
                "mean_minutes": round(recorded.mean_minutes, 1),
                "p90_minutes": round(recorded.p90_minutes, 1),
                "share_with_overtime": round(recorded.share_with_overtime, 3),
            },
            "options": [{k: _r(v) for k, v in row.items()} for row in advice.to_rows()],
            "chosen": None if advice.chosen is None else {
                "extra_windows": advice.chosen.extra_windows,
                "last_slots": advice.chosen.last_slots,
                "mean_overtime_min": round(advice.chosen.mean_overtime_minutes, 1),
                "total_extra_hours": round(advice.chosen.total_extra_hours, 2),
            },
        },
        "roster": {
            "status": roster.status,
            "slot_minutes": grid,
            "shifts": [{"shift": p.name, "hours": hours[p.name], "clerks": roster.counts[p.name]}
                       for p in patterns],
            "clerks": roster.clerks,
            "staff_hours": round(roster_hours, 1),
            "windows_per_slot": [{"slot": minute_label(s), "windows": w}
                                 for s, w in zip(demand.slots, roster_windows, strict=True)],
        },
        "weekend": None,
        "comparison": comparison,
    }
    if options.weekend:
        result["weekend"] = _weekend(model, options, target, all_windows)
        if result["weekend"] is not None:
            comparison.extend(result["weekend"]["comparison"])
    return result


def _r(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


def _weekend(model: DemandModel, options: PlanOptions, target: ServiceTarget,
             all_windows: int) -> Row | None:
    wd = options.weekend_weekday
    hours = options.weekend_hours or model.calendar.weekday_intervals(wd) or WEEKEND_HOURS
    try:
        wplan = plan_weekend(model, wd, target, hours=hours, eligible=options.weekend_eligible,
                             replications=options.replications, seed=options.seed)
    except ValueError:
        return None
    names = [c.category for c in wplan.categories]
    source = [wd] if model.days_observed.get(wd, 0) > 0 and \
        model.calendar.weekday_intervals(wd) else [0, 1, 2, 3, 4]
    demand = model.day_demand(wd, categories=names, hours=hours, source_weekdays=source)
    check = _sim(demand, wplan.windows, target, options.replications,
                 options.seed + CHECK_SEED_OFFSET)
    everything = [all_windows] * len(demand.slots)
    baseline = _sim(demand, everything, target, options.replications,
                    options.seed + CHECK_SEED_OFFSET)
    return {
        "weekday": wd,
        "hours": [f"{a:%H:%M}-{b:%H:%M}" if b != time(0) else f"{a:%H:%M}-24:00"
                  for a, b in hours],
        "from_history_of": source,
        "categories": [{"category": c.category, "per_day": round(c.expected_per_day, 1),
                        "share": round(c.share, 3)} for c in wplan.categories],
        "expected_tickets": round(sum(sum(v) for v in demand.arrivals.values()), 1),
        "slots": [{"slot": minute_label(s), "windows": w}
                  for s, w in zip(wplan.slots, wplan.windows, strict=True)],
        "window_hours": round(wplan.window_hours, 1),
        "comparison": [
            _outcome("weekend_all_windows", everything, model.slot_minutes, baseline),
            _outcome("weekend_plan", wplan.windows, model.slot_minutes, check),
        ],
    }


def format_plan(result: Row) -> str:
    """The plan as text for the terminal."""
    lines: list[str] = []
    h = result["history"]
    t = result["target"]
    lines.append(
        f"Plan for {result['weekday_name']} (weekday {result['weekday']}), target "
        f"{t['level']:.0%} called within {t['wait_s'] / 60:.0f} min; history {h['first_day']} "
        f"to {h['last_day']}, {h['records']} tickets; expected {h['expected_tickets']:.0f} "
        f"tickets that day, mean handling {h['mean_handling_s'] / 60:.1f} min; "
        f"{result['replications']} replications, seed {result['seed']}")
    lines.append("")
    lines.append("slot   arrivals  erlang  windows  SL(plan)  wait(min)  SL(all "
                 f"{result['all_windows']} windows)")
    for s in result["plan"]["slots"]:
        lines.append(
            f"{s['slot']}  {s['arrivals']:8.1f}  {s['erlang_windows']:6d}  {s['windows']:7d}  "
            f"{_pct(s['service_level']):>8}  {_num(s['mean_wait_min']):>9}  "
            f"{_pct(s['all_windows_service_level']):>8}")
    p = result["plan"]
    lines.append(f"plan: {p['window_hours']} window-hours (Erlang C alone "
                 f"{p['erlang_window_hours']}), converged {p['converged']}")
    lines.append("")
    e = result["extended"]
    rec = e["recorded"]
    if rec:
        lines.append(f"Extended service recorded on this weekday: {rec['days']} days, mean "
                     f"{rec['mean_minutes']} min after closing, p90 {rec['p90_minutes']} min, "
                     f"{rec['share_with_overtime']:.0%} of days")
    base = e["options"][0] if e["options"] else None
    if base:
        lines.append(f"Simulated with the plan: mean {base['mean_overtime_min']} min, p90 "
                     f"{base['p90_overtime_min']} min after closing")
    chosen = e["chosen"]
    if chosen is None:
        lines.append(f"No option keeps overtime within {e['limit_minutes']} min")
    elif chosen["extra_windows"] == 0:
        lines.append(f"Within the {e['limit_minutes']} min limit without extra windows")
    else:
        lines.append(f"Advice: +{chosen['extra_windows']} windows in the last "
                     f"{chosen['last_slots']} slots → mean {chosen['mean_overtime_min']} min "
                     f"after closing ({chosen['total_extra_hours']} extra window-hours)")
    lines.append("")
    w = result["weekend"]
    if w:
        cats = ", ".join(f"{c['category']} {c['share']:.0%}" for c in w["categories"])
        lines.append(f"Weekend (weekday {w['weekday']}, {' '.join(w['hours'])}; from history of "
                     f"weekdays {w['from_history_of']}): {cats}")
        lines.append("  windows: " + " ".join(f"{s['slot']}={s['windows']}" for s in w["slots"]))
        lines.append("")
    r = result["roster"]
    lines.append(f"Roster ({r['status']}, {r['slot_minutes']}-minute grid): {r['clerks']} "
                 f"clerks, {r['staff_hours']} staff hours")
    for s in r["shifts"]:
        if s["clerks"]:
            lines.append(f"  {s['clerks']:3d} × {s['shift']} ({s['hours']} h)")
    lines.append("")
    lines.append("option                 staff hours  service level  mean wait  overtime")
    for c in result["comparison"]:
        lines.append(f"{c['name']:<22} {c['staff_hours']:11.1f}  {_pct(c['service_level']):>13}"
                     f"  {_num(c['mean_wait_min']):>6} min  {c['mean_overtime_min']:5.1f} min")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
