"""What the console's routes take from a request besides the queue server's own helpers."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from clerk_console.settings import ConsoleSettings


def settings(conn: HTTPConnection) -> ConsoleSettings:
    """The [console] settings, typed once at start (queue_server/app.py)."""
    console: ConsoleSettings = conn.state.console
    return console
