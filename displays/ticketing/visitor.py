"""The visitor's side: the ticket page a printed QR code opens (/t/{token}) with its live stream,
and taking a number online (bookings: displays.ticketing.booking).

The token is the ticket id: 128 random bits, so holding it is what lets a visitor follow the
ticket. The stream sends that one ticket's view and nothing of any other ticket.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any, Final

import qrcode
import qrcode.image.svg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from displays.ticketing.deps import base_url, client_address
from displays.ticketing.pages import page
from displays.ticketing.schemas import OnlineIssueBody
from displays.ticketing.views import hall_offer, visitor_view
from queue_server.api.deps import body, service, ticketing
from queue_server.api.errors import error_response
from queue_server.api.responses import JSONResponse
from queue_server.api.websockets import close_quietly, first_to_finish, until_hang_up
from queue_server.domain.errors import NotFound
from queue_server.service import QueueService, idempotency_key

HEARTBEAT_S: Final = 20.0
SEND_TIMEOUT_S: Final = 10.0
# Phones of one family may watch one ticket; more than this is someone misusing the link.
WATCHERS_PER_TICKET: Final = 5
CLOSE_NOT_FOUND, CLOSE_TOO_MANY = 4404, 4429


async def ticket_page(request: Request) -> Response:
    svc = service(request)
    token = request.path_params["token"]
    hall = await svc.hall_of_ticket(token)
    if hall is None:
        spec = next(iter(svc.halls.values())).state.spec
        return page(request, "ticket.html", spec, "ticket", {"ticket": None}, status_code=404)
    state = svc.hall(hall).state
    view = visitor_view(state, await svc.ticket_view(hall, token))
    # The windows' names, for a view the page asks for while its stream is down (the API's
    # ticket view names the window by number only).
    windows = {w.number: {"name": w.name, "name_en": w.name_en} for w in state.spec.windows}
    return page(request, "ticket.html", state.spec, "ticket", {"ticket": view, "windows": windows})


async def ticket_qr(request: Request) -> Response:
    """The ticket's tracking link as an SVG QR code, for the kiosk's on-screen fallback."""
    svc = service(request)
    token = request.path_params["token"]
    if await svc.hall_of_ticket(token) is None:
        return error_response(request, 404, "error.unknown_ticket", {"ticket": token})
    url = ticketing(request).tracking_url(base_url(request), token)
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), media_type="image/svg+xml")


async def ticket_stream(ws: WebSocket) -> None:
    """The ticket's view now and after every change in its hall that changes it."""
    await ws.accept()
    svc = service(ws)
    token = ws.path_params["token"]
    hall = await svc.hall_of_ticket(token)
    if hall is None:
        await ws.close(code=CLOSE_NOT_FOUND, reason="unknown ticket")
        return
    watchers = ticketing(ws).watchers
    if watchers.get(token, 0) >= WATCHERS_PER_TICKET:
        await ws.close(code=CLOSE_TOO_MANY, reason="too many watchers")
        return
    watchers[token] = watchers.get(token, 0) + 1
    try:
        await _follow(ws, svc, hall, token)
    except (WebSocketDisconnect, TimeoutError, ConnectionError, RuntimeError):
        pass
    except NotFound:  # the hall was retired while the visitor's phone followed the ticket
        await close_quietly(ws, CLOSE_NOT_FOUND, "hall retired")
    finally:
        watchers[token] -= 1
        if not watchers[token]:
            del watchers[token]


async def _follow(ws: WebSocket, svc: QueueService, hall: str, token: str) -> None:
    lock = asyncio.Lock()
    last: dict[str, Any] | None = None

    async def send(message: dict[str, Any]) -> None:
        async with lock:
            await asyncio.wait_for(ws.send_json(message), SEND_TIMEOUT_S)

    async def send_view() -> None:
        nonlocal last
        view = visitor_view(svc.hall(hall).state, await svc.ticket_view(hall, token))
        if view != last:
            last = view
            await send({"kind": "ticket", "ticket": view})

    async def forward() -> None:
        async for _ in svc.changes(hall):
            await send_view()

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            await send({"kind": "heartbeat"})

    await first_to_finish(forward(), heartbeat(), until_hang_up(ws))


async def online_page(request: Request) -> Response:
    spec = service(request).hall(request.path_params["hall"]).state.spec
    return page(request, "online.html", spec, "online")


async def online_offer(request: Request) -> JSONResponse:
    svc = service(request)
    return JSONResponse(hall_offer(svc.hall(request.path_params["hall"]).state, svc.clock.now()))


async def online_issue(request: Request) -> JSONResponse:
    """线上取号: limited per address per hour and per phone number per day."""
    hall = request.path_params["hall"]
    svc = service(request)
    svc.hall(hall)  # an unknown hall is a 404 before the limit counts the request
    tickets = ticketing(request)
    now = svc.clock.now()
    wait = await tickets.online_limiter.retry_after_s(hall, client_address(request), now)
    if wait:
        response = error_response(request, 429, "error.rate_limited", {"seconds": wait})
        response.headers["Retry-After"] = str(wait)
        return response
    data = await body(request, OnlineIssueBody)
    key = idempotency_key("online", request.headers.get("idempotency-key"))
    # A retry of an issue that went through: the same ticket, not a second one (nor a refusal
    # for the phone's daily limit, which the first one counts towards).
    view = await svc.answered(hall, key)
    if view is not None:
        return _online_issued(request, svc, hall, view)
    view = await tickets.issue_online(hall, data.category, data.phone, key, data.notify, data.language)
    return _online_issued(request, svc, hall, view)


def _online_issued(request: Request, svc: QueueService, hall: str, view: dict[str, Any]) -> JSONResponse:
    return JSONResponse(
        {
            "ticket": visitor_view(svc.hall(hall).state, view),
            "tracking_url": ticketing(request).tracking_url(base_url(request), view["id"]),
        },
        status_code=201,
    )


routes = [
    Route("/t/{token}", ticket_page, methods=["GET"]),
    Route("/t/{token}/qr.svg", ticket_qr, methods=["GET"]),
    WebSocketRoute("/t/{token}/ws", ticket_stream),
    Route("/online/halls/{hall}", online_page, methods=["GET"]),
    Route("/api/halls/{hall}/online", online_offer, methods=["GET"]),
    Route("/api/halls/{hall}/online-tickets", online_issue, methods=["POST"]),
]
