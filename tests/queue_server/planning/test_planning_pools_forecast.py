"""Pools, hall capacity, day-type forecasts and holidays on small hand-made ledgers."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, time

import pytest

from queue_server.config import ConfigError, parse_settings
from queue_server.planning.demand import build_demand_model
from queue_server.planning.forecast import forecast_day
from queue_server.planning.model import HallCalendar, VisitRecord
from queue_server.planning.pools import COMPREHENSIVE, PoolSpec, split_records
from queue_server.planning.simulation import DayDemand
from queue_server.planning.staffing import ServiceTarget, plan_day
from queue_server.reports.ledger import hall_calendar
from queue_server.reports.planner import PlanOptions, make_plan, pools_from_spec
from tests.conftest import demo_config

from .records_helpers import visit

MONDAYS = [date(2024, 3, 4), date(2024, 3, 11), date(2024, 3, 18)]
HOLIDAY = date(2024, 3, 25)  # a fourth Monday, closed
NINE_TO_TEN = ((time(9), time(10)),)
CAL = HallCalendar(hours={wd: NINE_TO_TEN for wd in range(7)}, holidays=frozenset({HOLIDAY}))


def mondays(per_day: list[int], holiday_visitors: int = 0) -> list[VisitRecord]:
    """`per_day[i]` visitors of category A on Monday i between 9:00 and 9:29 (5 minutes
    each, called at once), and `holiday_visitors` on the holiday."""
    out = []
    for day, n in [*zip(MONDAYS, per_day, strict=True), (HOLIDAY, holiday_visitors)]:
        for k in range(n):
            out.append(visit(day, "A", f"09:{k % 30:02d}", handling_s=300))
    return out


def test_day_type_forecast_with_margin_fallback_and_holiday() -> None:
    # 10, 20, 30 visitors on three Mondays; 100 on the holiday Monday, which must not count
    model = build_demand_model(mondays([10, 20, 30], 100), CAL, prior_days=0)
    monday = forecast_day(model, 0, margin_quantile=0.8)
    assert monday.source == "own" and monday.history_days == tuple(MONDAYS)
    # mean day 20; 80th percentile of (10, 20, 30): position 1.6 → 20 + 0.6·10 = 26
    assert monday.mean_total == pytest.approx(20)
    assert monday.margin_factor == pytest.approx(1.3)
    assert monday.planned_total == pytest.approx(26)
    assert model.excluded["closed_day"] == 100
    # Tuesday has no history: Monday's profile, ratio 1 (same kind of day)
    tuesday = forecast_day(model, 1)
    assert (tuesday.source, tuesday.source_weekdays, tuesday.ratio) == ("scaled", (0,), 1.0)
    assert tuesday.planned_total == pytest.approx(26)
    # Saturday, no weekend history at all: the workday profile × the stated ratio (1/3)
    saturday = forecast_day(model, 5, weekend_ratio=1 / 3)
    assert saturday.source == "scaled" and saturday.ratio == pytest.approx(1 / 3)
    assert saturday.planned_total == pytest.approx(26 / 3)


def test_weekend_ratio_from_the_halls_own_weekend_history() -> None:
    # one Saturday with 5 visitors: ratio = 5 / 20 (mean Monday), stated, not assumed
    saturday = date(2024, 3, 9)
    records = mondays([10, 20, 30]) + [visit(saturday, "A", f"09:{k:02d}", handling_s=300) for k in range(5)]
    model = build_demand_model(records, CAL, prior_days=0)
    # one Saturday is too little history (< 2 days) for either weekend day: the workday
    # profile × the recorded weekend/workday ratio 5 / 20
    for weekday in (5, 6):
        forecast = forecast_day(model, weekday)
        assert forecast.source == "scaled" and forecast.source_weekdays == (0,)
        assert forecast.ratio == pytest.approx(5 / 20)
        assert forecast.planned_total == pytest.approx(26 * 5 / 20)


def test_records_go_to_their_pool() -> None:
    day = MONDAYS[0]
    records = [
        visit(day, "crossprov", "09:00", handling_s=60),
        visit(day, "pickup", "09:01", handling_s=60),
        visit(day, "pickup", "09:02", handling_s=60),
        visit(day, "business", "09:03", handling_s=60),
        visit(day, "tax", "09:04", handling_s=60),
    ]
    green = replace(records[3], priority="green")
    pools = (
        PoolSpec(COMPREHENSIVE, 10),
        PoolSpec("green", 1, frozenset({"business", "tax"}), "green"),
        PoolSpec("crossprov", 1, frozenset({"crossprov"})),
        PoolSpec("pickup", 1, frozenset({"pickup"})),
    )
    split = split_records([*records, green], pools)
    assert {k: len(v) for k, v in split.items()} == {
        "comprehensive": 2,
        "green": 1,
        "crossprov": 1,
        "pickup": 2,
    }


def test_demo_hall_pools_from_its_windows() -> None:
    spec = parse_settings(demo_config()).halls[0]
    pools = {p.name: p for p in pools_from_spec(spec)}
    assert {n: p.capacity for n, p in pools.items()} == {
        "comprehensive": 10,
        "green": 1,
        "crossprov": 1,
        "pickup": 1,
    }
    assert pools["crossprov"].categories == frozenset({"crossprov"})
    assert pools["green"].priority == "green"
    assert sum(p.capacity for p in pools.values()) == len(spec.windows)


def test_holidays_from_config_reach_the_calendar_and_bad_ones_are_named() -> None:
    raw = demo_config()
    raw["halls"][0]["holidays"] = ["2026-10-01", date(2026, 10, 2)]
    spec = parse_settings(raw).halls[0]
    assert hall_calendar(spec).holidays == {date(2026, 10, 1), date(2026, 10, 2)}
    assert not hall_calendar(spec).is_open(date(2026, 10, 1))
    worked = date(2026, 10, 10)  # a Saturday worked on weekday hours (调休), in the demo config
    assert hall_calendar(spec).intervals(worked) == spec.hours.weekdays != spec.hours.weekend
    raw["halls"][0]["holidays"] = ["2026-02-30"]
    with pytest.raises(ConfigError, match=r"halls\[0\]\.holidays\[0\]: '2026-02-30' is not a date"):
        parse_settings(raw)


def test_plan_never_exceeds_capacity() -> None:
    sample = (300.0,)
    demand = DayDemand(30, (540, 570), {"A": (60.0, 60.0)}, {"A": sample})
    plan = plan_day(demand, ServiceTarget(900, 0.8), replications=5, max_windows=4)
    assert plan.windows == (4, 4)  # 10 erlangs offered, 4 windows: capped, not converged
    assert not plan.converged


def test_shortfall_in_numbers_and_advice() -> None:
    # every Monday 9:00–9:30: 60 visitors of 5 minutes = 10 erlangs; the hall has 4 windows
    records = []
    for day in MONDAYS:
        for k in range(60):
            start = f"09:{k // 2:02d}:{30 * (k % 2):02d}"
            records.append(visit(day, "A", start, handling_s=300))
    cal = HallCalendar(hours={0: ((time(9), time(9, 30)),)})
    result = make_plan(
        records, cal, PlanOptions(pools=(PoolSpec(COMPREHENSIVE, 4),), replications=5, weekday=0)
    )
    day = result["days"][0]
    assert day["slots"][0]["windows"] == 4 and day["slots"][0]["capacity"] == 4
    needed = day["slots"][0]["needed"]
    # Lag-SIPP: a 5-minute lag leaves 60 · 25/30 = 50 arrivals in the slot, 8.33 erlangs; the
    # smallest stable number, 9, already meets 80 % within 15 min (the window time is fixed, so
    # the waiting tail is half the exponential one): P(W > 900 s) ≈ C(9, 8.33)·e^(−0.67·900/150)
    assert needed == math.ceil(50 * 300 / 1800) == 9
    (short,) = result["advice"][:1]
    assert (short["kind"], short["pool"], short["slots"], short["capacity"]) == (
        "shortfall",
        "comprehensive",
        ["09:00"],
        4,
    )
    # visitors beyond capacity: arrivals × (needed − 4) / needed, the planned day being the mean
    assert short["visitors_beyond"] == pytest.approx(60 * (needed - 4) / needed, abs=0.1)
    assert short["online_share"] == pytest.approx((needed - 4) / needed, abs=0.01)
    assert day["overtime"]["simulated_mean_min"] > 15 and not day["overtime"]["within_limit"]
    assert any(a["kind"] == "overtime" for a in result["advice"])
    assert result["history"]["first_day"] == MONDAYS[0].isoformat()
