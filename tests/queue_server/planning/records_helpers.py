"""Shared helpers for the planning tests: local-time record builders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from queue_server.planning.model import Outcome, VisitRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hhmm: str) -> datetime:
    """Aware UTC datetime of a Shanghai local 'HH:MM' (or 'HH:MM:SS') on `day`."""
    parts = [int(p) for p in hhmm.split(":")] + [0]
    local = datetime.combine(day, time(parts[0], parts[1], parts[2]), tzinfo=SHANGHAI)
    return local.astimezone(UTC)


def visit(
    day: date,
    category: str,
    issued: str,
    *,
    outcome: Outcome = "served",
    called: str | None = None,
    started: str | None = None,
    finished: str | None = None,
    window: str | None = None,
    clerk: str | None = None,
    rating: int | None = None,
    reason: str | None = None,
    handling_s: float | None = None,
) -> VisitRecord:
    issued_at = at(day, issued)
    called_at = at(day, called) if called else None
    started_at = at(day, started) if started else None
    finished_at = at(day, finished) if finished else None
    if handling_s is not None:
        called_at = called_at or issued_at
        started_at = started_at or called_at
        finished_at = started_at + timedelta(seconds=handling_s)
    return VisitRecord(
        hall="test-hall",
        category=category,
        window=window,
        clerk=clerk,
        issued_at=issued_at,
        called_at=called_at,
        started_at=started_at,
        finished_at=finished_at,
        outcome=outcome,
        rating=rating,
        rating_reason=reason,
    )
