"""GET /api/halls and the hall snapshot."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from queue_server.api.deps import principal, service
from queue_server.auth import MANAGERS


async def list_halls(request: Request) -> JSONResponse:
    halls = [
        {"id": h.id, "name": h.name, "name_en": h.name_en, "timezone": h.timezone.key}
        for h in service(request).settings.halls
    ]
    return JSONResponse({"halls": halls})


async def hall_snapshot(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    svc = service(request)
    svc.hall(hall)
    (await principal(request)).require_hall(hall)
    return JSONResponse(await svc.snapshot(hall))


async def hall_devices(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    svc = service(request)
    svc.hall(hall)
    (await principal(request)).require(hall, roles=MANAGERS)
    return JSONResponse({"devices": await svc.devices(hall)})


routes = [
    Route("/api/halls", list_halls, methods=["GET"]),
    Route("/api/halls/{hall}", hall_snapshot, methods=["GET"]),
    Route("/api/halls/{hall}/devices", hall_devices, methods=["GET"]),
]
