from __future__ import annotations

import re

from starlette.routing import Route

from tests.conftest import Hall

# Probes' and scrapers' routes, at the top level as they expect (queue_server.ops).
OPERATIONS_PATHS = ("/healthz", "/readyz", "/metrics")


def test_every_http_route_is_documented(hall: Hall) -> None:
    document = hall.client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    app = hall.client.app
    served = {
        (re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", route.path), method.lower())
        for route in app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route)
        and (route.path.startswith(("/api", "/kiosk/api")) or route.path in OPERATIONS_PATHS)
        for method in (route.methods or ()) - {"HEAD"}
    }
    assert served == documented


def test_request_schemas_name_their_fields(hall: Hall) -> None:
    schemas = hall.client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["IssueTicketBody"]["required"] == ["category"]
    assert "to_category" in schemas["WindowActionBody"]["properties"]
