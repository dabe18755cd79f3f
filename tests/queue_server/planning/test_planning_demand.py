"""Demand estimation on a two-week hand-made history (numbers worked out in the comments)."""

from __future__ import annotations

from datetime import date, time

import pytest

from queue_server.planning.demand import build_demand_model
from queue_server.planning.model import HallCalendar, VisitRecord

from .records_helpers import visit

HOLIDAY = date(2024, 3, 6)  # a Wednesday
CAL = HallCalendar(hours={wd: ((time(9), time(10)),) for wd in range(5)}, holidays=frozenset({HOLIDAY}))
MON1, TUE1, MON2, FRI2 = date(2024, 3, 4), date(2024, 3, 5), date(2024, 3, 11), date(2024, 3, 15)


def history() -> list[VisitRecord]:
    recs = [
        # category A: 3 arrivals in Monday's 9:00 slot in week 1, 1 in week 2 -> n = 4
        visit(MON1, "A", "09:01", handling_s=100),
        visit(MON1, "A", "09:10", handling_s=200),
        visit(MON1, "A", "09:20", handling_s=300),
        visit(MON2, "A", "09:05", outcome="abandoned"),
        # category B: 2 in Monday's 9:00 slot
        visit(MON1, "B", "09:02", handling_s=50),
        visit(MON1, "B", "09:25", handling_s=50),
        # excluded: holiday, outside hours, cancelled
        visit(HOLIDAY, "B", "09:00", handling_s=50),
        visit(TUE1, "B", "10:15", handling_s=50),
        visit(TUE1, "A", "09:15", outcome="cancelled"),
        # the history ends on Friday of week 2 (an arrival outside the hours)
        visit(FRI2, "B", "11:00", outcome="cancelled"),
    ]
    return recs


def test_raw_rates_without_shrinkage() -> None:
    model = build_demand_model(history(), CAL, prior_days=0, min_handling=1)
    # open days: Mon 2, Tue 2, Wed 1 (one holiday), Thu 2, Fri 2
    assert model.days_observed == {0: 2, 1: 2, 2: 1, 3: 2, 4: 2, 5: 0, 6: 0}
    assert model.rate("A", 0, 540) == pytest.approx(2.0)  # 4 arrivals / 2 Mondays
    assert model.rate("B", 0, 540) == pytest.approx(1.0)
    assert model.rate("A", 1, 540) == 0.0
    assert model.excluded == {"closed_day": 1, "outside_hours": 1, "outcome_cancelled": 2}


def test_shrinkage_toward_pooled_profile() -> None:
    model = build_demand_model(history(), CAL, prior_days=2, min_handling=1)
    # pooled 9:00 rate over the day type: 6 arrivals / 9 open days = 2/3
    # Monday profile T = (6 + 2·2/3) / (2 + 2) = 11/6; shares A 4/6, B 2/6
    t_mon = (6 + 2 * 2 / 3) / 4
    assert model.rate("A", 0, 540) == pytest.approx((4 + 2 * (4 / 6) * t_mon) / 4)
    assert model.rate("B", 0, 540) == pytest.approx((2 + 2 * (2 / 6) * t_mon) / 4)
    # Tuesday saw nothing: T = (0 + 2·2/3)/(2 + 2) = 1/3, A = 2·(2/3)·(1/3)/4 = 1/9
    assert model.rate("A", 1, 540) == pytest.approx(1 / 9)
    # Wednesday (one open day): T = (2·2/3)/3 = 4/9, A = 2·(2/3)·(4/9)/3
    assert model.rate("A", 2, 540) == pytest.approx(2 * (2 / 3) * (4 / 9) / 3)
    # shrinkage keeps the total arrivals roughly where the data are and never negative
    assert all(v >= 0 for v in model.rates.values())
    assert model.rate("A", 0, 570) == 0.0  # no 9:30 arrival anywhere


def test_handling_summary_and_day_demand() -> None:
    model = build_demand_model(history(), CAL, prior_days=0, min_handling=1)
    a = model.handling["A"]
    assert a.legs == 3 and a.mean == pytest.approx(200) and a.median == pytest.approx(200)
    assert a.cv == pytest.approx((20000 / 3) ** 0.5 / 200)
    assert sorted(a.sample) == [100, 200, 300] and not a.pooled
    day = model.day_demand(0)
    assert day.slots == (540, 570)
    assert day.arrivals["A"] == pytest.approx((2.0, 0.0))
    assert day.total_arrivals == pytest.approx((3.0, 0.0))
    half = model.day_demand(0, hours=[(time(9), time(9, 15))], scale=2.0)
    assert half.slots == (540,) and half.arrivals["A"][0] == pytest.approx(2.0)


def test_sparse_category_uses_pooled_handling_sample() -> None:
    # handled tickets count for handling even on a holiday or outside hours: A 3, B 4
    model = build_demand_model(history(), CAL, min_handling=4)
    assert model.handling["A"].pooled and model.handling["A"].mean == pytest.approx(200)
    assert sorted(model.handling["A"].sample) == [50, 50, 50, 50, 100, 200, 300]
    assert not model.handling["B"].pooled
