"""POST /api/auth/login: a user name and password for a bearer token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from queue_server.api.deps import body, service
from queue_server.api.schemas import LoginBody


async def login(request: Request) -> JSONResponse:
    data = await body(request, LoginBody)
    address = request.client.host if request.client else "-"
    token, who = await service(request).login(data.username, data.password, address)
    return JSONResponse({"token": token, "username": who.name, "role": who.label, "hall": who.hall})


routes = [Route("/api/auth/login", login, methods=["POST"])]
