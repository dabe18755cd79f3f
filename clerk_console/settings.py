"""The [console] table of config.toml: rating reasons, pause limit, rating-device timeout.

Like the screens' [displays], the table lives in the server's config file, kept as read by the
server's reader and typed here once at start; every key has a default, so a hall that says
nothing gets sensible ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from displays.kit.messages import both
from queue_server.config import ConfigError, Settings
from queue_server.ratings import RatingReason

# A window paused longer than this raises an alert (a lunch break is the usual longest pause).
DEFAULT_PAUSE_LIMIT = timedelta(minutes=30)
# A device silent this long after it dropped is reported offline (screens reconnect in seconds).
DEFAULT_DEVICE_GRACE = timedelta(seconds=60)
# The rating device goes back to idle when the visitor walks away without rating.
DEFAULT_RATING_TIMEOUT_S = 60
_DEFAULT_REASONS = ("wait", "attitude", "unclear", "slow", "not_done", "other")


def _default_reasons() -> tuple[RatingReason, ...]:
    return tuple(
        RatingReason(code, both(f"reason.{code}")["zh-CN"], both(f"reason.{code}")["en"])
        for code in _DEFAULT_REASONS
    )


@dataclass(frozen=True)
class ConsoleSettings:
    rating_reasons: tuple[RatingReason, ...] = field(default_factory=_default_reasons)
    pause_limit: timedelta = DEFAULT_PAUSE_LIMIT
    device_grace: timedelta = DEFAULT_DEVICE_GRACE
    rating_timeout_s: int = DEFAULT_RATING_TIMEOUT_S

    def reason_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.rating_reasons)


def console_settings(settings: Settings) -> ConsoleSettings:
    """The [console] table of `settings`; defaults for every key it leaves out."""
    return parse_console_settings(dict(settings.section("console")), source=settings.source)


def parse_console_settings(raw: dict[str, Any], source: str = "<memory>") -> ConsoleSettings:
    defaults = ConsoleSettings()
    problems: list[str] = []

    def minutes_or_seconds(key: str, default: int) -> int:
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"console.{key}: expected a whole number of at least 1, got {value!r}")
            return default
        return value

    reasons = defaults.rating_reasons
    if "rating_reasons" in raw:
        reasons = _reasons(raw["rating_reasons"], problems)
    pause = minutes_or_seconds("pause_limit_minutes", int(DEFAULT_PAUSE_LIMIT.total_seconds() // 60))
    grace = minutes_or_seconds("device_grace_seconds", int(DEFAULT_DEVICE_GRACE.total_seconds()))
    timeout = minutes_or_seconds("rating_timeout_seconds", DEFAULT_RATING_TIMEOUT_S)
    if problems:
        raise ConfigError(source, problems)
    return ConsoleSettings(
        rating_reasons=reasons,
        pause_limit=timedelta(minutes=pause),
        device_grace=timedelta(seconds=grace),
        rating_timeout_s=timeout,
    )


def _reasons(value: Any, problems: list[str]) -> tuple[RatingReason, ...]:
    """[[console.rating_reasons]] tables with code, name and (optional) name_en."""
    if not isinstance(value, list) or not value:
        problems.append("console.rating_reasons: expected at least one {code, name} table")
        return ()
    reasons = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item.get(k) for k in ("code", "name")
        ):
            problems.append(f"console.rating_reasons[{i}]: needs code and name")
            continue
        name_en = item.get("name_en")
        reasons.append(
            RatingReason(item["code"], item["name"], name_en if isinstance(name_en, str) else item["name"])
        )
    return tuple(reasons)
