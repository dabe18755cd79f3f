"""`onewindow booking add`: the code it prints is a booking in the store; a slot outside the
opening hours is refused with the reason and exit status 2."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import tomli_w

from queue_server.cli import main
from queue_server.config import load_settings
from queue_server.storage import open_store
from queue_server.storage.base import Booking
from tests.conftest import demo_config

XIAN = ZoneInfo("Asia/Shanghai")


def write_config(tmp_path: Path) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{tmp_path / 'hall.db'}"
    config = tmp_path / "config.toml"
    config.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return config


def stored(config: Path, code: str) -> Booking | None:
    async def read() -> Booking | None:
        store = open_store(load_settings(config).server.store)
        await store.start()
        try:
            return await store.get_booking("weiyang", code)
        finally:
            await store.close()

    return asyncio.run(read())


def book(config: Path, start: str, end: str) -> int:
    args = ["--start", start, "--end", end]
    return main(["--config", str(config), "booking", "add", "--hall", "weiyang", "--category", "tax", *args])


def test_the_printed_code_is_the_booking_of_that_slot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    assert book(config, "2026-11-23 10:00", "2026-11-23 10:30") == 0
    code = capsys.readouterr().out.strip()
    assert code.isdigit() and len(code) == 8
    booking = stored(config, code)
    assert booking is not None
    assert (booking.category, booking.slot_start, booking.slot_end) == (
        "tax",
        datetime(2026, 11, 23, 10, 0, tzinfo=XIAN),
        datetime(2026, 11, 23, 10, 30, tzinfo=XIAN),
    )


def test_a_slot_at_night_is_refused_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    assert book(config, "2026-11-23 22:00", "2026-11-23 22:30") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "onewindow booking:" in captured.err and "opening" in captured.err
