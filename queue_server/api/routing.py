"""The server's router: Starlette's, which remembers which route a path led to."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

# The path a route matches against (the request's, less the root path): Starlette's own
# definition, so what is remembered is keyed exactly as the routes see it.
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router, WebSocketRoute
from starlette.types import Receive, Scope, Send

# A hall's traffic is a few paths asked again and again (its issue, call and screen routes);
# the ids in a visitor's ticket path make the rest many, so the memory is bounded.
PATHS_REMEMBERED = 4096


class RememberingRouter(Router):
    """Starlette's router tries every route in order until one matches fully; the issue
    route is about the 40th, so most of a ticket's routing was regular expressions that
    failed. This one keeps, per (type, method, path), the route that first matched fully,
    which is the route Starlette would choose (the same routes in the same order), and hands
    the rest (no full match: 405, a redirect, 404) to Starlette's own routing.

    What a route matches must depend on the path, the method and the type alone: Host routes
    (which read the headers) are refused."""

    def __init__(self, routes: Sequence[BaseRoute], **options: Any) -> None:
        for route in routes:
            if not isinstance(route, Route | WebSocketRoute | Mount):
                raise TypeError(f"RememberingRouter cannot remember a {type(route).__name__}")
        super().__init__(list(routes), **options)
        self._first_full_match: Callable[[str, str | None, str], BaseRoute | None] = functools.lru_cache(
            maxsize=PATHS_REMEMBERED
        )(self._scan)

    def _scan(self, kind: str, method: str | None, path: str) -> BaseRoute | None:
        scope = {"type": kind, "method": method, "path": path, "root_path": ""}
        return next((r for r in self.routes if r.matches(scope)[0] is Match.FULL), None)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        route = None
        if kind != "lifespan":
            route = self._first_full_match(kind, scope.get("method"), get_route_path(scope))
        if route is None:
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        scope["route"] = route
        scope.update(route.matches(scope)[1])
        await route.handle(scope, receive, send)
