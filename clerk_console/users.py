"""Accounts for admins, and for supervisors their own hall's clerks: list, add, disable, enable,
reset the password, change the role and hall (queue_server.administration decides who may)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from clerk_console.schemas import AccountChange, NewPassword, NewUserBody
from queue_server.api.deps import administration, body, principal
from queue_server.api.responses import JSONResponse
from queue_server.auth import Role


async def users(request: Request) -> JSONResponse:
    # One route for both methods, so that a 405 on /api/users lists both in its Allow header.
    caller = await principal(request)
    if request.method == "GET":
        return JSONResponse({"users": await administration(request).users(caller)})
    data = await body(request, NewUserBody)
    created = await administration(request).create_user(
        caller, data.username, Role(data.role), data.password, data.hall
    )
    return JSONResponse(created, status_code=201)


async def change(request: Request) -> JSONResponse:
    caller = await principal(request)
    data = await body(request, AccountChange)
    name = request.path_params["username"]
    return JSONResponse(await administration(request).change_role(caller, name, Role(data.role), data.hall))


async def disable(request: Request) -> JSONResponse:
    caller = await principal(request)
    name = request.path_params["username"]
    return JSONResponse(await administration(request).set_disabled(caller, name, disabled=True))


async def enable(request: Request) -> JSONResponse:
    caller = await principal(request)
    name = request.path_params["username"]
    return JSONResponse(await administration(request).set_disabled(caller, name, disabled=False))


async def password(request: Request) -> JSONResponse:
    caller = await principal(request)
    data = await body(request, NewPassword)
    name = request.path_params["username"]
    return JSONResponse(await administration(request).reset_password(caller, name, data.password))


routes = [
    Route("/api/users", users, methods=["GET", "POST"]),
    Route("/api/users/{username}", change, methods=["PATCH"]),
    Route("/api/users/{username}/disable", disable, methods=["POST"]),
    Route("/api/users/{username}/enable", enable, methods=["POST"]),
    Route("/api/users/{username}/password", password, methods=["POST"]),
]
