"""The plan endpoint as a background job: 202 and a job to poll, progress, then the plan; the
same inputs answer from the cache, other inputs start another job; unknown jobs are 404."""

from __future__ import annotations

import time
from typing import Any

from tests.clerk_console.reports.test_reports_api import make_ledger
from tests.conftest import Hall

URL = "/api/halls/weiyang/plan?from=2026-11-23&days=1&replications=3"


def poll(hall: Hall, body: dict[str, Any]) -> dict[str, Any]:
    seen = []
    deadline = time.monotonic() + 120
    while body["status"] == "running":
        assert time.monotonic() < deadline, "the plan job did not finish"
        seen.append(body["progress"])
        time.sleep(0.2)
        response = hall.client.get(str(body["poll"]), headers=hall.auth("supervisor"))
        assert response.status_code == 200
        body = response.json()
    assert seen == sorted(seen)  # progress only goes forward
    return body


def test_plan_runs_as_a_job_and_is_cached_per_inputs(hall: Hall) -> None:
    make_ledger(hall)
    first = hall.client.get(URL, headers=hall.auth("supervisor"))
    assert first.status_code == 202, first.text
    job = first.json()
    assert first.headers["location"] == job["poll"] == f"/api/halls/weiyang/plan/jobs/{job['job']}"
    assert job["status"] == "running" and 0 <= job["progress"] < 1
    done = poll(hall, job)
    assert done["status"] == "done" and done["progress"] == 1.0
    plan = done["result"]
    assert plan["from"] == plan["to"] == "2026-11-23"
    assert sum(p["capacity"] for p in plan["capacity"]) == 13  # the demo hall's windows
    for day in plan["days"]:
        for pool in day["pools"]:
            assert max(pool["windows"]) <= pool["capacity"]
    # the same inputs: the cached plan at once
    again = hall.client.get(URL, headers=hall.auth("supervisor"))
    assert again.status_code == 200 and again.json()["days"] == plan["days"]
    # other inputs: a new job
    other = hall.client.get(URL + "&target_level=0.9", headers=hall.auth("supervisor"))
    assert other.status_code == 202 and other.json()["job"] != job["job"]
    # a job of another hall or an unknown one is not found; a clerk may not poll
    unknown = hall.client.get("/api/halls/weiyang/plan/jobs/nope", headers=hall.auth("supervisor"))
    assert unknown.status_code == 404 and "nope" in unknown.json()["error"]["message"]
    assert hall.client.get(job["poll"], headers=hall.auth("clerk1")).status_code == 403
