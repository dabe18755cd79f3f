"""What the ticketing pages take from a request besides the queue server's own helpers."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def base_url(conn: HTTPConnection) -> str:
    """The address the client reached us at, for tracking links when none is configured."""
    return str(conn.base_url).rstrip("/")


def client_address(conn: HTTPConnection) -> str:
    # The direct peer: X-Forwarded-For is not trusted, as anyone can send it. Behind a reverse
    # proxy, run uvicorn with --proxy-headers so that this is the visitor's address.
    return conn.client.host if conn.client else "unknown"
