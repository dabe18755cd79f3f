"""The [outbound] table of config.toml: how webhook deliveries are paced, retried and given up,
and [outbound.notifier]: the hall's SMS/WeChat gateway for visitor notifications (off by default).

Read like the other packages' tables ([console], [ticketing]): from the server's config file,
every key with a default, a bad value a ConfigError naming its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from queue_server.config import ConfigError, Settings
from queue_server.messages import LANGUAGES, MESSAGES

# The placeholders a template may use (docs/NOTIFICATIONS.md).
TEMPLATE_FIELDS = {"hall": "未央区政务服务中心", "number": "A001", "ahead": 3, "window": 3}
NOTICE_KINDS = ("ahead", "called")


def _default_templates() -> dict[str, dict[str, str]]:
    return {kind: dict(MESSAGES[f"notify.{kind}"]) for kind in NOTICE_KINDS}


@dataclass(frozen=True)
class NotifierSettings:
    enabled: bool = False
    url: str = ""  # the gateway's webhook
    secret: str = ""  # signs each request like a webhook delivery (none: unsigned)
    ahead: int = 3  # "3 ahead": sent once when this many or fewer are ahead
    poll_s: float = 2.0
    # kind (ahead | called) -> language -> template
    templates: dict[str, dict[str, str]] = field(default_factory=_default_templates)


@dataclass(frozen=True)
class OutboundSettings:
    poll_s: float = 1.0  # how often the deliverer looks for new ledger events
    timeout_s: float = 10.0  # one POST's connect-and-answer limit
    retry_first_s: float = 5.0  # the wait after a first failure, doubled after each next one...
    retry_max_s: float = 900.0  # ...up to this
    give_up_after: timedelta = timedelta(hours=24)  # then the webhook is disabled, an alert raised
    alert_poll_s: float = 10.0  # how often the hall's alerts are looked for (queue_server/ops/alerts.py)
    delivery_log: timedelta = timedelta(days=30)  # attempts older than this leave the log, daily
    notifier: NotifierSettings = field(default_factory=NotifierSettings)


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
    alert_poll = seconds("alert_poll_seconds", defaults.alert_poll_s)
    log_days = raw.get("delivery_log_days", defaults.delivery_log.days)
    if not isinstance(log_days, int) or isinstance(log_days, bool) or log_days < 1:
        problems.append(
            f"outbound.delivery_log_days: expected a whole number of days, at least 1, got {log_days!r}"
        )
        log_days = defaults.delivery_log.days
    if longest < first:
        problems.append(f"outbound.retry_max_seconds: must be at least retry_first_seconds ({first})")
    notifier = _notifier(raw.get("notifier", {}), problems)
    if problems:
        raise ConfigError(source, problems)
    return OutboundSettings(
        poll_s=poll,
        timeout_s=timeout,
        retry_first_s=first,
        retry_max_s=longest,
        give_up_after=timedelta(hours=give_up),
        alert_poll_s=alert_poll,
        delivery_log=timedelta(days=log_days),
        notifier=notifier,
    )


def _notifier(raw: Any, problems: list[str]) -> NotifierSettings:
    """[outbound.notifier]: enabled, url, secret, ahead, poll_seconds and templates per kind
    and language ([outbound.notifier.templates] ahead = "...", ahead_en = "...", ...)."""
    defaults = NotifierSettings()
    if not isinstance(raw, dict):
        problems.append("outbound.notifier: expected a table")
        return defaults
    enabled = raw.get("enabled", False)
    if not isinstance(enabled, bool):
        problems.append(f"outbound.notifier.enabled: expected true or false, got {enabled!r}")
        enabled = False
    url = raw.get("url", "")
    parts = urlsplit(url) if isinstance(url, str) else None
    if enabled and (parts is None or parts.scheme not in ("http", "https") or not parts.hostname):
        problems.append(f"outbound.notifier.url: the gateway's http:// or https:// URL, got {url!r}")
    secret = raw.get("secret", "")
    if not isinstance(secret, str):
        problems.append("outbound.notifier.secret: expected a string")
        secret = ""
    ahead = raw.get("ahead", defaults.ahead)
    if not isinstance(ahead, int) or isinstance(ahead, bool) or ahead < 1:
        problems.append(f"outbound.notifier.ahead: expected a whole number of at least 1, got {ahead!r}")
        ahead = defaults.ahead
    poll = raw.get("poll_seconds", defaults.poll_s)
    if not isinstance(poll, int | float) or isinstance(poll, bool) or poll <= 0:
        problems.append(f"outbound.notifier.poll_seconds: expected seconds above 0, got {poll!r}")
        poll = defaults.poll_s
    return NotifierSettings(
        enabled=enabled,
        url=url if isinstance(url, str) else "",
        secret=secret,
        ahead=ahead,
        poll_s=float(poll),
        templates=_templates(raw.get("templates", {}), problems),
    )


def _templates(raw: Any, problems: list[str]) -> dict[str, dict[str, str]]:
    templates = _default_templates()
    if not isinstance(raw, dict):
        problems.append("outbound.notifier.templates: expected a table")
        return templates
    for kind in NOTICE_KINDS:
        for language in LANGUAGES:
            key = kind if language == "zh-CN" else f"{kind}_en"
            if key not in raw:
                continue
            text = raw[key]
            try:
                if not isinstance(text, str) or not text.strip():
                    raise ValueError("expected a text")
                text.format(**TEMPLATE_FIELDS)
            except (KeyError, IndexError, ValueError) as exc:
                problems.append(
                    f"outbound.notifier.templates.{key}: {exc} "
                    f"(placeholders: {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)})"
                )
                continue
            templates[kind][language] = text
    return templates
