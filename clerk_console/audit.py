"""GET /api/audit: the day's changes to accounts, devices and halls, for the audit page."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.routing import Route

from queue_server.api.deps import administration, principal
from queue_server.api.query import query_param
from queue_server.api.responses import JSONResponse

FILTER_MAX_CHARS = 80
# Days the audit can hold (a day at the edge of the calendar has no next day to end at).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)
DAY_PATTERN = r"^2[0-9]{3}-[0-9]{2}-[0-9]{2}$"


def _day(raw: str) -> date:
    day = date.fromisoformat(raw)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(raw)
    return day


def _filter(raw: str) -> str:
    if not raw or len(raw) > FILTER_MAX_CHARS:
        raise ValueError(raw)
    return raw


async def audit(request: Request) -> JSONResponse:
    caller = await principal(request)
    day = query_param(request, "day", _day, None, f"a date from {FIRST_DAY} to {LAST_DAY}, YYYY-MM-DD")
    problem = f"1 to {FILTER_MAX_CHARS} characters"
    actor = query_param(request, "actor", _filter, None, problem)
    kind = query_param(request, "kind", _filter, None, problem)
    return JSONResponse(await administration(request).audit(caller, day, actor, kind))


routes = [Route("/api/audit", audit, methods=["GET"])]
