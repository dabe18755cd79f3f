"""Every failure becomes JSON with a worded message: 4xx for the caller's mistakes, 503 for the
store, and a logged 500 (never a stack trace) for our own."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ExceptionHandler

from queue_server.api.responses import JSONResponse
from queue_server.auth import NotAuthenticated
from queue_server.domain.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from queue_server.messages import pick_language, translate
from queue_server.storage.base import StoreUnavailable
from queue_server.throttle import TooManyAttempts

log = logging.getLogger(__name__)

CLIENT_CLOSED_REQUEST = 499


class BadRequest(Exception):
    """A body that is not JSON (400), does not fit its schema (422), or lacks the version of
    what it changes (428)."""

    def __init__(
        self, status: int, key: str, errors: list[dict[str, str]] | None = None, **params: Any
    ) -> None:
        super().__init__(key)
        self.status, self.key, self.errors, self.params = status, key, errors or [], params

    @classmethod
    def from_validation(cls, exc: ValidationError) -> BadRequest:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "problem": err["msg"]}
            for err in exc.errors()
        ]
        first = errors[0] if errors else {"field": "body", "problem": "invalid"}
        return cls(422, "error.bad_field", errors, field=first["field"], problem=first["problem"])


class BodyTooLarge(Exception):
    """A request body over the server's limit ([server] max_body_bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {limit} bytes")
        self.limit = limit


_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (Conflict, 409),
    (Invalid, 422),
    (Forbidden, 403),
)


def error_response(
    request: Request,
    status: int,
    key: str,
    params: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    params = params or {}
    language = pick_language(request.headers.get("accept-language"))
    body: dict[str, Any] = {
        "code": key.removeprefix("error."),
        "message": translate(key, language, **params),
        "params": {k: v for k, v in params.items() if isinstance(v, (str, int, float, list, type(None)))},
    }
    body.update(extra or {})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = next((code for kind, code in _DOMAIN_STATUS if isinstance(exc, kind)), 400)
    return error_response(request, status, exc.key, exc.params)


async def _bad_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadRequest)
    return error_response(request, exc.status, exc.key, exc.params, {"errors": exc.errors})


async def _unauthenticated(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotAuthenticated)
    return error_response(request, 401, exc.key)


async def body_too_large(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodyTooLarge)
    response = error_response(request, 413, "error.body_too_large", {"limit": exc.limit})
    # The rest of the body is not wanted: closing saves reading it.
    response.headers["Connection"] = "close"
    return response


async def _too_many_attempts(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TooManyAttempts)
    response = error_response(request, 429, "error.too_many_attempts", {"seconds": exc.retry_after_s})
    response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("store unavailable: %s", exc)
    response = error_response(request, 503, "error.store_unavailable")
    response.headers["Retry-After"] = "2"
    return response


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(request, 404, "error.not_found", {"path": request.url.path})
    if exc.status_code == 405:
        response = error_response(request, 405, "error.method_not_allowed", {"method": request.method})
        # Allow: what the path does take (RFC 9110), in a fixed order: Starlette joins a set,
        # whose order changes with each process's hash seed.
        headers = dict(exc.headers or {})
        if "Allow" in headers:
            headers["Allow"] = ", ".join(sorted(m.strip() for m in headers["Allow"].split(",")))
        response.headers.update(headers)
        return response
    return JSONResponse({"error": {"code": "http", "message": exc.detail}}, status_code=exc.status_code)


async def _client_gone(request: Request, exc: Exception) -> Response:
    """The client hung up before its request was read (a kiosk losing its network, a timed-out
    retry): nothing was done for it and nobody is left to answer, so no error is logged or
    counted. 499, as nginx logs a client that closed the request."""
    log.info("%s %s: the client left before its request was read", request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED_REQUEST)


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "error.internal")


EXCEPTION_HANDLERS: dict[Any, ExceptionHandler] = {
    DomainError: _domain,
    BadRequest: _bad_request,
    BodyTooLarge: body_too_large,
    TooManyAttempts: _too_many_attempts,
    NotAuthenticated: _unauthenticated,
    StoreUnavailable: _store_unavailable,
    ClientDisconnect: _client_gone,
    HTTPException: _http,
    Exception: _internal,
}
