"""POST /api/auth/login: a user name and password for a bearer token; /logout ends it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from queue_server.api.deps import body, principal, service
from queue_server.api.responses import JSONResponse
from queue_server.api.schemas import LoginBody


async def login(request: Request) -> JSONResponse:
    data = await body(request, LoginBody)
    address = request.client.host if request.client else "-"
    token, who = await service(request).login(data.username, data.password, address)
    return JSONResponse({"token": token, "username": who.name, "role": who.label, "hall": who.hall})


async def logout(request: Request) -> Response:
    await service(request).logout(await principal(request))
    return Response(status_code=204)


routes = [
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
]
