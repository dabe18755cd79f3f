"""GET /metrics: the Prometheus text format, for scrapers from the allowed networks that
bring the token when one is set ([metrics] in config.toml)."""

from __future__ import annotations

import hmac
import ipaddress

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Gauge, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from queue_server.api.deps import bearer_token, service, ticketing
from queue_server.api.errors import error_response
from queue_server.config import MetricsSettings
from queue_server.storage.base import StoreUnavailable
from queue_server.ticketing.settings import hall_printers
from ticket_printer.status import PrinterState


def routes(settings: MetricsSettings) -> list[Route]:
    networks = [ipaddress.ip_network(item, strict=False) for item in settings.allow]

    async def metrics(request: Request) -> Response:
        address = request.client.host if request.client else None
        if networks and not _inside(address, networks):
            return error_response(request, 403, "error.metrics_address", {"address": address or "-"})
        if settings.token is not None and not hmac.compare_digest(
            (bearer_token(request) or "").encode(), settings.token.encode()
        ):
            return error_response(request, 401, "error.metrics_token")
        hall_state = await _hall_gauges(request)
        return Response(
            generate_latest(REGISTRY) + generate_latest(hall_state), media_type=CONTENT_TYPE_LATEST
        )

    return [Route("/metrics", metrics, methods=["GET"])]


def _inside(address: str | None, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


async def _hall_gauges(request: Request) -> CollectorRegistry:
    """The gauges of the halls as they are now, in a registry made for this scrape."""
    registry = CollectorRegistry()
    waiting = Gauge("onewindow_waiting", "Tickets waiting now", ("hall", "category"), registry=registry)
    printer_up = Gauge(
        "onewindow_printer_up",
        "1 when the printer's agent is connected and the printer reports ok",
        ("hall", "printer"),
        registry=registry,
    )
    printer_state = Gauge(
        "onewindow_printer_state",
        "1 for the state the printer is in",
        ("hall", "printer", "state"),
        registry=registry,
    )
    paper_low = Gauge(
        "onewindow_printer_paper_low", "1 when the paper runs low", ("hall", "printer"), registry=registry
    )
    for hall_id, runtime in list(service(request).halls.items()):  # halls change while this awaits
        try:
            state = await runtime.current()  # with every step committed by any process
        except StoreUnavailable:
            state = runtime.state  # this process's last view: metrics matter most in an outage
        for category, count in state.waiting_counts().items():
            waiting.labels(hall_id, category).set(count)
    tickets = ticketing(request)
    for printer in (p for spec in service(request).specs() for p in hall_printers(spec)):
        condition = await tickets.dispatcher.condition(printer.hall, printer.name)
        ok = condition["connected"] and condition["state"] == PrinterState.OK.value
        printer_up.labels(printer.hall, printer.name).set(1 if ok else 0)
        printer_state.labels(printer.hall, printer.name, condition["state"]).set(1)
        paper_low.labels(printer.hall, printer.name).set(1 if condition["paper_low"] else 0)
    return registry
