"""GET /api/halls and the hall snapshot; POST and DELETE (a hall added, retired) are the
hall settings' (api/hall_settings.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from queue_server.api.deps import principal, service
from queue_server.api.hall_settings import create_hall, retire_hall
from queue_server.api.responses import JSONResponse
from queue_server.domain.events import without_ticket_ids


async def list_halls(request: Request) -> JSONResponse:
    if request.method == "POST":
        return await create_hall(request)
    halls = [
        {"id": h.id, "name": h.name, "name_en": h.name_en, "timezone": h.timezone.key}
        for h in service(request).settings.halls
    ]
    return JSONResponse({"halls": halls})


async def hall_snapshot(request: Request) -> JSONResponse:
    if request.method == "DELETE":
        return await retire_hall(request)
    hall = request.path_params["hall"]
    svc = service(request)
    svc.hall(hall)
    caller = await principal(request)
    caller.require_hall(hall)
    snapshot = await svc.snapshot(hall)
    return JSONResponse(without_ticket_ids(snapshot) if caller.device else snapshot)


routes = [
    Route("/api/halls", list_halls, methods=["GET", "POST"]),
    Route("/api/halls/{hall}", hall_snapshot, methods=["GET", "DELETE"]),
]
