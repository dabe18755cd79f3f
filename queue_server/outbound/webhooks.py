"""Registering webhooks (admins of the hall) and what the deliverer needs from the queue."""

from __future__ import annotations

import secrets
from typing import Any

from queue_server.auth import Principal, Role
from queue_server.domain.errors import NotFound
from queue_server.domain.events import EventType
from queue_server.service import QueueService
from queue_server.storage.base import Webhook

ALERT_ACTOR = "server:webhooks"
ADMINS = (Role.ADMIN,)


def check_admin(svc: QueueService, hall: str, who: Principal) -> None:
    """Before anything else (a body is read only for an admin of a known hall)."""
    who.require(hall, roles=ADMINS)
    svc.hall(hall)


async def register(
    svc: QueueService, hall: str, who: Principal, url: str, events: list[EventType]
) -> dict[str, Any]:
    """A new webhook, told of the events committed from now on; its secret is shown once."""
    check_admin(svc, hall, who)
    webhook = Webhook(
        id=secrets.token_urlsafe(12),
        hall=hall,
        url=url,
        events=tuple(dict.fromkeys(e.value for e in events)),
        secret=secrets.token_urlsafe(32),
        created_at=svc.clock.now(),
        created_by=who.actor,
        delivered_seq=await svc.store.committed_seq(hall),
    )
    await svc.store.add_webhook(webhook)
    return {**webhook.public(), "secret": webhook.secret}


async def listed(svc: QueueService, hall: str, who: Principal) -> list[Webhook]:
    check_admin(svc, hall, who)
    return await svc.store.webhooks(hall)


async def of_hall(svc: QueueService, hall: str) -> list[Webhook]:
    """The hall's webhooks for its alerts (one the deliverer gave up on is an alert): the
    caller has checked that a supervisor of the hall asks; the secrets stay unsaid."""
    return await svc.store.webhooks(hall)


async def one(svc: QueueService, hall: str, webhook_id: str, who: Principal) -> Webhook:
    check_admin(svc, hall, who)
    webhook = await svc.store.get_webhook(webhook_id)
    if webhook is None or webhook.hall != hall:
        raise NotFound("error.unknown_webhook", hall=hall, webhook=webhook_id)
    return webhook


async def remove(svc: QueueService, hall: str, webhook_id: str, who: Principal) -> None:
    await one(svc, hall, webhook_id, who)
    await svc.store.remove_webhook(hall, webhook_id)


async def enable(svc: QueueService, hall: str, webhook_id: str, who: Principal) -> Webhook:
    """Back on after it was disabled: it goes on from the event it gave up at."""
    webhook = await one(svc, hall, webhook_id, who)
    if webhook.enabled:
        return webhook
    again = Webhook(
        **{
            **webhook.__dict__,
            "enabled": True,
            "attempts": 0,
            "failing_since": None,
            "next_attempt_at": None,
            "disabled_at": None,
        }
    )
    await svc.store.save_webhook_progress(again, webhook.delivered_seq, ())
    return again


async def raise_alert(svc: QueueService, hall: str, kind: str, params: dict[str, str]) -> None:
    """The deliverer's alerts, in the hall's ledger (and so on the live stream and webhooks)."""
    await svc.hall(hall).run(lambda state, now: state.raise_alert(kind, now, ALERT_ACTOR, **params))
