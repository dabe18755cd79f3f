"""Every route of the ticketing package, in the order app.py must mount them (before the queue
server's own routes, whose /api/halls/{hall}/tickets/{ticket}/{action} would catch reprint)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from displays.ticketing import booking, kiosk, visitor
from displays.ticketing.pages import STATIC_DIR

routes: list[BaseRoute] = [
    *kiosk.routes,
    *visitor.routes,
    *booking.routes,
    Mount("/ticketing/static", StaticFiles(directory=STATIC_DIR), name="ticketing-static"),
]
