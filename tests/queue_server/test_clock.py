"""The test-only file clock a served process can be given (ONEWINDOW_TEST_CLOCK)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from queue_server.clock import TEST_CLOCK_ENV, FileClock, SystemClock, clock_from_environment


def _write(path: Path, text: str) -> None:
    part = path.with_suffix(".part")
    part.write_text(text, encoding="utf-8")
    part.replace(path)


def test_the_file_clock_follows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "clock.txt"
    _write(path, "2026-11-24T09:00:00+08:00")
    clock = FileClock(path)
    assert clock.now() == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    _write(path, "2026-11-25T08:58:00+08:00")
    assert clock.now() == datetime(2026, 11, 25, 0, 58, tzinfo=UTC)


def test_a_naive_or_missing_instant_fails_at_start(tmp_path: Path) -> None:
    path = tmp_path / "clock.txt"
    _write(path, "2026-11-24T09:00:00")
    with pytest.raises(ValueError, match="aware"):
        FileClock(path)
    with pytest.raises(FileNotFoundError):
        FileClock(tmp_path / "absent.txt")


def test_without_the_variable_the_server_runs_on_the_system_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TEST_CLOCK_ENV, raising=False)
    assert isinstance(clock_from_environment(), SystemClock)
    path = tmp_path / "clock.txt"
    _write(path, "2026-11-24T09:00:00+08:00")
    monkeypatch.setenv(TEST_CLOCK_ENV, str(path))
    assert clock_from_environment().now() == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
