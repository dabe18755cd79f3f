"""The floor: a bare Starlette app on uvicorn doing the least possible work per request.

Benchmarks drive it the same way as OneWindow in the same run and report OneWindow's
figure as a share of it (the machine's and the client's own ceiling). Its WebSocket floor:
`/ws` keeps each socket open; `POST /broadcast` sends the same text frame to every one of
them from one loop.

The durable floor: under `/durable/` the same routes answer only once the request's body is
committed to SQLite as OneWindow commits (WAL, `synchronous=FULL`, so fsync'd), the requests
that arrive while a commit is in flight committed together in the next one (group commit) by
one writer thread. It is what durable writes allow on this disk with no other work.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

sockets: set[WebSocket] = set()


class GroupCommit:
    """Each body a row, durable before `write` returns; one transaction per batch."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._writer = ThreadPoolExecutor(1, "floor-commit")
        self._waiting: list[tuple[bytes, asyncio.Future[None]]] = []
        self._committing = False
        self._connection: sqlite3.Connection | None = None

    async def write(self, body: bytes) -> None:
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((body, done))
        if not self._committing:
            self._next()
        await done

    def _next(self) -> None:
        batch, self._waiting = self._waiting, []
        self._committing = True
        commit = asyncio.get_running_loop().run_in_executor(self._writer, self._commit, [b for b, _ in batch])
        commit.add_done_callback(lambda result: self._committed(batch, result))

    def _committed(
        self, batch: list[tuple[bytes, asyncio.Future[None]]], result: asyncio.Future[None]
    ) -> None:
        error = result.exception()
        for _, done in batch:
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)
        self._committing = False
        if self._waiting:
            self._next()

    def _commit(self, bodies: list[bytes]) -> None:
        if self._connection is None:
            self._connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.execute("CREATE TABLE IF NOT EXISTS request (id INTEGER PRIMARY KEY, body BLOB)")
        self._connection.execute("BEGIN IMMEDIATE")
        self._connection.executemany("INSERT INTO request (body) VALUES (?)", [(b,) for b in bodies])
        self._connection.execute("COMMIT")


# Beside the benchmark's OneWindow database (the same disk): bench/call_rate.py's Floor says where.
durable = GroupCommit(Path(os.environ.get("FLOOR_DIR", ".")) / "floor.db")


async def answer(request: Request) -> Response:
    body = await request.body()
    if request.url.path.startswith("/durable/"):
        await durable.write(body)
    return JSONResponse({"ok": True, "ticket": {"number": "A001"}})


async def broadcast(request: Request) -> Response:
    body = await request.body()
    if request.url.path.startswith("/durable/"):
        await durable.write(body)
    text = body.decode()
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
        Route("/durable/broadcast", broadcast, methods=["POST"]),
        WebSocketRoute("/ws", screen),
        Route("/{name}", answer, methods=["GET", "POST"]),
        Route("/durable/{name}", answer, methods=["GET", "POST"]),
    ]
)
