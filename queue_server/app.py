"""The ASGI application: routes from every package, shared resources made in a typed lifespan."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

import clerk_console.openapi
import clerk_console.reports.openapi
import clerk_console.reports.routes
import clerk_console.routes
import displays.routes
import displays.ticketing.openapi
import displays.ticketing.routes
from clerk_console.settings import ConsoleSettings, console_settings
from displays.settings import DisplaySettings, display_settings
from displays.synth import Announcer
from queue_server.api import accounts, halls, openapi, print_agent, stream, tickets, windows
from queue_server.api.errors import EXCEPTION_HANDLERS
from queue_server.api.middleware import BodyLimit, SecurityHeaders
from queue_server.backends import open_backends
from queue_server.clock import Clock, SystemClock
from queue_server.config import Settings
from queue_server.service import QueueService
from queue_server.ticketing.settings import TicketingSettings, load_ticketing
from queue_server.ticketing.ticketing import Ticketing

# Each package's part of /api/openapi.json, besides the queue server's own.
API_DOCS = (displays.ticketing.openapi.DOC, clerk_console.reports.openapi.DOC, clerk_console.openapi.DOC)


class AppState(TypedDict):
    """What every route finds on `request.state`: made once at start, from settings read once."""

    service: QueueService
    ticketing: Ticketing
    announcer: Announcer  # the screens' voice, with the [displays] settings
    console: ConsoleSettings  # the [console] settings


@dataclass(frozen=True)
class PackageSettings:
    """The other packages' tables of the config, typed once at start."""

    ticketing: TicketingSettings
    displays: DisplaySettings
    console: ConsoleSettings


def package_settings(settings: Settings) -> PackageSettings:
    """The [ticketing], [displays] and [console] tables: a bad one is a ConfigError naming
    the key, so that check-config reports it and the server refuses to start."""
    return PackageSettings(load_ticketing(settings), display_settings(settings), console_settings(settings))


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    sections = package_settings(settings)
    clock = clock or SystemClock()
    service = QueueService(settings, open_backends(settings, clock), clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        await service.start()
        ticketing = await Ticketing.open(sections.ticketing, service)
        announcer = Announcer(sections.displays)
        # What start-up made lives as long as the server: keep the collector from walking it
        # again and again, which shows up as pauses in the calls' delivery to screens.
        gc.collect()
        gc.freeze()
        try:
            yield {
                "service": service,
                "ticketing": ticketing,
                "announcer": announcer,
                "console": sections.console,
            }
        finally:
            await announcer.close()  # stops saying ahead, so that no espeak-ng outlives the server
            await ticketing.close()
            await service.stop()

    routes: list[BaseRoute] = [
        *displays.ticketing.routes.routes,  # first: its reprint route is more specific
        *print_agent.routes,
        *clerk_console.routes.api_routes,  # before tickets: .../{ticket}/rating etc.
        *accounts.routes,
        *halls.routes,
        *tickets.routes,
        *windows.routes,
        *stream.routes,
        *openapi.routes(*API_DOCS),
        *displays.routes.routes,
        *clerk_console.reports.routes.routes,
        *clerk_console.routes.page_routes,
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, max_bytes=settings.server.max_body_bytes),
    ]
    return Starlette(
        routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers=EXCEPTION_HANDLERS
    )
