"""Early warnings (预警) and extended service (延时服务), computed from the hall as it is now.

Pure functions of the hall's state, its devices and an instant, so that tests inject the time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from displays.kit.messages import translate
from queue_server.domain.model import HallSpec, Ticket, TicketStatus, Window, WindowState

LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True)
class DeviceHealth:
    name: str
    kind: str
    connected: bool
    last_seen: datetime | None


class WebhookHealth(Protocol):
    """What an alert needs of a webhook: the service's webhook records have it."""

    @property
    def url(self) -> str: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def disabled_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Alert:
    kind: str  # long_wait | long_handling | long_pause | device_offline | webhook_disabled
    since: datetime | None
    params: dict[str, Any] = field(default_factory=dict)
    window: int | None = None
    ticket: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "since": None if self.since is None else self.since.isoformat(),
            "window": self.window,
            "ticket": self.ticket,
            "params": self.params,
            "text": {lang: translate(f"alert.{self.kind}", lang, **self.params) for lang in LANGUAGES},
        }


@dataclass(frozen=True)
class AlertLimits:
    pause: timedelta
    device_grace: timedelta


def hall_alerts(
    spec: HallSpec,
    windows: Iterable[Window],
    tickets: Mapping[str, Ticket],
    devices: Iterable[DeviceHealth],
    now: datetime,
    limits: AlertLimits,
    webhooks: Iterable[WebhookHealth] = (),
) -> list[Alert]:
    """Every warning that holds at `now`, longest-standing first within each kind."""
    windows = list(windows)
    return [
        *_long_waits(spec, tickets.values(), now),
        *_long_handling(spec, windows, tickets, now),
        *_long_pauses(windows, now, limits.pause),
        *_offline_devices(spec, devices, now, limits.device_grace),
        *_disabled_webhooks(spec, webhooks),
    ]


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _long_waits(spec: HallSpec, tickets: Iterable[Ticket], now: datetime) -> list[Alert]:
    """One alert per category (a queue, not a flood of tickets), naming the longest waiter."""
    limit = spec.policy.max_wait
    late: dict[str, list[Ticket]] = {}
    for ticket in tickets:
        if ticket.status is TicketStatus.WAITING and now - ticket.issued_at > limit:
            late.setdefault(ticket.category, []).append(ticket)
    alerts = []
    for category in spec.categories:
        over = sorted(late.get(category.code, []), key=lambda t: t.issued_at)
        if not over:
            continue
        oldest = over[0]
        alerts.append(
            Alert(
                "long_wait",
                oldest.issued_at,
                {
                    "category": category.name,
                    "category_en": category.name_en,
                    "count": len(over),
                    "limit": _minutes(limit),
                    "minutes": _minutes(now - oldest.issued_at),
                    "number": oldest.number,
                },
                ticket=oldest.id,
            )
        )
    return sorted(alerts, key=lambda a: a.since or now)


def _long_handling(
    spec: HallSpec, windows: list[Window], tickets: Mapping[str, Ticket], now: datetime
) -> list[Alert]:
    alerts = []
    for window in windows:
        ticket = tickets.get(window.current_ticket or "")
        if ticket is None or ticket.status is not TicketStatus.SERVING or not ticket.started_at:
            continue
        category = spec.category(ticket.category)
        limit = timedelta(minutes=category.time_limit_minutes if category else 30)
        if now - ticket.started_at > limit:
            alerts.append(
                Alert(
                    "long_handling",
                    ticket.started_at,
                    {
                        "window": window.number,
                        "number": ticket.number,
                        "minutes": _minutes(now - ticket.started_at),
                        "limit": _minutes(limit),
                    },
                    window=window.number,
                    ticket=ticket.id,
                )
            )
    return sorted(alerts, key=lambda a: a.since or now)


def _long_pauses(windows: list[Window], now: datetime, limit: timedelta) -> list[Alert]:
    alerts = []
    for window in windows:
        since = window.state_since
        if window.state is WindowState.PAUSED and since is not None and now - since > limit:
            alerts.append(
                Alert(
                    "long_pause",
                    since,
                    {
                        "window": window.number,
                        "minutes": _minutes(now - since),
                        "limit": _minutes(limit),
                        "reason": window.pause_reason or "-",
                    },
                    window=window.number,
                )
            )
    return sorted(alerts, key=lambda a: a.since or now)


def _offline_devices(
    spec: HallSpec, devices: Iterable[DeviceHealth], now: datetime, grace: timedelta
) -> list[Alert]:
    """A device that dropped is given `grace` to come back before anyone is bothered."""
    alerts = []
    for device in devices:
        if device.connected:
            continue
        if device.last_seen is not None and now - device.last_seen <= grace:
            continue
        seen = "-"
        if device.last_seen is not None:
            local = device.last_seen.astimezone(spec.timezone)
            today = now.astimezone(spec.timezone).date()
            seen = local.strftime("%H:%M:%S" if local.date() == today else "%Y-%m-%d %H:%M")
        alerts.append(
            Alert(
                "device_offline",
                device.last_seen,
                {"device": device.name, "kind": device.kind, "last_seen": seen},
            )
        )
    return alerts


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
    return ExtendedService(closed_at, _minutes(local - closed_at), active)


def _disabled_webhooks(spec: HallSpec, webhooks: Iterable[WebhookHealth]) -> list[Alert]:
    """A webhook the deliverer gave up on stays an alert until an admin enables it again."""
    alerts = []
    for webhook in webhooks:
        if webhook.enabled or webhook.disabled_at is None:
            continue
        at = webhook.disabled_at.astimezone(spec.timezone).strftime("%Y-%m-%d %H:%M")
        alerts.append(Alert("webhook_disabled", webhook.disabled_at, {"url": webhook.url, "at": at}))
    return alerts
