"""The ASGI application: routes from every package, shared resources made in a typed lifespan."""

from __future__ import annotations

import contextlib
import gc
import logging
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
import displays.crowded
import displays.kit.routes
import displays.rating
import displays.routes
import displays.ticketing.openapi
import displays.ticketing.routes
from clerk_console.settings import ConsoleSettings, console_settings
from displays.rating import RatingDevice
from displays.settings import DisplaySettings, display_settings
from displays.synth import Announcer
from queue_server.administration import Administration
from queue_server.api import (
    accounts,
    devices,
    hall_settings,
    halls,
    openapi,
    print_agent,
    stream,
    tickets,
    windows,
)
from queue_server.api.errors import EXCEPTION_HANDLERS
from queue_server.api.fanout import check_every_screen
from queue_server.api.middleware import BodyLimit, SecurityHeaders
from queue_server.api.routing import RememberingRouter
from queue_server.backends import open_backends
from queue_server.clock import Clock, SystemClock
from queue_server.config import Settings
from queue_server.domain.alerts import AlertLimits
from queue_server.ops import health, metrics_route
from queue_server.ops import openapi as ops_openapi
from queue_server.ops.alerts import AlertWatcher
from queue_server.ops.counted_presence import CountedPresence
from queue_server.ops.measured_log import measured
from queue_server.ops.requests import ObservedRequests
from queue_server.ops.retention import PhoneRetention
from queue_server.ops.shutdown import stop_in_turn
from queue_server.outbound import openapi as outbound_openapi
from queue_server.outbound import routes as outbound_routes
from queue_server.outbound import webhooks
from queue_server.outbound.deliverer import WebhookDeliverer
from queue_server.outbound.notifier import GatewayNotifier, VisitorNotifications
from queue_server.outbound.settings import OutboundSettings, outbound_settings
from queue_server.service import QueueService
from queue_server.ticketing.settings import TicketingSettings, load_ticketing
from queue_server.ticketing.ticketing import Ticketing

log = logging.getLogger(__name__)

# Middle-generation collections between two full ones (Python's default is 10).
MIDDLE_COLLECTIONS_PER_FULL = 100
# New container objects between two young collections (Python's default is 700). Each request
# in flight holds about a hundred (its coroutines, their closures): with 64 in flight, a young
# collection every 700 finds thousands alive, walks them, and walks them again in the middle
# generation; at 2,000 most have died by then (the collector's CPU a ticket 33 -> 14 µs).
YOUNG_COLLECTION_AFTER = 2_000


def collect_as_a_server() -> None:
    """Once per serving process (`onewindow serve`, each of its workers): a full collection
    walks everything made since start-up (a city's 2,100 screens' connections alone are 300,000
    objects: 60-230 ms with the loop stopped, every call waiting), so it comes after 100
    middle-generation collections, not Python's 10, and a young one after 2,000 new objects,
    not 700. Not in the lifespan: the tests, which start an app per test in one process, ran
    10 % slower with it."""
    _, middle, _ = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_AFTER, middle, MIDDLE_COLLECTIONS_PER_FULL)


# Each package's part of /api/openapi.json, besides the queue server's own.
API_DOCS = (
    hall_settings.DOC,
    displays.ticketing.openapi.DOC,
    displays.crowded.DOC,
    clerk_console.reports.openapi.DOC,
    clerk_console.openapi.DOC,
    outbound_openapi.DOC,
    ops_openapi.DOC,
)


class AppState(TypedDict):
    """What every route finds on `request.state`: made once at start, from settings read once."""

    service: QueueService
    administration: Administration  # accounts and devices, for the admin pages
    ticketing: Ticketing
    announcer: Announcer  # the screens' voice, with the [displays] settings
    console: ConsoleSettings  # the [console] settings
    rating_device: RatingDevice  # what the rating device offers, from the [console] settings


@dataclass(frozen=True)
class PackageSettings:
    """The other packages' tables of the config, typed once at start."""

    ticketing: TicketingSettings
    outbound: OutboundSettings
    displays: DisplaySettings
    console: ConsoleSettings


def package_settings(settings: Settings) -> PackageSettings:
    """The [ticketing], [outbound], [displays] and [console] tables: a bad one is a ConfigError
    naming the key, so that check-config reports it and the server refuses to start."""
    return PackageSettings(
        load_ticketing(settings),
        outbound_settings(settings),
        display_settings(settings),
        console_settings(settings),
    )


def rating_device(console: ConsoleSettings) -> RatingDevice:
    """The rating device's part of the [console] table, in the form the displays page takes."""
    return RatingDevice(console.rating_timeout_s)


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    sections = package_settings(settings)
    clock = clock or SystemClock()
    backends = open_backends(settings, clock)
    backends.hall_log = measured(backends.hall_log)  # counted and timed for /metrics
    service = QueueService(settings, backends, clock)
    service.presence = CountedPresence(service.presence)
    deliverer = WebhookDeliverer(
        service.store,
        clock,
        sections.outbound,
        lambda hall, kind, params: webhooks.raise_alert(service, hall, kind, params),
    )
    notifier = sections.outbound.notifier
    notifications = (
        VisitorNotifications(service, GatewayNotifier(notifier, clock.now), notifier)
        if notifier.enabled
        else None
    )

    retention = PhoneRetention(
        service.store, lambda: service.settings.halls, clock, sections.outbound.delivery_log
    )
    # The dashboard's limits ([console]) decide when an alert is raised for the webhooks too.
    limits = AlertLimits(sections.console.pause_limit, sections.console.device_grace)
    alert_watcher = AlertWatcher(service, limits, sections.outbound.alert_poll_s)
    # After the service's own listener (which forgets what it read): the screens and print
    # agents of this process whose access was taken away are cut off now, not at their next
    # heartbeat or connection.
    backends.notices.listen(lambda _: check_every_screen(service.bus))
    backends.notices.listen(lambda _: print_agent.check_every_agent())

    def named_in_config(hall: str, name: str) -> bool:
        """A kiosk or printer the hall's live settings name."""
        spec = service.hall(hall).state.spec
        if any(p.name == name or name in p.kiosks for p in spec.printers):
            return True
        return any(name in pair for pair in spec.kiosk_printers)

    administration = Administration(
        service.store, lambda: service.settings, clock, backends.notices, named_in_config
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        await service.start()
        ticketing = await Ticketing.open(
            sections.ticketing, service, keep_contacts=sections.outbound.notifier.enabled
        )
        announcer = Announcer(sections.displays)
        log.info(
            "serving halls %s; store %s, bus %s",
            ", ".join(service.halls),
            _without_credentials(settings.server.store),
            _without_credentials(settings.server.bus),
        )
        await deliverer.start()  # a task of its own: deliveries never wait in the request path
        if notifications is not None:
            await notifications.start()
        retention.start()  # erases expired phone hashes and old delivery log once a day
        alert_watcher.start()  # the hall's alerts into its ledger, once each
        # What start-up made lives as long as the server: keep the collector from walking it
        # again and again, which shows up as pauses in the calls' delivery to screens.
        gc.collect()
        gc.freeze()
        try:
            yield {
                "service": service,
                "administration": administration,
                "ticketing": ticketing,
                "announcer": announcer,
                "console": sections.console,
                "rating_device": rating_device(sections.console),
            }
        finally:
            await stop_in_turn(
                [
                    ("the alert watcher", alert_watcher.stop),
                    ("the retention job", retention.stop),
                    ("the webhook deliverer", deliverer.stop),
                    *(
                        [("the visitor notifications", notifications.stop)]
                        if notifications is not None
                        else []
                    ),
                    # stops saying ahead, so that no espeak-ng outlives the server
                    ("the announcer", announcer.close),
                    ("ticketing", ticketing.close),
                    ("the queue service", service.stop),
                ]
            )

    routes: list[BaseRoute] = [
        *health.routes,
        *metrics_route.routes(settings.metrics),
        *displays.ticketing.routes.routes,  # first: its reprint route is more specific
        *print_agent.routes,
        *clerk_console.routes.api_routes,  # before tickets: .../{ticket}/rating etc.
        *accounts.routes,
        *halls.routes,
        *devices.routes,
        *hall_settings.routes,
        *tickets.routes,
        *windows.routes,
        *stream.routes,
        *openapi.routes(*API_DOCS),
        *displays.kit.routes.routes,
        *displays.routes.routes,
        *displays.rating.routes,
        *displays.crowded.routes,
        *clerk_console.reports.routes.routes,
        *outbound_routes.routes,
        *clerk_console.routes.page_routes,
    ]
    middleware = [
        Middleware(ObservedRequests, log_requests=settings.logging.requests),
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, max_bytes=settings.server.max_body_bytes),
    ]
    app = Starlette(middleware=middleware, exception_handlers=EXCEPTION_HANDLERS)
    app.router = RememberingRouter(routes, lifespan=lifespan)
    return app


def _without_credentials(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"
