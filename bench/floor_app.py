"""The floor: a bare Starlette app on uvicorn doing the least possible work per request.

Benchmarks drive it the same way as OneWindow in the same run and report OneWindow's
figure as a share of it (the machine's and the client's own ceiling).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def answer(request: Request) -> Response:
    await request.body()
    return JSONResponse({"ok": True, "ticket": {"number": "A001"}})


app = Starlette(routes=[Route("/{name}", answer, methods=["GET", "POST"])])
