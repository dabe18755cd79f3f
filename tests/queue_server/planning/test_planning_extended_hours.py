from __future__ import annotations

import math
from datetime import date

import pytest

from queue_server.planning.extended_hours import (
    advise_extension,
    recorded_overtime,
    simulated_overtime,
)
from queue_server.planning.model import HallCalendar
from queue_server.planning.simulation import DayDemand

from .records_helpers import visit

CAL = HallCalendar()
EXP = tuple(-300.0 * math.log(1 - (k + 0.5) / 1000) for k in range(1000))  # mean ≈ 300 s


def test_recorded_overtime_per_weekday() -> None:
    mondays = [date(2024, 3, 4), date(2024, 3, 11), date(2024, 3, 18)]
    records = [
        visit(mondays[0], "A", "16:50", handling_s=40 * 60),  # finishes 17:30 -> 30 min
        visit(mondays[1], "A", "16:00", handling_s=20 * 60),  # before closing -> 0
        visit(mondays[2], "A", "16:55", handling_s=15 * 60),  # 17:10 -> 10 min
        visit(date(2024, 3, 5), "A", "10:00", handling_s=60),
    ]
    ot = recorded_overtime(records, CAL)
    assert ot[0].observations == 3
    assert ot[0].mean_minutes == pytest.approx(40 / 3)
    assert ot[0].p90_minutes == pytest.approx(10 + 0.8 * 20)  # sorted 0, 10, 30
    assert ot[0].share_with_overtime == pytest.approx(2 / 3)
    assert ot[1].mean_minutes == 0.0


def late_rush() -> DayDemand:
    # a rush in the last hour of a 9:00–12:00 morning
    return DayDemand(
        30, (540, 570, 600, 630, 660, 690), {"A": (10.0, 10.0, 10.0, 10.0, 30.0, 30.0)}, {"A": EXP}
    )


def test_simulated_overtime_and_extension_advice() -> None:
    windows = [3, 3, 3, 3, 3, 3]
    base = simulated_overtime(late_rush(), windows, weekday=0, replications=10, seed=4)
    assert base.mean_minutes > 30  # 60 visitors × 5 min on 3 windows cannot finish by noon

    advice = advise_extension(
        late_rush(),
        windows,
        weekday=0,
        limit_minutes=20,
        max_extra=4,
        last_slots=(1, 2),
        replications=10,
        seed=4,
    )
    assert advice.baseline.extra_windows == 0
    assert advice.baseline.mean_overtime_minutes == pytest.approx(base.mean_minutes)
    assert advice.chosen is not None
    assert advice.chosen.mean_overtime_minutes <= 20
    feasible = [o for o in advice.options if o.meets_limit]
    assert advice.chosen.total_extra_hours == min(o.total_extra_hours for o in feasible)
    assert not advice.baseline.meets_limit
    # the last visitors' own handling keeps ~12 minutes of overtime however many windows open
    assert min(o.mean_overtime_minutes for o in advice.options) > 5
    assert len(advice.to_rows()) == len(advice.options) == 1 + 4 * 2


def test_no_overtime_with_instant_service() -> None:
    demand = DayDemand(30, (540, 570), {"A": (10.0, 10.0)}, {"A": (0.0,)})
    ot = simulated_overtime(demand, [1, 1], weekday=0, replications=3)
    assert ot.mean_minutes == 0.0 and ot.share_with_overtime == 0.0
