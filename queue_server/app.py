"""The ASGI application: routes from every package, shared resources made in a typed lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TypedDict

from starlette.applications import Starlette
from starlette.routing import BaseRoute

import displays.routes
from queue_server.api import accounts, halls, openapi, stream, tickets, windows
from queue_server.api.errors import EXCEPTION_HANDLERS
from queue_server.bus import open_bus
from queue_server.clock import Clock, SystemClock
from queue_server.config import Settings
from queue_server.service import QueueService
from queue_server.storage import open_store


class AppState(TypedDict):
    service: QueueService


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    service = QueueService(
        settings,
        open_store(settings.server.store),
        open_bus(
            settings.server.bus,
            retention=settings.server.replay_events,
            client_queue=settings.server.client_queue,
        ),
        clock or SystemClock(),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        await service.start()
        try:
            yield {"service": service}
        finally:
            await service.stop()

    routes: list[BaseRoute] = [
        *accounts.routes,
        *halls.routes,
        *tickets.routes,
        *windows.routes,
        *stream.routes,
        *openapi.routes,
        *displays.routes.routes,
    ]
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=EXCEPTION_HANDLERS)
