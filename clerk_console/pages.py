"""The pages: clerk console, supervisor dashboard and account admin.

Staff pages are shells. The bearer token lives in the tab's sessionStorage and every request
sends it as an Authorization header (never a cookie), so a forged cross-site request carries
no credential and needs no CSRF token; the pages forbid inline script (Content-Security-Policy)
so that an injected script cannot read the token either. Each page asks the API for its data
and shows the API's refusal in words, so a clerk opening the dashboard sees it refused.

The rating device, a screen facing the visitor, is displays/rating.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from displays.kit.messages import both, page_strings
from queue_server.api.deps import service, window_number
from queue_server.domain.errors import NotFound
from queue_server.domain.model import HallSpec
from queue_server.messages import pick_language, translate

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")

# Content-Security-Policy and the other security headers: queue_server.api.middleware, on
# every page of the server. Staff pages are not cached: they show who is signed in.
_NO_STORE = {"Cache-Control": "no-store"}


class _PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _render(request: Request, page: str, config: dict[str, Any], status: int = 200) -> Response:
    config = {**config, "strings": page_strings()}
    return templates.TemplateResponse(
        request,
        page,
        {"config": config, "t": both},
        status_code=status,
        headers=_NO_STORE,
    )


def _error(request: Request, error: _PageError) -> Response:
    return _render(request, "error.html", {"message": error.message}, error.status)


def _spec(request: Request) -> HallSpec:
    hall = request.path_params["hall"]
    language = pick_language(request.headers.get("accept-language"))
    spec = service(request).settings.hall(hall)
    if spec is None:
        raise _PageError(404, translate("error.unknown_hall", language, hall=hall))
    return spec


def _window(request: Request, spec: HallSpec) -> int:
    language = pick_language(request.headers.get("accept-language"))
    try:
        number = window_number(request)
    except NotFound:
        number = -1
    if spec.window(number) is None:
        raise _PageError(
            404,
            translate("error.unknown_window", language, hall=spec.id, window=request.path_params["window"]),
        )
    return number


def _hall_config(spec: HallSpec) -> dict[str, Any]:
    return {
        "hall": spec.id,
        "hall_name": spec.name,
        "hall_name_en": spec.name_en,
        "timezone": spec.timezone.key,
        "categories": [{"code": c.code, "name": c.name, "name_en": c.name_en} for c in spec.categories],
        "windows": [{"number": w.number, "name": w.name, "name_en": w.name_en} for w in spec.windows],
        "priorities": ["normal", "green", *(p.code for p in spec.priorities)],
        "priority_names": {p.code: {"zh-CN": p.name, "en": p.name_en} for p in spec.priorities},
        # As the page opens; the live stream brings the hall's changes (common.js LiveHall).
        "pause_reasons": [r.public() for r in spec.pause_reasons],
    }


async def sign_in_and_pick(request: Request) -> Response:
    return _render(request, "pick.html", {"page": "pick"})


async def window_console(request: Request) -> Response:
    try:
        spec = _spec(request)
        number = _window(request, spec)
    except _PageError as error:
        return _error(request, error)
    config = {
        **_hall_config(spec),
        "page": "console",
        "window": number,
    }
    return _render(request, "console.html", config)


async def supervise(request: Request) -> Response:
    try:
        spec = _spec(request)
    except _PageError as error:
        return _error(request, error)
    config = {**_hall_config(spec), "page": "supervise"}
    return _render(request, "supervise.html", config)


async def admin_users(request: Request) -> Response:
    halls = [{"id": h.id, "name": h.name} for h in service(request).settings.halls]
    return _render(request, "admin.html", {"page": "admin", "halls": halls})


async def admin_devices(request: Request) -> Response:
    halls = [
        {"id": h.id, "name": h.name, "windows": [w.number for w in h.windows]}
        for h in service(request).settings.halls
    ]
    return _render(request, "devices.html", {"page": "devices", "halls": halls})


async def admin_audit(request: Request) -> Response:
    halls = [
        {
            "id": h.id,
            "name": h.name,
            "name_en": h.name_en,
            "categories": [{"code": c.code, "name": c.name, "name_en": c.name_en} for c in h.categories],
            "priorities": {p.code: {"zh-CN": p.name, "en": p.name_en} for p in h.priorities},
        }
        for h in service(request).settings.halls
    ]
    return _render(request, "audit.html", {"page": "audit", "halls": halls})


async def hall_settings(request: Request) -> Response:
    """A hall's settings, changed live (its admin or supervisor; the API checks who)."""
    try:
        spec = _spec(request)
    except _PageError as error:
        return _error(request, error)
    config = {"page": "hall_settings", "hall": spec.id, "hall_name": spec.name, "hall_name_en": spec.name_en}
    return _render(request, "hall_settings.html", config)


FAVICON = (HERE / "static" / "favicon.svg").read_bytes()


async def favicon(request: Request) -> Response:
    """The one icon of every page (the hall screens and reports too, by the browser's default
    /favicon.ico request), so no page logs a 404 for it."""
    return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


routes: list[BaseRoute] = [
    Route("/favicon.ico", favicon, methods=["GET"]),
    Route("/favicon.svg", favicon, methods=["GET"]),
    Route("/console", sign_in_and_pick, methods=["GET"]),
    Route("/console/halls/{hall}/windows/{window}", window_console, methods=["GET"]),
    Route("/supervise/halls/{hall}", supervise, methods=["GET"]),
    Route("/admin/users", admin_users, methods=["GET"]),
    Route("/admin/devices", admin_devices, methods=["GET"]),
    Route("/admin/audit", admin_audit, methods=["GET"]),
    Route("/console/admin/halls/{hall}", hall_settings, methods=["GET"]),
    Mount("/console/static", app=StaticFiles(directory=HERE / "static"), name="console-static"),
]
