"""The remembering router (queue_server.api.routing) hands every request to the route
Starlette's own router would, over the server's own routes in their order: asked first and
asked again, for paths made from every route's pattern and for paths no route has."""

from __future__ import annotations

import asyncio
import contextlib
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Host, Mount, Route, Router, WebSocketRoute

from queue_server.api.routing import RememberingRouter
from queue_server.app import create_app
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def server_routes(tmp_path_factory: pytest.TempPathFactory) -> list[BaseRoute]:
    app = create_app(make_settings(Path(tmp_path_factory.mktemp("routing"))))
    return list(app.router.routes)


@contextlib.contextmanager
def recorded_handles(chosen: list[BaseRoute]) -> Iterator[None]:
    """Each route kind's handle notes the route it was called on instead of answering."""

    async def handle(self: BaseRoute, scope: Any, receive: Any, send: Any) -> None:
        chosen.append(self)

    with contextlib.ExitStack() as stack:
        for kind in (Route, WebSocketRoute, Mount):
            stack.enter_context(mock.patch.object(kind, "handle", handle))
        yield


def outcome(router: Router, scope: dict[str, Any]) -> tuple[str, Any]:
    """The route the request went to, else what was answered (404, a redirect)."""
    chosen: list[BaseRoute] = []
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message.get("status"))

    with recorded_handles(chosen):
        asyncio.run(router.app(dict(scope), receive, send))
    if chosen:
        return "route", chosen[0]
    return "answered", sent[:1]


segment = st.one_of(
    st.sampled_from(["weiyang", "tickets", "7", "x"]),
    st.text(string.ascii_letters + string.digits + "-_.~%", min_size=1, max_size=12),
)


@st.composite
def requests(draw: st.DrawFn, routes: list[BaseRoute]) -> dict[str, Any]:
    route = draw(st.sampled_from(routes))
    pattern = getattr(route, "path", "/")
    path = re.sub(r"\{[^}]+\}", lambda _: draw(segment), pattern) or "/"
    path = draw(st.sampled_from([path, path + "/", path + "/" + draw(segment), "/" + draw(segment)]))
    kind = draw(st.sampled_from(["http", "http", "websocket"]))
    scope: dict[str, Any] = {"type": kind, "path": path, "root_path": "", "headers": []}
    if kind == "http":
        scope["method"] = draw(st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]))
        scope.update(scheme="http", server=("127.0.0.1", 8000), query_string=b"")
    return scope


def test_the_server_has_many_routes_in_an_order_that_matters(server_routes: list[BaseRoute]) -> None:
    # What makes remembering worth it, and the order it must keep: the ticketing reprint
    # route comes before the API's ticket routes it overlaps (app.py).
    assert len(server_routes) > 30
    paths = [getattr(r, "path", "") for r in server_routes]
    assert paths.index("/api/halls/{hall}/tickets") > 20


async def endpoint(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("handle is recorded, never called")


# Routes that overlap, where only their order decides (the server's own overlap only through
# partial matches today): a path several match fully, a method only a later one takes, a
# mount under a route, a websocket beside an HTTP route of the same path.
OVERLAPPING: list[BaseRoute] = [
    Route("/halls/{hall}/tickets", endpoint, methods=["GET"]),
    Route("/halls/{hall}/{what}", endpoint, methods=["POST"]),
    Route("/halls/weiyang/tickets", endpoint),
    Route("/halls/{hall}/tickets", endpoint, methods=["POST", "PUT"]),
    WebSocketRoute("/halls/{hall}/tickets", endpoint),
    Route("/halls/{number:int}", endpoint),
    Route("/halls/{hall}", endpoint, methods=["DELETE"]),
    Mount("/halls", app=endpoint),
    Route("/{anything:path}", endpoint, methods=["PATCH"]),
]


def check_like_starlette(routes: list[BaseRoute], data: st.DataObject) -> None:
    plain, remembering = Router(routes), RememberingRouter(routes)
    for _ in range(8):  # several requests, so that one may meet what another left remembered
        scope = data.draw(requests(routes))
        expected = outcome(plain, scope)
        assert outcome(remembering, scope) == expected
        assert outcome(remembering, scope) == expected  # remembered this time


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_request_goes_where_starlettes_router_sends_it(
    server_routes: list[BaseRoute], data: st.DataObject
) -> None:
    check_like_starlette(server_routes, data)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_where_routes_overlap_the_first_in_order_still_wins(data: st.DataObject) -> None:
    check_like_starlette(OVERLAPPING, data)


def test_a_route_that_reads_the_headers_is_refused() -> None:
    with pytest.raises(TypeError, match="Host"):
        RememberingRouter([Host("onewindow.example", app=Router([]))])
