"""Per-application resources of the console, made on first use so the server's lifespan
needs no knowledge of this package."""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from starlette.requests import HTTPConnection

from clerk_console.settings import ConsoleSettings, console_settings
from queue_server.api.deps import service

_per_app: WeakKeyDictionary[Any, ConsoleSettings] = WeakKeyDictionary()


def settings(conn: HTTPConnection) -> ConsoleSettings:
    app = conn.app
    if app not in _per_app:
        _per_app[app] = console_settings(service(conn).settings)
    return _per_app[app]
