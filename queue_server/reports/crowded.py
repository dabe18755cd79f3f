"""The visitors' crowded periods (办事拥挤时段) of the last weeks, from the ledger: aggregates
only, kept ten minutes per hall, last day and weeks (they change once a day at most)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any, Final

import anyio.to_thread

from queue_server.reports.ledger import hall_calendar, hall_ledger
from queue_server.reports.report import crowded_periods
from queue_server.service import QueueService

TTL_S: Final = 600.0
_cache: dict[tuple[int, str, date, int], tuple[float, dict[str, Any]]] = {}


async def crowded_weeks(svc: QueueService, hall: str, weeks: int) -> dict[str, Any]:
    """Arrivals and waits by weekday and hour over the `weeks` weeks up to yesterday."""
    spec = svc.hall(hall).state.spec
    end = svc.clock.now().astimezone(spec.timezone).date() - timedelta(days=1)
    start = end - timedelta(days=7 * weeks - 1)
    key = (id(svc.store), hall, end, weeks)
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < TTL_S:
        return hit[1]
    read = await hall_ledger(svc, spec, start, end)
    calendar = hall_calendar(spec)
    body = await anyio.to_thread.run_sync(
        lambda: crowded_periods(list(read.records), spec, calendar, start, end)
    )
    _cache[key] = (time.monotonic(), body)
    return body
