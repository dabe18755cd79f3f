"""The floor: a bare Starlette app on uvicorn doing the least possible work per request.

Benchmarks drive it the same way as OneWindow in the same run and report OneWindow's
figure as a share of it (the machine's and the client's own ceiling). Its WebSocket floor:
`/ws` keeps each socket open; `POST /broadcast` sends the same text frame to every one of
them from one loop.
"""

from __future__ import annotations

import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

sockets: set[WebSocket] = set()


async def answer(request: Request) -> Response:
    await request.body()
    return JSONResponse({"ok": True, "ticket": {"number": "A001"}})


async def broadcast(request: Request) -> Response:
    text = (await request.body()).decode()
    for ws in list(sockets):
        with contextlib.suppress(Exception):
            await ws.send_text(text)
    return JSONResponse({"sent": len(sockets)})


async def screen(ws: WebSocket) -> None:
    await ws.accept()
    await ws.send_text('{"kind":"snapshot","seq":0}')
    sockets.add(ws)
    try:
        while True:
            await ws.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        sockets.discard(ws)


app = Starlette(
    routes=[
        Route("/broadcast", broadcast, methods=["POST"]),
        WebSocketRoute("/ws", screen),
        Route("/{name}", answer, methods=["GET", "POST"]),
    ]
)
