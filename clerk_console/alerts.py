"""The dashboard's words for the hall's early warnings (预警, found by queue_server.domain.alerts)
and extended service (延时服务), computed from the hall as it is now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from displays.kit.messages import translate
from queue_server.domain.alerts import Alert
from queue_server.domain.model import HallSpec, Window, WindowState

LANGUAGES = ("zh-CN", "en")


def alert_view(alert: Alert) -> dict[str, Any]:
    """An alert as the dashboard shows it, with its sentence in every page language."""
    return {
        "kind": alert.kind,
        "since": None if alert.since is None else alert.since.isoformat(),
        "window": alert.window,
        "ticket": alert.ticket,
        "params": alert.params,
        "text": {lang: translate(f"alert.{alert.kind}", lang, **alert.params) for lang in LANGUAGES},
    }


@dataclass(frozen=True)
class ExtendedService:
    """Windows still open or serving after today's last session ended."""

    closed_at: datetime
    minutes: int
    windows: tuple[int, ...]

    def public(self) -> dict[str, Any]:
        return {
            "closed_at": self.closed_at.isoformat(),
            "minutes": self.minutes,
            "windows": list(self.windows),
        }


def extended_service(spec: HallSpec, windows: Iterable[Window], now: datetime) -> ExtendedService | None:
    local = now.astimezone(spec.timezone)
    sessions = spec.hours.sessions_on(local.date())
    # A day without sessions has no opening at all: any open window is extended service.
    end = sessions[-1][1] if sessions else local.time().min
    closed_at = datetime.combine(local.date(), end, tzinfo=spec.timezone)
    if local <= closed_at:
        return None
    active = tuple(
        w.number for w in windows if w.state is not WindowState.CLOSED or w.current_ticket is not None
    )
    if not active:
        return None
    return ExtendedService(closed_at, int((local - closed_at).total_seconds() // 60), active)
