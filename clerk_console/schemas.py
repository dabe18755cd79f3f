"""Request bodies of the console's own endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from queue_server.domain.hall import HallState
from queue_server.ratings import COMMENT_MAX_CHARS


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RatingBody(_Body):
    # Refused outside 1 … 5 by the rating rules with a worded message; the document states the range.
    level: int = Field(
        json_schema_extra={"minimum": 1, "maximum": 5},
        description="5 非常满意 · 4 满意 · 3 基本满意 · 2 不满意 · 1 非常不满意",
    )
    reason: str | None = Field(default=None, max_length=64, description="A configured reason code")
    comment: str | None = Field(default=None, max_length=COMMENT_MAX_CHARS)


class TransferBody(_Body):
    to_category: str | None = Field(default=None, max_length=32)
    to_window: int | None = Field(default=None, ge=1)


class PrioritiseBody(_Body):
    priority: str = Field(min_length=1, max_length=32)


class NoticeBody(_Body):
    # Longer texts are refused by the domain with a worded message, not by the model; the
    # document states the domain's limit.
    text: str = Field(max_length=2000, json_schema_extra={"maxLength": HallState.NOTICE_MAX_CHARS})


class NewUserBody(_Body):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    role: Literal["clerk", "supervisor", "admin"]
    hall: str | None = Field(default=None, max_length=32)
    password: str = Field(min_length=1, max_length=256)
