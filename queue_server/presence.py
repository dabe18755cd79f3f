"""Which devices are connected and when each was last seen (screens, kiosks, printers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from queue_server.auth import Principal
from queue_server.clock import Clock


@dataclass
class Seen:
    name: str
    kind: str
    hall: str | None
    connections: int = 0
    last_seen: datetime | None = None
    address: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "hall": self.hall,
            "connected": self.connections > 0,
            "connections": self.connections,
            "last_seen": None if self.last_seen is None else self.last_seen.isoformat(),
            "address": self.address,
        }


class Presence:
    """In this process; each server process knows the devices connected to it."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._devices: dict[str, Seen] = {}

    def seen(self, who: Principal, address: str | None = None) -> None:
        if who.device is None:
            return
        entry = self._devices.setdefault(who.name, Seen(who.name, who.device.value, who.hall))
        entry.last_seen = self._clock.now()
        entry.address = address or entry.address

    def connected(self, who: Principal, address: str | None) -> None:
        self.seen(who, address)
        if who.device is not None:
            self._devices[who.name].connections += 1

    def disconnected(self, who: Principal) -> None:
        entry = self._devices.get(who.name)
        if entry is not None:
            entry.connections = max(0, entry.connections - 1)
            entry.last_seen = self._clock.now()

    def get(self, name: str) -> Seen | None:
        return self._devices.get(name)
