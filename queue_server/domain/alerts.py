"""Early warnings (预警) of a hall: waits and handling over their limits, long pauses, devices
offline, webhooks given up. Pure functions of the hall's state, its devices and an instant, so
that tests inject the time; the supervisors' dashboard shows them, and the server records each
one in the ledger once when it is raised (queue_server/ops/alerts.py), for the webhooks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from queue_server.domain.model import HallSpec, Ticket, TicketStatus, Window, WindowState

# When a subject's condition began, for a device never seen: before anything raised.
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DeviceHealth:
    name: str
    kind: str
    connected: bool
    last_seen: datetime | None


def device_health(devices: Iterable[Mapping[str, Any]]) -> list[DeviceHealth]:
    """The devices as QueueService.devices lists them."""
    return [
        DeviceHealth(d["name"], d["kind"], bool(d["connected"]), _parse_time(d.get("last_seen")))
        for d in devices
    ]


def _parse_time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


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
    # What it is about (a category, a window, a device, a webhook) and when its condition began
    # to hold (`since` + the limit): an alert is recorded again for the same kind and subject
    # only when it began after the last one was recorded (HallState.raise_alerts).
    subject: str = ""
    began_at: datetime = _NEVER

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


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
                subject=f"category:{category.code}",
                began_at=oldest.issued_at + limit,
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
                    subject=f"window:{window.number}",
                    began_at=ticket.started_at + limit,
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
                    subject=f"window:{window.number}",
                    began_at=since + limit,
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
                subject=f"device:{device.name}",
                began_at=_NEVER if device.last_seen is None else device.last_seen + grace,
            )
        )
    return alerts


def _disabled_webhooks(spec: HallSpec, webhooks: Iterable[WebhookHealth]) -> list[Alert]:
    """A webhook the deliverer gave up on stays an alert until an admin enables it again."""
    alerts = []
    for webhook in webhooks:
        if webhook.enabled or webhook.disabled_at is None:
            continue
        at = webhook.disabled_at.astimezone(spec.timezone).strftime("%Y-%m-%d %H:%M")
        alerts.append(
            Alert(
                "webhook_disabled",
                webhook.disabled_at,
                {"url": webhook.url, "at": at},
                subject=f"webhook:{webhook.url}",
                began_at=webhook.disabled_at,
            )
        )
    return alerts
