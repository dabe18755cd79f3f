"""The rating device (评价器): the screen facing the visitor at one window, which offers the five
levels after each finish there (static/rate.js).

It is a screen: its device token comes in the URL like the hall screens', and the page is only
given out for a screen of the hall (or a supervisor trying it). The reasons of a bad rating
are the hall's live settings (a change reaches an open device in the snapshot it takes after
it); how long it waits for a visitor is the [console] table's, which the app assembly hands it
as `RatingDevice` (queue_server/app.py). The rating itself is posted to the hall's API.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from displays.kit.messages import both, page_strings
from displays.routes import PageError, authorise, error_page, page_window, templates
from queue_server.api.deps import service
from queue_server.auth import MANAGERS, DeviceKind


@dataclass(frozen=True)
class RatingDevice:
    """The seconds the device waits for a visitor who walks away before it is idle again."""

    timeout_s: int


def rating_device_settings(conn: HTTPConnection) -> RatingDevice:
    """The device's settings, made once at start (queue_server/app.py)."""
    device: RatingDevice = conn.state.rating_device
    return device


async def rating_device(request: Request) -> Response:
    hall = request.path_params["hall"]
    try:
        window = page_window(request, hall)  # an unknown hall or window is a 404 before the token
        await authorise(request, hall, roles=MANAGERS, devices=(DeviceKind.SCREEN,))
    except PageError as error:
        return error_page(request, error)
    spec = service(request).settings.hall(hall)
    assert spec is not None  # authorise checked the hall
    device = rating_device_settings(request)
    window_spec = next(w for w in spec.windows if w.number == window)
    config = {
        "hall": hall,
        "window": window,
        "window_name": {"zh-CN": window_spec.name, "en": window_spec.name_en},
        "token": request.query_params.get("token", ""),
        "ws": f"/ws/halls/{hall}",
        "reasons": [r.public() for r in spec.rating_reasons],
        "timeout_s": device.timeout_s,
        "strings": page_strings(),
    }
    return templates.TemplateResponse(
        request, "rate.html", {"config": config, "t": both}, headers={"Cache-Control": "no-store"}
    )


routes: list[BaseRoute] = [Route("/rate/halls/{hall}/windows/{window}", rating_device, methods=["GET"])]
