"""The webhook delivery log keeps `[outbound] delivery_log_days` (30) of attempts: the server's
daily job deletes older ones and leaves each webhook's progress as it is; on both backends."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.clock import ManualClock
from queue_server.config import ConfigError, Settings, parse_settings
from queue_server.ops.retention import PhoneRetention
from queue_server.outbound.settings import outbound_settings
from queue_server.storage import open_store
from queue_server.storage.base import DeliveryAttempt, Webhook
from tests.conftest import MONDAY_10AM, demo_config, login_all, seed_people

DAY = timedelta(days=1)
AGES = (40, 31, 29, 0)  # days before MONDAY_10AM of the attempts written


def settings_with(tmp_path: Path, backend: dict[str, str], **outbound: object) -> Settings:
    raw = demo_config()
    raw["server"].update(backend)
    raw["outbound"] = outbound
    return parse_settings(raw, base_dir=tmp_path)


async def write_log(settings: Settings) -> None:
    """A webhook that delivered seqs 1 to 4, one a day, at the ages above."""
    store = open_store(settings.server.store)
    await store.start()
    try:
        created = MONDAY_10AM - 41 * DAY
        hook = Webhook(
            "hook-1", "weiyang", "http://127.0.0.1:9/hook", ("ticket.issued",), "s", created, "admin", 0
        )
        await store.add_webhook(hook)
        for seq, age in enumerate(AGES, start=1):
            at = MONDAY_10AM - age * DAY
            attempt = DeliveryAttempt(hook.id, seq, "ticket.issued", 1, at, 204, None, 12)
            moved = replace(hook, delivered_seq=seq)
            assert await store.save_webhook_progress(moved, seq - 1, [attempt])
    finally:
        await store.close()


async def logged(settings: Settings) -> tuple[list[datetime], int]:
    """The attempts' times, oldest first, and the webhook's cursor."""
    store = open_store(settings.server.store)
    await store.start()
    try:
        attempts = await store.delivery_attempts("hook-1", 100)
        hook = await store.get_webhook("hook-1")
        assert hook is not None
        return sorted(a.at for a in attempts), hook.delivered_seq
    finally:
        await store.close()


def test_the_daily_job_deletes_attempts_past_the_kept_days(tmp_path: Path, backend: dict[str, str]) -> None:
    settings = settings_with(tmp_path, backend)
    assert outbound_settings(settings).delivery_log == 30 * DAY  # the default
    clock = ManualClock(MONDAY_10AM)

    async def go() -> None:
        await write_log(settings)
        store = open_store(settings.server.store)
        await store.start()
        try:
            job = PhoneRetention(
                store, lambda: settings.halls, clock, outbound_settings(settings).delivery_log
            )
            await job.run_if_due()
            assert await job.prune_delivery_log() == 0  # the day's run took them already
        finally:
            await store.close()
        kept, cursor = await logged(settings)
        assert kept == [MONDAY_10AM - 29 * DAY, MONDAY_10AM]
        assert cursor == 4  # the progress stays: nothing is delivered again
        # Two days on, the 29-day-old attempt is 31 days old and goes at that day's run.
        clock.advance(2 * DAY)
        await store.start()
        try:
            job = PhoneRetention(
                store, lambda: settings.halls, clock, outbound_settings(settings).delivery_log
            )
            await job.run_if_due()
        finally:
            await store.close()
        assert (await logged(settings))[0] == [MONDAY_10AM]

    asyncio.run(go())


def test_a_server_prunes_the_log_by_its_setting(tmp_path: Path) -> None:
    backend = {"store": f"sqlite:///{tmp_path / 'hall.db'}", "bus": "memory://"}
    settings = settings_with(tmp_path, backend, delivery_log_days=7)
    clock = ManualClock(MONDAY_10AM)
    tokens = seed_people(settings, clock)
    asyncio.run(write_log(settings))
    with TestClient(create_app(settings, clock)) as client:  # the job runs once the server is up
        login_all(client, tokens)
        deadline = time.monotonic() + 20
        while len(asyncio.run(logged(settings))[0]) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        reply = client.get("/api/halls/weiyang/webhooks/hook-1/deliveries", headers=admin)
        assert reply.status_code == 200, reply.text
        assert [d["seq"] for d in reply.json()["deliveries"]] == [4]  # only today's attempt is left
        assert reply.json()["webhook"]["delivered_seq"] == 4


@pytest.mark.parametrize("days", [0, -3, 1.5, "30", True])
def test_a_bad_delivery_log_days_is_named(tmp_path: Path, days: object) -> None:
    settings = settings_with(tmp_path, {}, delivery_log_days=days)
    with pytest.raises(ConfigError) as refused:
        outbound_settings(settings)
    assert "outbound.delivery_log_days: expected a whole number of days, at least 1" in str(refused.value)
