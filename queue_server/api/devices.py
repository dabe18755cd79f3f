"""A hall's devices (screens, kiosks, rating devices, print agents) for its managers: list them
with when they were last seen, register one, rename, revoke, re-issue a token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from queue_server.api.deps import administration, body, principal, service
from queue_server.api.responses import JSONResponse
from queue_server.api.schemas import DeviceNameBody, NewDeviceBody
from queue_server.auth import MANAGERS, DeviceKind


async def hall_devices(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    svc = service(request)
    svc.hall(hall)
    caller = await principal(request)
    if request.method == "GET":
        caller.require(hall, roles=MANAGERS)
        return JSONResponse({"devices": await svc.devices(hall)})
    data = await body(request, NewDeviceBody)
    added = await administration(request).add_device(
        caller, hall, data.name, DeviceKind(data.kind), data.window
    )
    return JSONResponse(added, status_code=201)


async def device(request: Request) -> Response:
    hall, device_id = request.path_params["hall"], request.path_params["device"]
    caller = await principal(request)
    if request.method == "DELETE":
        await administration(request).revoke_device(caller, hall, device_id)
        return Response(status_code=204)
    data = await body(request, DeviceNameBody)
    return JSONResponse(await administration(request).rename_device(caller, hall, device_id, data.name))


async def device_token(request: Request) -> JSONResponse:
    hall, device_id = request.path_params["hall"], request.path_params["device"]
    caller = await principal(request)
    return JSONResponse(await administration(request).reissue_device(caller, hall, device_id))


routes = [
    # One route per path for all its methods, so that a 405 lists them all in its Allow header.
    Route("/api/halls/{hall}/devices", hall_devices, methods=["GET", "POST"]),
    Route("/api/halls/{hall}/devices/{device}", device, methods=["PATCH", "DELETE"]),
    Route("/api/halls/{hall}/devices/{device}/token", device_token, methods=["POST"]),
]
