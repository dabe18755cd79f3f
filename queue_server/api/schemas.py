"""Request bodies, validated with pydantic; their JSON Schemas also feed the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IssueTicketBody(_Body):
    category: str = Field(min_length=1, max_length=32, description="Category code, e.g. business")
    priority: str = Field(
        default="normal",
        max_length=32,
        description="normal, green, appointment or a priority class",
    )
    channel: Literal["kiosk", "online", "counter", "appointment"] | None = Field(
        default=None, description="Staff only; a kiosk always issues as kiosk, staff default to counter"
    )
    appointment_start: datetime | None = None
    appointment_end: datetime | None = None

    @model_validator(mode="after")
    def _slot_is_a_slot(self) -> IssueTicketBody:
        start, end = self.appointment_start, self.appointment_end
        if (start is None) != (end is None):
            raise ValueError("appointment_start and appointment_end go together")
        if start is not None and end is not None:
            if start.tzinfo is None or end.tzinfo is None:
                raise ValueError("appointment times need a time zone offset")
            if end <= start:
                raise ValueError("appointment_end must be after appointment_start")
        return self


class WindowActionBody(_Body):
    number: str | None = Field(
        default=None, max_length=16, description="For call: the number to call, e.g. A012"
    )
    ticket: str | None = Field(
        default=None, max_length=40, description="For call-back: held ticket id or number"
    )
    to_category: str | None = Field(default=None, max_length=32, description="For transfer")
    to_window: int | None = Field(default=None, ge=1, description="For transfer")
    reason: str | None = Field(
        default=None, max_length=200, description="For pause: lunch, meeting, system fault..."
    )
    categories: list[str] | None = Field(default=None, description="For set-services; null = every category")


class LoginBody(_Body):
    # A password is taken exactly as typed: spaces around it are part of it.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
