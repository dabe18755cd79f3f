"""How `onewindow serve` holds against slow and greedy clients (slowloris, connection floods).

uvicorn closes idle keep-alive connections and caps concurrent requests, but it has no header
or body read timeout and no per-address limit: a client that opens connections and sends a
request's first bytes holds them (and the process's open files) for ever. The HTTP protocol
below adds, per connection:

- a read deadline: from the first byte (or the connection's opening) to the end of the request
  body, at most `read_timeout_s`, else the connection is closed;
- a cap on the request head (line and headers), answered 431;
- per process, a cap on open connections (below the open-file limit) and per client address
  (except trusted proxies), answered 503 and closed at once so the file is freed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import resource
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from queue_server.config import ServerSettings

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 32 * 1024
# Files kept for what is not a client connection: the store, the log, the bus, Python itself.
RESERVED_FILES = 64


@dataclass
class ConnectionGuard:
    """Limits and this process's open connections by client address."""

    read_timeout_s: float
    max_connections: int
    per_client: int
    proxies: frozenset[str]
    open_by_client: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_settings(cls, server: ServerSettings, open_files: int) -> ConnectionGuard:
        return cls(
            read_timeout_s=server.read_timeout_s,
            max_connections=max(16, min(server.max_connections, open_files - RESERVED_FILES)),
            per_client=server.max_connections_per_client,
            proxies=frozenset(server.proxies),
        )

    def admit(self, client: str | None, open_connections: int) -> bool:
        """Whether a new connection may stay; `open_connections` counts it already."""
        if open_connections >= self.max_connections:
            return False
        if client is None or client in self.proxies:
            return True
        return self.open_by_client[client] < self.per_client


def raise_open_file_limit() -> int:
    """Raises this process's soft open-file limit to its hard limit; returns the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


_REFUSALS = {
    431: (b"431 Request Header Fields Too Large", "请求头过大 / request headers too large"),
    503: (b"503 Service Unavailable", "连接过多，请稍后再试 / too many connections, retry shortly"),
}


class GuardedHttpProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, guard: ConnectionGuard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard = guard
        self._deadline: asyncio.TimerHandle | None = None
        self._counted_as: str | None = None
        self._head_bytes: int | None = 0  # None once the current request's head is complete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        client = self.client[0] if self.client else None
        if not self._guard.admit(client, len(self.connections)):
            log.warning("refused a connection from %s: too many open", client)
            self._refuse(503)
            return
        if client is not None:
            self._guard.open_by_client[client] += 1
            self._counted_as = client
        self._arm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_deadline()
        self._release()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        between_requests = self.cycle is None or self.cycle.response_complete
        if self._deadline is None and between_requests:
            self._arm_deadline()  # the first byte after an idle keep-alive
        super().data_received(data)
        if self._head_bytes is not None and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(431)

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm_deadline()  # the request is read: the time the answer takes is not the client's
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._head_bytes = 0
        super().on_response_complete()

    def handle_websocket_upgrade(self) -> None:
        # The WebSocket protocol takes the connection over and keeps its own pings.
        self._disarm_deadline()
        self._release()
        super().handle_websocket_upgrade()

    def _arm_deadline(self) -> None:
        self._disarm_deadline()
        self._deadline = self.loop.call_later(self._guard.read_timeout_s, self._too_slow)

    def _disarm_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _release(self) -> None:
        if self._counted_as is not None:
            self._guard.open_by_client[self._counted_as] -= 1
            if self._guard.open_by_client[self._counted_as] <= 0:
                del self._guard.open_by_client[self._counted_as]
            self._counted_as = None

    def _refuse(self, status: int) -> None:
        line, words = _REFUSALS[status]
        text = words.encode()
        self.transport.write(
            b"HTTP/1.1 " + line + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(text)).encode() + b"\r\nretry-after: 5\r\n"
            b"connection: close\r\n\r\n" + text
        )
        self.transport.close()


def uvicorn_options(server: ServerSettings) -> dict[str, Any]:
    """The uvicorn.run() options that bound what clients may hold."""
    guard = ConnectionGuard.from_settings(server, raise_open_file_limit())
    return {
        "http": functools.partial(GuardedHttpProtocol, guard=guard),
        "timeout_keep_alive": server.keep_alive_s,
        "limit_concurrency": guard.max_connections,
        # The client address behind a trusted proxy comes from its X-Forwarded-For (throttles).
        "forwarded_allow_ips": list(server.proxies),
    }
