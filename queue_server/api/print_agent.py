"""WS /print/agent: where print agents (python -m ticket_printer) collect their printer's jobs.

Protocol, JSON text frames (see ticket_printer/README.md):
  server -> agent  {"type": "hello", "printer", "hall", "connection": {...} | null}
  agent  -> server {"type": "status", "state", "message", "paper_low"}   first, then on change
  server -> agent  {"type": "job", "job_id", "ticket", "reprint", "created_at", "data": base64}
  agent  -> server {"type": "ack", "job_id", "printed": bool, "state", "message", "paper_low"}
The agent authenticates with its printer device token (?token= or Authorization: Bearer).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, Final, Literal

from pydantic import BaseModel, ValidationError
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from queue_server.api.deps import bearer_token, json_value, principal, service, ticketing
from queue_server.api.stream import CLOSE_TRY_AGAIN, STORE_UNAVAILABLE
from queue_server.api.websockets import close_quietly, next_message, refusal_words
from queue_server.auth import DeviceKind, NotAuthenticated
from queue_server.messages import pick_language
from queue_server.storage.base import StoreUnavailable
from queue_server.ticketing.dispatcher import PrinterLink
from queue_server.ticketing.settings import printer_of
from ticket_printer.status import PrinterState

log = logging.getLogger(__name__)

SEND_TIMEOUT_S: Final = 10.0
CLOSE_UNAUTHORIZED, CLOSE_FORBIDDEN, CLOSE_REPLACED = 4401, 4403, 4409

_States = Literal["ok", "offline", "paper_out", "cover_open", "error"]
# Each open agent's token check, run on a revocation notice (queue_server.notices), so that a
# revoked or re-issued printer is cut off at once rather than at its next connection.
_checks: set[Callable[[], None]] = set()


def check_every_agent() -> None:
    for check in list(_checks):
        check()


class StatusMessage(BaseModel):
    type: Literal["status"]
    state: _States
    message: str = ""
    paper_low: bool = False


class AckMessage(BaseModel):
    type: Literal["ack"]
    job_id: str
    printed: bool
    state: _States = PrinterState.OK.value
    message: str = ""
    paper_low: bool = False


async def print_agent(ws: WebSocket) -> None:
    await ws.accept()
    svc = service(ws)
    try:
        caller = await principal(ws)
    except NotAuthenticated as exc:
        await _refuse(ws, CLOSE_UNAUTHORIZED, exc.key)
        return
    except StoreUnavailable:  # its device could not be read: the agent connects again soon
        await close_quietly(ws, CLOSE_TRY_AGAIN, STORE_UNAVAILABLE)
        return
    if caller.device is not DeviceKind.PRINTER:
        await _refuse(ws, CLOSE_FORBIDDEN, "error.forbidden_role")
        return
    dispatcher = ticketing(ws).dispatcher
    # The connection as the hall's settings have it now; a change reaches the agent when it
    # connects again (paper and mode need no reconnection: tickets are rendered here).
    entry = printer_of(svc.spec(caller.hall), caller.name) if caller.hall in svc.halls else None
    lock = asyncio.Lock()

    async def send(message: dict[str, Any]) -> None:
        async with lock:
            try:
                await asyncio.wait_for(ws.send_json(message), SEND_TIMEOUT_S)
            except (WebSocketDisconnect, RuntimeError) as exc:  # the agent went away meanwhile
                raise ConnectionError(f"print agent {caller.name} disconnected") from exc

    async def close() -> None:
        await close_quietly(ws, CLOSE_REPLACED, "another connection of this printer took over")

    link = PrinterLink(caller.hall or "", caller.name, send, close)
    connection = None
    if entry is not None and entry.connection is not None:
        connection = {k: v for k, v in asdict(entry.connection).items() if v not in ("", None)}
    await send({"type": "hello", "printer": caller.name, "hall": caller.hall, "connection": connection})
    checking: set[asyncio.Task[None]] = set()

    async def still_allowed() -> None:
        try:
            await svc.authenticate(bearer_token(ws))
        except NotAuthenticated as exc:
            await _refuse(ws, CLOSE_UNAUTHORIZED, exc.key)
        except StoreUnavailable:  # not read now: the agent keeps printing until the next check
            log.info("print agent %s not checked again: the store is unavailable", caller.name)

    def check() -> None:
        task = asyncio.create_task(still_allowed())
        checking.add(task)
        task.add_done_callback(checking.discard)

    await dispatcher.attach(link)
    await svc.presence.connected(caller, ws.client.host if ws.client else None)
    _checks.add(check)
    try:
        while True:
            message = await next_message(ws)
            await svc.presence.seen(caller)
            text = message.get("text")
            if text is None:  # the agent sends text: a binary frame goes to the log as its bytes
                text = repr(message.get("bytes"))
            try:
                raw = json_value(text)
            except (ValueError, RecursionError):
                # An agent of another version, or a broken one: said in the log, the link kept.
                log.warning("printer %s sent a message that is not JSON text: %.80r", link.printer, text)
                continue
            await _handle(link, raw, ws)
    except (WebSocketDisconnect, TimeoutError, ConnectionError, RuntimeError):
        pass
    finally:
        _checks.discard(check)
        await dispatcher.detach(link)
        await svc.presence.disconnected(caller)


async def _handle(link: PrinterLink, raw: Any, ws: WebSocket) -> None:
    dispatcher = ticketing(ws).dispatcher
    kind = raw.get("type") if isinstance(raw, dict) else None
    try:
        if kind == "status":
            status = StatusMessage.model_validate(raw)
            await dispatcher.on_status(link, status.state, status.message, status.paper_low)
        elif kind == "ack":
            ack = AckMessage.model_validate(raw)
            await dispatcher.on_ack(link, ack.job_id, ack.printed, ack.state, ack.message, ack.paper_low)
        else:
            log.warning("printer %s sent an unknown message type %r", link.printer, kind)
    except ValidationError as exc:
        log.warning("printer %s sent a bad %s message: %s", link.printer, kind, exc)


async def _refuse(ws: WebSocket, code: int, key: str) -> None:
    """The agent logs the message for whoever looks after the printer; the close reason says
    it in English words."""
    said, reason = refusal_words(key, {}, pick_language(ws.headers.get("accept-language")))
    with contextlib.suppress(Exception):
        await ws.send_json({"type": "error", **said})
    await close_quietly(ws, code, reason)


routes = [WebSocketRoute("/print/agent", print_agent)]
