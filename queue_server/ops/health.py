"""GET /healthz (the process answers) and GET /readyz (it can serve: the store and the bus
answer, the schema is at the newest migration). Cheap, no token: for probes and load balancers.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from starlette.requests import Request
from starlette.routing import Route

from queue_server.api.deps import service
from queue_server.api.responses import JSONResponse
from queue_server.messages import pick_language, translate
from queue_server.storage import migrate

# A probe that waits longer than this has its answer: not ready.
CHECK_TIMEOUT_S: Final = 2.0
# The newest migration this code knows, read once.
HEAD_REVISION: Final = migrate.head_revision()


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    backends = service(request).backends
    problems: list[tuple[str, dict[str, Any]]] = []
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            revision = await backends.store.schema_revision()
        if revision != HEAD_REVISION:
            problems.append(("ready.schema_behind", {"revision": revision or "-", "head": HEAD_REVISION}))
    except Exception as exc:  # any failure to answer is the one fact a probe needs
        problems.append(("ready.store_unreachable", {"problem": _first_line(exc)}))
    for client in backends.redis:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                await client.ping()
        except Exception as exc:
            problems.append(("ready.bus_unreachable", {"problem": _first_line(exc)}))
            break  # both clients talk to the same Redis
    if not problems:
        return JSONResponse({"status": "ready"})
    language = pick_language(request.headers.get("accept-language"))
    reasons = [
        {"code": key.removeprefix("ready."), "message": translate(key, language, **params)}
        for key, params in problems
    ]
    return JSONResponse({"status": "not ready", "reasons": reasons}, status_code=503)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
