"""Logging under `onewindow serve`: the application's loggers and uvicorn's on one stream
(standard error), plain lines or JSON lines, with every token taken out.

Tokens travel where loggers see them: screens and consoles put their bearer token in the
WebSocket URL (`?token=`, browsers cannot set headers on a WebSocket), which uvicorn logs on
every connection; a visitor's tracking link carries its ticket's token in the path (`/t/...`).
The filter below sits on the one handler, so every record, whoever logged it, is cleaned
before it is written.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Final

from queue_server.config import LoggingSettings

REDACTED: Final = "***"
_SECRETS: Final = (
    # ?token=... and &token=... in any logged URL (WebSocket handshakes, page links)
    (re.compile(r"([?&](?:access_)?token=)[^&\s\"']+"), rf"\g<1>{REDACTED}"),
    # a visitor's tracking link /t/<ticket token>[/qr.svg|/ws]
    (re.compile(r"(/t/)[A-Za-z0-9_-]{8,}"), rf"\g<1>{REDACTED}"),
    # device (owd_) and account (owu_) tokens wherever they appear, and Authorization values
    (re.compile(r"\b(ow[du]_)[A-Za-z0-9_.-]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(?i)\b(bearer\s+)[^\s\"']+"), rf"\g<1>{REDACTED}"),
)


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactTokens(logging.Filter):
    """Rewrites a record's message (and its traceback) without the tokens in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info:
            # Formatted here, so that no formatter formats the raw exception again.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class UtcFormatter(logging.Formatter):
    """Plain lines with UTC times, like the store's."""

    def converter(self, seconds: float | None) -> time.struct_time:
        return time.gmtime(seconds)

    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


PLAIN_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_config(settings: LoggingSettings) -> dict[str, Any]:
    """A `logging.config.dictConfig` document, handed to uvicorn (which applies it in every
    worker process too)."""
    level = settings.level.upper()
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # UTC, ISO 8601
            "json_ensure_ascii": False,  # zh-CN text stays readable
        }
        if settings.format == "json"
        else {"()": "queue_server.ops.logs.UtcFormatter", "fmt": PLAIN_FORMAT}
    )
    # uvicorn's own loggers hand their records to the root logger's one handler.
    uvicorn_loggers = {
        name: {"level": level, "handlers": [], "propagate": True}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact_tokens": {"()": "queue_server.ops.logs.RedactTokens"}},
        "formatters": {"line": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "line",
                "filters": ["redact_tokens"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": uvicorn_loggers,
    }
