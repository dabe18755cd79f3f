"""The [outbound] table of config.toml: how webhook deliveries are paced, retried and given up.

Read like the other packages' tables ([console], [ticketing]): from the server's config file,
every key with a default, a bad value a ConfigError naming its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from queue_server.config import ConfigError, Settings


@dataclass(frozen=True)
class OutboundSettings:
    poll_s: float = 1.0  # how often the deliverer looks for new ledger events
    timeout_s: float = 10.0  # one POST's connect-and-answer limit
    retry_first_s: float = 5.0  # the wait after a first failure, doubled after each next one...
    retry_max_s: float = 900.0  # ...up to this
    give_up_after: timedelta = timedelta(hours=24)  # then the webhook is disabled, an alert raised


def outbound_settings(settings: Settings) -> OutboundSettings:
    """The [outbound] table of `settings` (typed once at start); defaults for what it leaves out."""
    return parse_outbound_settings(dict(settings.section("outbound")), source=settings.source)


def parse_outbound_settings(raw: dict[str, Any], source: str = "<memory>") -> OutboundSettings:
    defaults = OutboundSettings()
    problems: list[str] = []

    def seconds(key: str, default: float) -> float:
        value = raw.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            problems.append(f"outbound.{key}: expected a number of seconds above 0, got {value!r}")
            return default
        return float(value)

    poll = seconds("poll_seconds", defaults.poll_s)
    timeout = seconds("timeout_seconds", defaults.timeout_s)
    first = seconds("retry_first_seconds", defaults.retry_first_s)
    longest = seconds("retry_max_seconds", defaults.retry_max_s)
    give_up = seconds("give_up_hours", defaults.give_up_after.total_seconds() / 3600)
    if longest < first:
        problems.append(f"outbound.retry_max_seconds: must be at least retry_first_seconds ({first})")
    if problems:
        raise ConfigError(source, problems)
    return OutboundSettings(
        poll_s=poll,
        timeout_s=timeout,
        retry_first_s=first,
        retry_max_s=longest,
        give_up_after=timedelta(hours=give_up),
    )
