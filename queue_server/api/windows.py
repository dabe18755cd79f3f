"""POST /api/halls/{hall}/windows/{window}/{verb}: every clerk verb and window state change."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from queue_server.api.deps import body, path_choices, principal, service, window_number
from queue_server.api.errors import BadRequest
from queue_server.api.responses import JSONResponse
from queue_server.api.schemas import TransferTarget, WindowActionBody
from queue_server.service import WINDOW_VERBS, WindowCommand, idempotency_key

_REQUIRED = {"call": "number"}
# call and transfer are routes of their own, so that the document can say what their bodies
# need (a number; exactly one target); the other verbs share one route.
OTHER_VERBS = tuple(verb for verb in WINDOW_VERBS if verb not in ("call", "transfer"))

path_choices("window_verb", OTHER_VERBS)


async def window_action(request: Request) -> JSONResponse:
    return await _act(request, request.path_params["verb"])


async def call_number(request: Request) -> JSONResponse:
    return await _act(request, "call")


async def transfer_current(request: Request) -> JSONResponse:
    return await _act(request, "transfer")


async def _act(request: Request, verb: str) -> JSONResponse:
    hall = request.path_params["hall"]
    svc = service(request)
    number = window_number(request)
    svc.hall(hall).state.window(number)  # an unknown window is a 404 before anything else
    caller = await principal(request)
    if verb == "transfer":
        target = await body(request, TransferTarget)
        command = WindowCommand(verb=verb, to_category=target.to_category, to_window=target.to_window)
    else:
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
            reason=data.reason,
            categories=data.categories,
        )
    key = idempotency_key(caller.actor, request.headers.get("idempotency-key"))
    return JSONResponse(await svc.window_action(hall, number, command, caller, key))


routes = [
    Route("/api/halls/{hall}/windows/{window}/call", call_number, methods=["POST"]),
    Route("/api/halls/{hall}/windows/{window}/transfer", transfer_current, methods=["POST"]),
    Route("/api/halls/{hall}/windows/{window}/{verb:window_verb}", window_action, methods=["POST"]),
]
