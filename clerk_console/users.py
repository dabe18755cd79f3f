"""Accounts for admins: list them and add one (the same rules as `onewindow user add`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clerk_console.schemas import NewUserBody
from queue_server.accounts import AccountError, add_user
from queue_server.api.deps import body, principal, service
from queue_server.auth import Principal, Role
from queue_server.domain.errors import Conflict, Forbidden, Invalid


def _require_admin(caller: Principal) -> None:
    if caller.role is not Role.ADMIN:
        raise Forbidden("error.forbidden_role", role=caller.label)


async def list_users(request: Request) -> JSONResponse:
    _require_admin(await principal(request))
    users = [
        {"username": u.username, "role": u.role, "hall": u.hall, "created_at": u.created_at.isoformat()}
        for u in await service(request).store.list_users()
    ]
    return JSONResponse({"users": users})


async def create_user(request: Request) -> JSONResponse:
    _require_admin(await principal(request))
    data = await body(request, NewUserBody)
    svc = service(request)
    if await svc.store.get_user(data.username) is not None:
        raise Conflict("error.user_exists", username=data.username)
    try:
        user = await add_user(
            svc.store, svc.settings, svc.clock, data.username, Role(data.role), data.password, data.hall
        )
    except AccountError as exc:
        raise Invalid("error.user_invalid", problem=str(exc)) from None
    return JSONResponse({"username": user.username, "role": user.role, "hall": user.hall}, status_code=201)


async def users(request: Request) -> JSONResponse:
    # One route for both methods, so that a 405 on /api/users lists both in its Allow header.
    if request.method == "POST":
        return await create_user(request)
    return await list_users(request)


routes = [Route("/api/users", users, methods=["GET", "POST"])]
