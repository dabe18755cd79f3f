"""Statistics on a hand-made ledger; every expected number is worked out by hand below."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from queue_server.planning.model import HallCalendar, to_jsonable
from queue_server.planning.stats import (
    extended_service,
    grouped_stats,
    hall_report,
    heat_map,
    rating_stats,
)

from .records_helpers import visit

MON = date(2024, 3, 4)
TUE = date(2024, 3, 5)
CAL = HallCalendar()  # Mon–Fri 9:00–12:00, 13:30–17:00, Asia/Shanghai

LEDGER = [
    # wait 300, handling 600
    visit(
        MON,
        "A",
        "09:00",
        called="09:05",
        started="09:05",
        finished="09:15",
        window="W1",
        clerk="c1",
        rating=5,
    ),
    # wait 1200, handling 300, bad rating with reason
    visit(
        MON,
        "A",
        "09:10",
        called="09:30",
        started="09:31",
        finished="09:36",
        window="W1",
        clerk="c1",
        rating=2,
        reason="态度差",
    ),
    # wait 60, no-show
    visit(MON, "B", "09:20", called="09:21", outcome="no_show", window="W2", clerk="c2"),
    # left after 20 minutes without a call
    visit(MON, "B", "09:40", finished="10:00", outcome="abandoned"),
    # wait 300, handling 1500, finishes 20 minutes after the 17:00 closing
    visit(
        MON,
        "B",
        "16:50",
        called="16:55",
        started="16:55",
        finished="17:20",
        window="W2",
        clerk="c2",
        rating=4,
    ),
    # wait 0, handling 600, transferred on
    visit(
        MON,
        "A",
        "10:00",
        called="10:00",
        started="10:00",
        finished="10:10",
        outcome="transferred",
        window="W2",
        clerk="c2",
    ),
    visit(MON, "A", "11:00", outcome="cancelled"),
]


def test_overall_counts_waits_and_handling() -> None:
    overall = grouped_stats(LEDGER, "overall", CAL, wait_target=900).groups[0]
    assert (
        overall.issued,
        overall.served,
        overall.no_show,
        overall.transferred,
        overall.cancelled,
        overall.abandoned,
    ) == (7, 3, 1, 1, 1, 1)
    # waits 0, 60, 300, 300, 1200
    assert overall.wait.count == 5
    assert overall.wait.mean == pytest.approx(372)
    assert overall.wait.median == pytest.approx(300)
    assert overall.wait.p90 == pytest.approx(840)  # 300 + 0.6 * 900
    # handling 300, 600, 600, 1500
    assert overall.handling.mean == pytest.approx(750)
    assert overall.handling.median == pytest.approx(600)
    assert overall.handling.p90 == pytest.approx(1230)  # 600 + 0.7 * 900
    # called within 900 s: 4 of 5 called + 1 abandoned
    assert overall.within_target == pytest.approx(4 / 6)


def test_groups_by_category_window_hour_day() -> None:
    by_cat = {g.key: g for g in grouped_stats(LEDGER, "category", CAL).groups}
    assert (by_cat["A"].issued, by_cat["A"].served, by_cat["A"].cancelled) == (4, 2, 1)
    assert (by_cat["B"].issued, by_cat["B"].no_show, by_cat["B"].abandoned) == (3, 1, 1)
    by_window = {g.key: g.issued for g in grouped_stats(LEDGER, "window", CAL).groups}
    assert by_window == {"W1": 2, "W2": 3, "(none)": 2}
    by_hour = {g.key: g.issued for g in grouped_stats(LEDGER, "hour", CAL).groups}
    assert by_hour == {"09": 4, "10": 1, "11": 1, "16": 1}
    by_day = grouped_stats(LEDGER, "day", CAL).groups
    assert [g.key for g in by_day] == ["2024-03-04"]
    clerk_c1 = next(g for g in grouped_stats(LEDGER, "clerk", CAL).groups if g.key == "c1")
    assert clerk_c1.wait.mean == pytest.approx(750)
    assert clerk_c1.within_target == pytest.approx(0.5)


def test_ratings_good_rate_and_active_rate() -> None:
    r = rating_stats(LEDGER)
    assert r.by_level == {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}
    assert r.rated == 3 and r.served == 3
    assert r.good_rate == pytest.approx(2 / 3)
    assert r.active_rate == pytest.approx(1.0)
    assert [(b.rating, b.reason) for b in r.bad] == [(2, "态度差")]
    assert rating_stats(LEDGER, good_min=3).good_rate == pytest.approx(2 / 3)
    assert rating_stats([]).good_rate is None


def test_extended_service() -> None:
    ledger = [*LEDGER, visit(TUE, "A", "09:00", handling_s=60)]
    ext = extended_service(ledger, CAL)
    assert ext.open_days == 2
    assert ext.days_with_extension == 1
    assert ext.total_minutes_after_closing == pytest.approx(20)
    assert ext.tickets_after_closing == 1
    monday = ext.days[0]
    assert monday.minutes_after_closing == pytest.approx(20)


def test_heat_map() -> None:
    cells = {(c.weekday, c.hour): c for c in heat_map(LEDGER, CAL).cells}
    assert len(cells) == 7 * 24
    nine = cells[(0, 9)]
    assert nine.arrivals == 4 and nine.arrivals_per_day == pytest.approx(4.0)
    assert nine.mean_wait == pytest.approx((300 + 1200 + 60) / 3)
    assert cells[(0, 16)].mean_wait == pytest.approx(300)
    assert cells[(1, 9)].arrivals == 0 and cells[(1, 9)].mean_wait is None


def test_report_serialises_to_csv_and_json() -> None:
    report = hall_report(LEDGER, CAL)
    out = io.StringIO()
    rows = report.by_category.to_rows()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    assert out.getvalue().splitlines()[0].startswith("category,issued,served")
    data = json.loads(json.dumps(to_jsonable(report), ensure_ascii=False))
    assert data["ratings"]["bad"][0]["reason"] == "态度差"
    assert data["overall"]["issued"] == 7
    assert len(report.heatmap.to_rows()) == 168
    assert report.extended.to_rows()[0]["tickets_after_closing"] == 1
