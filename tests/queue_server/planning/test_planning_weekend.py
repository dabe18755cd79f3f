from __future__ import annotations

import math
from datetime import date, time, timedelta

import pytest

from queue_server.planning.demand import build_demand_model
from queue_server.planning.model import HallCalendar, VisitRecord
from queue_server.planning.staffing import ServiceTarget
from queue_server.planning.weekend import choose_weekend_categories, plan_weekend

from .records_helpers import visit

CAL = HallCalendar()


def history() -> list[VisitRecord]:
    """Two weeks of weekdays; per day A 10, B 6, C 3, D 1 arrivals between 9:00 and 11:30."""
    recs: list[VisitRecord] = []
    start = date(2024, 3, 4)
    handling = [-240 * math.log(1 - (k + 0.5) / 20) for k in range(20)]
    for d in range(14):
        day = start + timedelta(days=d)
        if day.weekday() >= 5:
            continue
        for cat, n in (("A", 10), ("B", 6), ("C", 3), ("D", 1)):
            for k in range(n):
                minute = 9 * 60 + (k * 150) // n
                recs.append(
                    visit(
                        day, cat, f"{minute // 60:02d}:{minute % 60:02d}", handling_s=handling[(k + d) % 20]
                    )
                )
    return recs


def test_choose_categories_by_cumulative_share() -> None:
    model = build_demand_model(history(), CAL, min_handling=1)
    chosen = choose_weekend_categories(model, coverage=0.8)
    assert [c.category for c in chosen] == ["A", "B"]
    assert chosen[0].share == pytest.approx(0.5, abs=0.02)
    assert chosen[-1].cumulative == pytest.approx(0.8, abs=0.02)
    only = choose_weekend_categories(model, coverage=0.8, eligible={"B", "C", "D"})
    assert [c.category for c in only] == ["B", "C"]  # 6/10 then 9/10


def test_weekend_plan_hours_and_minimum_windows() -> None:
    model = build_demand_model(history(), CAL, min_handling=1)
    plan = plan_weekend(model, 5, ServiceTarget(600, 0.8), coverage=0.8, replications=3, scale=0.5)
    # 9:00–11:30 and 14:00–17:00: 5 + 6 half-hour slots
    assert plan.slots[0] == 540 and plan.slots[4] == 660 and plan.slots[5] == 840
    assert len(plan.slots) == 11
    assert all(w >= 2 for w in plan.windows)
    assert [c.category for c in plan.categories] == ["A", "B"]
    special = plan_weekend(
        model,
        5,
        ServiceTarget(600, 0.8),
        comprehensive=False,
        replications=3,
        scale=0.5,
        hours=((time(9), time(11, 30)),),
    )
    assert set(special.plans) == {"A", "B"}
    assert all(w >= 4 for w in special.windows)
    assert special.window_hours == pytest.approx(sum(special.windows) / 2)
