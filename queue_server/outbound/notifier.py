"""Visitor notifications: "3 ahead, come back" and "called, go to window N", sent through the
hall's own SMS or WeChat gateway to visitors who gave a phone number and agreed to be told.

Off by default ([outbound.notifier] enabled). The `Notifier` is pluggable; the one shipped,
`GatewayNotifier`, POSTs each message as JSON to the gateway's webhook (docs/NOTIFICATIONS.md).
A task apart from the request path looks at the hall every poll: a contact whose ticket is
called is sent "called" (once), one whose ticket has `ahead` or fewer before it "ahead" (once).
What was sent is recorded in the store, so a restart sends nothing twice it had recorded;
scaled out, one process per hall sends (the hall's delivery lease).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import httpx2 as httpx

from queue_server.domain.hall import HallState
from queue_server.domain.model import Ticket, TicketStatus
from queue_server.domain.numbering import service_day
from queue_server.outbound.settings import NotifierSettings
from queue_server.outbound.signing import SIGNATURE_HEADER, signature
from queue_server.service import QueueService
from queue_server.storage.base import NoticeKind, VisitorContact

log = logging.getLogger(__name__)
GATEWAY_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class VisitorMessage:
    hall: str
    ticket: str
    number: str
    phone: str
    language: str
    kind: NoticeKind
    text: str
    window: int | None = None
    ahead: int | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "hall": self.hall,
            "ticket": self.ticket,
            "number": self.number,
            "phone": self.phone,
            "language": self.language,
            "kind": self.kind.value,
            "text": self.text,
            "window": self.window,
            "ahead": self.ahead,
        }


class NotifierFailed(Exception):
    """The gateway did not take the message: it is tried again at the next poll."""


class Notifier(Protocol):
    async def send(self, message: VisitorMessage) -> None:
        """Hands the message on; NotifierFailed if that did not work."""

    async def close(self) -> None: ...


class GatewayNotifier:
    """POSTs each message as JSON to the hall's gateway, signed like a webhook delivery."""

    def __init__(self, settings: NotifierSettings, now: Callable[[], datetime]) -> None:
        self._settings, self._now = settings, now
        self._http = httpx.AsyncClient(timeout=GATEWAY_TIMEOUT_S, follow_redirects=False)

    async def send(self, message: VisitorMessage) -> None:
        body = json.dumps(message.payload(), ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "OneWindow-Notifier/1"}
        if self._settings.secret:
            headers[SIGNATURE_HEADER] = signature(self._settings.secret, int(self._now().timestamp()), body)
        try:
            response = await self._http.post(self._settings.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise NotifierFailed(f"{type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise NotifierFailed(f"HTTP {response.status_code}")

    async def close(self) -> None:
        await self._http.aclose()


class VisitorNotifications:
    def __init__(self, service: QueueService, notifier: Notifier, settings: NotifierSettings) -> None:
        self._service, self._notifier, self._settings = service, notifier, settings
        self._task: asyncio.Task[None] | None = None
        self._erased: dict[str, date] = {}  # per hall, the day earlier contacts were erased on

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="visitor-notifications")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._notifier.close()

    async def _run(self) -> None:
        while True:
            for hall in list(self._service.halls):
                try:
                    async with self._service.store.delivery_lease(f"notifier:{hall}") as held:
                        if held:
                            await self.notify_hall(hall)
                except Exception:
                    log.exception("visitor notifications of hall %s failed; will retry", hall)
            await asyncio.sleep(self._settings.poll_s)

    async def notify_hall(self, hall: str) -> None:
        store, now = self._service.store, self._service.clock.now()
        runtime = self._service.hall(hall)
        today = service_day(now, runtime.state.spec.timezone)
        if self._erased.get(hall) != today:
            # A number is kept for its ticket's day only.
            await store.erase_visitor_contacts(hall, today)
            self._erased[hall] = today
        contacts = await store.visitor_contacts(hall, today)
        if not contacts:
            return
        state = await runtime.current()
        for contact in contacts:
            ticket = state.tickets.get(contact.ticket_id)
            message = None if ticket is None else self.message(state, ticket, contact)
            if message is None:
                continue
            try:
                await self._notifier.send(message)
            except NotifierFailed as exc:
                log.warning("notifying %s of %s failed: %s", message.kind, message.number, exc)
                continue
            await store.visitor_notified(contact.ticket_id, message.kind, now)

    def message(self, state: HallState, ticket: Ticket, contact: VisitorContact) -> VisitorMessage | None:
        """What the visitor should be told now, if anything they were not told yet."""
        spec = state.spec
        fields: dict[str, Any] = {
            "hall": spec.name_en if contact.language == "en" else spec.name,
            "number": ticket.number,
            "window": ticket.window,
            "ahead": None,
        }
        if ticket.status is TicketStatus.CALLED and ticket.window is not None:
            kind = NoticeKind.CALLED
        elif ticket.status is TicketStatus.WAITING and contact.ahead_sent_at is None:
            ahead = state.ahead_of(ticket)
            if not 1 <= ahead <= self._settings.ahead:
                return None
            kind, fields["ahead"] = NoticeKind.AHEAD, ahead
        else:
            return None
        template = self._settings.templates[kind.value][contact.language]
        return VisitorMessage(
            hall=spec.id,
            ticket=ticket.id,
            number=ticket.number,
            phone=contact.phone,
            language=contact.language,
            kind=kind,
            text=template.format(**fields),
            window=fields["window"],
            ahead=fields["ahead"],
        )
