"""A lean HTTP/1.1 keep-alive client for the load generators: a pool of connections per server,
each request written as bytes and its response read by Content-Length, nothing else parsed.

httpx spends about a millisecond of CPU per request; at the city benchmark's 80 requests a
second that was most of what the pinned generator could get of its core on a shared machine,
and it did not reach the rate asked. Only what OneWindow and the floor answer is supported:
`Content-Length` bodies (no chunked encoding), no redirects, loopback.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length) if length else b""
        return status, body


class LeanClient:
    """POSTs of JSON to one server over up to `connections` keep-alive connections."""

    def __init__(self, base: str, headers: dict[str, str], connections: int = 64) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._idle: list[Connection] = []
        self._slots = asyncio.Semaphore(connections)

    async def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        """The status and the decoded JSON answer (None without a body)."""
        payload = b"" if body is None else json.dumps(body).encode()
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self._head}"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload
        async with self._slots:
            connection = self._idle.pop() if self._idle else await self._connect()
            try:
                status, answer = await connection.exchange(request)
            except (ConnectionError, asyncio.IncompleteReadError):
                # The server closed an idle keep-alive connection: once more on a new one.
                connection.writer.close()
                connection = await self._connect()
                status, answer = await connection.exchange(request)
            self._idle.append(connection)
        return status, json.loads(answer) if answer else None

    async def _connect(self) -> Connection:
        return Connection(*await asyncio.open_connection(self.host, self.port))

    async def close(self) -> None:
        for connection in self._idle:
            connection.writer.close()
        self._idle = []
