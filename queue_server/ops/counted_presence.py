"""Presence that also counts this process's open WebSocket connections by kind (GET /metrics).

Every connection of a screen, kiosk, print agent or staff console is announced to presence
when it opens and when it ends; visitors' phone pages are counted by `ObservedRequests`.
"""

from __future__ import annotations

from queue_server.auth import Principal
from queue_server.ops.metrics import WEBSOCKET_CLIENTS
from queue_server.presence import Presence, Seen


def client_kind(who: Principal) -> str:
    return who.device.value if who.device is not None else "staff"


class CountedPresence:
    def __init__(self, inner: Presence) -> None:
        self._inner = inner

    async def seen(self, who: Principal, address: str | None = None) -> None:
        await self._inner.seen(who, address)

    async def connected(self, who: Principal, address: str | None) -> None:
        WEBSOCKET_CLIENTS.labels(client_kind(who)).inc()
        await self._inner.connected(who, address)

    async def disconnected(self, who: Principal) -> None:
        WEBSOCKET_CLIENTS.labels(client_kind(who)).dec()
        await self._inner.disconnected(who)

    async def get(self, hall: str, name: str) -> Seen | None:
        return await self._inner.get(hall, name)
