"""Request bodies of the webhook routes."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from queue_server.domain.events import EventType

URL_MAX_CHARS = 2000


class WebhookBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(min_length=1, max_length=URL_MAX_CHARS, description="http:// or https:// URL")
    events: list[EventType] = Field(
        min_length=1,
        description="Ledger event types to deliver, e.g. ticket.issued, ticket.called, "
        "ticket.finished, ticket.rated, window.paused, window.resumed, hall.alert",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("an http:// or https:// URL with a host")
        return value
