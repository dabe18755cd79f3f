"""The console's JSON endpoints: console and dashboard views, clerk figures, alerts, ticket
history, supervisor ticket actions, notices and ratings.

Every change goes through the hall's domain (QueueService → HallState), so it lands in the
ledger with its actor and time like any clerk's step.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from clerk_console.alerts import alert_view, extended_service
from clerk_console.context import settings
from clerk_console.schemas import NoticeBody, PrioritiseBody, RatingBody
from clerk_console.views import board_view, console_view
from queue_server import ratings
from queue_server.api.deps import bearer_token, body, in_hall, principal, service, window_number
from queue_server.api.responses import JSONResponse
from queue_server.api.schemas import TransferTarget
from queue_server.auth import MANAGERS, STAFF, DeviceKind, Role
from queue_server.domain.alerts import AlertLimits, device_health, hall_alerts
from queue_server.domain.errors import Forbidden
from queue_server.domain.hall import HallState
from queue_server.outbound import webhooks
from queue_server.reports.clerk_stats import clerk_day
from queue_server.service import QueueService


def _hall(request: Request) -> str:
    hall: str = request.path_params["hall"]
    service(request).hall(hall)  # 404 before anything else
    return hall


async def _current(svc: QueueService, hall: str) -> HallState:
    """The hall as durable now: taking a snapshot first brings this process's copy up to date
    with what other server processes wrote (scaled out), and never shows a half-written step."""
    runtime = svc.hall(hall)
    await runtime.snapshot()
    return runtime.state


async def window_console(request: Request) -> JSONResponse:
    hall, svc, _, _ = await in_hall(request, roles=STAFF)
    state = await _current(svc, hall)
    return JSONResponse(console_view(state, window_number(request), svc.clock.now()))


async def clerk_stats(request: Request) -> JSONResponse:
    hall, clerk = _hall(request), request.path_params["clerk"]
    caller = await principal(request)
    caller.require(hall, roles=STAFF)
    if caller.role is Role.CLERK and caller.name != clerk:
        raise Forbidden("error.forbidden_clerk_stats")
    start, figures = await clerk_day(service(request), hall, clerk)
    return JSONResponse({"clerk": clerk, "since": start.isoformat(), **figures.public()})


async def _alerts_and_devices(
    request: Request, svc: QueueService, hall: str
) -> tuple[list[Any], Any, list[dict[str, Any]]]:
    state, now = await _current(svc, hall), svc.clock.now()
    devices = await svc.devices(hall)
    health = device_health(devices)
    limits = AlertLimits(settings(request).pause_limit, settings(request).device_grace)
    hooks = await webhooks.of_hall(svc, hall)
    alerts = hall_alerts(state.spec, state.windows.values(), state.tickets, health, now, limits, hooks)
    return alerts, extended_service(state.spec, state.windows.values(), now), devices


async def hall_alerts_route(request: Request) -> JSONResponse:
    hall, svc, _, _ = await in_hall(request, roles=MANAGERS)
    alerts, extended, _ = await _alerts_and_devices(request, svc, hall)
    return JSONResponse(
        {
            "now": svc.clock.now().isoformat(),
            "alerts": [alert_view(a) for a in alerts],
            "extended": None if extended is None else extended.public(),
        }
    )


async def board(request: Request) -> JSONResponse:
    hall, svc, _, _ = await in_hall(request, roles=MANAGERS)
    alerts, extended, devices = await _alerts_and_devices(request, svc, hall)
    view = board_view(await _current(svc, hall), svc.clock.now(), alerts, extended, devices)
    return JSONResponse(view)


async def ticket_history(request: Request) -> JSONResponse:
    hall, ticket_id = _hall(request), request.path_params["ticket"]
    svc = service(request)
    events = await svc.ticket_history(hall, ticket_id, await principal(request))
    view = await svc.ticket_view(hall, ticket_id)  # 404 for an unknown ticket
    return JSONResponse({"ticket": view, "events": events})


async def transfer_ticket(request: Request) -> JSONResponse:
    hall, ticket_id = _hall(request), request.path_params["ticket"]
    data = await body(request, TransferTarget)
    view = await service(request).transfer_ticket(
        hall,
        ticket_id,
        await principal(request),
        to_category=data.to_category,
        to_window=data.to_window,
    )
    return JSONResponse(view)


async def prioritise_ticket(request: Request) -> JSONResponse:
    hall, ticket_id = _hall(request), request.path_params["ticket"]
    data = await body(request, PrioritiseBody)
    view = await service(request).prioritise_ticket(hall, ticket_id, data.priority, await principal(request))
    return JSONResponse(view)


async def post_notice(request: Request) -> JSONResponse:
    hall = _hall(request)
    data = await body(request, NoticeBody)
    seq = await service(request).post_notice(hall, data.text, await principal(request))
    return JSONResponse({"text": data.text, "seq": seq}, status_code=201)


async def rate_ticket(request: Request) -> JSONResponse:
    """Two callers may rate a ticket, nobody else (not staff, not other devices):

    - the visitor, without a token, by the ticket's id: 128 random bits handed only to the
      ticket's own QR code and phone page (screens and kiosks never receive ids), channel `phone`;
    - the rating device bound to the ticket's window (a screen registered with --window), by
      the ticket's id or number, channel `device`.
    """
    hall, ticket = _hall(request), request.path_params["ticket"]
    channel, actor, window = "phone", "visitor", None
    if bearer_token(request) is not None:
        caller = await principal(request)
        caller.require(hall, devices=(DeviceKind.SCREEN,))
        if caller.window is None:
            raise Forbidden("error.rating_device_unbound", device=caller.name)
        channel, actor, window = "device", caller.actor, caller.window
    data = await body(request, RatingBody)
    given = ratings.Given(data.level, data.reason, data.comment or None, channel, actor, window)
    rating, number = await ratings.rate(service(request), hall, ticket, given)
    return JSONResponse(
        {"ticket": number, "level": rating.level, "bad": rating.bad, "channel": channel},
        status_code=201,
    )


# Listed before queue_server's /tickets/{ticket}/{action} route, which would take these paths.
routes = [
    Route("/api/halls/{hall}/windows/{window}/console", window_console, methods=["GET"]),
    Route("/api/halls/{hall}/clerks/{clerk}/stats", clerk_stats, methods=["GET"]),
    Route("/api/halls/{hall}/alerts", hall_alerts_route, methods=["GET"]),
    Route("/api/halls/{hall}/board", board, methods=["GET"]),
    Route("/api/halls/{hall}/notices", post_notice, methods=["POST"]),
    Route("/api/halls/{hall}/tickets/{ticket}/history", ticket_history, methods=["GET"]),
    Route("/api/halls/{hall}/tickets/{ticket}/transfer", transfer_ticket, methods=["POST"]),
    Route("/api/halls/{hall}/tickets/{ticket}/prioritise", prioritise_ticket, methods=["POST"]),
    Route("/api/halls/{hall}/tickets/{ticket}/rating", rate_ticket, methods=["POST"]),
]
