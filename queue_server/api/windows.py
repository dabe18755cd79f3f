"""POST /api/halls/{hall}/windows/{window}/{verb}: every clerk verb and window state change."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from queue_server.api.deps import body, principal, service, window_number
from queue_server.api.errors import BadRequest
from queue_server.api.schemas import WindowActionBody
from queue_server.domain.errors import Invalid
from queue_server.service import WINDOW_VERBS, WindowCommand, idempotency_key

_REQUIRED = {"call": "number"}


async def window_action(request: Request) -> JSONResponse:
    return await _act(request, request.path_params["verb"])


async def call_number(request: Request) -> JSONResponse:
    # A route of its own so that the document can say its body needs a number.
    return await _act(request, "call")


async def _act(request: Request, verb: str) -> JSONResponse:
    hall = request.path_params["hall"]
    svc = service(request)
    number = window_number(request)
    svc.hall(hall).state.window(number)  # an unknown window is a 404 before anything else
    if verb not in WINDOW_VERBS:
        raise Invalid("error.unknown_verb", verb=verb, allowed=", ".join(WINDOW_VERBS))
    caller = await principal(request)
    data = await body(request, WindowActionBody, optional=True)
    required = _REQUIRED.get(verb)
    if required is not None and getattr(data, required) is None:
        raise BadRequest(
            422,
            "error.bad_field",
            [{"field": required, "problem": "required"}],
            field=required,
            problem="required",
        )
    command = WindowCommand(
        verb=verb,
        number=data.number,
        ticket=data.ticket,
        to_category=data.to_category,
        to_window=data.to_window,
        reason=data.reason,
        categories=data.categories,
    )
    key = idempotency_key(caller.actor, request.headers.get("idempotency-key"))
    return JSONResponse(await svc.window_action(hall, number, command, caller, key))


routes = [
    Route("/api/halls/{hall}/windows/{window}/call", call_number, methods=["POST"]),
    Route("/api/halls/{hall}/windows/{window}/{verb}", window_action, methods=["POST"]),
]
