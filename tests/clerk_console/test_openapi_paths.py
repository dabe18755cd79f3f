"""The console's OpenAPI fragment names exactly the routes the console serves."""

from __future__ import annotations

import re

from starlette.routing import Route

from clerk_console.openapi import DOC, PATHS
from clerk_console.routes import api_routes
from queue_server.api.openapi import model_schemas


def test_every_console_api_route_is_described() -> None:
    served = {
        (re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", route.path), method.lower())
        for route in api_routes
        if isinstance(route, Route)
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert served == {(path, method) for path, item in PATHS.items() for method in item}
    assert model_schemas(*DOC.models)["RatingBody"]["required"] == ["level"]
