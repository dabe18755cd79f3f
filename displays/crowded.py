"""When the hall is crowded (办事拥挤时段), for visitors choosing when to come: the page
`/crowded/halls/{hall}?weeks=` and its data, `GET /api/halls/{hall}/crowded-periods?weeks=`.
Public and anonymous: aggregates only."""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from displays.ticketing.pages import page
from queue_server.api.deps import service
from queue_server.api.openapi import HALL_PARAM, ApiDoc, param, responses
from queue_server.api.query import bounded, query_param
from queue_server.api.responses import JSONResponse
from queue_server.reports.crowded import TTL_S, crowded_weeks

MAX_WEEKS: Final = 12


async def crowded(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    service(request).hall(hall)  # an unknown hall is a 404 before the parameters
    weeks = query_param(request, "weeks", bounded(int, 1, MAX_WEEKS), 4, f"1 … {MAX_WEEKS}")
    body = await crowded_weeks(service(request), hall, weeks)
    return JSONResponse(body, headers={"Cache-Control": f"public, max-age={int(TTL_S)}"})


async def crowded_page(request: Request) -> Response:
    """The shell: the page reads the figures from the endpoint above, in the visitor's language.
    `kiosk=1` (the kiosk's closed screen links so) adds the way back to the kiosk."""
    spec = service(request).hall(request.path_params["hall"]).state.spec
    weeks = query_param(request, "weeks", bounded(int, 1, MAX_WEEKS), 4, f"1 … {MAX_WEEKS}")
    kiosk = request.query_params.get("kiosk") == "1"
    return page(request, "crowded.html", spec, "crowded", {"weeks": weeks, "kiosk": kiosk})


routes = [
    Route("/api/halls/{hall}/crowded-periods", crowded, methods=["GET"]),
    Route("/crowded/halls/{hall}", crowded_page, methods=["GET"]),
]

_WEEKS = param("weeks", where="query", kind="integer", description=f"1 … {MAX_WEEKS}")
_WEEKS["schema"].update(minimum=1, maximum=MAX_WEEKS)

DOC = ApiDoc(
    paths={
        "/api/halls/{hall}/crowded-periods": {
            "get": {
                "summary": "Public: arrivals and waits by weekday and hour (办事拥挤时段)",
                "security": [],
                "parameters": [HALL_PARAM, _WEEKS],
                "responses": responses("200", "404", "422"),
            }
        },
    }
)
