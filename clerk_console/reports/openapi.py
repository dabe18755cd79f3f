"""The reports' /api routes, for the server's OpenAPI document."""

from __future__ import annotations

from typing import Any

from clerk_console.reports.routes import DAY_PATTERN, DEFAULT_DAYS, MAX_DAYS
from queue_server.api.openapi import HALL_PARAM, ApiDoc, param, responses
from queue_server.api.schemas import HALL_VALUES
from queue_server.reports.report import CSV_TABLES


def _query(name: str, kind: str, description: str, **constraints: Any) -> dict[str, Any]:
    # The constraints are the ones routes.py checks, so that the document says what is refused.
    query = param(name, where="query", kind=kind, description=description)
    query["schema"].update(constraints)
    return query


def _json_or_csv(description: str) -> dict[str, Any]:
    ok = {"description": description, "content": {"application/json": {}, "text/csv": {}}}
    return {**responses("200", "401", "403", "404", "422"), "200": ok}


_RANGE = [
    _query(
        "from",
        "string",
        "First hall-local day, YYYY-MM-DD (default: the range ends today)",
        format="date",
        pattern=DAY_PATTERN,
    ),
    _query("days", "integer", f"How many days (default {DEFAULT_DAYS})", minimum=1, maximum=MAX_DAYS),
]

DOC = ApiDoc(
    paths={
        "/api/halls/{hall}/reports": {
            "get": {
                "summary": "Statistics from the ledger: waits, handling, ratings, extended service, heat map",
                "parameters": [
                    HALL_PARAM,
                    *_RANGE,
                    _query("category", "string", "Only this category", **{HALL_VALUES: "categories"}),
                    _query("format", "string", "json (default) or csv", enum=["json", "csv"]),
                    _query("table", "string", "With csv: which table", enum=list(CSV_TABLES)),
                ],
                "responses": _json_or_csv("The report (json), or one of its tables (csv)"),
            }
        },
        "/api/halls/{hall}/ratings/export": {
            "get": {
                "summary": "好差评 export: every rating of the days, JSON or CSV (docs/RATING_EXPORT.md)",
                "parameters": [
                    HALL_PARAM,
                    *_RANGE,
                    _query("format", "string", "json (default) or csv", enum=["json", "csv"]),
                ],
                "responses": _json_or_csv("The ratings"),
            }
        },
        "/api/halls/{hall}/plan": {
            "get": {
                "summary": "Staffing per slot, extended hours, weekend plan, roster; checked by simulation",
                "description": "202 with the background job to poll while it is computed; "
                "409 when the ledger holds no tickets in the range to plan from",
                "parameters": [
                    HALL_PARAM,
                    *_RANGE,
                    _query("weekday", "integer", "0 = Monday", minimum=0, maximum=6),
                    _query("target_wait", "number", "Seconds", minimum=10, maximum=7200),
                    _query(
                        "target_level",
                        "number",
                        "Share served within target_wait",
                        minimum=0.05,
                        maximum=0.999,
                    ),
                    _query("replications", "integer", "Simulation runs", minimum=1, maximum=100),
                    _query(
                        "overtime_limit",
                        "number",
                        "Minutes after closing the hall accepts",
                        minimum=0,
                        maximum=600,
                    ),
                    _query("margin", "number", "Quantile of the staffing margin", minimum=0.5, maximum=0.99),
                    _query("seed", "integer", "Random seed of the simulation"),
                ],
                "responses": {
                    **responses("200", "401", "403", "404", "409", "422"),
                    "202": {
                        "description": "Being computed: poll the job",
                        "content": {"application/json": {}},
                    },
                },
            }
        },
        "/api/halls/{hall}/plan/jobs/{job}": {
            "get": {
                "summary": "A plan computed in the background: its progress, and the plan once done",
                "parameters": [
                    HALL_PARAM,
                    {"name": "job", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                "responses": responses("200", "401", "403", "404"),
            }
        },
    }
)
