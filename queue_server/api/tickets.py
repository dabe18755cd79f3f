"""Taking a ticket, reading it, and the counter's cancel and reactivate."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from queue_server.api.deps import body, path_choices, principal, service
from queue_server.api.responses import JSONResponse
from queue_server.api.schemas import IssueTicketBody
from queue_server.domain.hall import Appointment
from queue_server.service import idempotency_key

TICKET_ACTIONS = ("cancel", "reactivate")


async def issue_ticket(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    svc = service(request)
    svc.hall(hall)
    caller = await principal(request)
    data = await body(request, IssueTicketBody)
    slot = data.appointment
    appointment = None if slot is None else Appointment(slot.start, slot.end)
    ticket = await svc.issue_ticket(
        hall,
        caller,
        category=data.category,
        priority=data.priority,
        channel=data.channel,
        appointment=appointment,
        key=idempotency_key(caller.actor, request.headers.get("idempotency-key")),
    )
    return JSONResponse(
        ticket, status_code=201, headers={"Location": f"/api/halls/{hall}/tickets/{ticket['id']}"}
    )


async def get_ticket(request: Request) -> JSONResponse:
    # The id is unguessable (128 random bits): holding it is what lets a visitor follow it.
    hall, ticket_id = request.path_params["hall"], request.path_params["ticket"]
    return JSONResponse(await service(request).ticket_view(hall, ticket_id))


async def ticket_action(request: Request) -> JSONResponse:
    hall, ticket_id = request.path_params["hall"], request.path_params["ticket"]
    action = request.path_params["action"]
    svc = service(request)
    svc.hall(hall)
    view = await svc.ticket_action(hall, ticket_id, action, await principal(request))
    return JSONResponse(view)


path_choices("ticket_action", TICKET_ACTIONS)

routes = [
    Route("/api/halls/{hall}/tickets", issue_ticket, methods=["POST"]),
    Route("/api/halls/{hall}/tickets/{ticket}", get_ticket, methods=["GET"]),
    Route("/api/halls/{hall}/tickets/{ticket}/{action:ticket_action}", ticket_action, methods=["POST"]),
]
