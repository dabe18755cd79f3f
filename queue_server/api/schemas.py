"""Request bodies, validated with pydantic; their JSON Schemas also feed the OpenAPI document."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
)

# A schema naming one of the configuration's lists ({HALL_VALUES: "categories"}): the document
# built from the settings lists the configured values as its enum (`openapi.build_document`).
HALL_VALUES: Final = "x-hall-values"

# An appointment slot is at most this long; the model refuses a longer one.
APPOINTMENT_MAX_MINUTES: Final = 600


def hall_values(kind: str, *fixed: str) -> dict[str, Any]:
    """json_schema_extra for a field taking one of the configured values (and these fixed ones)."""
    extra: dict[str, Any] = {HALL_VALUES: kind}
    if fixed:
        extra["enum"] = list(fixed)
    return extra


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# RFC 3339 with its offset, in the years a hall books for: the one form taken (pydantic alone
# would also take a number of seconds, or a time without its offset).
DATE_TIME_PATTERN: Final = (
    r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
)


def _rfc3339(value: object) -> datetime:
    if not isinstance(value, str) or re.fullmatch(DATE_TIME_PATTERN, value) is None:
        raise ValueError("a date and time with its offset, e.g. 2026-11-23T10:30:00+08:00")
    return datetime.fromisoformat(value)


DateTime = Annotated[
    datetime,
    PlainValidator(_rfc3339, json_schema_input_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}),
]


class AppointmentSlot(_Body):
    """The booked slot: it starts at `start` (with its offset) and lasts `minutes`, so that a
    slot the schema admits is a slot (one that ends before it starts cannot be written)."""

    start: DateTime
    minutes: int = Field(ge=1, le=APPOINTMENT_MAX_MINUTES)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


class IssueTicketBody(_Body):
    model_config = ConfigDict(
        json_schema_extra={
            # An appointment ticket needs its slot.
            "if": {"properties": {"priority": {"const": "appointment"}}, "required": ["priority"]},
            "then": {"properties": {"appointment": {"type": "object"}}, "required": ["appointment"]},
        }
    )

    category: str = Field(
        min_length=1,
        max_length=32,
        description="Category code, e.g. business",
        json_schema_extra=hall_values("categories"),
    )
    priority: str = Field(
        default="normal",
        max_length=32,
        description="normal, green, appointment or a priority class",
        json_schema_extra=hall_values("priority-classes", "normal", "green", "appointment"),
    )
    channel: Literal["kiosk", "online", "counter", "appointment"] | None = Field(
        default=None, description="Staff only; a kiosk always issues as kiosk, staff default to counter"
    )
    appointment: AppointmentSlot | None = Field(default=None, description="The slot of an appointment ticket")


class TransferTarget(_Body):
    """转移: exactly one of a category and a window (the hall refuses anything else in words,
    `HallState.transfer`; the schema says it as oneOf)."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"properties": {"to_category": {"type": "string"}}, "required": ["to_category"]},
                {"properties": {"to_window": {"type": "integer"}}, "required": ["to_window"]},
            ]
        }
    )

    to_category: str | None = Field(default=None, max_length=32, json_schema_extra=hall_values("categories"))
    to_window: int | None = Field(default=None, ge=1, json_schema_extra=hall_values("windows"))


class WindowActionBody(_Body):
    number: str | None = Field(
        default=None, max_length=16, description="For call: the number to call, e.g. A012"
    )
    ticket: str | None = Field(
        default=None, max_length=40, description="For call-back: held ticket id or number"
    )
    reason: str | None = Field(
        default=None, max_length=200, description="For pause: lunch, meeting, system fault..."
    )
    categories: list[str] | None = Field(
        default=None,
        description="For set-services; null = every category",
        json_schema_extra=hall_values("categories"),
    )


class LoginBody(_Body):
    # A password is taken exactly as typed: spaces around it are part of it.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


DEVICE_NAME = r"^[A-Za-z0-9_.\-]+$"


class NewDeviceBody(_Body):
    # Only a screen is bound to a window (refused with a worded message otherwise).
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "if": {"properties": {"kind": {"enum": ["kiosk", "printer"]}}, "required": ["kind"]},
            "then": {"properties": {"window": {"type": "null"}}},
        },
    )

    name: str = Field(min_length=1, max_length=64, pattern=DEVICE_NAME)
    kind: Literal["screen", "kiosk", "printer"]
    window: int | None = Field(
        default=None,
        description="A screen bound to a window is that window's rating device (评价器)",
        json_schema_extra=hall_values("windows"),
    )


class DeviceNameBody(_Body):
    name: str = Field(min_length=1, max_length=64, pattern=DEVICE_NAME)
