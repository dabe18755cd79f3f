"""Visitors' bookings (线上预约): the phone page, the places left per slot, booking and cancelling
with the phone number, and the booking code as a QR code for the kiosk's scanner.

The rules (places, limits, no-shows, days) are the server's: queue_server.ticketing.bookings.
A visitor is anonymous: booking and cancelling are limited per address
(`booking_per_ip_per_hour`), and the phone number is what proves a booking is theirs.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any, Final

import qrcode
import qrcode.image.svg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from displays.ticketing.deps import client_address
from displays.ticketing.pages import page
from displays.ticketing.schemas import BookingBody, CancelBookingBody
from queue_server.api.deps import bearer_token, body, in_hall, principal, service, ticketing
from queue_server.api.errors import error_response
from queue_server.api.query import bad_param
from queue_server.api.responses import JSONResponse
from queue_server.auth import STAFF
from queue_server.domain.model import HallSpec

DAY_PATTERN: Final = r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"
CODE_PATTERN: Final = r"^[0-9]{4,16}$"


async def booking_page(request: Request) -> Response:
    spec = service(request).hall(request.path_params["hall"]).state.spec
    matters = [{"code": c.code, "name": c.name, "name_en": c.name_en} for c in spec.categories]
    early = ticketing(request).settings.checkin_early_minutes
    return page(request, "book.html", spec, "book", {"categories": matters, "checkin_early_minutes": early})


async def booking_slots(request: Request) -> JSONResponse:
    """The days a category can be booked on and one day's slots with the places left."""
    hall = request.path_params["hall"]
    svc = service(request)
    spec = svc.hall(hall).state.spec
    category = request.query_params.get("category")
    if category is None:
        raise bad_param("category", "required: a category code")
    now = svc.clock.now()
    bookings = ticketing(request).bookings
    if spec.category(category) is None:
        return error_response(request, 404, "error.unknown_category", {"hall": hall, "category": category})
    days = bookings.days(spec, category, now)
    raw_day = request.query_params.get("date")
    day = _day(raw_day) if raw_day is not None else next((d for d, open_ in days if open_), days[0][0])
    slots = await bookings.slots(spec, category, day, now)
    return JSONResponse(
        {
            "hall": hall,
            "category": category,
            "date": day.isoformat(),
            "days": [{"date": d.isoformat(), "open": open_} for d, open_ in days],
            "slots": [
                {
                    "start": s.start.isoformat(),
                    "minutes": 30,
                    "places": s.places,
                    "left": s.left,
                    "begun": s.begun,
                }
                for s in slots
            ],
        }
    )


async def add_booking(request: Request) -> JSONResponse:
    """A visitor books with their phone (anonymous, limited per address); staff book any slot
    inside a session, or for a visitor by giving their phone."""
    hall = request.path_params["hall"]
    svc = service(request)
    spec = svc.hall(hall).state.spec
    tickets = ticketing(request)
    now = svc.clock.now()
    staff = None
    if bearer_token(request) is not None:
        staff = await principal(request)
        staff.require(hall, roles=STAFF)
    elif limited := await _limited(request, hall):
        return limited
    data = await body(request, BookingBody)
    if data.phone is None:
        if staff is None:
            # The phone is what makes an anonymous booking the visitor's (cancelling, limits).
            return error_response(request, 401, "error.booking_needs_phone")
        booking = await tickets.bookings.add(
            spec, data.category, data.slot.start, data.slot.end, staff.actor, now
        )
    else:
        booking = await tickets.bookings.book(
            spec,
            data.category,
            data.slot.start,
            data.slot.minutes,
            data.phone,
            data.notify,
            data.language,
            "visitor" if staff is None else staff.actor,
            now,
        )
    return JSONResponse(_public(spec, booking), status_code=201)


async def bookings(request: Request) -> JSONResponse:
    # One route for both methods, so that a 405 on this path lists both in its Allow header.
    return await (day_bookings(request) if request.method == "GET" else add_booking(request))


async def day_bookings(request: Request) -> JSONResponse:
    """The day's bookings (default today) for the supervisor dashboard."""
    _, svc, spec, _ = await in_hall(request, roles=STAFF)
    now = svc.clock.now()
    raw_day = request.query_params.get("date")
    day = _day(raw_day) if raw_day is not None else now.astimezone(spec.timezone).date()
    bookings = await ticketing(request).bookings.of_day(spec, day, now)
    return JSONResponse({"date": day.isoformat(), "bookings": bookings})


async def cancel_booking(request: Request) -> JSONResponse:
    """Cancel with the phone the booking was made with; an unknown code and another phone get
    the same answer."""
    hall, code = request.path_params["hall"], request.path_params["code"]
    spec = service(request).hall(hall).state.spec
    if limited := await _limited(request, hall):
        return limited
    data = await body(request, CancelBookingBody)
    if re.fullmatch(CODE_PATTERN, code) is None:
        return error_response(request, 404, "error.booking_not_yours", {"code": code})
    booking = await ticketing(request).cancel_booking(hall, code, data.phone)
    return JSONResponse(_public(spec, booking))


async def code_qr(request: Request) -> Response:
    """A booking code as a QR code: the kiosk's scanner types what it carries, the code. Drawn
    from the path alone (no lookup), so it tells nothing about which codes exist."""
    code = request.path_params["code"]
    if re.fullmatch(CODE_PATTERN, code) is None:
        return error_response(request, 404, "error.unknown_booking", {"code": code})
    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


async def _limited(request: Request, hall: str) -> JSONResponse | None:
    now = service(request).clock.now()
    wait = await ticketing(request).booking_limiter.retry_after_s(hall, client_address(request), now)
    if not wait:
        return None
    response = error_response(request, 429, "error.rate_limited", {"seconds": wait})
    response.headers["Retry-After"] = str(wait)
    return response


def _day(raw: str) -> date:
    try:
        if re.fullmatch(DAY_PATTERN, raw) is None:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise bad_param("date", "a day as YYYY-MM-DD") from None


def _public(spec: HallSpec, booking: Any) -> dict[str, Any]:
    """The booking as its holder sees it (a `Booking` of the store), with its QR code's address."""
    return {**booking.public(spec), "qr_url": f"/book/qr/{booking.code}.svg"}


routes = [
    Route("/book/halls/{hall}", booking_page, methods=["GET"]),
    Route("/book/qr/{code}.svg", code_qr, methods=["GET"]),
    Route("/api/halls/{hall}/booking-slots", booking_slots, methods=["GET"]),
    Route("/api/halls/{hall}/bookings", bookings, methods=["GET", "POST"]),
    Route("/api/halls/{hall}/bookings/{code}", cancel_booking, methods=["DELETE"]),
]
