"""The [console] table of config.toml: pause limit, device grace, rating-device timeout.

Like the screens' [displays], the table lives in the server's config file, kept as read by the
server's reader and typed here once at start; every key has a default, so a hall that says
nothing gets sensible ones. Its `rating_reasons` and `pause_reasons` only seed the halls'
settings that leave them out (queue_server.config): each hall's are its own, changed live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from queue_server.config import ConfigError, Settings

# A window paused longer than this raises an alert (a lunch break is the usual longest pause).
DEFAULT_PAUSE_LIMIT = timedelta(minutes=30)
# A device silent this long after it dropped is reported offline (screens reconnect in seconds).
DEFAULT_DEVICE_GRACE = timedelta(seconds=60)
# The rating device goes back to idle when the visitor walks away without rating.
DEFAULT_RATING_TIMEOUT_S = 60


@dataclass(frozen=True)
class ConsoleSettings:
    pause_limit: timedelta = DEFAULT_PAUSE_LIMIT
    device_grace: timedelta = DEFAULT_DEVICE_GRACE
    rating_timeout_s: int = DEFAULT_RATING_TIMEOUT_S


def console_settings(settings: Settings) -> ConsoleSettings:
    """The [console] table of `settings`; defaults for every key it leaves out."""
    return parse_console_settings(dict(settings.section("console")), source=settings.source)


def parse_console_settings(raw: dict[str, Any], source: str = "<memory>") -> ConsoleSettings:
    problems: list[str] = []

    def minutes_or_seconds(key: str, default: int) -> int:
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"console.{key}: expected a whole number of at least 1, got {value!r}")
            return default
        return value

    pause = minutes_or_seconds("pause_limit_minutes", int(DEFAULT_PAUSE_LIMIT.total_seconds() // 60))
    grace = minutes_or_seconds("device_grace_seconds", int(DEFAULT_DEVICE_GRACE.total_seconds()))
    timeout = minutes_or_seconds("rating_timeout_seconds", DEFAULT_RATING_TIMEOUT_S)
    if problems:
        raise ConfigError(source, problems)
    return ConsoleSettings(
        pause_limit=timedelta(minutes=pause),
        device_grace=timedelta(seconds=grace),
        rating_timeout_s=timeout,
    )
