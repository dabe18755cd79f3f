"""Request bodies of the ticketing routes, checked like the queue server's own."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from queue_server.api.schemas import AppointmentSlot, hall_values
from queue_server.ticketing.online import PHONE_PATTERN
from ticket_printer.messages import Language


def _category() -> Any:
    return Field(min_length=1, max_length=32, json_schema_extra=hall_values("categories"))


def _phone() -> Any:
    # Checked by `online.normalise_phone` (a worded 422 naming the phone); the document states the
    # very pattern it checks.
    return Field(min_length=1, max_length=32, json_schema_extra={"pattern": PHONE_PATTERN.pattern})


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KioskIssueBody(_Body):
    category: str = _category()
    # A kiosk offers the hall's priority classes; green channel and appointments are staff's (403).
    priority: str = Field(
        default="normal",
        min_length=1,
        max_length=32,
        json_schema_extra=hall_values("priority-classes", "normal"),
    )
    language: Language = "zh-CN"


class CheckInBody(_Body):
    """预约签到 by the booking code (typed, or scanned from its QR code) or by the phone the
    booking was made with: exactly one of them."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["code"]}, {"required": ["phone"]}]})

    # Absent, not null: the document's oneOf names the one that is given.
    code: Annotated[str, StringConstraints(pattern=r"^\d{4,16}$")] | SkipJsonSchema[None] = None
    phone: Annotated[str, StringConstraints(min_length=1, max_length=32)] | SkipJsonSchema[None] = Field(
        default=None, json_schema_extra={"pattern": PHONE_PATTERN.pattern}
    )
    language: Language = "zh-CN"


class ReprintBody(_Body):
    printer: str | None = Field(default=None, max_length=64)
    language: Language = "zh-CN"


class _Consent(_Body):
    """What a visitor giving their phone also says: whether they agree to be told of their turn,
    and in which language."""

    # true or false only (pydantic alone would also take 0, 1, "yes"...), as the document says.
    notify: StrictBool = Field(
        default=False,
        description="The visitor agrees to a message (SMS/WeChat) when a few are ahead and when called",
    )
    language: Language = Field(default="zh-CN", description="The messages' language")


class OnlineIssueBody(_Consent):
    category: str = _category()
    phone: str = _phone()


class BookingBody(_Consent):
    category: str = _category()
    slot: AppointmentSlot
    phone: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        description="The visitor's mobile number: required without a staff token (401 otherwise); "
        "a visitor's booking is one of the day's 30-minute slots, held to the hall's rules",
        json_schema_extra={"pattern": PHONE_PATTERN.pattern},
    )


class CancelBookingBody(_Body):
    phone: str = _phone()
