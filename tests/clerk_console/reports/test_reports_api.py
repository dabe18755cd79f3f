"""The ledger adapter and the report endpoints on a small ledger made through the API."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from queue_server.reports.ledger import hall_calendar, read_ledger
from queue_server.storage import open_store
from queue_server.storage.base import RatingRecord
from tests.conftest import MONDAY_10AM, Hall

DAY = date(2026, 11, 23)


SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hall: Hall, hh: int, mm: int) -> None:
    hall.clock.set(MONDAY_10AM + timedelta(hours=hh - 10, minutes=mm))


def make_ledger(hall: Hall) -> dict[str, str]:
    """A: served · B: no-show · C: transferred business → tax, served after closing ·
    D: cancelled while waiting. Window 3, clerk1."""
    ids = {}
    hall.ok(3, "open")
    ids["A"] = hall.issue("business")["id"]
    ids["B"] = hall.issue("social")["id"]
    at(hall, 10, 1)
    ids["C"] = hall.issue("business")["id"]
    at(hall, 10, 2)
    ids["D"] = hall.issue("medical")["id"]
    at(hall, 10, 5)
    hall.ok(3, "call", number="A001")
    at(hall, 10, 6)
    hall.ok(3, "start")
    at(hall, 10, 16)
    hall.ok(3, "finish")
    at(hall, 10, 17)
    hall.ok(3, "call", number="B001")
    at(hall, 10, 18)
    hall.ok(3, "no-show")
    at(hall, 10, 19)
    hall.ok(3, "call", number="A002")
    at(hall, 10, 20)
    hall.ok(3, "start")
    at(hall, 10, 25)
    hall.ok(3, "transfer", to_category="tax")
    at(hall, 10, 30)
    response = hall.client.post(f"/api/halls/weiyang/tickets/{ids['D']}/cancel", headers=hall.auth("clerk1"))
    assert response.status_code == 200, response.text
    called = hall.ok(3, "call-next")
    assert called["ticket"]["id"] == ids["C"], called
    at(hall, 10, 31)
    hall.ok(3, "start")
    at(hall, 17, 40)  # closing is 17:30: ten minutes of extended service
    hall.ok(3, "finish")
    return ids


def read(hall: Hall, category: str | None = None) -> object:
    async def go() -> object:
        store = open_store(hall.settings.server.store)
        await store.start()
        try:
            spec = hall.settings.halls[0]
            return await read_ledger(store, spec, DAY, DAY, category=category)
        finally:
            await store.close()

    return asyncio.run(go())


def test_ledger_adapter_legs_by_hand(hall: Hall) -> None:
    ids = make_ledger(hall)
    result = read(hall)
    records = result.records  # type: ignore[attr-defined]
    legs = {(r.ticket, r.outcome): r for r in records}
    assert sorted((r.ticket == ids["C"], r.category, r.outcome) for r in records) == sorted(
        [
            (False, "business", "served"),
            (False, "social", "no_show"),
            (True, "business", "transferred"),
            (True, "tax", "served"),
            (False, "medical", "cancelled"),
        ]
    )
    a = legs[(ids["A"], "served")]
    assert (a.wait_seconds, a.handling_seconds, a.window, a.clerk) == (300, 600, "3", "clerk1")
    b = legs[(ids["B"], "no_show")]
    assert b.wait_seconds == 17 * 60 and b.started_at is None
    # the no-show held window 3 until the clerk marked it at 10:18
    assert b.finished_at is not None and b.finished_at.astimezone(SHANGHAI).strftime("%H:%M") == "10:18"
    c1 = legs[(ids["C"], "transferred")]
    assert (c1.wait_seconds, c1.handling_seconds) == (18 * 60, 5 * 60)
    c2 = legs[(ids["C"], "served")]
    assert c2.issued_at == MONDAY_10AM + timedelta(minutes=25)
    assert (c2.wait_seconds, c2.handling_seconds) == (5 * 60, (7 * 60 + 9) * 60)
    d = legs[(ids["D"], "cancelled")]
    assert d.called_at is None and d.finished_at == MONDAY_10AM + timedelta(minutes=30)
    assert result.tickets == 4 and result.open_legs == 0  # type: ignore[attr-defined]
    only_tax = read(hall, "tax").records  # type: ignore[attr-defined]
    assert [r.outcome for r in only_tax] == ["served"]


def test_hall_calendar_uses_weekend_sessions(hall: Hall) -> None:
    calendar = hall_calendar(hall.settings.halls[0])
    assert [f"{a:%H:%M}-{b:%H:%M}" for a, b in calendar.intervals(DAY)] == ["09:00-12:00", "13:30-17:30"]
    saturday = DAY + timedelta(days=5)
    assert [f"{a:%H:%M}-{b:%H:%M}" for a, b in calendar.intervals(saturday)] == ["09:00-11:30", "14:00-17:00"]


def test_ratings_are_read_with_the_ledger(hall: Hall) -> None:
    ids = make_ledger(hall)

    async def add_ratings() -> None:
        store = open_store(hall.settings.server.store)
        await store.start()
        try:
            for ticket, level, reason, at in ((ids["A"], 5, None, 2), (ids["C"], 2, "等太久", 9)):
                when = datetime(2026, 11, 23, at, 20, tzinfo=UTC)
                rating = RatingRecord("weiyang", ticket, 3, None, level, reason, None, when, "screen")
                assert await store.add_rating(rating)
        finally:
            await store.close()

    asyncio.run(add_ratings())
    body = hall.client.get(
        "/api/halls/weiyang/reports?from=2026-11-23&days=1", headers=hall.auth("supervisor")
    ).json()
    ratings = body["ratings"]
    assert ratings["rated"] == 2 and ratings["served"] == 2
    assert ratings["good_rate"] == 0.5 and ratings["active_rate"] == 1.0
    assert [(b["rating"], b["reason"], b["category"]) for b in ratings["bad"]] == [(2, "等太久", "tax")]


def test_report_json_by_hand(hall: Hall) -> None:
    make_ledger(hall)
    response = hall.client.get(
        "/api/halls/weiyang/reports?from=2026-11-23&days=1", headers=hall.auth("supervisor")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    o = body["overall"]
    assert (o["issued"], o["served"], o["no_show"], o["transferred"], o["cancelled"]) == (5, 2, 1, 1, 1)
    # waits 300, 1020, 1080, 300 s
    assert o["wait_mean_s"] == 675.0 and o["wait_median_s"] == 660.0
    assert o["within_target"] == 1.0 and body["wait_target_s"] == 1800
    ext = body["extended"]
    assert (ext["open_days"], ext["days_with_extension"], ext["tickets_after_closing"]) == (1, 1, 1)
    assert ext["total_minutes_after_closing"] == 10.0
    assert [w["window"] for w in body["by_window"]] == ["(none)", "3"]
    assert {c["category"]: c["issued"] for c in body["by_category"]} == {
        "business": 2,
        "social": 1,
        "tax": 1,
        "medical": 1,
    }
    cell = next(c for c in body["heatmap"] if c["weekday"] == 0 and c["hour"] == 10)
    assert cell["arrivals"] == 5
    admin = hall.client.get(
        "/api/halls/weiyang/reports?from=2026-11-23&days=1&category=tax", headers=hall.auth("admin")
    ).json()
    assert admin["overall"]["issued"] == 1


def test_report_csv(hall: Hall) -> None:
    make_ledger(hall)
    response = hall.client.get(
        "/api/halls/weiyang/reports?from=2026-11-23&days=1&format=csv", headers=hall.auth("supervisor")
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("group,key,issued,served,no_show")
    assert lines[1].startswith("overall,all,5,2,1,1,1")
    assert any(line.startswith("category,tax,1,1,") for line in lines)
    ext = (
        hall.client.get(
            "/api/halls/weiyang/reports?from=2026-11-23&days=1&format=csv&table=extended",
            headers=hall.auth("supervisor"),
        )
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert ext[0].startswith("day,closing,last_finish,minutes_after_closing")
    assert ext[1].startswith("2026-11-23,") and ",10.0,1" in ext[1]


def test_report_refuses_who_and_what_is_wrong(hall: Hall) -> None:
    url = "/api/halls/weiyang/reports"
    assert hall.client.get(url).status_code == 401
    assert hall.client.get(url, headers=hall.auth("clerk1")).status_code == 403
    assert hall.client.get(url, headers=hall.auth("kiosk")).status_code == 403
    assert hall.client.get("/api/halls/nowhere/reports", headers=hall.auth("admin")).status_code == 404
    for query, name in [
        ("from=2026-13-01", "from"),
        ("from=yesterday", "from"),
        ("from=20261123", "from"),
        ("from=1999-12-31", "from"),
        ("days=0", "days"),
        ("days=367", "days"),
        ("format=xml", "format"),
        ("table=secret", "table"),
    ]:
        response = hall.client.get(
            f"{url}?{query}", headers={**hall.auth("supervisor"), "Accept-Language": "en"}
        )
        assert response.status_code == 422, query
        error = response.json()["error"]
        assert error["params"]["field"] == name, (query, error)
        assert f"Query parameter {name} is invalid" in error["message"]
    unknown = hall.client.get(f"{url}?category=nothing", headers=hall.auth("supervisor"))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_category"
    # Any range the document admits is read, up to a year from the last year it admits.
    longest = hall.client.get(f"{url}?from=2099-12-31&days=366", headers=hall.auth("supervisor"))
    assert longest.status_code == 200 and longest.json()["to"] == "2100-12-31", longest.text
    nothing = hall.client.get("/api/halls/weiyang/plan?from=2001-01-01", headers=hall.auth("supervisor"))
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "plan_no_history"
    zh = hall.client.get(f"{url}?format=xml", headers=hall.auth("supervisor")).json()
    assert zh["error"]["message"].startswith("查询参数 format 无效")
    bad_plan = hall.client.get("/api/halls/weiyang/plan?weekday=9", headers=hall.auth("supervisor"))
    assert bad_plan.status_code == 422 and bad_plan.json()["error"]["params"]["field"] == "weekday"
    assert hall.client.get("/api/halls/weiyang/plan", headers=hall.auth("clerk1")).status_code == 403


def test_reports_page_is_served(hall: Hall) -> None:
    page = hall.client.get("/supervise/halls/weiyang/reports?lang=en")
    assert page.status_code == 200 and "Reports" in page.text
    assert "/reports/static/vendor/chartjs/chart.umd.min.js" in page.text
    assert hall.client.get("/reports/static/vendor/chartjs/chart.umd.min.js").status_code == 200
    assert "统计报表" in hall.client.get("/supervise/halls/weiyang/reports").text
