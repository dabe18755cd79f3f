"""ASGI middleware every response passes through: the request body cap, security headers."""

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


# Every page loads its scripts, styles, fonts and sounds from this server (the hall runs
# offline): nothing inline, nothing from elsewhere, never inside another site's frame. Sounds
# may be blob: URLs (the announcer caches spoken calls), QR codes data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # page URLs may carry a device token (?token=)
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP 2
}
# As ASGI carries them; a response that sets one of its own keeps it.
_RAW_SECURITY_HEADERS = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response: pages, API, static files, errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                given = {name.lower() for name, _ in headers}
                message["headers"] = headers + [h for h in _RAW_SECURITY_HEADERS if h[0] not in given]
            await send(message)

        await self.app(scope, receive, send_with_headers)
