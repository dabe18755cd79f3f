"""A part that never finishes stopping holds neither the other parts nor the server's exit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest

from queue_server.ops.shutdown import stop_in_turn


async def test_a_step_that_never_ends_is_named_and_the_next_steps_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stopped: list[str] = []
    never = asyncio.Event()

    async def stuck() -> None:
        await never.wait()

    async def failing() -> None:
        raise OSError("socket already gone")

    async def fine() -> None:
        stopped.append("service")

    with caplog.at_level(logging.ERROR, logger="queue_server.ops.shutdown"):
        overran = await stop_in_turn(
            [("the notices", stuck), ("the deliverer", failing), ("the service", fine)], limit_s=0.2
        )

    assert overran == ["the notices"]
    assert stopped == ["service"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("stopping the notices took over" in m and "never.wait()" in m for m in messages), messages
    assert any("stopping the deliverer failed" in m for m in messages), messages


async def test_steps_that_stop_in_time_run_in_order() -> None:
    order: list[int] = []

    def step(n: int) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await asyncio.sleep(0)
            order.append(n)

        return run

    assert await stop_in_turn([(str(n), step(n)) for n in range(4)], limit_s=5) == []
    assert order == [0, 1, 2, 3]
