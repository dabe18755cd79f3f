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
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert served == documented


def test_request_schemas_name_their_fields(hall: Hall) -> None:
    schemas = hall.client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["IssueTicketBody"]["required"] == ["category"]
    assert set(schemas["TransferTarget"]["properties"]) == {"to_category", "to_window"}


def test_the_document_lists_the_halls_configured_values(hall: Hall) -> None:
    document = hall.client.get("/api/openapi.json").json()
    spec = hall.settings.halls[0]
    ticket = document["paths"]["/api/halls/{hall}/tickets"]["post"]
    assert ticket["parameters"][0]["schema"]["enum"] == ["weiyang"]
    issue = document["components"]["schemas"]["IssueTicketBody"]["properties"]
    assert issue["category"]["enum"] == sorted(c.code for c in spec.categories)
    assert issue["priority"]["enum"] == ["normal", "green", "appointment", *sorted(spec.priority_codes())]
    window = document["paths"]["/api/halls/{hall}/windows/{window}/call"]["post"]["parameters"][1]
    assert window["schema"]["enum"] == [w.number for w in spec.windows]
    rating = document["components"]["schemas"]["RatingBody"]["properties"]["reason"]["anyOf"][0]
    assert rating["enum"] == ["attitude", "not_done", "other", "slow", "unclear", "wait"]
    assert "x-hall-values" not in str(document)


def test_every_operation_taking_a_body_documents_the_413_it_may_be_answered(hall: Hall) -> None:
    document = hall.client.get("/api/openapi.json").json()
    taking_a_body = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert len(taking_a_body) > 10
    assert [(p, m) for p, m, operation in taking_a_body if "413" not in operation["responses"]] == []
    # As the server answers it: the documented error, naming the limit.
    limit = hall.settings.server.max_body_bytes
    too_large = hall.client.post("/api/halls/weiyang/tickets", content=b"x" * (limit + 1))
    assert too_large.status_code == 413
    assert too_large.json()["error"]["code"] == "body_too_large"
    assert str(limit) in too_large.json()["error"]["message"]
