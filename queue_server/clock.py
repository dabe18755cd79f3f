"""Injectable clocks, so that daily reset, closing time and weekends can be tested."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; tests and the demo's time travel use it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


# Test-only: a real `onewindow serve` process whose time a test moves. Never set in production;
# when the variable is absent the server runs on the SystemClock.
TEST_CLOCK_ENV = "ONEWINDOW_TEST_CLOCK"


class FileClock:
    """The instant written (ISO 8601, aware) in a file, re-read whenever the file changes.

    A test drives a server process's day with it: it writes the next instant to a temporary
    file and renames it over this one, so the server never reads half a write."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._seen: tuple[int, int, int] | None = None
        self._now = datetime.fromtimestamp(0, UTC)
        self.now()  # a missing or bad file fails at start-up, not at the first request

    def now(self) -> datetime:
        stat = self._path.stat()
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:
            instant = datetime.fromisoformat(self._path.read_text(encoding="utf-8").strip())
            if instant.tzinfo is None:
                raise ValueError(f"{self._path}: the test clock needs an aware instant")
            self._now, self._seen = instant.astimezone(UTC), seen
        return self._now


def clock_from_environment() -> Clock:
    """The SystemClock, unless a test named a clock file in ONEWINDOW_TEST_CLOCK."""
    path = os.environ.get(TEST_CLOCK_ENV)
    return FileClock(Path(path)) if path else SystemClock()
