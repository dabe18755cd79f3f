"""ASGI middleware every response passes through: the request body cap."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from queue_server.api.errors import BodyTooLarge, body_too_large


class BodyLimit:
    """Refuses a body longer than `max_bytes` with 413 before reading it: at once when its
    Content-Length says so, else as soon as the chunks read so far pass the limit (the route's
    read raises BodyTooLarge, answered by the error handlers)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (
            not declared.isdigit() or len(declared) > 15 or int(declared) > self.max_bytes
        ):
            response = await body_too_large(Request(scope), BodyTooLarge(self.max_bytes))
            await response(scope, receive, send)
            return
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, capped_receive, send)
