"""What kiosks and visitors' phones are shown: a hall's offer now, and one ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from queue_server.domain.hall import HallState
from queue_server.domain.opening import issue_refusal, opening_status


def hall_offer(state: HallState, now: datetime) -> dict[str, Any]:
    """The hall's opening now and which categories a visitor may take a number for."""
    spec = state.spec
    status = opening_status(spec.hours, spec.timezone, now)
    waiting = state.waiting_counts()
    categories = []
    for category in spec.categories:
        refusal = issue_refusal(spec.hours, spec.timezone, category, now)
        categories.append(
            {
                "code": category.code,
                "prefix": category.prefix,
                "name": category.name,
                "name_en": category.name_en,
                "weekend": category.weekend,
                "available": refusal is None,
                "refusal": None if refusal is None else refusal.value,
                "waiting": waiting[category.code],
            }
        )
    # "ended" only after a day's sessions: a day without any (a holiday, a closed weekend) is
    # closed, as issuing says (IssueRefusal.CLOSED).
    ended = status.ended_today and status.sessions_today
    issuing = "open" if status.is_open else ("ended" if ended else "closed")
    return {
        "hall": {"id": spec.id, "name": spec.name, "name_en": spec.name_en, "notice": spec.notice},
        "now": status.now.isoformat(),
        "issuing": issuing,
        "weekend": status.weekend,
        "holiday": status.holiday,
        "session_end": _iso(status.session_end),
        "next_opening": _iso(status.next_opening),
        "hours_today": [
            f"{start:%H:%M}–{end:%H:%M}" for start, end in spec.hours.sessions_on(status.now.date())
        ],
        "categories": categories,
        "priorities": [{"code": p.code, "name": p.name, "name_en": p.name_en} for p in spec.priorities],
    }


def visitor_view(state: HallState, view: dict[str, Any]) -> dict[str, Any]:
    """One ticket as its holder sees it (from the queue server's ticket view), with the name of
    the window it is called to."""
    spec = state.spec
    window = None if view["window"] is None else spec.window(view["window"])
    return {
        "id": view["id"],
        "hall": spec.id,
        "hall_name": spec.name,
        "hall_name_en": spec.name_en,
        "number": view["number"],
        "category": view["category"],
        "category_name": view["category_name"],
        "category_name_en": view["category_name_en"],
        "priority": view["priority"],
        "status": view["status"],
        "ahead": view["ahead"],
        "position": view["position"],
        "estimated_wait_s": view["estimated_wait_s"],
        "window": view["window"],
        "window_name": None if window is None else window.name,
        "window_name_en": None if window is None else window.name_en,
        "issued_at": view["issued_at"],
        "called_at": view["called_at"],
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
