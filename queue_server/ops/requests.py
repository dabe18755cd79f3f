"""Every request's status and time: the 5xx count for /metrics, and a log line per request
when [logging] requests is on (`onewindow serve --access-log`).

uvicorn's own access log is left off: it has no times, and the one below goes through the
same token-redacting handler as everything else (`queue_server.ops.logs`).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from queue_server.ops.metrics import SERVER_ERRORS, WEBSOCKET_CLIENTS

log = logging.getLogger("queue_server.requests")

# A visitor's phone page follows its ticket on /t/{token}/ws.
_VISITOR_STREAM: Final = re.compile(r"^/t/[^/]+/ws$")


class ObservedRequests:
    def __init__(self, app: ASGIApp, log_requests: bool) -> None:
        self.app, self.log_requests = app, log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and _VISITOR_STREAM.match(scope["path"]):
            WEBSOCKET_CLIENTS.labels("visitor").inc()
            try:
                await self.app(scope, receive, send)
            finally:
                WEBSOCKET_CLIENTS.labels("visitor").dec()
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # until the answer says otherwise: an exception is answered 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        except Exception:
            status = 500
            raise
        finally:
            if status >= 500:
                SERVER_ERRORS.labels(str(status)).inc()
            if self.log_requests:
                query = scope.get("query_string", b"").decode("latin-1")
                target = scope["path"] + (f"?{query}" if query else "")
                elapsed_ms = (time.perf_counter() - started) * 1000
                log.info("%s %s %d %.1fms", scope["method"], target, status, elapsed_ms)
