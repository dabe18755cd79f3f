"""The public crowded periods (办事拥挤时段): every weekday and opening hour, aggregates only,
for anyone without a token; a range out of bounds is a 422."""

from __future__ import annotations

from tests.clerk_console.reports.test_reports_api import make_ledger
from tests.conftest import Hall


def test_crowded_periods_are_public_and_anonymous(hall: Hall) -> None:
    make_ledger(hall)
    response = hall.client.get("/api/halls/weiyang/crowded-periods?weeks=1")
    assert response.status_code == 200
    body = response.json()
    assert [d["weekday"] for d in body["weekdays"]] == list(range(7))
    monday = body["weekdays"][0]
    assert [h["hour"] for h in monday["hours"]] == [9, 10, 11, 13, 14, 15, 16, 17]
    assert '"ticket"' not in response.text and "clerk1" not in response.text
    assert hall.client.get("/api/halls/weiyang/crowded-periods?weeks=99").status_code == 422
