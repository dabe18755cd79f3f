"""WS /ws/halls/{hall}: the hall's events as JSON, each with its seq; `?after=seq` resumes.

A client that is new, too far behind, or ahead of the server (after a store reset) gets a
full snapshot first and the events after it. A client that cannot keep up is closed with
4008 so that it reconnects and resyncs; it never holds back the others.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from queue_server.api.deps import MAX_NUMBER_DIGITS, bearer_token, principal, service, whole_number
from queue_server.api.fanout import CLOSE_RESYNC, Check, HallFanout, Refusal, Screen, Verdicts, hall_fanout
from queue_server.api.websockets import close_quietly, refusal_words, until_hang_up
from queue_server.auth import NotAuthenticated
from queue_server.bus.base import ReplayGap, SubscriberOverflow, Subscription
from queue_server.domain.errors import DomainError, Forbidden, NotFound
from queue_server.domain.events import without_ticket_ids
from queue_server.domain.hall import HallState
from queue_server.messages import pick_language, translate
from queue_server.runtime import HallRuntime
from queue_server.storage.base import StoreUnavailable

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 10.0
CLOSE_BAD_REQUEST, CLOSE_UNAUTHORIZED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND = 4400, 4401, 4403, 4404
CLOSE_TRY_AGAIN = 1013
# Said with 1013, so that screens come back as soon as the store does, not after a back-off.
RETRY_AFTER_MS = 1000
STORE_UNAVAILABLE = f"store unavailable; retry_after_ms={RETRY_AFTER_MS}"


async def hall_stream(ws: WebSocket) -> None:
    hall = ws.path_params["hall"]
    await ws.accept()
    language = pick_language(ws.headers.get("accept-language"))
    svc = service(ws)
    try:
        runtime = svc.hall(hall)
        caller = await principal(ws)
        caller.require_hall(hall)
        after = _after(ws.query_params.get("after"))
    except (DomainError, NotAuthenticated) as exc:
        code = CLOSE_UNAUTHORIZED
        if isinstance(exc, ValueError):
            code = CLOSE_BAD_REQUEST
        elif isinstance(exc, NotFound):
            code = CLOSE_NOT_FOUND
        elif isinstance(exc, Forbidden):
            code = CLOSE_FORBIDDEN
        said, reason = _refused_screen(exc.key, exc.params if isinstance(exc, DomainError) else {}, language)
        await ws.send_text(said)
        await ws.close(code=code, reason=reason)
        return
    except StoreUnavailable:
        # Its account could not be read (the store out of reach, or every connection busy).
        await close_quietly(ws, CLOSE_TRY_AGAIN, STORE_UNAVAILABLE)
        return
    subscription: Subscription | None = None
    fanout: HallFanout | None = None
    screen: Screen | None = None
    await svc.presence.connected(caller, ws.client.host if ws.client else None)
    try:
        device = caller.device is not None
        fanout = hall_fanout(svc.bus, hall)
        # The hall's subscription exists before this screen's catch-up starts: no event
        # published in between is missed by both.
        await fanout.started()
        subscription, last = await _open(svc, runtime, hall, after, ws, device)
        check = _still_allowed(ws, svc.authenticate, lambda: svc.hall(hall), language)
        screen = await _catch_up(ws, subscription, last, device, svc.settings.server.client_queue, check)
        await subscription.close()
        subscription = None  # with its queue, not kept for the socket's life
        fanout.join(screen)
        # From here the hall's fan-out sends, beats and closes; the handler only reads.
        await until_hang_up(ws)
    except NotAuthenticated as exc:
        await close_quietly(ws, CLOSE_UNAUTHORIZED, translate(exc.key, "en"))
    except SubscriberOverflow:
        await close_quietly(ws, CLOSE_RESYNC, "resync")
    except StoreUnavailable:
        # The store or the bus is out of reach: the client retries with its seq, soon.
        await close_quietly(ws, CLOSE_TRY_AGAIN, STORE_UNAVAILABLE)
    except (TimeoutError, WebSocketDisconnect, ConnectionError, RuntimeError):
        await close_quietly(ws, 1001, "going away")
    finally:
        await svc.presence.disconnected(caller)
        if fanout is not None:
            fanout.left(screen)
        if subscription is not None:
            await subscription.close()


class _BadAfter(DomainError, ValueError):
    pass


def _after(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    seq = whole_number(raw)
    if seq is None:
        raise _BadAfter(
            "error.bad_field",
            field="after",
            problem=f"must be a whole number of at most {MAX_NUMBER_DIGITS} digits",
        )
    return seq


async def _send(ws: WebSocket, message: dict[str, Any] | str) -> None:
    async with asyncio.timeout(SEND_TIMEOUT_S):
        if isinstance(message, str):
            await ws.send_text(message)
        else:
            await ws.send_json(message)


async def _open(
    svc: Any, runtime: Any, hall: str, after: int | None, ws: WebSocket, device: bool
) -> tuple[Subscription, int]:
    # A client ahead of every committed step (the store was reset) starts over.
    if after is not None and after <= (await runtime.current()).seq:
        try:
            return await svc.bus.subscribe(hall, after), after
        except ReplayGap:
            pass
    texts = _snapshot_texts.setdefault(runtime, SnapshotTexts())
    while True:
        seq, text = await runtime.read(lambda state: texts.text(state, device))
        await _send(ws, text)
        try:
            return await svc.bus.subscribe(hall, seq), seq
        except ReplayGap:  # the ring moved past the snapshot while it was sent: take another
            continue


class SnapshotTexts:
    """A hall's snapshot as sent to screens (and to staff), made once per seq: the screens
    connecting at the same seq (all of them, after a restart or a network blip) get the same
    text instead of each having the hall walked and serialised for it."""

    def __init__(self) -> None:
        self._made_at: tuple[int, object] | None = None
        self._texts: dict[bool, str] = {}

    def text(self, state: HallState, device: bool) -> tuple[int, str]:
        """The snapshot's seq and text; `device`: without ticket ids."""
        # Only a step moves the seq; the first step of a day also clears yesterday's calls.
        made_at = (state.seq, state.calls_day)
        if made_at != self._made_at:
            self._made_at, self._texts = made_at, {}
        text = self._texts.get(device)
        if text is None:
            snapshot = state.snapshot()
            text = self._texts[device] = json.dumps(
                without_ticket_ids(snapshot) if device else snapshot,
                ensure_ascii=False,
                separators=(",", ":"),
            )
        return state.seq, text


_snapshot_texts: weakref.WeakKeyDictionary[HallRuntime, SnapshotTexts] = weakref.WeakKeyDictionary()


async def _catch_up(
    ws: WebSocket, subscription: Subscription, last: int, device: bool, backlog: int, check: Check
) -> Screen:
    """Sends what the screen's own subscription holds until it is empty, then hands over:
    from its last seq on, the hall's fan-out sends it every event."""
    while queued := subscription.take_queued():
        for event in queued:
            if event.seq > last:
                await _send(ws, event.device_wire if device else event.wire)
                last = event.seq
    return Screen(ws, device=device, last=last, backlog=backlog, check=check)


def _still_allowed(
    ws: WebSocket,
    authenticate: Callable[[str | None], Awaitable[object]],
    served: Callable[[], object],
    language: str,
) -> Check:
    """The screen's check at every heartbeat and revocation notice: its hall still served and its
    token again, so that the screens of a retired hall (an admin's too) and a revoked device or
    account are cut off, told why in its language."""

    async def check(verdicts: Verdicts) -> Refusal | None:
        try:
            served()
        except NotFound as exc:
            return _refusal(CLOSE_NOT_FOUND, exc.key, exc.params)
        token = bearer_token(ws) or ""
        # The refusal is worded in this screen's language: another with the token may differ.
        key = (token, language)
        if key not in verdicts:
            verdicts[key] = await _verdict(token or None)
        return verdicts[key]

    async def _verdict(token: str | None) -> Refusal | None:
        try:
            await authenticate(token)
        except NotAuthenticated as exc:
            return _refusal(CLOSE_UNAUTHORIZED, exc.key, {})
        except StoreUnavailable:
            return Refusal(CLOSE_TRY_AGAIN, STORE_UNAVAILABLE)
        return None

    def _refusal(code: int, key: str, params: dict[str, Any]) -> Refusal:
        said, reason = _refused_screen(key, params, language)
        return Refusal(code, reason, said)

    return check


def _refused_screen(key: str, params: dict[str, Any], language: str) -> tuple[str, str]:
    """A refused screen's error frame (as text) and close reason."""
    said, reason = refusal_words(key, params, language)
    return json.dumps({"kind": "error", **said}, ensure_ascii=False), reason


routes = [WebSocketRoute("/ws/halls/{hall}", hall_stream)]
