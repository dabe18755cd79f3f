"""The ticketing side of the server: kiosk printing, online tickets and bookings, put together.

One Ticketing lives in the app's lifespan next to the QueueService; it owns the print job
dispatcher. Print jobs, bookings and online claims are kept by the queue service's store.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from queue_server.auth import DeviceKind, Principal
from queue_server.domain.errors import Conflict, Invalid, NotFound
from queue_server.domain.hall import Appointment
from queue_server.domain.model import APPOINTMENT, NORMAL, HallSpec
from queue_server.domain.numbering import service_day
from queue_server.ephemeral import rate_limit, short_locks
from queue_server.service import QueueService
from queue_server.storage.base import Booking, JobState, OnlineClaim, PrintJob, VisitorContact
from queue_server.ticketing.bookings import Bookings
from queue_server.ticketing.dispatcher import PrintDispatcher
from queue_server.ticketing.online import normalise_phone, phone_hash
from queue_server.ticketing.printer_state import open_printer_states
from queue_server.ticketing.settings import (
    PrinterEntry,
    TicketingSettings,
    hall_printers,
    printer_for_kiosk,
    printer_of,
)
from ticket_printer.image_text import MissingFontError
from ticket_printer.messages import Language
from ticket_printer.render import render
from ticket_printer.status import PrinterState
from ticket_printer.ticket import PrintableTicket

log = logging.getLogger(__name__)


class Ticketing:
    """Made by `open` once the queue service (and so its store) has started."""

    def __init__(
        self,
        settings: TicketingSettings,
        service: QueueService,
        phone_key: bytes,
        keep_contacts: bool = False,
    ) -> None:
        self.settings, self.service, self.phone_key = settings, service, phone_key
        # Visitor notifications are on: the phone numbers visitors agree to be told at are kept.
        self.keep_contacts = keep_contacts
        # Shared by every process when the bus is Redis (queue_server.ephemeral, .printer_state).
        redis = service.backends.shared_state
        self.dispatcher = PrintDispatcher(
            service.store, service.clock, open_printer_states(redis, service.clock)
        )
        self.bookings = Bookings(service.store, phone_key, settings.booking, keep_contacts)
        self.booking_limiter = rate_limit(
            redis, "booking", settings.booking_per_ip_per_hour, timedelta(hours=1)
        )
        self.online_limiter = rate_limit(redis, "online", settings.online_per_ip_per_hour, timedelta(hours=1))
        # A kiosk keypad is slow; more tries than this from one kiosk is someone guessing codes.
        self.checkin_limiter = rate_limit(redis, "checkin", 30, timedelta(minutes=10))
        # A booking code is checked in, and a phone's daily limit counted and claimed, under a
        # lock of that code or phone: two at once must not both pass the check.
        self.locks = short_locks(redis)
        # Open ticket streams per ticket id, to bound what one leaked link can cost.
        self.watchers: dict[str, int] = {}

    @classmethod
    async def open(
        cls, settings: TicketingSettings, service: QueueService, keep_contacts: bool = False
    ) -> Ticketing:
        phone_key = await service.store.secret("online_phone_key", secrets.token_hex(32))
        ticketing = cls(settings, service, bytes.fromhex(phone_key), keep_contacts)
        await ticketing.dispatcher.start()
        return ticketing

    async def close(self) -> None:
        await self.dispatcher.stop()

    async def issue_online(
        self,
        hall: str,
        category: str,
        raw_phone: str,
        key: str | None,
        notify: bool = False,
        language: str = "zh-CN",
    ) -> dict[str, Any]:
        """线上取号 for a phone number, within its daily limit; the ticket's view. With `notify`
        (the visitor's consent) the number is kept to tell them of their turn, if the hall has
        notifications on."""
        phone = normalise_phone(raw_phone)
        if phone is None:
            raise Invalid("error.bad_phone")
        now = self.service.clock.now()
        digest = phone_hash(self.phone_key, phone)
        day = service_day(now, self.service.hall(hall).state.spec.timezone)
        limit = self.settings.online_daily_limit
        store = self.service.store
        async with self.locks.hold(hall, f"online:{digest}"):
            if await store.online_claims(hall, day, digest) >= limit:
                raise Conflict("error.daily_limit", limit=limit)
            view = await self.service.issue_for_visitor(
                hall,
                "online",
                category=category,
                priority=NORMAL,
                channel="online",
                appointment=None,
                key=key,
            )
            await store.add_online_claim(OnlineClaim(view["id"], hall, day, digest, now))
        if notify and self.keep_contacts:
            await store.add_visitor_contact(VisitorContact(view["id"], hall, day, phone, language, now))
        return view

    async def check_in(
        self, hall: str, code: str | None, raw_phone: str | None, actor: str, key: str | None
    ) -> dict[str, Any]:
        """预约签到: the booking of `code` (or of the phone, today's), in its check-in time,
        becomes an appointment ticket for its slot, once; the ticket's view. A number given
        with consent to notifications goes with the ticket to the notifier."""
        svc = self.service
        spec = svc.hall(hall).state.spec
        early = timedelta(minutes=self.settings.checkin_early_minutes)
        if code is None:
            code = (await self.bookings.claim_by_phone(spec, raw_phone or "", svc.clock.now(), early)).code
        # The lock spares the store's claim a contest; the claim alone holds when Redis is away.
        async with self.locks.hold(hall, f"checkin:{code}"):
            booking = await self.bookings.claim(spec, code, svc.clock.now(), early)
            try:
                view = await svc.issue_for_visitor(
                    hall,
                    actor,
                    category=booking.category,
                    priority=APPOINTMENT,
                    channel="appointment",
                    appointment=Appointment(booking.slot_start, booking.slot_end),
                    key=key,
                )
            except BaseException:
                await self.bookings.release(booking)
                raise
            now = svc.clock.now()
            await self.bookings.use(booking, view["id"], view["number"], now)
        if booking.notify_phone is not None and self.keep_contacts:
            day = service_day(now, spec.timezone)
            contact = VisitorContact(view["id"], hall, day, booking.notify_phone, booking.language, now)
            await svc.store.add_visitor_contact(contact)
        return view

    async def cancel_booking(self, hall: str, code: str, raw_phone: str) -> Booking:
        """A visitor cancels with the phone they booked with; never beside its check-in."""
        spec = self.service.hall(hall).state.spec
        async with self.locks.hold(hall, f"checkin:{code}"):
            return await self.bookings.cancel(spec, code, raw_phone, self.service.clock.now())

    async def reprint_printer(
        self, hall: str, view: dict[str, Any], caller: Principal, requested: str | None
    ) -> PrinterEntry:
        """Where a ticket is printed again: a kiosk on its own printer, its own tickets only and
        at most `reprints_per_ticket` times; staff on the printer they name, else the ticket's
        last printer."""
        earlier = await self.service.store.print_jobs_of_ticket(view["id"])
        if caller.device is DeviceKind.KIOSK:
            printer = printer_for_kiosk(self.service.spec(hall), caller.name)
            if not any(job.kiosk == caller.name for job in earlier):
                raise Conflict("error.reprint_not_own")
            reprints = sum(1 for job in earlier if job.reprint)
            if reprints >= self.settings.reprints_per_ticket:
                raise Conflict("error.reprint_limit", number=view["number"], count=reprints)
        elif requested is not None:
            printer = printer_of(self.service.spec(hall), requested)
            if printer is None:
                raise NotFound("error.unknown_printer", hall=hall, printer=requested)
        else:
            printer = printer_of(self.service.spec(hall), earlier[-1].printer) if earlier else None
        if printer is None:
            raise Invalid("error.no_printer")
        return printer

    async def printers(self, hall: str) -> list[dict[str, Any]]:
        """Every printer of the hall's settings with its state and its jobs per state."""
        counts = await self.service.store.print_job_counts(hall)
        return [
            {
                "name": p.name,
                "kiosks": list(p.kiosks),
                "paper_mm": p.layout.paper_mm,
                **await self.dispatcher.condition(p.hall, p.name),
                "jobs": {state: n for (name, state), n in counts.items() if name == p.name},
            }
            for p in hall_printers(self.service.spec(hall))
        ]

    def tracking_url(self, base_url: str, ticket_id: str) -> str:
        return f"{(self.settings.public_base_url or base_url).rstrip('/')}/t/{ticket_id}"

    async def print_ticket(
        self,
        spec: HallSpec,
        view: dict[str, Any],
        printer: PrinterEntry,
        *,
        language: Language,
        base_url: str,
        kiosk: str | None,
        reprint: bool,
    ) -> dict[str, Any]:
        """Render the ticket and queue it for `printer`; what the kiosk should know about it.

        A ticket that cannot be printed is still issued and valid: the caller shows it on screen.
        """
        now = self.service.clock.now()
        try:
            data = render(self.printable(spec, view, base_url, language), printer.layout)
        except (MissingFontError, ValueError) as exc:
            log.error("ticket %s cannot be rendered for %s: %s", view["number"], printer.name, exc)
            failure = {"state": PrinterState.ERROR.value, "message": str(exc), "connected": True}
            return {"job_id": None, "printed": False, "printer": failure}
        job = PrintJob(
            id=secrets.token_urlsafe(12),
            hall=spec.id,
            printer=printer.name,
            ticket_id=view["id"],
            number=view["number"],
            data=data,
            state=JobState.QUEUED,
            created_at=now,
            expires_at=now + timedelta(seconds=self.settings.print_within_s),
            kiosk=kiosk,
            reprint=reprint,
        )
        outcome = await self.dispatcher.submit(job, self.settings.kiosk_print_wait_s)
        return {"job_id": outcome.job_id, "printed": outcome.printed, "printer": outcome.printer}

    def printable(
        self, spec: HallSpec, view: dict[str, Any], base_url: str, language: Language
    ) -> PrintableTicket:
        issued = datetime.fromisoformat(view["issued_at"]).astimezone(spec.timezone)
        return PrintableTicket(
            hall_name=spec.name_en if language == "en" else spec.name,
            category_name=view["category_name"] or view["category"],
            category_name_en=view["category_name_en"],
            number=view["number"],
            people_ahead=view["ahead"],
            estimated_wait_s=view["estimated_wait_s"],
            issued_at=issued,
            tracking_url=self.tracking_url(base_url, view["id"]),
            footer=self.settings.footer_in(spec, language),
            language=language,
        )
