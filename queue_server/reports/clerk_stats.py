"""A clerk's figures for today, computed from the ledger and the ratings (not kept apart).

The clerk of a step is the clerk of the window it happened at (the window's view recorded in
the event), so a supervisor finishing for a clerk still counts for that clerk's window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from queue_server.domain.events import EventType
from queue_server.domain.numbering import service_day
from queue_server.ratings import Rating, since
from queue_server.service import QueueService
from queue_server.storage.base import Store

_COUNTED = (EventType.TICKET_FINISHED.value, EventType.TICKET_NO_SHOW.value)


@dataclass(frozen=True)
class Step:
    """The part of a ledger entry the figures need."""

    type: str
    clerk: str | None
    handling_s: int | None


@dataclass(frozen=True)
class ClerkFigures:
    served: int
    average_handling_s: int | None
    no_shows: int
    ratings: int
    average_rating: float | None
    good: int
    bad: int

    def public(self) -> dict[str, Any]:
        return {
            "served": self.served,
            "average_handling_s": self.average_handling_s,
            "no_shows": self.no_shows,
            "ratings": self.ratings,
            "average_rating": self.average_rating,
            "good": self.good,
            "bad": self.bad,
            "good_share": None if not self.ratings else round(self.good / self.ratings, 4),
        }


def clerk_figures(clerk: str, steps: Iterable[Step], ratings: Iterable[Rating]) -> ClerkFigures:
    mine = [s for s in steps if s.clerk == clerk]
    finished = [s for s in mine if s.type == EventType.TICKET_FINISHED.value]
    timed = [s.handling_s for s in finished if s.handling_s is not None]
    rated = [r for r in ratings if r.clerk == clerk]
    return ClerkFigures(
        served=len(finished),
        average_handling_s=round(sum(timed) / len(timed)) if timed else None,
        no_shows=sum(1 for s in mine if s.type == EventType.TICKET_NO_SHOW.value),
        ratings=len(rated),
        average_rating=round(sum(r.level for r in rated) / len(rated), 2) if rated else None,
        good=sum(1 for r in rated if not r.bad),
        bad=sum(1 for r in rated if r.bad),
    )


def day_start(day: date, timezone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone)


async def steps_since(store: Store, hall: str, start: datetime) -> list[Step]:
    return [_step(e.type.value, e.data) for e in await store.events_since(hall, start, _COUNTED)]


async def clerk_day(svc: QueueService, hall: str, clerk: str) -> tuple[datetime, ClerkFigures]:
    """`clerk`'s figures since the start of the hall's service day, and that start."""
    spec = svc.hall(hall).state.spec
    start = day_start(service_day(svc.clock.now(), spec.timezone), spec.timezone)
    return start, clerk_figures(
        clerk, await steps_since(svc.store, hall, start), await since(svc.store, hall, start)
    )


def _step(kind: str, data: dict[str, Any]) -> Step:
    window = data.get("window") or {}
    handling = data.get("handling_s")
    return Step(
        type=kind,
        clerk=window.get("clerk"),
        handling_s=handling if isinstance(handling, int) else None,
    )
