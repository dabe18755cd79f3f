"""Online tickets' phone hashes are erased once older than the hall's retention, daily."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from queue_server.clock import ManualClock
from queue_server.config import ConfigError, parse_settings
from queue_server.ops.retention import PhoneRetention
from queue_server.storage import open_store
from queue_server.storage.base import OnlineClaim, VisitorContact
from tests.conftest import MONDAY_10AM, demo_config, make_settings
from tests.queue_server.ops.conftest import serve

DAY = timedelta(days=1)


def test_claims_older_than_each_halls_retention_are_erased_once_a_day(
    tmp_path: Path, backend: dict[str, str]
) -> None:
    settings = make_settings(tmp_path, **backend)
    weiyang = settings.halls[0]
    assert weiyang.phone_retention == 30 * DAY  # the default
    strict = replace(weiyang, id="strict", phone_retention=7 * DAY)
    clock = ManualClock(MONDAY_10AM)

    async def go() -> None:
        store = open_store(settings.server.store)
        await store.start()
        try:
            for hall in ("weiyang", "strict"):
                for age_days, phone in ((40, "old"), (20, "recent"), (0, "today")):
                    at = MONDAY_10AM - age_days * DAY
                    claim = OnlineClaim(f"{hall}-{phone}", hall, at.date(), phone, at)
                    await store.add_online_claim(claim)
            # Numbers given for notifications: yesterday's goes, today's stays for its day.
            for ticket, day in (("yesterday", MONDAY_10AM.date() - DAY), ("today", MONDAY_10AM.date())):
                await store.add_visitor_contact(
                    VisitorContact(f"contact-{ticket}", "weiyang", day, "13800138000", "zh-CN", MONDAY_10AM)
                )
            retention = PhoneRetention(store, lambda: [weiyang, strict], clock)
            assert await retention.run_if_due() == {"weiyang": 2, "strict": 2}
            assert [c.ticket_id for c in await store.visitor_contacts("weiyang", MONDAY_10AM.date())] == [
                "contact-today"
            ]
            assert await store.visitor_contacts("weiyang", MONDAY_10AM.date() - DAY) == []
            for hall, phone, left in (
                ("weiyang", "old", 0),
                ("weiyang", "recent", 1),
                ("strict", "recent", 0),
                ("strict", "today", 1),
            ):
                day = (MONDAY_10AM - {"old": 40, "recent": 20, "today": 0}[phone] * DAY).date()
                assert await store.online_claims(hall, day, phone) == left, (hall, phone)
            # Once a day: later the same day it does not run again.
            clock.advance(timedelta(hours=6))
            assert await retention.run_if_due() is None
            # Eleven days on, the 20-day-old claim of weiyang is 31 days old.
            clock.advance(11 * DAY)
            assert await retention.run_if_due() == {"weiyang": 2, "strict": 1}  # today's number too
        finally:
            await store.close()

    asyncio.run(go())


def claims(store: Path) -> int:
    with sqlite3.connect(store) as db:
        (count,) = db.execute("SELECT count(*) FROM online_claim").fetchone()
    return int(count)


def test_a_server_erases_a_phone_hash_once_the_retention_has_passed(tmp_path: Path) -> None:
    store = tmp_path / "hall.db"
    for served in serve(tmp_path):
        taken = served.client.post(
            "/api/halls/weiyang/online-tickets", json={"category": "business", "phone": "138 0013 8000"}
        )
        assert taken.status_code == 201, taken.text
        assert claims(store) == 1
    # A month on, the server starts and erases it that day.
    for served in serve(tmp_path, seed=False, start=MONDAY_10AM + 30 * DAY + timedelta(hours=1)):
        deadline = time.monotonic() + 10
        while claims(store) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert claims(store) == 0
        assert "erased 1 online tickets' phone hashes older than 30 days" in served.log()


def test_a_retention_under_a_day_is_refused_as_the_daily_limit_needs_the_days_claims() -> None:
    raw = demo_config()
    raw["halls"][0]["phone_retention_days"] = 0
    with pytest.raises(ConfigError) as refused:
        parse_settings(raw)
    assert refused.value.problems == ["halls[0].phone_retention_days: must be at least 1, got 0"]
