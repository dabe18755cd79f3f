"""What every route needs from a request: the service, the caller and a validated body."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import HTTPConnection, Request

from queue_server.api.errors import BadRequest
from queue_server.auth import Principal
from queue_server.domain.errors import NotFound
from queue_server.service import QueueService

_Model = TypeVar("_Model", bound=BaseModel)


def service(conn: HTTPConnection) -> QueueService:
    svc: QueueService = conn.state.service
    return svc


def bearer_token(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    # Browsers cannot set headers on a WebSocket: screens pass their token in the query.
    return conn.query_params.get("token") or None


async def principal(conn: HTTPConnection) -> Principal:
    return await service(conn).authenticate(bearer_token(conn))


async def body(request: Request, model: type[_Model], *, optional: bool = False) -> _Model:
    raw = await request.body()
    if not raw.strip() and optional:
        data: Any = {}
    else:
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise BadRequest(400, "error.bad_json") from None
        if not isinstance(data, dict):
            raise BadRequest(400, "error.bad_json")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadRequest.from_validation(exc) from None


def window_number(request: Request) -> int:
    """Path segment to window number; anything else is an unknown window, named as given."""
    raw: str = request.path_params["window"]
    hall: str = request.path_params["hall"]
    if not raw.isdigit():
        raise NotFound("error.unknown_window", hall=hall, window=raw)
    return int(raw)
