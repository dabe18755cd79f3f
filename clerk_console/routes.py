"""Every route of the console package, for queue_server.app to list.

The API routes must come before queue_server's /tickets/{ticket}/{action}, which would
otherwise answer POST .../transfer, .../prioritise and .../rating with a 404.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from clerk_console import api, audit, pages, users

api_routes: list[BaseRoute] = [*api.routes, *users.routes, *audit.routes]
page_routes: list[BaseRoute] = pages.routes
