"""How each kiosk printer is (ok, paper out, offline…), as its print agent last said: in this
process in the embedded default, in Redis (shared by every process) when the bus is Redis, so
that a kiosk or dashboard served by process B sees the printer whose agent is connected to A.

An agent talks to one process at a time, over one connection (a "link", named by a token):
that process writes what the agent reports, and renews the entry while the link lasts. A
process that dies holding a link stops renewing it, and the printer is forgotten after
PRINTER_STATE_TTL_S (unknown shows as offline). A report comes from the latest link to speak;
a link that closes marks the printer offline only if no newer link of it took over meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.clock import Clock
from queue_server.scaleout.keys import PRINTER_STATE_TTL_S, printer_state_key

log = logging.getLogger(__name__)

# The printer states of the agent protocol this module itself writes.
OFFLINE = "offline"
# The agent has not said yet how its printer is (it does right after connecting).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrinterCondition:
    state: str
    message: str
    paper_low: bool
    since: datetime  # when it came into this state
    connected: bool  # an agent of it is connected to some server process

    def public(self) -> dict[str, Any]:
        return {
            "connected": self.connected,
            "state": self.state if self.connected else OFFLINE,
            "message": self.message if self.connected else "print agent not connected",
            "paper_low": self.paper_low,
            "since": self.since.isoformat(),
        }


@dataclass(frozen=True)
class Heard:
    """What link `link` last said of a printer; `connected` False once that link closed."""

    hall: str
    printer: str
    link: str
    state: str
    message: str
    paper_low: bool
    connected: bool = True

    @classmethod
    def gone(cls, hall: str, printer: str, link: str) -> Heard:
        return cls(hall, printer, link, OFFLINE, "agent left", False, connected=False)


class PrinterStates(Protocol):
    async def report(
        self, hall: str, printer: str, link: str, state: str, message: str, paper_low: bool
    ) -> None:
        """What the agent on connection `link` says of its printer."""

    async def left(self, hall: str, printer: str, link: str) -> None:
        """Connection `link` closed: offline, unless a newer link of the printer took over."""

    async def renew(self, hall: str, printer: str) -> None:
        """The printer's link to this process is still open."""

    async def get(self, hall: str, printer: str) -> PrinterCondition | None:
        """None: no agent of it heard from (or no longer known)."""


class MemoryPrinterStates:
    """In this process: the embedded default, where one process has every agent."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._conditions: dict[tuple[str, str], tuple[PrinterCondition, str]] = {}

    async def report(
        self, hall: str, printer: str, link: str, state: str, message: str, paper_low: bool
    ) -> None:
        self._write(Heard(hall, printer, link, state, message, paper_low))

    async def left(self, hall: str, printer: str, link: str) -> None:
        current = self._conditions.get((hall, printer))
        if current is not None and current[1] == link:
            self._write(Heard.gone(hall, printer, link))

    async def renew(self, hall: str, printer: str) -> None:
        pass  # nothing expires here

    async def get(self, hall: str, printer: str) -> PrinterCondition | None:
        current = self._conditions.get((hall, printer))
        return None if current is None else current[0]

    def _write(self, heard: Heard) -> None:
        key = (heard.hall, heard.printer)
        previous = self._conditions.get(key)
        since = self._clock.now()
        if previous is not None and previous[0].state == heard.state:
            since = previous[0].since
        elif previous is not None:
            log.info("printer %s: %s (%s)", heard.printer, heard.state, heard.message)
        condition = PrinterCondition(heard.state, heard.message, heard.paper_low, since, heard.connected)
        self._conditions[key] = (condition, heard.link)


# One write, with the same rules as MemoryPrinterStates: `since` moves only when the state does;
# a closing link (ARGV[7] = '1') writes only if it is still the printer's latest link.
_WRITE = """
if ARGV[7] == '1' and redis.call('HGET', KEYS[1], 'link') ~= ARGV[5] then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= ARGV[1] then redis.call('HSET', KEYS[1], 'since', ARGV[4]) end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'message', ARGV[2], 'paper_low', ARGV[3], 'link', ARGV[5],
  'connected', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[8])
return 1
"""


class RedisPrinterStates:
    """Shared by every process. The printers whose agents are connected here are also kept
    here, so that printing on them never waits on Redis, nor stops while Redis is away; on a
    Redis error other processes see such a printer as offline for a moment (logged)."""

    def __init__(self, redis: Redis, clock: Clock) -> None:
        self._redis, self._clock = redis, clock
        self._here = MemoryPrinterStates(clock)
        self._write = redis.register_script(_WRITE)

    async def report(
        self, hall: str, printer: str, link: str, state: str, message: str, paper_low: bool
    ) -> None:
        await self._here.report(hall, printer, link, state, message, paper_low)
        await self._shared(Heard(hall, printer, link, state, message, paper_low))

    async def left(self, hall: str, printer: str, link: str) -> None:
        await self._here.left(hall, printer, link)
        await self._shared(Heard.gone(hall, printer, link))

    async def renew(self, hall: str, printer: str) -> None:
        try:
            await self._redis.expire(printer_state_key(hall, printer), PRINTER_STATE_TTL_S)
        except RedisError as exc:
            log.warning("state of printer %s not renewed (Redis: %s)", printer, exc)

    async def get(self, hall: str, printer: str) -> PrinterCondition | None:
        here = await self._here.get(hall, printer)
        if here is not None and here.connected:
            return here
        try:
            # The client decodes replies (decode_responses), so these are str.
            fields: dict[str, str] = await self._redis.hgetall(printer_state_key(hall, printer))  # type: ignore[assignment]
        except RedisError as exc:
            log.warning("state of printer %s unknown (Redis: %s)", printer, exc)
            return here
        if not fields:
            return None
        return PrinterCondition(
            state=fields["state"],
            message=fields["message"],
            paper_low=fields["paper_low"] == "1",
            since=datetime.fromisoformat(fields["since"]),
            connected=fields["connected"] == "1",
        )

    async def _shared(self, heard: Heard) -> None:
        closing = not heard.connected
        args: list[str | int] = [
            heard.state,
            heard.message,
            int(heard.paper_low),
            self._clock.now().isoformat(),
            heard.link,
            int(heard.connected),
            int(closing),
            PRINTER_STATE_TTL_S,
        ]
        try:
            await self._write(keys=[printer_state_key(heard.hall, heard.printer)], args=args)
        except RedisError as exc:
            log.warning("state of printer %s not shared (Redis: %s)", heard.printer, exc)


def open_printer_states(redis: Redis | None, clock: Clock) -> PrinterStates:
    return MemoryPrinterStates(clock) if redis is None else RedisPrinterStates(redis, clock)
