"""Stopping the server's parts in turn, each given a bounded time.

A server asked to stop (systemd, a test's client) must stop: one part that never finishes its
close, say a Redis client waiting on a socket that will not close (redis/redis-py#3941), must
not hold the rest, or the process, forever. Each step runs as a task of its own and is waited
for at most `limit_s`; one that overruns is named in the log, with where it is stuck, and left
behind while the next steps run.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Sequence

log = logging.getLogger(__name__)

STEP_LIMIT_S = 10.0

Step = tuple[str, Callable[[], Awaitable[None]]]


async def stop_in_turn(steps: Sequence[Step], limit_s: float = STEP_LIMIT_S) -> list[str]:
    """Runs the steps one after the other; the names of those that overran `limit_s`."""
    overran: list[str] = []
    for name, step in steps:
        task = asyncio.ensure_future(step())
        done, _ = await asyncio.wait({task}, timeout=limit_s)
        if not done:
            where = io.StringIO()
            task.print_stack(file=where)
            log.error(
                "stopping %s took over %.0f s; going on without it\n%s", name, limit_s, where.getvalue()
            )
            overran.append(name)
        elif not task.cancelled() and (error := task.exception()) is not None:
            log.error("stopping %s failed", name, exc_info=error)
    return overran
