"""The ASGI application: routes from every package, shared resources made in a typed lifespan."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

import clerk_console.openapi
import clerk_console.routes
import displays.routes
import ticket_printer.web.openapi
import ticket_printer.web.routes
from clerk_console.settings import console_settings
from displays.settings import display_settings
from queue_server.api import accounts, halls, openapi, stream, tickets, windows
from queue_server.api.errors import EXCEPTION_HANDLERS
from queue_server.api.middleware import BodyLimit, SecurityHeaders
from queue_server.backends import open_backends
from queue_server.clock import Clock, SystemClock
from queue_server.config import Settings
from queue_server.reports import openapi as reports_openapi
from queue_server.reports import routes as reports_routes
from queue_server.service import QueueService
from ticket_printer.settings import load_ticketing
from ticket_printer.ticketing import Ticketing

# Each package's part of /api/openapi.json, besides the queue server's own.
API_DOCS = (ticket_printer.web.openapi.DOC, reports_openapi.DOC, clerk_console.openapi.DOC)


class AppState(TypedDict):
    service: QueueService
    ticketing: Ticketing


def check_package_sections(settings: Settings) -> None:
    """The [ticketing], [displays] and [console] tables: a bad one is a ConfigError naming
    the key, so that check-config reports it and the server refuses to start."""
    load_ticketing(settings)
    display_settings(settings)
    console_settings(settings)


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    check_package_sections(settings)
    clock = clock or SystemClock()
    service = QueueService(settings, open_backends(settings, clock), clock)
    ticketing_settings = load_ticketing(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        await service.start()
        ticketing = await Ticketing.open(ticketing_settings, service)
        # What start-up made lives as long as the server: keep the collector from walking it
        # again and again, which shows up as pauses in the calls' delivery to screens.
        gc.collect()
        gc.freeze()
        try:
            yield {"service": service, "ticketing": ticketing}
        finally:
            await displays.routes.close(app)
            await ticketing.close()
            await service.stop()

    routes: list[BaseRoute] = [
        *ticket_printer.web.routes.routes,  # first: its reprint route is more specific
        *clerk_console.routes.api_routes,  # before tickets: .../{ticket}/rating etc.
        *accounts.routes,
        *halls.routes,
        *tickets.routes,
        *windows.routes,
        *stream.routes,
        *openapi.routes(settings, *API_DOCS),
        *displays.routes.routes,
        *reports_routes.routes,
        *clerk_console.routes.page_routes,
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, max_bytes=settings.server.max_body_bytes),
    ]
    return Starlette(
        routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers=EXCEPTION_HANDLERS
    )
