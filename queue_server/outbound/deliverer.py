"""The webhook deliverer: a task apart from the request path that reads each webhook's hall
ledger after the seq it last delivered and POSTs the events it asked for, one at a time.

- From the ledger: the cursor (`delivered_seq`) is in the store, so a restart goes on from
  where the last delivery was acknowledged and loses nothing (an event POSTed but not yet
  recorded when the process died is sent again: at least once; the `OneWindow-Delivery` id
  lets the receiver drop the repeat).
- In seq order per hall: a failing event is retried (back-off doubling from
  retry_first_seconds to retry_max_seconds) and no later event goes before it.
- Failing for give_up_hours: the webhook is disabled and a `hall.alert` raised in its hall.
- Scaled out: a webhook is delivered by the one process that holds its lease (a PostgreSQL
  advisory lock, `Store.delivery_lease`); the others try again every poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

import httpx2 as httpx

from queue_server.clock import Clock
from queue_server.domain.events import Event
from queue_server.outbound.settings import OutboundSettings
from queue_server.outbound.signing import SIGNATURE_HEADER, signature
from queue_server.storage.base import DeliveryAttempt, Store, Webhook

log = logging.getLogger(__name__)

# Ledger events read per look: a webhook that asked for few types skips the rest in pages.
PAGE = 200
# A batch's progress is written at least this often, so the log and the cursor stay current.
BATCH_S = 1.0
ERROR_CHARS = 500

# (hall, alert kind, params): raises the alert in the hall's ledger.
RaiseAlert = Callable[[str, str, dict[str, str]], Awaitable[None]]


def delivery_body(webhook: Webhook, event: Event) -> bytes:
    return json.dumps(
        {"webhook": webhook.id, "delivery": delivery_id(webhook, event), "event": event.to_json()},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def delivery_id(webhook: Webhook, event: Event) -> str:
    """The same for every attempt at one event: a receiver drops what it already has."""
    return f"{webhook.id}.{event.seq}"


def retry_delay(settings: OutboundSettings, failures: int) -> timedelta:
    seconds = min(settings.retry_max_s, settings.retry_first_s * 2 ** min(failures - 1, 30))
    return timedelta(seconds=seconds)


class WebhookDeliverer:
    def __init__(
        self, store: Store, clock: Clock, settings: OutboundSettings, raise_alert: RaiseAlert
    ) -> None:
        self._store, self._clock, self._settings = store, clock, settings
        self._raise_alert = raise_alert
        self._http: httpx.AsyncClient | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._workers: dict[str, asyncio.Task[None]] = {}

    async def start(self) -> None:
        # Redirects are not followed: a delivery goes to the URL the admin registered.
        self._http = httpx.AsyncClient(timeout=self._settings.timeout_s, follow_redirects=False)
        self._supervisor = asyncio.create_task(self._supervise(), name="webhook-deliverer")

    async def stop(self) -> None:
        tasks = [t for t in (self._supervisor, *self._workers.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers.clear()
        if self._http is not None:
            await self._http.aclose()

    async def _supervise(self) -> None:
        """Starts a worker for every enabled webhook that has none (new, or lease not held)."""
        while True:
            try:
                for webhook in await self._store.webhooks():
                    running = self._workers.get(webhook.id)
                    if webhook.enabled and (running is None or running.done()):
                        self._workers[webhook.id] = asyncio.create_task(
                            self._work(webhook.id), name=f"webhook-{webhook.id}"
                        )
            except Exception:
                log.exception("listing webhooks failed; will retry")
            await asyncio.sleep(self._settings.poll_s)

    async def _work(self, webhook_id: str) -> None:
        """Delivers for one webhook while this process holds its lease and it is enabled."""
        try:
            async with self._store.delivery_lease(webhook_id) as held:
                if not held:
                    return  # another process delivers it
                while True:
                    progress = await self.deliver_next(webhook_id)
                    if progress is None:
                        return
                    if not progress:
                        await asyncio.sleep(self._settings.poll_s)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("webhook %s: delivering failed; will retry", webhook_id)

    async def deliver_next(self, webhook_id: str) -> bool | None:
        """One batch for the webhook: True if it moved on, False if there is nothing to do yet,
        None if it is gone or disabled.

        Events are POSTed as soon as they are read; the attempts and the moved cursor are
        written together once per batch (about BATCH_S): one store write a second, not one per
        event, keeps the deliverer off the queue's own commits. A process that dies mid-batch
        sends that batch again after its restart (at least once)."""
        webhook = await self._store.get_webhook(webhook_id)
        if webhook is None or not webhook.enabled:
            return None
        if webhook.next_attempt_at is not None and self._clock.now() < webhook.next_attempt_at:
            return False
        attempts: list[DeliveryAttempt] = []
        cursor, started = webhook.delivered_seq, time.monotonic()
        while True:
            events = await self._store.events_after(webhook.hall, cursor, PAGE)
            for event in events:
                if event.type.value in webhook.events:
                    now = self._clock.now()
                    # The failures so far count for the first event only: the others are new.
                    attempt = await self._post(
                        replace(webhook, attempts=0) if attempts else webhook, event, now
                    )
                    attempts.append(attempt)
                    if attempt.error is not None:
                        # What went before it is delivered; this one holds the later ones back.
                        so_far = replace(webhook, delivered_seq=cursor)
                        if len(attempts) > 1:
                            so_far = replace(so_far, attempts=0, failing_since=None, next_attempt_at=None)
                        return await self._failed(webhook, so_far, attempts, now)
                cursor = event.seq
            if time.monotonic() - started >= BATCH_S or not (events or attempts):
                break
            if len(events) < PAGE:  # caught up: gather what comes next before writing
                await asyncio.sleep(min(self._settings.poll_s, BATCH_S / 10))
        if cursor == webhook.delivered_seq:
            return False
        delivered = replace(webhook, delivered_seq=cursor)
        if attempts:
            delivered = replace(delivered, attempts=0, failing_since=None, next_attempt_at=None)
        return await self._save(webhook, delivered, attempts)

    async def _failed(
        self, before: Webhook, after: Webhook, attempts: list[DeliveryAttempt], now: datetime
    ) -> bool:
        """`after` has the cursor just before the failed event (the last of `attempts`)."""
        failed = attempts[-1]
        failing_since = after.failing_since or now
        if now - failing_since >= self._settings.give_up_after:
            disabled = replace(after, enabled=False, attempts=failed.attempt, disabled_at=now)
            saved = await self._save(before, disabled, attempts)
            if saved:
                log.warning(
                    "webhook %s (%s) disabled after failing since %s", after.id, after.url, failing_since
                )
                await self._raise_alert(
                    after.hall,
                    "webhook_disabled",
                    {"webhook": after.id, "url": after.url, "since": failing_since.isoformat()},
                )
            return saved
        retry = replace(
            after,
            attempts=failed.attempt,
            failing_since=failing_since,
            next_attempt_at=now + retry_delay(self._settings, failed.attempt),
        )
        return await self._save(before, retry, attempts)

    async def _save(self, before: Webhook, after: Webhook, attempts: list[DeliveryAttempt]) -> bool:
        saved = await self._store.save_webhook_progress(after, before.delivered_seq, attempts)
        if not saved:
            log.warning("webhook %s: another deliverer moved it on; leaving it", before.id)
        return saved

    async def _post(self, webhook: Webhook, event: Event, now: datetime) -> DeliveryAttempt:
        assert self._http is not None, "deliverer not started"
        body = delivery_body(webhook, event)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "OneWindow-Webhook/1",
            "OneWindow-Event": event.type.value,
            "OneWindow-Delivery": delivery_id(webhook, event),
            SIGNATURE_HEADER: signature(webhook.secret, int(now.timestamp()), body),
        }
        status: int | None = None
        error: str | None = None
        started = time.monotonic()
        try:
            response = await self._http.post(webhook.url, content=body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
        return DeliveryAttempt(
            webhook=webhook.id,
            seq=event.seq,
            event_type=event.type.value,
            attempt=webhook.attempts + 1,
            at=now,
            status=status,
            error=error,
            duration_ms=round((time.monotonic() - started) * 1000),
        )
