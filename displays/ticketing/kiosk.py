"""The kiosk: its page, taking a number with a printed ticket, booking check-in, reprints and
the hall's printers."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from displays.ticketing.deps import base_url
from displays.ticketing.pages import page
from displays.ticketing.schemas import CheckInBody, KioskIssueBody, ReprintBody
from displays.ticketing.views import hall_offer, visitor_view
from queue_server.api.deps import body, in_hall, service, ticketing
from queue_server.api.errors import error_response
from queue_server.api.responses import JSONResponse
from queue_server.auth import STAFF, DeviceKind, Principal
from queue_server.domain.errors import Invalid
from queue_server.domain.model import HallSpec
from queue_server.service import idempotency_key
from queue_server.ticketing.settings import printer_for_kiosk
from ticket_printer.messages import Language

_KIOSK = (DeviceKind.KIOSK,)


async def kiosk_page(request: Request) -> Response:
    hall = request.path_params["hall"]
    spec = service(request).hall(hall).state.spec
    return page(request, "kiosk.html", spec, "kiosk")


async def kiosk_status(request: Request) -> JSONResponse:
    """What the kiosk shows now: opening, categories, priorities, and its printer's state."""
    hall, svc, _, caller = await in_hall(request, devices=_KIOSK)
    # Current with every process's steps: a category added on another one is offered here too.
    state = await svc.hall(hall).current()
    printer = printer_for_kiosk(state.spec, caller.name)
    offer = hall_offer(state, svc.clock.now())
    offer["kiosk"] = caller.name
    offer["printer"] = (
        None
        if printer is None
        else {
            "name": printer.name,
            **await ticketing(request).dispatcher.condition(printer.hall, printer.name),
        }
    )
    return JSONResponse(offer)


async def kiosk_issue(request: Request) -> JSONResponse:
    hall, svc, spec, caller = await in_hall(request, devices=_KIOSK)
    data = await body(request, KioskIssueBody)
    view = await svc.issue_ticket(
        hall,
        caller,
        category=data.category,
        priority=data.priority,
        channel="kiosk",
        appointment=None,
        key=idempotency_key(caller.actor, request.headers.get("idempotency-key")),
    )
    return await _issued(request, spec, view, caller, data.language)


async def check_in(request: Request) -> JSONResponse:
    """A booking (by its code, or today's booking of a phone) becomes an appointment ticket for
    its slot, printed at this kiosk."""
    hall, svc, spec, caller = await in_hall(request, devices=_KIOSK)
    tickets = ticketing(request)
    wait = await tickets.checkin_limiter.retry_after_s(hall, caller.name, svc.clock.now())
    if wait:
        return error_response(request, 429, "error.rate_limited", {"seconds": wait})
    data = await body(request, CheckInBody)
    if (data.code is None) == (data.phone is None):
        raise Invalid("error.checkin_code_or_phone")
    key = idempotency_key(caller.actor, request.headers.get("idempotency-key"))
    # A retry of a check-in that went through: the same ticket, not "booking already used".
    answered = await svc.answered(hall, key)
    if answered is not None:
        return await _issued(request, spec, answered, caller, data.language)
    view = await tickets.check_in(hall, data.code, data.phone, caller.actor, key)
    return await _issued(request, spec, view, caller, data.language)


async def reprint(request: Request) -> JSONResponse:
    """Print a ticket again: staff on any printer of the hall, a kiosk its own tickets."""
    hall, svc, spec, caller = await in_hall(request, roles=STAFF, devices=_KIOSK)
    ticket_id = request.path_params["ticket"]
    data = await body(request, ReprintBody, optional=True)
    view = await svc.ticket_view(hall, ticket_id)
    tickets = ticketing(request)
    printer = await tickets.reprint_printer(hall, view, caller, data.printer)
    printed = await tickets.print_ticket(
        spec,
        view,
        printer,
        language=data.language,
        base_url=base_url(request),
        kiosk=caller.name if caller.device is DeviceKind.KIOSK else None,
        reprint=True,
    )
    return JSONResponse({"ticket": visitor_view(svc.hall(hall).state, view), "print": printed})


async def hall_printers(request: Request) -> JSONResponse:
    """Every configured printer of the hall with its state, for supervisors' dashboards."""
    hall = (await in_hall(request, roles=STAFF, devices=_KIOSK)).hall
    return JSONResponse({"printers": await ticketing(request).printers(hall)})


async def _issued(
    request: Request, spec: HallSpec, view: dict[str, Any], kiosk: Principal, language: Language
) -> JSONResponse:
    tickets = ticketing(request)
    printer = printer_for_kiosk(spec, kiosk.name)
    printed: dict[str, Any] = {"job_id": None, "printed": False, "printer": None}
    if printer is not None:
        printed = await tickets.print_ticket(
            spec,
            view,
            printer,
            language=language,
            base_url=base_url(request),
            kiosk=kiosk.name,
            reprint=False,
        )
    state = service(request).hall(spec.id).state
    return JSONResponse(
        {
            "ticket": visitor_view(state, view),
            "tracking_url": tickets.tracking_url(base_url(request), view["id"]),
            "print": printed,
        },
        status_code=201,
    )


routes = [
    Route("/kiosk/halls/{hall}", kiosk_page, methods=["GET"]),
    Route("/kiosk/api/halls/{hall}", kiosk_status, methods=["GET"]),
    Route("/kiosk/api/halls/{hall}/tickets", kiosk_issue, methods=["POST"]),
    Route("/kiosk/api/halls/{hall}/check-in", check_in, methods=["POST"]),
    # Before the queue server's /api/halls/{hall}/tickets/{ticket}/{action} (app.py's order).
    Route("/api/halls/{hall}/tickets/{ticket}/reprint", reprint, methods=["POST"]),
    Route("/api/halls/{hall}/printers", hall_printers, methods=["GET"]),
]
