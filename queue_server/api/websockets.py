"""Small pieces every WebSocket route of ours needs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from starlette.types import Message
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from queue_server.messages import translate


async def close_quietly(ws: WebSocket, code: int, reason: str) -> None:
    """Close if both sides still think the socket is open; a peer already gone is fine."""
    if ws.application_state is WebSocketState.CONNECTED and ws.client_state is WebSocketState.CONNECTED:
        with contextlib.suppress(Exception):
            await ws.close(code=code, reason=reason)


def refusal_words(key: str, params: dict[str, Any], language: str) -> tuple[dict[str, str], str]:
    """What a refused client is told: the error (its code, and the message in the client's
    language) for its error frame, and the close reason in English words (a close reason
    holds at most 123 bytes)."""
    said = {"code": key.removeprefix("error."), "message": translate(key, language, **params)}
    reason = translate(key, "en", **params).encode()[:120].decode(errors="ignore")
    return said, reason


async def next_message(ws: WebSocket) -> Message:
    """The client's next message (its "text" or its "bytes"); WebSocketDisconnect once it has
    hung up."""
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    return message


async def until_hang_up(ws: WebSocket) -> None:
    """Reads until the client hangs up (clients of ours say nothing the server needs)."""
    while True:
        await next_message(ws)


async def first_to_finish(*coroutines: Coroutine[Any, Any, None]) -> None:
    """Runs the coroutines together until one ends; cancels the rest; re-raises its error."""
    tasks = [asyncio.create_task(coroutine) for coroutine in coroutines]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    for task in done:
        task.result()
